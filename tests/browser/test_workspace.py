"""The dialogue workspace end to end in Chromium, with three people on three devices.

A convener (English) creates a dialogue from the Vell River scenario, plans two sessions, seats
an interpreter (French) and invites a participant (Arabic). The participant opens the link and
knocks; both screens show the same fingerprint; the convener lets them in and the participant reads
the agenda, decrypted on their device, right to left. The interpreter joins through the team seat.
The convener removes the participant, who is cut off at once. A second test types the scenario's
canary strings into every field and finds none of them in the database file or the server's logs.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from facilitator.core.i18n import SUPPORTED_LOCALES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ID = r"[A-Za-z0-9_-]{22}"
WAIT = 20_000  # ms: polling pages (knocks every 4 s, participant home every 5 s) and key work

AMMAN = ZoneInfo("Asia/Amman")


def planned_day(number: int) -> date:
    """Day ``number`` (0 first) of a plan that starts tomorrow in Amman.

    The pages show the session running now or the next one, so a plan pinned to fixed dates would
    test a different session once those dates pass; tomorrow is always ahead of the clock.
    """
    return datetime.now(AMMAN).date() + timedelta(days=1 + number)


# From /work/shared/scenarios/vell-water-dialogue.json (a fictional dialogue): what the flow types.
SCENARIO: dict[str, Any] = {
    "title": {
        "en": "Vell River water-sharing dialogue, round 3",
        "ar": "حوار تقاسم مياه نهر فيل، الجولة الثالثة",
        "fr": "Dialogue sur le partage des eaux de la Vell, 3e cycle",
    },
    "track": "II",
    "confidentiality_default": "chatham_house",
    "languages": "en, ar, fr, ru, fa",
    "timezone": "Asia/Amman",
    "sessions": [
        {
            "title": {"en": "Day 1 — Perspectives", "ar": "اليوم الأول — وجهات النظر"},
            "starts": f"{planned_day(0)}T09:00",
            "ends": f"{planned_day(0)}T17:00",
            "agenda": [
                {
                    "en": "Opening and ground rules",
                    "ar": "الافتتاح وقواعد الحوار",
                    "phase": "opening",
                    "minutes": 30,
                    "confidentiality": "on_record",
                },
                {
                    "en": "How each side sees the dry-season allocation",
                    "ar": "كيف يرى كل طرف توزيع المياه في موسم الجفاف",
                    "phase": "perspectives",
                    "minutes": 90,
                    "confidentiality": "chatham_house",
                },
            ],
        },
        {
            "title": {"en": "Day 2 — Joint analysis", "ar": "اليوم الثاني — التحليل المشترك"},
            "starts": f"{planned_day(1)}T09:00",
            "ends": f"{planned_day(1)}T17:00",
            "agenda": [
                {
                    "en": "Mapping the 2019 dam release crisis",
                    "ar": "رسم خريطة أزمة تصريف السد عام 2019",
                    "phase": "joint_analysis",
                    "minutes": 120,
                    "confidentiality": "chatham_house",
                },
            ],
        },
    ],
    "interpreter": {"display_name": "Hélène Marchetti", "pairs": "ar>fr, fr>ar"},
    "participant": {
        "display_name": "ليلى ناصر",
        "side": "Upper Vell",
        "affiliation": "جامعة فيل العليا",
        "language": "ar",
        "attendance": "remote",
    },
}
HOSTILE = '"><img src=x onerror=alert(1)>'
CANARIES = {
    "title": "CANARY-7f3a9c-VELL-TITLE",
    "session": "CANARY-2b81e0-MSG-AR",
    "item": "CANARY-c44d19-MSG-RU",
    "guidance": "CANARY-91ac2f-NOTE",
    "person": "CANARY-5e0d77-PERSON",
}


@pytest.fixture
def origin(live_app):  # type: ignore[no-untyped-def]
    return live_app.config["LIVE_ORIGIN"]


class Watch:
    """Collects what must never happen on a page: uncaught errors and CSP violations."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def page(self, context: Any) -> Any:
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        page.on("console", self._console)
        return page

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or (
            message.type == "error" and "Failed to load resource" not in text
        ):
            self.problems.append(f"console {message.type}: {text}")


