"""Notes, the convener's summary and the archive key, end to end in Chromium.

A convener plans the scenario's three days (with an off-the-record and a no-notes item), lists
its participants and registers an archive key made in the browser. A participant of each side
(Arabic, French) is let in, then a rapporteur through a team seat: each new epoch carries the archive wrap. The rapporteur
types the scenario's notes and a Persian one into the notes page, edits and deletes one, finds no
form under the no-notes item and, under the off-the-record item, only the team's form: that note
is sealed under the team key in the team channel, which the convener reads marked team-only and
the participant's page never asks for nor shows, and no bundle or export holds. A facilitator on
the Python client slips notes under those two items anyway. The convener reviews the summary in the browser,
decides every finding, has both sides approve it and exports Markdown and JSON: no roster name, affiliation or handle, no
off-the-record text, times cut to the day, and the manifest of the command-line export. Both
pages are checked with axe-core, in Arabic (right to left) and on a phone-sized screen. A second
test registers a key made offline and exports the browser's bundle on the command line.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from facilitator import td2
from facilitator.client.client import team_channel_id
from facilitator.export.bundle import open_bundle
from facilitator.export.render import canonical_json
from tests.browser.test_workspace import (
    WAIT,
    Watch,
    add_agenda,
    axe_violations,
    create_dialogue,
    knock_fingerprint,
    let_in,
    open_editor,
    participant_joins,
    planned_day,
    sign_in,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = json.loads((ROOT / "tests" / "scenarios" / "vell-water-dialogue.json").read_text())
PERSIAN_NOTE = "پرستو رضایی گفت که زنان دلتا زودتر از همه کمبود آب را حس کردند."
FRENCH_TRANSLATION = (
    "Agreement in principle on a joint site visit in March, subject to both councils' approval."
)
OFF_RECORD_NOTE = "CANARY-OFF-RECORD: the delegation admitted the figures were political."
NO_NOTES_NOTE = "CANARY-NO-NOTES: this should never have been written."
TEAM_NOTE = "CANARY-TEAM-NOTE: the ministry will not sign before the elections."
TEAM_ONLY = "Off the record — team only, never exported"
OFF_RECORD_ITEM = "Fears and needs, without rebuttal"
NO_NOTES_ITEM = "Side caucuses"
FREE_TEXT = (
    "Yusuf Al-Mansour and the Lower Vell Irrigation Board agreed to share the gauge logs "
    "before the site visit near the Kessa bridge. Layla Nasser and Umm Sami will lead it."
)
# Found by the anonymiser: "Layla Nasser" is the roster's "ليلى ناصر" in another script, "Umm
# Sami" her alias, typed in the invitation form.
TRANSLITERATED, ALIAS = "Layla Nasser", "Umm Sami"


@pytest.fixture
def origin(live_app):  # type: ignore[no-untyped-def]
    return live_app.config["LIVE_ORIGIN"]


def new_context(browser: Any, **options: Any) -> Any:
    """A browser context whose favicon is answered locally: this test navigates quickly, and a
    favicon download cut short by a navigation leaves the test server's file handle to the
    garbage collector (a ResourceWarning, which the test suite treats as an error)."""
    context = browser.new_context(**options)
    context.route(re.compile(r"/favicon\.svg$"), lambda route: route.fulfill(status=204, body=""))
    return context


def plan() -> list[dict[str, Any]]:
    """The scenario's sessions in the shape add_agenda types them, day by day from tomorrow."""
    return [
        {
            "title": session["title"],
            "starts": f"{planned_day(number)}T{session['starts'][11:16]}",
            "ends": f"{planned_day(number)}T{session['ends'][11:16]}",
            "agenda": [
                {
                    "en": item["title"]["en"],
                    "ar": item["title"]["ar"],
                    "phase": item["phase"],
                    "minutes": item["minutes"],
                    "confidentiality": item["confidentiality"],
                }
                for item in session["agenda"]
            ],
        }
        for number, session in enumerate(SCENARIO["sessions"])
    ]


