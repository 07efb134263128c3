"""The summary's review in the summary's own language, in Chromium.

A convener lists two people and writes a summary naming one of them twice and the other once.
The review shows how many findings are still undecided (a polite live region, with its plural
forms), and one decision can be applied to every occurrence of the same person. With Persian
chosen as the summary's language on an English page, the proposed label and the exported text
say "[یک شرکت‌کننده]", never "[a participant]". The count is checked again on the Arabic page
(right to left); both pages are clean for axe-core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_notes_export import download, new_context, switch_locale
from tests.browser.test_workspace import (
    WAIT,
    Watch,
    axe_violations,
    create_dialogue,
    open_editor,
    sign_in,
)

pytestmark = pytest.mark.browser

# Listed without a side: a dialogue with sides exports only what every side approved
# (tests/browser/test_summary_approval.py), and these two never join to approve.
PEOPLE = [("Yusuf Al-Mansour", ""), ("Anatoly Greshnev", "")]
FREE_TEXT = (
    "Yusuf Al-Mansour opened the session. Anatoly Greshnev answered, "
    "and Yusuf Al-Mansour proposed a joint visit."
)
PERSIAN_LABEL = "[یک شرکت‌کننده]"


@pytest.fixture
def origin(live_app):  # type: ignore[no-untyped-def]
    return live_app.config["LIVE_ORIGIN"]


def list_people(page: Any) -> None:
    for count, (name, side) in enumerate(PEOPLE, start=1):
        open_editor(page, "invite")
        page.fill("#invite-name", name)
        page.fill("#invite-side", side)
        page.click("#participant-invite button[type=submit]")
        expect(page.locator("#invitation-list > li")).to_have_count(count, timeout=WAIT)


def review(page: Any) -> Any:
    page.click("#run-review")
    findings = page.locator("#findings > li.finding")
    expect(findings.first).to_be_visible(timeout=WAIT)
    return findings


def of(findings: Any, page: Any, name: str) -> Any:
    return findings.filter(has=page.locator("mark", has_text=name))


def test_labels_in_the_summary_language_apply_to_all_and_the_undecided_count(
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
    list_people(page)
    page.goto(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(page.locator("#summary-content")).to_be_visible(timeout=WAIT)
    page.fill("#summary-text", FREE_TEXT)

    # English: three findings, a count in the live region, one decision for both "Yusuf".
    findings = review(page)
    yusuf = of(findings, page, "Yusuf Al-Mansour")
    anatoly = of(findings, page, "Anatoly Greshnev")
    expect(yusuf).to_have_count(2)
    count = page.locator("#undecided")
    assert count.get_attribute("aria-live") == "polite"
    expect(count).to_have_text("3 findings still undecided")
    expect(anatoly.locator("input.every")).to_have_count(0)  # no one else to apply it to
    yusuf.first.locator("input.every").check()
    yusuf.first.locator("input[value=replace]").check()
    expect(yusuf.nth(1).locator("input[value=replace]")).to_be_checked()
    expect(count).to_have_text("1 finding still undecided")
    expect(page.locator("#export-md")).to_be_disabled()
    # Changing the decision while "every occurrence" is ticked changes the other one too.
    yusuf.first.locator("input[value=own]").check()
    yusuf.first.locator("input.own").fill("the upstream delegate")
    expect(yusuf.nth(1).locator("input[value=own]")).to_be_checked()
    expect(yusuf.nth(1).locator("input.own")).to_have_value("the upstream delegate")
    anatoly.locator("input[value=replace]").check()
    expect(count).to_have_text("0 findings still undecided")
    expect(page.locator("#export-md")).to_be_enabled(timeout=WAIT)
    expect(page.locator("#consent-none")).to_be_visible()  # no side, so no approval to wait for
    _name, markdown = download(page, "#export-md")
    text = markdown.decode()
    assert text.count("the upstream delegate") == 2 and "[a participant]" in text
    assert axe_violations(page, origin) == []

    # Persian summary on an English page: the label comes from the Persian catalogue.
    page.select_option("#summary-lang", "fa")
    findings = review(page)
    expect(findings.first).to_contain_text(PERSIAN_LABEL)
    expect(page.locator("#undecided")).to_have_text("3 findings still undecided")
    of(findings, page, "Yusuf Al-Mansour").first.locator("input.every").check()
    of(findings, page, "Yusuf Al-Mansour").first.locator("input[value=replace]").check()
    of(findings, page, "Anatoly Greshnev").locator("input[value=replace]").check()
    expect(page.locator("#export-md")).to_be_enabled(timeout=WAIT)
    expect(page.locator("#preview")).to_contain_text(PERSIAN_LABEL)
    _name, markdown = download(page, "#export-md")
    text = markdown.decode()
    assert text.count(PERSIAN_LABEL) == 3 and "[a participant]" not in text
    for name, _side in PEOPLE:
        assert name not in text
    assert axe_violations(page, origin) == []
    page.screenshot(path=str(artifacts / "summary-labels-fa.png"), full_page=True)

    # Arabic page (right to left): the count in Arabic, with its plural form.
    switch_locale(page, "ar")
    page.goto(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(page.locator("#summary-content")).to_be_visible(timeout=WAIT)
    assert page.locator("html").get_attribute("dir") == "rtl"
    # The saved draft keeps the summary's language (Persian) over the page's; Arabic is chosen.
    expect(page.locator("#summary-lang")).to_have_value("fa", timeout=WAIT)
    page.select_option("#summary-lang", "ar")
    findings = review(page)
    expect(page.locator("#undecided")).to_have_text("لم يُحسم بعد أمر 3 مواضع")
    expect(findings.first).to_contain_text("[مشارك]")
    of(findings, page, "Yusuf Al-Mansour").first.locator("input.every").check()
    of(findings, page, "Yusuf Al-Mansour").first.locator("input[value=keep]").check()
    expect(page.locator("#undecided")).to_have_text("لم يُحسم بعد أمر موضع واحد (1)")
    assert axe_violations(page, origin) == []
    page.screenshot(path=str(artifacts / "summary-labels-ar.png"), full_page=True)

    assert watch.problems == [], watch.problems
    context.close()


def test_the_summary_template_names_the_live_count() -> None:
    template = Path(__file__).resolve().parents[2] / "facilitator/templates/dialogues/summary.html"
    assert 'id="undecided"' in template.read_text()