def axe_violations(page: Any, origin: str) -> list[dict[str, Any]]:
    """Serious and critical accessibility violations found by axe-core (vendored)."""
    page.add_script_tag(url=origin + "/static/vendor/axe.min.js")
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => ({id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}))"""
    )
    return list(found)


def open_tab(page: Any, name: str) -> None:
    """Shows a section of the workspace (overview, agenda, glossary, people, invitations) by
    clicking its tab, as a person would."""
    tab = page.locator(f"#tab-{name}")
    if tab.get_attribute("aria-selected") != "true":
        tab.click()
    expect(page.locator(f"#{tab.get_attribute('aria-controls')}")).to_be_visible()


def reveal(page: Any, selector: str) -> None:
    """Shows the workspace section that holds ``selector`` (nothing to do on other pages)."""
    panel = page.locator("[role=tabpanel]").filter(has=page.locator(selector))
    if panel.count():
        tab = page.locator(f"[role=tab][aria-controls='{panel.get_attribute('id')}']")
        open_tab(page, str(tab.get_attribute("id")).removeprefix("tab-"))


def open_editor(page: Any, name: str) -> None:
    """Unfolds one of the workspace's editors (a <details> element), as a person would."""
    reveal(page, f"#{name}-editor")
    editor = page.locator(f"#{name}-editor")
    if editor.get_attribute("open") is None:
        editor.locator("summary").click()


def sign_in(page: Any, origin: str, member: Any) -> None:
    page.goto(origin + "/login")
    page.fill("#username", member.username)
    page.fill("#password", member.password)
    page.click("main button[type=submit]")
    page.wait_for_url(origin + "/login/code")
    page.fill("#code", member.code())
    page.click("main button[type=submit]")
    page.wait_for_url(origin + "/")


def choose_languages(page: Any, tags: list[str]) -> None:
    """Ticks the working languages in order; a title field follows each choice as it is made,
    and goes when the language is unticked."""
    titles = page.locator("#title-fields input")
    for tag in tags:
        box = page.locator(f"#language-boxes input[value='{tag}']")
        if not box.is_checked():
            box.check()
        expect(page.locator(f"#title-{tag}")).to_be_visible()
    expect(titles).to_have_count(len(tags))
    page.locator("#language-boxes input[value='uk']").check()
    expect(titles).to_have_count(len(tags) + 1)
    page.locator("#language-boxes input[value='uk']").uncheck()
    expect(titles).to_have_count(len(tags))
    order = titles.evaluate_all("(fields) => fields.map((field) => field.dataset.lang)")
    assert order == tags, "the title fields follow the order of the choice"


def create_dialogue(page: Any, origin: str, title_suffix: str = "", name: str = "Samira") -> str:
    page.goto(origin + "/dialogues/new")
    choose_languages(page, [tag.strip() for tag in SCENARIO["languages"].split(",")])
    for tag, text in SCENARIO["title"].items():
        page.fill(f"#title-{tag}", f"{text} {title_suffix}".strip())
    page.select_option("#timezone", SCENARIO["timezone"])
    page.select_option("#track", SCENARIO["track"])
    page.select_option("#confidentiality", SCENARIO["confidentiality_default"])
    page.fill("#display-name", name)
    assert axe_violations(page, origin) == []
    page.click("#new-dialogue button[type=submit]")
    page.wait_for_url(re.compile(rf"{re.escape(origin)}/dialogues/{ID}$"), timeout=WAIT)
    expect(page.locator("#panels")).to_be_visible(timeout=WAIT)
    return page.url.rsplit("/", 1)[1]


def add_agenda(
    page: Any,
    suffix: str = "",
    item_suffix: str = "",
    guidance: str = "",
    plan: list[dict[str, Any]] | None = None,
) -> None:
    """Types the sessions and items of ``plan`` (default: SCENARIO["sessions"]) into the forms."""
    sessions = page.locator("#sessions > li.session")
    items = page.locator("#sessions li.item")
    expected_items = 0
    open_editor(page, "session")
    open_editor(page, "item")
    for number, session in enumerate(plan or SCENARIO["sessions"], start=1):
        for tag, text in session["title"].items():
            page.fill(f"#session-title-{tag}", f"{text} {suffix}".strip())
        page.fill("#session-starts", session["starts"])
        page.fill("#session-ends", session["ends"])
        page.click("#session-submit")
        expect(sessions).to_have_count(number, timeout=WAIT)
        for item in session["agenda"]:
            page.select_option("#item-session", label=f"{session['title']['en']} {suffix}".strip())
            page.fill("#item-title-en", f"{item['en']} {item_suffix}".strip())
            page.fill("#item-title-ar", item["ar"])
            page.select_option("#item-phase", item["phase"])
            page.fill("#item-minutes", str(item["minutes"]))
            page.select_option("#item-confidentiality", item["confidentiality"])
            if guidance:
                page.fill("#item-guidance-en", guidance)
            page.click("#item-submit")
            expected_items += 1
            expect(items).to_have_count(expected_items, timeout=WAIT)