def list_participants(page: Any) -> tuple[str, str]:
    """An invitation (and so a person document) per scenario participant; returns the links of
    the Arabic-speaking participant (Upper Vell) and the French-speaking one (Lower Vell), who
    will join and approve the summary for their sides."""
    joining = ""
    second = ""
    for count, person in enumerate(SCENARIO["participants"], start=1):
        open_editor(page, "invite")
        page.fill("#invite-name", person["display_name"])
        page.fill("#invite-side", person["side"])
        page.fill("#invite-affiliation", person["affiliation"])
        page.select_option("#invite-language", person["language"])
        page.select_option("#invite-attendance", person["attendance"])
        page.select_option("#invite-role", person.get("role", "participant"))
        if person["display_name"] == "ليلى ناصر":
            page.fill("#invite-aliases", f"{ALIAS}، أم سامي")
        page.click("#participant-invite button[type=submit]")
        expect(page.locator("#invitation-list > li")).to_have_count(count, timeout=WAIT)
        if person["display_name"] == "ليلى ناصر":
            joining = page.locator("#invite-link").inner_text()
        if person["display_name"] == "Marie-Claire Ndiaye":
            second = page.locator("#invite-link").inner_text()
    return joining, second


def approve_summary(page: Any, origin: str, dialogue_id: str) -> None:
    """A participant designated to approve follows the home page's link and approves."""
    page.goto(f"{origin}/p/{dialogue_id}")
    expect(page.locator("#approve-link")).to_be_visible(timeout=3 * WAIT)
    page.click("#approve-link")
    expect(page.locator("#to-approve")).to_be_visible(timeout=WAIT)
    page.click("#answer-send")
    expect(page.locator("#answer-sent")).to_be_visible(timeout=WAIT)


def item_on(page: Any, title: str) -> Any:
    return page.locator("li.note-item", has=page.locator("h3", has_text=title))


# Where a list item's text starts against its start edge, and the room the list leaves there for
# the bullet (the marker itself has no box to measure).
BULLET_ROOM = """(li) => {
  const rtl = getComputedStyle(li).direction === "rtl";
  const text = document.createRange();
  text.selectNodeContents(li.querySelector("p"));
  const box = li.getBoundingClientRect();
  const line = text.getClientRects()[0];
  const list = li.parentElement.getBoundingClientRect();
  return {
    direction: rtl ? "rtl" : "ltr",
    text_to_item: rtl ? box.right - line.right : line.left - box.left,
    room: rtl ? list.right - box.right : box.left - list.left,
  };
}"""


def add_note(page: Any, title: str, kind: str, text: str, lang: str,
             translation: tuple[str, str] | None = None) -> None:
    item = item_on(page, title)
    before = item.locator("li.note").count()
    editor = item.locator("details.note-editor")
    if editor.get_attribute("open") is None:
        editor.locator("summary").click()
    editor.locator("select[name=kind]").select_option(kind)
    editor.locator("textarea[name=text]").fill(text)
    editor.locator("select[name=lang]").select_option(lang)
    if translation:
        editor.locator("textarea[name=translation]").fill(translation[0])
        editor.locator("select[name=translation_lang]").select_option(translation[1])
    editor.locator("button[type=submit]").click()
    expect(item.locator("li.note")).to_have_count(before + 1, timeout=WAIT)


