"""The summary's review says how sure each finding is, the export's headings follow the summary's
language, and a person's other spellings are edited in the People tab, in Chromium.

A convener lists "Grace Okafor" and "نوید احمدزی" and writes notes where "grace" and نوید are
ordinary words of the note's language (possible findings: marked in words, kept by default, still
replaceable), the surnames stand alone (certain) and one name is written in Latin letters (matched
by sound). A Persian summary exported from the English page has Persian headings. On the Persian
page (right to left) the markers are Persian. Then an alias added to a person after the
invitation is kept across a reload and found by the review; a rapporteur, who may not write the
dialogue's documents, sees no such form. Every page is clean for axe-core.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_notes_export import add_note, download, new_context, switch_locale
from tests.browser.test_summary_labels import review
from tests.browser.test_workspace import (
    WAIT,
    Watch,
    add_agenda,
    axe_violations,
    create_dialogue,
    let_in,
    open_editor,
    open_tab,
    planned_day,
    sign_in,
)

pytestmark = pytest.mark.browser

ITEM = "Opening words"
PLAN = [
    {
        "title": {"en": "Day one"},
        "starts": f"{planned_day(0)}T09:00",
        "ends": f"{planned_day(0)}T17:00",
        "agenda": [
            {
                "en": ITEM,
                "ar": "كلمات الافتتاح",
                "phase": "opening",
                "minutes": 30,
                "confidentiality": "on_record",
            }
        ],
    }
]
NOTES = [
    ("They asked for grace on the deadline.", "en"),  # "grace": a common English word
    ("Okafor agreed to the visit.", "en"),  # a surname: certain
    ("این خبر نوید خوبی برای همه بود.", "fa"),  # نوید: "good news"
    ("احمدزی با بازدید موافقت کرد.", "fa"),
    ("Navid Ahmadzai agreed.", "en"),  # نوید احمدزی in Latin letters
]
PARTICIPANT = "[a participant]"
PERSIAN_PARTICIPANT = "[یک شرکت\u200cکننده]"


@pytest.fixture
def origin(live_app):  # type: ignore[no-untyped-def]
    return live_app.config["LIVE_ORIGIN"]


def invite(page: Any, people: list[tuple[str, str]]) -> None:
    for count, (name, side) in enumerate(people, start=1):
        open_editor(page, "invite")
        page.fill("#invite-name", name)
        page.fill("#invite-side", side)
        page.click("#participant-invite button[type=submit]")
        expect(page.locator("#invitation-list > li")).to_have_count(count, timeout=WAIT)


def finding(findings: Any, page: Any, match: str) -> Any:
    return findings.filter(has=page.locator("mark", has_text=re.compile(f"^{re.escape(match)}$")))


def replace_certain(findings: Any) -> None:
    for index in range(findings.count()):
        one = findings.nth(index)
        if one.get_attribute("data-confidence") == "certain":
            one.locator("input[value=replace]").check()


def test_confidence_is_shown_and_headings_follow_the_summary_language(
    browser, origin, make_member, artifacts
):
    watch = Watch()
    convener = make_member("convener", username="samira")
    context = new_context(
        browser, locale="en-GB", timezone_id="Europe/London", accept_downloads=True
    )
    page = watch.page(context)
    sign_in(page, origin, convener)
    dialogue_id = create_dialogue(page, origin, name="Samira Haddad-Lund")
    add_agenda(page, plan=PLAN)
    # Listed without a side: a dialogue with sides exports only what every side approved
    # (tests/browser/test_summary_approval.py).
    invite(page, [("Grace Okafor", ""), ("نوید احمدزی", "")])
    page.goto(f"{origin}/dialogues/{dialogue_id}/notes")
    expect(page.locator("#notes-content")).to_be_visible(timeout=WAIT)
    for text, lang in NOTES:
        add_note(page, ITEM, "point", text, lang)
    page.goto(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(page.locator("#summary-content")).to_be_visible(timeout=WAIT)

    # English page, English summary.
    findings = review(page)
    expect(findings).to_have_count(5)
    grace = finding(findings, page, "grace")
    navid = finding(findings, page, "نوید")
    okafor = finding(findings, page, "Okafor")
    latin = finding(findings, page, "Navid Ahmadzai")
    for possible in (grace, navid):
        expect(possible).to_have_attribute("data-confidence", "possible")
        marker = possible.locator(".finding-confidence")
        expect(marker).to_contain_text("Possible match.")
        expect(marker).to_contain_text("Also a common word in this language")
        expect(possible.locator("input[value=keep]")).to_be_checked()
        expect(possible).to_have_class(re.compile(r"\bdecided\b"))
    for certain in (okafor, latin, finding(findings, page, "احمدزی")):
        expect(certain).to_have_attribute("data-confidence", "certain")
        expect(certain.locator(".finding-confidence")).to_have_text("Certain match.")
        expect(certain.locator("input:checked")).to_have_count(0)
    expect(latin.locator(".finding-via")).to_have_text(
        "Matched by sound, written in another script than “نوید احمدزی” on the roster"
    )
    expect(grace.locator(".finding-via")).to_have_count(0)
    expect(page.locator("#undecided")).to_have_text("3 findings still undecided")
    replace_certain(findings)
    expect(page.locator("#undecided")).to_have_text("0 findings still undecided")
    # The reviewer replaces one of the possible findings after all.
    grace.locator("input[value=replace]").check()
    expect(grace.locator("input[value=keep]")).not_to_be_checked()
    expect(page.locator("#export-md")).to_be_enabled(timeout=WAIT)
    _name, markdown = download(page, "#export-md")
    text = markdown.decode()
    assert "grace" not in text and "Okafor" not in text and "Ahmadzai" not in text
    assert "احمدزی" not in text
    assert "این خبر نوید خوبی برای همه بود." in text  # kept, as proposed
    assert text.count(PARTICIPANT) == 4
    assert "*Anonymised summary*" in text and "**Points made**" in text
    assert axe_violations(page, origin) == []

    # A Persian summary from the English page: labels and headings in Persian.
    page.select_option("#summary-lang", "fa")
    findings = review(page)
    expect(finding(findings, page, "grace").locator("input[value=keep]")).to_be_checked()
    replace_certain(findings)
    expect(page.locator("#export-md")).to_be_enabled(timeout=WAIT)
    preview = page.locator("#print-area")
    expect(preview).to_have_attribute("lang", "fa")
    expect(preview).to_have_attribute("dir", "rtl")
    expect(preview.locator("h4")).to_have_text(["نکات مطرح\u200cشده"])
    _name, markdown = download(page, "#export-md")
    text = markdown.decode()
    for heading in (
        "*خلاصهٔ بی\u200cنام\u200cشده*",  # Anonymised summary
        f"### {ITEM} — افتتاحیه",  # the phase
        "**نکات مطرح\u200cشده**",  # Points made
        "سر زنجیرهٔ دوره\u200cهای کلید",  # the provenance line
    ):
        assert heading in text, heading
    for english in ("Anonymised summary", "Points made", "— Opening", "Epoch-chain head"):
        assert english not in text, english
    assert text.count(PERSIAN_PARTICIPANT) == 3 and "grace on the deadline" in text
    assert axe_violations(page, origin) == []
    page.screenshot(path=str(artifacts / "summary-review-confidence-en.png"), full_page=True)

    # The Persian page, right to left: the markers in Persian; a possible finding replaced.
    switch_locale(page, "fa")
    page.goto(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(page.locator("#summary-content")).to_be_visible(timeout=WAIT)
    assert page.locator("html").get_attribute("dir") == "rtl"
    findings = review(page)
    navid = finding(findings, page, "نوید")
    expect(navid.locator(".finding-confidence")).to_contain_text("تطابق احتمالی.")
    expect(navid.locator("input[value=keep]")).to_be_checked()
    expect(finding(findings, page, "Okafor").locator(".finding-confidence")).to_have_text(
        "تطابق قطعی."
    )
    expect(finding(findings, page, "Navid Ahmadzai").locator(".finding-via")).to_contain_text(
        "تطابق بر پایهٔ تلفظ"
    )
    navid.locator("input[value=replace]").check()
    expect(navid.locator("input[value=replace]")).to_be_checked()
    expect(navid).to_have_class(re.compile(r"\bdecided\b"))
    assert axe_violations(page, origin) == []
    page.screenshot(path=str(artifacts / "summary-review-confidence-fa.png"), full_page=True)

    assert watch.problems == [], watch.problems
    context.close()


def alias_editor(page: Any, name: str) -> Any:
    row = page.locator("#participant-table tbody tr", has_text=name)
    expect(row).to_have_count(1, timeout=WAIT)
    return row.locator("details.alias-editor")


def test_other_spellings_edited_in_the_people_tab_reach_the_review(
    browser, origin, make_member, artifacts
):
    watch = Watch()
    convener = make_member("convener", username="samira")
    context = new_context(browser, locale="en-GB", timezone_id="Europe/London")
    page = watch.page(context)
    sign_in(page, origin, convener)
    dialogue_id = create_dialogue(page, origin, name="Samira Haddad-Lund")
    invite(page, [("Yusuf Al-Mansour", "Upstream")])

    open_tab(page, "people")
    editor = alias_editor(page, "Yusuf Al-Mansour")
    expect(editor.locator("summary")).to_have_text("Other spellings")
    editor.locator("summary").click()
    editor.get_by_label("Other spellings of “Yusuf Al-Mansour”, one per line").fill(
        "Abu Sami\nيوسف المنصور"
    )
    editor.locator("button[type=submit]").click()
    expect(page.locator("#announcer")).to_have_text(
        "The other spellings of Yusuf Al-Mansour were saved.", timeout=WAIT
    )
    assert axe_violations(page, origin) == []

    # After a reload the new version of the person document is the one read.
    page.reload()
    expect(page.locator("#panels")).to_be_visible(timeout=WAIT)
    open_tab(page, "people")
    editor = alias_editor(page, "Yusuf Al-Mansour")
    expect(editor.locator("summary")).to_have_text("Other spellings (2)")
    editor.locator("summary").click()
    expect(editor.locator("textarea")).to_have_value("Abu Sami\nيوسف المنصور")
    page.screenshot(path=str(artifacts / "people-aliases.png"), full_page=True)

    page.goto(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(page.locator("#summary-content")).to_be_visible(timeout=WAIT)
    page.fill("#summary-text", "Abu Sami proposed a visit; يوسف المنصور agreed.")
    findings = review(page)
    expect(findings).to_have_count(2)
    expect(findings.locator("mark")).to_have_text(["Abu Sami", "يوسف المنصور"])

    # Emptied, the spellings are gone from the person document.
    page.goto(f"{origin}/dialogues/{dialogue_id}#people")
    editor = alias_editor(page, "Yusuf Al-Mansour")
    editor.locator("summary").click()
    editor.locator("textarea").fill("")
    editor.locator("button[type=submit]").click()
    expect(alias_editor(page, "Yusuf Al-Mansour").locator("summary")).to_have_text(
        "Other spellings", timeout=WAIT
    )
    assert watch.problems == [], watch.problems
    context.close()


def test_only_those_who_write_the_documents_see_the_spellings_form(browser, origin, make_member):
    """A rapporteur (who may not write the dialogue's documents) sees the roster without the form;
    a convener sees it under every name."""
    watch = Watch()
    convener = make_member("convener", username="samira")
    rapporteur_account = make_member("rapporteur", username="dariush")
    context = new_context(browser, locale="en-GB", timezone_id="Europe/London")
    page = watch.page(context)
    sign_in(page, origin, convener)
    dialogue_id = create_dialogue(page, origin, name="Samira Haddad-Lund")
    invite(page, [("Yusuf Al-Mansour", "Upstream")])
    open_editor(page, "seat")
    page.fill("#seat-username", "dariush")
    page.select_option("#seat-role", "rapporteur")
    page.fill("#seat-name", "Dariush Farahani")
    page.click("#seat-form button[type=submit]")
    expect(page.locator("#invitation-list")).to_contain_text("team seat", timeout=WAIT)
    rapporteur_context = new_context(browser, locale="en-GB", timezone_id="Asia/Amman")
    rapporteur = watch.page(rapporteur_context)
    sign_in(rapporteur, origin, rapporteur_account)
    rapporteur.goto(origin + "/dialogues")
    rapporteur.locator("#seat-list button").click()
    expect(rapporteur.locator("[data-seat-fingerprint]")).to_be_visible(timeout=WAIT)
    let_in(page)
    rapporteur.goto(f"{origin}/dialogues/{dialogue_id}#people")
    expect(rapporteur.locator("#panels")).to_be_visible(timeout=WAIT)
    row = rapporteur.locator("#participant-table tbody tr", has_text="Yusuf Al-Mansour")
    expect(row).to_have_count(1, timeout=WAIT)
    expect(rapporteur.locator("#panel-people details.alias-editor")).to_have_count(0)
    expect(rapporteur.locator("#panel-people textarea")).to_have_count(0)
    open_tab(page, "people")
    expect(page.locator("#panel-people details.alias-editor")).to_have_count(3, timeout=WAIT)
    assert watch.problems == [], watch.problems
    rapporteur_context.close()
    context.close()