def invite_participant(page: Any, affiliation: str | None = None, side: str | None = None) -> str:
    person = SCENARIO["participant"]
    open_editor(page, "invite")
    page.fill("#invite-name", person["display_name"])
    page.fill("#invite-side", side or person["side"])
    page.fill("#invite-affiliation", affiliation or person["affiliation"])
    page.select_option("#invite-language", person["language"])
    page.select_option("#invite-attendance", person["attendance"])
    page.click("#participant-invite button[type=submit]")
    link = page.locator("#invite-link")
    expect(link).to_have_text(re.compile(r"/j/"), timeout=WAIT)
    expect(page.locator("#invite-qr svg")).to_be_visible()
    return link.inner_text()


def knock_fingerprint(page: Any) -> str:
    open_tab(page, "invitations")
    shown = page.locator("#knock-list [data-knock-fingerprint]")
    expect(shown).to_have_count(1, timeout=WAIT)
    return shown.inner_text()


def let_in(page: Any) -> None:
    open_tab(page, "invitations")
    page.locator("#knock-list li.knock button.primary").click()
    expect(page.locator("#knock-list li.knock")).to_have_count(0, timeout=WAIT)


def participant_joins(context: Any, watch: Watch, link: str, origin: str) -> tuple[Any, str]:
    page = watch.page(context)
    page.goto(link)
    assert "#" not in page.url, "the fragment leaves the address bar at once"
    fingerprint = page.locator("#my-fingerprint")
    expect(fingerprint).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"), timeout=WAIT)
    return page, fingerprint.inner_text()