def download(page: Any, button: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(button)
    saved = info.value
    return saved.suggested_filename, Path(saved.path()).read_bytes()


def no_horizontal_overflow(page: Any) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"


def switch_locale(page: Any, tag: str) -> None:
    page.select_option("#locale-select", tag)
    page.click(".locale-switcher button[type=submit]")
    page.wait_for_load_state()


def bundle_of(page: Any, dialogue_id: str) -> dict[str, Any]:
    return dict(page.evaluate(
        "async (id) => (await fetch(`/api/v1/dialogues/${id}/export`)).json()", dialogue_id
    ))


def test_notes_summary_and_archive_key_in_the_browser(
    browser, origin, live_app, make_member, artifacts
):
    from facilitator.client import DialogueClient, HttpTransport

    watch = Watch()
    convener = make_member("convener", username="samira")
    rapporteur_account = make_member("rapporteur", username="dariush")
    facilitator_account = make_member("facilitator", username="oleksandr")
    context = new_context(
        browser, locale="en-GB", timezone_id="Europe/London", accept_downloads=True
    )
    page = watch.page(context)
    sign_in(page, origin, convener)
    dialogue_id = create_dialogue(page, origin, name="Samira Haddad-Lund")
    add_agenda(page, plan=plan())
    joining_link, second_link = list_participants(page)
    expect(page.locator("#notes-link")).to_be_visible()
    expect(page.locator("#summary-link")).to_be_visible()

    # The archive key, made in this browser: a key file downloaded, its passphrase shown once.
    page.click("#summary-link")
    page.wait_for_url(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(page.locator("#summary-content")).to_be_visible(timeout=WAIT)
    expect(page.locator("#archive-current")).to_contain_text("No archive key")
    page.locator("#archive-make summary").click()
    key_name, key_file = download(page, "#archive-generate")
    assert key_name.endswith(".key")
    passphrase = page.locator("#archive-passphrase").inner_text()
    assert re.fullmatch(r"[0-9a-z]{4}(-[0-9a-z]{4}){5}", passphrase)
    made_fingerprint = page.locator("#archive-made-fingerprint").inner_text()
    expect(page.locator("#archive-register-made")).to_be_disabled()
    page.check("#archive-saved")
    page.click("#archive-register-made")
    expect(page.locator("#archive-fingerprint")).to_have_text(made_fingerprint, timeout=WAIT)
    expect(page.locator("#archive-passphrase")).to_have_text("")
    archive_private = td2.pkcs8_to_private(td2.open_key_file(key_file, passphrase))[1]
    assert td2.fingerprint(td2.x25519_public_from_private(archive_private)) == made_fingerprint

    # A participant (Arabic) is let in: the first epoch cut after the key carries its wrap.
    page.goto(f"{origin}/dialogues/{dialogue_id}")
    expect(page.locator("#panels")).to_be_visible(timeout=WAIT)
    participant_context = new_context(browser, locale="ar", timezone_id="Asia/Amman")
    participant_page, participant_fp = participant_joins(
        participant_context, watch, joining_link, origin
    )
    assert knock_fingerprint(page) == participant_fp
    let_in(page)
    participant_page.wait_for_url(f"{origin}/p/{dialogue_id}", timeout=WAIT)
    expect(participant_page.locator("#dialogue-title")).to_have_text(
        SCENARIO["dialogue"]["title"]["ar"], timeout=WAIT
    )
    expect(participant_page.locator("#notes-link-row")).to_be_hidden()
    # A participant of the other side (French) too: each side approves the summary before export.
    second_page, second_fp = participant_joins(
        new_context(browser, locale="fr", timezone_id="Europe/Paris"), watch, second_link, origin
    )
    assert knock_fingerprint(page) == second_fp
    let_in(page)
    second_page.wait_for_url(f"{origin}/p/{dialogue_id}", timeout=WAIT)

    # The rapporteur takes the seat and is let in (the next epoch).
    open_editor(page, "seat")
    page.fill("#seat-username", "dariush")
    page.select_option("#seat-role", "rapporteur")
    page.fill("#seat-name", "Dariush Farahani")
    page.fill("#seat-languages", "fa, en")
    page.click("#seat-form button[type=submit]")
    expect(page.locator("#invitation-list")).to_contain_text("team seat", timeout=WAIT)
    rapporteur_context = new_context(browser, locale="en-GB", timezone_id="Asia/Amman")
    rapporteur = watch.page(rapporteur_context)
    sign_in(rapporteur, origin, rapporteur_account)
    rapporteur.goto(origin + "/dialogues")
    rapporteur.locator("#seat-list button").click()
    seat_fp = rapporteur.locator("[data-seat-fingerprint]")
    expect(seat_fp).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"), timeout=WAIT)
    assert knock_fingerprint(page) == seat_fp.inner_text()
    let_in(page)
    dialogue_link = rapporteur.locator(f'#dialogue-list a[href="/dialogues/{dialogue_id}"]')
    expect(dialogue_link).to_be_visible(timeout=WAIT)

    # The rapporteur's notes page: the scenario's notes, and a Persian one, typed in.
    rapporteur.goto(f"{origin}/dialogues/{dialogue_id}/notes")
    expect(rapporteur.locator("#notes-content")).to_be_visible(timeout=WAIT)
    expect(rapporteur.locator("li.note-item")).to_have_count(7)
    no_notes = item_on(rapporteur, NO_NOTES_ITEM)
    expect(no_notes.locator(".rule-explanation")).to_contain_text("No notes are taken")
    assert no_notes.locator("form, textarea, details.note-editor").count() == 0
    # Off the record: only the team's form, whose note goes to the team channel.
    off_record = item_on(rapporteur, OFF_RECORD_ITEM)
    expect(off_record.locator(".rule-explanation")).to_contain_text("not taken in the notes channel")
    expect(off_record.locator(".rule-explanation")).to_contain_text("team channel")
    expect(off_record.locator('details.note-editor[data-team="true"]')).to_have_count(1)
    expect(off_record.locator("details.note-editor form")).to_contain_text(TEAM_ONLY)
    add_note(rapporteur, OFF_RECORD_ITEM, "point", TEAM_NOTE, "en")
    expect(off_record.locator("li.note.team-note")).to_contain_text(TEAM_NOTE)
    expect(off_record.locator("li.note.team-note .badge.team-only")).to_have_text(TEAM_ONLY)
    for note in SCENARIO["notes"]:
        translation = (FRENCH_TRANSLATION, "en") if note["lang"] == "fr" else None
        add_note(rapporteur, note["agenda_item"], note["kind"], note["text"], note["lang"],
                 translation)
    add_note(rapporteur, "Mapping the 2019 dam release crisis", "point", PERSIAN_NOTE, "fa")
    persian = rapporteur.locator("li.note p", has_text=PERSIAN_NOTE)
    expect(persian).to_have_attribute("lang", "fa")
    expect(persian).to_have_attribute("dir", "auto")
    assert persian.evaluate("(p) => getComputedStyle(p).direction") == "rtl"
    # Notes are grouped by kind; a translation is shown beside its note.
    mapping = item_on(rapporteur, "Mapping the 2019 dam release crisis")
    expect(mapping.locator(".kind-group h4")).to_have_text(["Points made", "Disagreements"])
    with_translation = rapporteur.locator("li.note", has_text=FRENCH_TRANSLATION)
    original_box = with_translation.locator(".note-text").first.bounding_box()
    translated_box = with_translation.locator(".note-text.translation").bounding_box()
    assert original_box["x"] < translated_box["x"], "side by side, the note first (LTR)"
    assert abs(original_box["y"] - translated_box["y"]) < 2
    # Edit one note (same id, new text), add one and delete it.
    monitoring = item_on(rapporteur, "Exploring a joint monitoring station")
    idea = monitoring.locator("li.note", has_text="jointly staffed gauge")
    note_id = idea.get_attribute("data-note-id")
    idea.locator("button[data-action=edit]").click()
    text_field = monitoring.locator("textarea[name=text]")
    expect(text_field).to_be_focused()
    text_field.fill(text_field.input_value() + " Costs shared equally.")
    monitoring.locator("button[type=submit]").click()
    edited = monitoring.locator(f'li.note[data-note-id="{note_id}"]')
    expect(edited).to_contain_text("Costs shared equally.", timeout=WAIT)
    expect(monitoring.locator("li.note")).to_have_count(2)
    add_note(rapporteur, "What we take back home", "question", "Who convenes round 4?", "en")
    rapporteur.once("dialog", lambda dialog: dialog.accept())
    item_on(rapporteur, "What we take back home").locator("button[data-action=delete]").click()
    expect(item_on(rapporteur, "What we take back home").locator("li.note")).to_have_count(
        0, timeout=WAIT
    )
    assert axe_violations(rapporteur, origin) == []
    rapporteur.screenshot(path=str(artifacts / "notes-en.png"), full_page=True)

    # A facilitator on the Python client writes notes under the two items that take none.
    open_editor(page, "seat")
    page.fill("#seat-username", "oleksandr")
    page.select_option("#seat-role", "facilitator")
    page.fill("#seat-name", "Oleksandr Petrenko")
    page.click("#seat-form button[type=submit]")
    expect(page.locator("#invitation-list")).to_contain_text("team seat", timeout=WAIT)
    client = DialogueClient(HttpTransport(origin))
    client.sign_in(
        facilitator_account.username, facilitator_account.password,
        facilitator_account.totp_secret,
    )
    (seat,) = client.call("GET", "/api/v1/team-seats")
    knock = client.knock(seat["invite_id"])
    assert knock_fingerprint(page) == knock["fingerprint"]
    let_in(page)
    items = {
        d["title"]["en"]: d["id"] for d in client.read_meta(dialogue_id)
        if d["type"] == "agenda_item"
    }
    for title, text in ((OFF_RECORD_ITEM, OFF_RECORD_NOTE), (NO_NOTES_ITEM, NO_NOTES_NOTE)):
        client.write_note(dialogue_id, {
            "id": td2.b64u_encode(td2.random_id()), "item": items[title], "kind": "point",
            "text": text, "lang": "en", "at": "2026-12-07T15:12:44+03:00",
        })

    # Every epoch, from the genesis on, is wrapped to the archive key. The team channel's note
    # is not in the bundle, which therefore opens whole with the archive key.
    bundle = bundle_of(page, dialogue_id)
    assert len(bundle["epochs"]) == 5
    assert [w["epoch"] for w in bundle["archive_wraps"]] == [0, 1, 2, 3, 4]
    team_channel = td2.b64u_encode(team_channel_id(td2.b64u_decode(dialogue_id)))
    assert all(e["channel_id"] != team_channel for e in bundle["envelopes"])
    opened = open_bundle(bundle, archive_private)
    assert PERSIAN_NOTE in {n["text"] for n in opened.notes}
    assert TEAM_NOTE not in {n["text"] for n in opened.notes}

    # The convener lets participants take notes; the participant's home links to the page.
    page.goto(f"{origin}/dialogues/{dialogue_id}/notes")
    expect(page.locator("#participant-switch")).to_be_visible(timeout=WAIT)
    expect(page.locator("#notes-content")).to_be_visible(timeout=WAIT)
    page.check("#participant-notes")
    expect(page.locator("#announcer")).to_contain_text("Participants may now take notes")
    # The convener, on the team, reads the rapporteur's off-the-record note, marked as such.
    team_note = item_on(page, OFF_RECORD_ITEM).locator("li.note.team-note")
    expect(team_note).to_contain_text(TEAM_NOTE, timeout=WAIT)
    expect(team_note).to_contain_text(TEAM_ONLY)
    asked: list[str] = []
    participant_page.on("request", lambda request: asked.append(request.url))
    expect(participant_page.locator("#notes-link-row")).to_be_visible(timeout=WAIT)
    participant_page.click("#notes-link")
    participant_page.wait_for_url(f"{origin}/p/{dialogue_id}/notes")
    expect(participant_page.locator("#notes-content")).to_be_visible(timeout=WAIT)
    assert participant_page.locator("html").get_attribute("dir") == "rtl"
    expect(item_on(participant_page, "رسم خريطة أزمة تصريف السد").locator("li.note")).to_have_count(
        3, timeout=WAIT
    )
    add_note(participant_page, "رسم خريطة أزمة تصريف السد", "question",
             "هل ستُنشر قراءات المحطة كل أسبوع؟", "ar")
    # The participant's page neither asks for the team channel nor offers an off-the-record form.
    off_record = item_on(participant_page, "المخاوف والاحتياجات دون رد")
    expect(off_record.locator(".rule-explanation")).to_be_visible()
    assert off_record.locator("form, textarea, details.note-editor").count() == 0
    assert participant_page.locator("li.team-note").count() == 0
    assert TEAM_NOTE not in participant_page.content()
    assert asked and not [u for u in asked if "team-wraps" in u or team_channel in u], asked
    assert axe_violations(participant_page, origin) == []

    # The convener's summary: the draft leaves out both items, the review finds the names.
    page.goto(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(page.locator("#summary-content")).to_be_visible(timeout=WAIT)
    draft = page.locator("#draft-notes")
    expect(draft).to_contain_text(PERSIAN_NOTE)
    # A right-to-left note on a left-to-right page: its bullet stands beside its first line
    # (the item takes the note's direction, with room for the bullet at its right).
    bullet = draft.locator("li", has_text=PERSIAN_NOTE).evaluate(BULLET_ROOM)
    assert bullet["direction"] == "rtl" and bullet["text_to_item"] < 2, bullet
    assert bullet["room"] >= 10, bullet
    for secret in (OFF_RECORD_NOTE, NO_NOTES_NOTE, TEAM_NOTE):
        assert secret not in draft.inner_text()
    expect(page.locator("#left-out")).to_contain_text(OFF_RECORD_ITEM)
    page.fill("#summary-text", FREE_TEXT)
    page.fill("#terms", "Kessa bridge")
    expect(page.locator("#export-md")).to_be_disabled()
    page.click("#run-review")
    findings = page.locator("#findings > li.finding")
    expect(findings.first).to_be_visible(timeout=WAIT)
    matched = set(findings.locator("mark").all_inner_texts())
    assert {"Yusuf Al-Mansour", "Anatoly Greshnev", "ليلى ناصر", "جامعة فيل العليا",
            "پرستو رضایی", "Lower Vell Irrigation Board", "Kessa bridge", TRANSLITERATED,
            ALIAS} <= matched, matched
    via = findings.filter(has=page.locator("mark", has_text=TRANSLITERATED)).locator(".finding-via")
    expect(via).to_contain_text("ليلى ناصر")
    count = findings.count()
    for index in range(count):
        finding = findings.nth(index)
        expect(page.locator("#export-json")).to_be_disabled()
        if finding.locator("mark").inner_text() == "Kessa bridge":
            finding.locator("input[value=own]").check()
            finding.locator("input.own").fill("a bridge")
        else:
            finding.locator("input[value=replace]").check()
    # Reviewed, the summary still waits for both sides' approval (test_summary_approval.py).
    expect(page.locator("#preview")).to_be_visible(timeout=WAIT)
    expect(page.locator("#consent-hint")).to_contain_text("Send the summary for approval", timeout=WAIT)
    expect(page.locator("#export-md")).to_be_disabled()
    page.click("#consent-send")
    expect(page.locator("#consent-sides > li")).to_have_count(2, timeout=WAIT)
    approve_summary(participant_page, origin, dialogue_id)
    approve_summary(second_page, origin, dialogue_id)
    expect(page.locator("#export-md")).to_be_enabled(timeout=3 * WAIT)
    assert axe_violations(page, origin) == []
    page.screenshot(path=str(artifacts / "summary-en.png"), full_page=True)

    markdown_name, markdown_bytes = download(page, "#export-md")
    json_name, json_bytes = download(page, "#export-json")
    assert markdown_name.endswith(".md") and json_name.endswith(".json")
    markdown = markdown_bytes.decode()
    exported = json.loads(json_bytes)
    everything = markdown + json.dumps(exported, ensure_ascii=False)
    people = SCENARIO["participants"] + [
        {"display_name": "Samira Haddad-Lund"}, {"display_name": "Dariush Farahani"},
        {"display_name": "Oleksandr Petrenko"},
    ]
    for person in people:
        for value in (person["display_name"], person.get("affiliation")):
            if value:
                assert value not in everything, value
    members = page.evaluate(
        "async (id) => (await (await fetch(`/api/v1/dialogues/${id}`)).json()).members", dialogue_id
    )
    for member in members:
        assert member["handle"] not in everything
    for secret in (OFF_RECORD_NOTE, NO_NOTES_NOTE, TEAM_NOTE, OFF_RECORD_ITEM, NO_NOTES_ITEM,
                   "CANARY-OFF", "CANARY-TEAM"):
        assert secret not in everything, secret
    assert "Kessa bridge" not in everything and "a bridge" in everything
    assert TRANSLITERATED not in everything and ALIAS not in everything
    assert "[a participant]" in markdown and "[an organisation]" in markdown
    assert "shortfall was experienced as deliberate" in markdown
    assert FRENCH_TRANSLATION in markdown
    days = [
        note["at"] for session in exported["summary"]["sessions"]
        for item in session["items"] for note in item["notes"]
    ]
    assert days and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) for day in days), days
    assert not re.search(r"T\d{2}:\d{2}", everything)
    manifest = exported["manifest"]
    assert set(manifest) == {
        "dialogue_id", "epoch_chain_head", "epochs", "content_sha256", "generated_on",
        "approvals", "sides",
    }
    assert manifest["sides"] == 2 and len(manifest["approvals"]) == 2
    newest = bundle_of(page, dialogue_id)["epochs"][-1]
    assert manifest["epoch_chain_head"] == td2.b64u_encode(
        td2.record_hash(td2.b64u_decode(newest["record"]))
    )
    assert manifest["epochs"] == 5 and manifest["dialogue_id"] == dialogue_id
    assert manifest["content_sha256"] == hashlib.sha256(
        canonical_json(exported["summary"])
    ).hexdigest()
    assert manifest["epoch_chain_head"] in markdown and manifest["content_sha256"] in markdown
    (artifacts / "summary-export.md").write_text(markdown)

    # Printing shows the summary alone.
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.click("#export-print")
    assert page.evaluate("() => window.printed === true")
    page.emulate_media(media="print")
    expect(page.locator("#print-area")).to_be_visible()
    for hidden in ("#review", "#draft", "#archive", "#overview", ".site-header"):
        expect(page.locator(hidden)).to_be_hidden()
    page.emulate_media(media="screen")

    # The ciphertext bundle, downloaded for an offline export.
    _bundle_name, bundle_bytes = download(page, "#bundle-download")
    assert json.loads(bundle_bytes)["archive"]["fingerprint"] == made_fingerprint

    # Arabic: both pages right to left, the translation to the left of its note; then a phone.
    switch_locale(page, "ar")
    for path in ("notes", "summary"):
        page.goto(f"{origin}/dialogues/{dialogue_id}/{path}")
        assert page.locator("html").get_attribute("dir") == "rtl"
        expect(page.locator("#loading")).to_be_hidden(timeout=WAIT)
        assert axe_violations(page, origin) == []
        no_horizontal_overflow(page)
        page.screenshot(path=str(artifacts / f"{path}-ar.png"), full_page=True)
    page.goto(f"{origin}/dialogues/{dialogue_id}/notes")
    with_translation = page.locator("li.note", has_text=FRENCH_TRANSLATION)
    expect(with_translation).to_be_visible(timeout=WAIT)
    original_box = with_translation.locator(".note-text").first.bounding_box()
    translated_box = with_translation.locator(".note-text.translation").bounding_box()
    assert original_box["x"] > translated_box["x"], "side by side, the note first (RTL)"
    heading = page.locator("h1:visible").bounding_box()
    assert heading["x"] + heading["width"] > page.viewport_size["width"] / 2
    page.set_viewport_size({"width": 375, "height": 740})
    for path in ("notes", "summary"):
        page.goto(f"{origin}/dialogues/{dialogue_id}/{path}")
        expect(page.locator("#loading")).to_be_hidden(timeout=WAIT)
        no_horizontal_overflow(page)
        page.screenshot(path=str(artifacts / f"{path}-ar-phone.png"), full_page=True)
    with_translation = page.locator("li.note", has_text=FRENCH_TRANSLATION)
    page.goto(f"{origin}/dialogues/{dialogue_id}/notes")
    expect(with_translation).to_be_visible(timeout=WAIT)
    original_box = with_translation.locator(".note-text").first.bounding_box()
    translated_box = with_translation.locator(".note-text.translation").bounding_box()
    assert translated_box["y"] > original_box["y"], "on a phone the translation comes below"

    assert watch.problems == [], watch.problems
    for each in (context, participant_context, rapporteur_context):
        each.close()


def test_archive_key_made_offline_and_the_bundle_exported_on_the_command_line(
    browser, origin, make_member, tmp_path
):
    """The public key printed by ``facilitator keys archive-new`` is pasted into the browser,
    its fingerprint shown to compare; the browser's bundle then opens with the key file."""
    from facilitator.client import DialogueClient, HttpTransport
    from facilitator.export.cli import archive_new_command, export_command

    key = tmp_path / "archive.key"
    made = CliRunner().invoke(archive_new_command, ["--out", str(key)])
    assert made.exit_code == 0, made.output
    public = re.search(r"Public key:\s+(\S+)", made.output).group(1)
    printed = re.search(r"Fingerprint:\s+(\S+)", made.output).group(1)
    (tmp_path / "passphrase").write_text(re.search(r"Passphrase:\s+(\S+)", made.output).group(1))

    watch = Watch()
    convener = make_member("convener", username="samira")
    context = new_context(browser, locale="en-GB", accept_downloads=True)
    page = watch.page(context)
    sign_in(page, origin, convener)
    dialogue_id = create_dialogue(page, origin)
    page.goto(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(page.locator("#summary-content")).to_be_visible(timeout=WAIT)
    page.locator("#archive-offline summary").click()
    page.fill("#archive-public-input", "not a key")
    expect(page.locator("#archive-register-offline")).to_be_disabled()
    page.fill("#archive-public-input", public)
    expect(page.locator("#archive-offline-fingerprint")).to_have_text(printed)
    page.click("#archive-register-offline")
    expect(page.locator("#archive-fingerprint")).to_have_text(printed, timeout=WAIT)

    # A participant on the Python client is let in: that epoch is wrapped to the key too.
    page.goto(f"{origin}/dialogues/{dialogue_id}")
    expect(page.locator("#panels")).to_be_visible(timeout=WAIT)
    open_editor(page, "invite")
    page.fill("#invite-name", "Marie-Claire Ndiaye")
    page.click("#participant-invite button[type=submit]")
    link = page.locator("#invite-link")
    expect(link).to_have_text(re.compile(r"/j/"), timeout=WAIT)
    client = DialogueClient(HttpTransport(origin))
    knock = client.knock(link.inner_text().removeprefix(origin))
    assert knock_fingerprint(page) == knock["fingerprint"]
    let_in(page)

    page.goto(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(page.locator("#archive-fingerprint")).to_have_text(printed, timeout=WAIT)
    _name, data = download(page, "#bundle-download")
    bundle = json.loads(data)
    assert [w["epoch"] for w in bundle["archive_wraps"]] == [0, 1]
    (tmp_path / "bundle.json").write_bytes(data)
    result = CliRunner().invoke(export_command, [
        "--bundle", str(tmp_path / "bundle.json"), "--key", str(key),
        "--passphrase-file", str(tmp_path / "passphrase"), "--review", str(tmp_path / "r.json"),
        "--format", "md", "--format", "json", "--out", str(tmp_path / "out"),
    ])
    if result.exit_code == 3:  # findings to review first: accept the proposals
        result = CliRunner().invoke(export_command, [
            "--bundle", str(tmp_path / "bundle.json"), "--key", str(key),
            "--passphrase-file", str(tmp_path / "passphrase"), "--review",
            str(tmp_path / "r.json"), "--format", "md", "--format", "json",
            "--out", str(tmp_path / "out"),
        ])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["summary"]["dialogue"]["title"].startswith("Vell River")
    assert watch.problems == [], watch.problems
    context.close()