def test_convener_participant_and_interpreter_share_an_encrypted_workspace(
    browser, origin, make_member, artifacts
):
    watch = Watch()
    convener = make_member("convener", username="samira")
    interpreter_account = make_member("interpreter", username="helene")
    convener_context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    convener_page = watch.page(convener_context)
    sign_in(convener_page, origin, convener)

    # The convener creates the dialogue and plans two sessions.
    dialogue_id = create_dialogue(convener_page, origin)
    expect(convener_page.locator("#dialogue-title")).to_have_text(SCENARIO["title"]["en"])
    add_agenda(convener_page, guidance="Keep rebuttals for the afternoon.")
    first_session = convener_page.locator("#sessions > li.session").first
    # In the viewer's own zone (London): 09:00 in Amman is 06:00 in winter, 07:00 in summer.
    in_london = datetime.combine(planned_day(0), time(9), AMMAN).astimezone(
        ZoneInfo("Europe/London")
    )
    expect(first_session.locator(".when")).to_contain_text(in_london.strftime("%H:%M"))

    # Reorder by keyboard, announced in the live region; then by drag and drop, back again.
    titles = convener_page.locator("#sessions > li.session").first.locator(".item-title")
    expect(titles).to_have_text(
        ["Opening and ground rules", "How each side sees the dry-season allocation"]
    )
    down = convener_page.get_by_role("button", name="Move down: Opening and ground rules")
    down.focus()
    convener_page.keyboard.press("Enter")
    expect(titles).to_have_text(
        ["How each side sees the dry-season allocation", "Opening and ground rules"], timeout=WAIT
    )
    expect(convener_page.locator("#announcer")).to_contain_text("position 2 of 2")
    convener_page.locator("li.item", has_text="Opening and ground rules").drag_to(
        convener_page.locator("li.item", has_text="How each side sees")
    )
    expect(titles).to_have_text(
        ["Opening and ground rules", "How each side sees the dry-season allocation"], timeout=WAIT
    )

    # A team seat for the interpreter, and an invitation link for the participant.
    interpreter = SCENARIO["interpreter"]
    open_editor(convener_page, "seat")
    convener_page.fill("#seat-username", "helene")
    convener_page.select_option("#seat-role", "interpreter")
    convener_page.fill("#seat-name", interpreter["display_name"])
    convener_page.fill("#seat-pairs", interpreter["pairs"])
    convener_page.click("#seat-form button[type=submit]")
    expect(convener_page.locator("#invitation-list")).to_contain_text("team seat", timeout=WAIT)
    link = invite_participant(convener_page)
    # A participant's own language may be any the interface speaks, the working languages first.
    values = "(options) => options.map((option) => option.value)"
    groups = convener_page.locator("#invite-language optgroup")
    expect(groups).to_have_count(2)
    working = groups.nth(0).locator("option").evaluate_all(values)
    assert working == [tag.strip() for tag in SCENARIO["languages"].split(",")]
    offered = convener_page.locator("#invite-language option").evaluate_all(values)
    assert sorted(offered) == sorted(SUPPORTED_LOCALES)
    assert re.fullmatch(
        rf"{re.escape(origin)}/j/{ID}#{ID}\.[A-Z2-7]{{4}}(-[A-Z2-7]{{4}}){{3}}", link
    )

    # The participant (Arabic) knocks; the same fingerprint shows on both screens.
    participant_context = browser.new_context(locale="ar", timezone_id="Asia/Amman")
    participant_page, participant_fp = participant_joins(participant_context, watch, link, origin)
    steward_fp = convener_page.locator("#steward-fingerprint").inner_text()
    expect(participant_page.locator("#steward-fingerprint")).to_have_text(steward_fp)
    assert knock_fingerprint(convener_page) == participant_fp
    expect(convener_page.locator("#knock-list")).to_contain_text("carries the invitation's secret")
    assert axe_violations(convener_page, origin) == []
    assert axe_violations(participant_page, origin) == []
    participant_page.screenshot(path=str(artifacts / "join-ar.png"), full_page=True)
    let_in(convener_page)

    # The participant's device signs in by its key and reads the agenda, right to left.
    participant_page.wait_for_url(f"{origin}/p/{dialogue_id}", timeout=WAIT)
    assert participant_page.locator("html").get_attribute("dir") == "rtl"
    agenda = participant_page.locator("#next-agenda")
    expect(agenda).to_have_attribute("dir", "rtl")
    expect(agenda).to_have_attribute("lang", "ar")
    expect(agenda.locator(".item-title")).to_have_text(
        ["الافتتاح وقواعد الحوار", "كيف يرى كل طرف توزيع المياه في موسم الجفاف"], timeout=WAIT
    )
    expect(participant_page.locator("#dialogue-title")).to_have_text(SCENARIO["title"]["ar"])
    expect(participant_page.locator("#next-title")).to_have_text(
        SCENARIO["sessions"][0]["title"]["ar"]
    )
    expect(participant_page.locator("#my-fingerprint")).to_have_text(participant_fp)
    assert "Keep rebuttals" not in participant_page.content(), (
        "team guidance is not shown to participants"
    )
    # The language switcher: the same agenda in English, left to right, then back to Arabic.
    participant_page.select_option("#content-language", "en")
    expect(agenda).to_have_attribute("dir", "ltr")
    expect(agenda.locator(".item-title").first).to_have_text("Opening and ground rules")
    participant_page.select_option("#content-language", "ar")
    expect(agenda).to_have_attribute("dir", "rtl")
    participant_page.screenshot(path=str(artifacts / "participant-home-ar.png"), full_page=True)
    assert axe_violations(participant_page, origin) == []

    # The roster and balance on the convener's screen count the participant.
    participants = convener_page.locator("#participant-table tbody tr")
    expect(participants).to_contain_text([SCENARIO["participant"]["display_name"]], timeout=WAIT)
    expect(convener_page.locator("#balance")).to_contain_text("Upper Vell")

    # The interpreter (French) joins through the team seat and reads the agenda.
    interpreter_context = browser.new_context(locale="fr", timezone_id="Europe/Paris")
    interpreter_page = watch.page(interpreter_context)
    sign_in(interpreter_page, origin, interpreter_account)
    interpreter_page.goto(origin + "/dialogues")
    interpreter_page.locator("#seat-list button").click()
    seat_fp = interpreter_page.locator("[data-seat-fingerprint]")
    expect(seat_fp).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"), timeout=WAIT)
    assert knock_fingerprint(convener_page) == seat_fp.inner_text()
    assert axe_violations(interpreter_page, origin) == []
    interpreter_page.screenshot(path=str(artifacts / "dashboard-fr.png"), full_page=True)
    let_in(convener_page)
    dialogue_link = interpreter_page.locator(f'#dialogue-list a[href="/dialogues/{dialogue_id}"]')
    expect(dialogue_link).to_have_text(SCENARIO["title"]["fr"], timeout=WAIT)
    dialogue_link.click()
    expect(interpreter_page.locator("#panels")).to_be_visible(timeout=WAIT)
    expect(interpreter_page.locator("#sessions > li.session h3")).to_have_text(
        [s["title"]["en"] for s in SCENARIO["sessions"]], timeout=WAIT
    )
    expect(interpreter_page.locator("#sessions .guidance").first).to_have_text(
        "Keep rebuttals for the afternoon."
    )
    expect(interpreter_page.locator("#agenda-forms")).to_be_hidden()
    expect(interpreter_page.locator("#steward-panel")).to_be_hidden()
    # Not a key steward: no tab of invitations, even asked for by its address.
    tabs = interpreter_page.get_by_role("tab")
    expect(tabs).to_have_count(4)
    open_tab(interpreter_page, "people")
    interpreter_page.goto(f"{origin}/dialogues/{dialogue_id}#invitations")
    expect(interpreter_page.locator("#panel-overview")).to_be_visible(timeout=WAIT)
    expect(interpreter_page.locator("#steward-panel")).to_be_hidden()
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    expect(interpreter_page.locator("#anchor-fingerprint")).to_have_text(steward_fp)

    # The convener removes the participant, who is cut off: refused by the API, told on screen.
    open_tab(convener_page, "people")
    convener_page.once("dialog", lambda dialog: dialog.accept())
    convener_page.get_by_role(
        "button", name=f"Remove {SCENARIO['participant']['display_name']} from the dialogue"
    ).click()
    expect(convener_page.locator("#participant-table tr.status-removed")).to_have_count(
        1, timeout=WAIT
    )
    expect(participant_page.locator("#refusal")).to_be_visible(timeout=WAIT)
    expect(agenda).to_have_count(0)
    status = participant_page.evaluate(
        "async (id) => (await fetch(`/api/v1/dialogues/${id}/envelopes`)).status", dialogue_id
    )
    assert status == 401
    # Leave and wipe: the device session ends and no key is left in this browser.
    participant_page.once("dialog", lambda dialog: dialog.accept())
    participant_page.locator("#wipe").click()
    expect(participant_page.locator("#wipe-status")).to_be_visible(timeout=WAIT)
    databases = participant_page.evaluate(
        "async () => (await indexedDB.databases()).map((d) => d.name)"
    )
    assert "td2-keystore" not in databases and "facilitator-dialogues" not in databases, databases
    # The interpreter, still a member, follows the new epoch.
    expect(interpreter_page.locator("#participant-table tr.status-removed")).to_have_count(
        1, timeout=WAIT
    )
    convener_page.screenshot(path=str(artifacts / "workspace-en.png"), full_page=True)
    assert watch.problems == [], watch.problems
    for context in (convener_context, participant_context, interpreter_context):
        context.close()


def test_canaries_never_reach_the_server(browser, origin, live_app, make_member, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    watch = Watch()
    convener = make_member("convener", username="samira")
    context = browser.new_context(locale="en-GB")
    page = watch.page(context)
    sign_in(page, origin, convener)
    create_dialogue(page, origin, title_suffix=CANARIES["title"], name=CANARIES["person"])
    expect(page.locator("#dialogue-title")).to_contain_text(CANARIES["title"])
    add_agenda(
        page,
        suffix=CANARIES["session"],
        item_suffix=CANARIES["item"],
        guidance=CANARIES["guidance"],
    )
    link = invite_participant(page, affiliation=CANARIES["person"], side=HOSTILE)
    secret = link.split("#", 1)[1].split(".", 1)[0]
    participant_context = browser.new_context(locale="ar")
    participant_page, participant_fp = participant_joins(participant_context, watch, link, origin)
    assert knock_fingerprint(page) == participant_fp
    let_in(page)
    participant_page.wait_for_url(f"{origin}/p/{dialogue_id_of(page)}", timeout=WAIT)
    expect(participant_page.locator("#dialogue-title")).to_contain_text(
        CANARIES["title"], timeout=WAIT
    )
    expect(page.locator("#participant-table")).to_contain_text(CANARIES["person"])
    expect(page.locator("#participant-table")).to_contain_text(HOSTILE)  # shown as text, not markup
    assert page.locator("#participant-table img").count() == 0
    dialogue_id = dialogue_id_of(page)
    assert watch.problems == [], watch.problems
    context.close()
    participant_context.close()

    database = Path(live_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    out, err = capfd.readouterr()
    logs = caplog.text + out + err
    # Positive controls: this is the database and the log of the flow that just ran.
    assert dialogue_id.encode() in stored and f"/api/v1/dialogues/{dialogue_id}" in logs
    for name, canary in [*CANARIES.items(), ("invite secret", secret)]:
        assert canary.encode() not in stored, f"{name} found in the database"
        assert canary not in logs, f"{name} found in the server's log"


def dialogue_id_of(page: Any) -> str:
    match = re.search(rf"/dialogues/({ID})(#[a-z-]*)?$", page.url)
    assert match, page.url
    return match.group(1)


def test_refusals_and_tampering_are_shown_never_hidden(browser, origin, live_app, make_member):
    """A refused knock deletes the newcomer's key; an envelope altered on the server becomes an
    error entry (the rest still shows); a rolled-back or altered chain of epochs refuses the whole
    dialogue and says why."""
    watch = Watch()
    convener = make_member("convener", username="samira")
    context = browser.new_context(locale="en-GB")
    page = watch.page(context)
    sign_in(page, origin, convener)
    dialogue_id = create_dialogue(page, origin)
    add_agenda(page)
    database = live_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:  # the newest envelope: the last agenda item
        row_id, blob = connection.execute(
            "SELECT id, blob FROM envelope WHERE dialogue_id = ? AND superseded = 0 "
            "ORDER BY seq DESC LIMIT 1",
            (dialogue_id,),
        ).fetchone()
        connection.execute("UPDATE envelope SET blob = ? WHERE id = ?", (flip(blob, 40), row_id))
    page.reload()
    expect(page.locator("#item-errors")).to_contain_text("did not open", timeout=WAIT)
    expect(page.locator("#dialogue-title")).to_have_text(SCENARIO["title"]["en"])
    expect(page.locator("#sessions li.item")).to_have_count(2)
    assert "Mapping the 2019" not in page.content()

    link = invite_participant(page)
    newcomer_context = browser.new_context(locale="en-GB")
    newcomer, newcomer_fp = participant_joins(newcomer_context, watch, link, origin)
    assert knock_fingerprint(page) == newcomer_fp
    page.locator("#knock-list li.knock button:not(.primary)").click()
    expect(newcomer.locator("#join-error")).to_contain_text(
        "did not let this device in", timeout=WAIT
    )
    kept = newcomer.evaluate("async () => (await import('/static/js/keystore.js')).listDialogues()")
    assert kept == [], "the refused device's key is deleted"

    # A second participant (the Python client) is let in: this device has now seen epoch 1.
    from facilitator.client import DialogueClient, HttpTransport

    second = invite_participant(page)
    client = DialogueClient(HttpTransport(origin))
    knock = client.knock(second.removeprefix(origin))
    assert knock_fingerprint(page) == knock["fingerprint"]
    let_in(page)
    members = page.locator("#participant-table tr.status-member")
    expect(members).to_have_count(1, timeout=WAIT)
    # The server rolls the dialogue back to epoch 0: refused, although epoch 0 alone verifies.
    with sqlite3.connect(database) as connection:
        for table, column in (("epoch", "number"), ("wrap", "epoch")):
            connection.execute(
                f"DELETE FROM {table} WHERE dialogue_id = ? AND {column} = 1",  # noqa: S608
                (dialogue_id,),
            )
        connection.execute("UPDATE dialogue SET current_epoch = 0 WHERE id = ?", (dialogue_id,))
    page.reload()
    expect(page.locator("#refusal")).to_contain_text("older key history", timeout=WAIT)

    # A device that kept no chain (a new one, or an ephemeral one) verifies from the genesis.
    page.evaluate(
        "async (id) => (await import('/static/js/dialogues/device-cache.js')).forgetCache(id)",
        dialogue_id,
    )
    with sqlite3.connect(database) as connection:
        (signature,) = connection.execute(
            "SELECT signature FROM epoch WHERE dialogue_id = ? AND number = 0", (dialogue_id,)
        ).fetchone()
        connection.execute(
            "UPDATE epoch SET signature = ? WHERE dialogue_id = ? AND number = 0",
            (flip(signature, 0), dialogue_id),
        )
    page.reload()
    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text(
        "not signed by the key steward this device trusts", timeout=WAIT
    )
    expect(page.locator("#sessions")).to_have_count(0)
    assert SCENARIO["title"]["en"] not in page.content()
    assert watch.problems == [], watch.problems
    context.close()
    newcomer_context.close()


def flip(text: str, index: int) -> str:
    """The same base64url text with one character changed (still well-formed)."""
    replacement = "B" if text[index] != "B" else "C"
    return text[:index] + replacement + text[index + 1 :]


def test_the_browser_and_the_python_client_read_each_other(browser, origin, live_app, make_member):
    """A browser convener seats a facilitator who uses the Python client: the client reads the
    agenda the browser sealed (resealed under the epoch that admitted it), and the browser shows
    the session the client sealed."""
    from facilitator.client import DialogueClient, HttpTransport

    watch = Watch()
    convener = make_member("convener", username="samira")
    facilitator = make_member("facilitator", username="oleksandr")
    context = browser.new_context(locale="en-GB")
    page = watch.page(context)
    sign_in(page, origin, convener)
    dialogue_id = create_dialogue(page, origin)
    add_agenda(page)
    open_editor(page, "seat")
    page.fill("#seat-username", "oleksandr")
    page.select_option("#seat-role", "facilitator")
    page.fill("#seat-name", "Oleksandr Petrenko")
    page.select_option("#seat-mediator-type", "outsider_neutral")
    page.click("#seat-form button[type=submit]")
    expect(page.locator("#invitation-list")).to_contain_text("team seat", timeout=WAIT)

    client = DialogueClient(HttpTransport(origin))
    client.sign_in(facilitator.username, facilitator.password, facilitator.totp_secret)
    (seat,) = client.call("GET", "/api/v1/team-seats")
    knock = client.knock(seat["invite_id"])
    assert knock_fingerprint(page) == knock["fingerprint"]
    let_in(page)

    documents = client.read_meta(dialogue_id)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for document in documents:
        by_type.setdefault(document["type"], []).append(document)
    (dialogue,) = by_type["dialogue"]
    assert dialogue["title"] == SCENARIO["title"] and dialogue["timezone"] == "Asia/Amman"
    sessions = sorted(by_type["session"], key=lambda d: d["position"])
    assert [s["title"] for s in sessions] == [s["title"] for s in SCENARIO["sessions"]]
    assert sessions[0]["starts"] == f"{planned_day(0)}T09:00:00+03:00"
    items = [d for d in by_type["agenda_item"] if d["session"] == sessions[0]["id"]]
    assert sorted((d["position"], d["title"]["en"]) for d in items) == [
        (0, "Opening and ground rules"),
        (1, "How each side sees the dry-season allocation"),
    ]
    seat_person = next(
        d for d in by_type["person"] if d.get("display_name") == "Oleksandr Petrenko"
    )
    assert seat_person["handle"] == knock["handle"] and "invite_id" not in seat_person
    assert seat_person["mediator_type"] == "outsider_neutral"

    client.write_meta(
        dialogue_id,
        {
            "type": "session",
            "title": {"en": "Day 3 — Options", "ar": "اليوم الثالث — الخيارات"},
            "starts": f"{planned_day(2)}T09:00:00+03:00",
            "ends": f"{planned_day(2)}T15:00:00+03:00",
            "position": 2,
        },
    )
    expect(page.locator("#sessions > li.session h3").nth(2)).to_have_text(
        "Day 3 — Options", timeout=WAIT
    )
    expect(page.locator("#team-table")).to_contain_text("Outsider-neutral")
    assert watch.problems == [], watch.problems
    context.close()
