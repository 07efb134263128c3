"""A key steward notices requests to join wherever they are, and decides them there.

The convener (a key steward) invites two participants and keeps the workspace, the live console
and the notes page open. Each knock shows at the top of all three, counted in words in the page's
language, without reloading. On the console the convener compares the fingerprint with the one on
the newcomer's screen and lets them in; the newcomer gets in and the room carries on under the new
epoch. From the notes page the convener refuses the other one. In English, Hebrew and Urdu; axe
stays clean. A facilitator without the steward key sees no notice and never asks for knocks.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_locale import switch_locale
from tests.browser.test_live_room import (
    DMITRI,
    LAYLA,
    LiveWatch,
    invite,
    seat_facilitator,
    send,
    texts,
    wait_live,
)
from tests.browser.test_workspace import (
    WAIT,
    axe_violations,
    create_dialogue,
    participant_joins,
    sign_in,
)

pytestmark = pytest.mark.browser

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


def requests_to_join(page: Any, count: int) -> str:
    """The notice's words for ``count`` requests, from the page's own catalogue and digits."""
    tag = page.locator("html").get_attribute("lang")
    num = page.evaluate(
        "(n) => new Intl.NumberFormat(document.documentElement.lang).format(n)", count
    )
    catalogue = gettext.translation("messages", TRANSLATIONS, [tag], fallback=True)
    words = catalogue.ngettext("%(num)s request to join", "%(num)s requests to join", count)
    return words % {"num": num}


def notice(page: Any) -> Any:
    return page.locator("#knock-notice")


def expect_waiting(page: Any, count: int) -> None:
    """The notice says how many are waiting (nothing, and no frame, when none is)."""
    line = notice(page).locator(".knock-count")
    if count:
        expect(line).to_have_text(requests_to_join(page, count), timeout=WAIT)
        expect(line).to_be_visible()
        expect(notice(page)).to_have_attribute("data-waiting", "")
    else:
        expect(line).to_have_text("", timeout=WAIT)
        expect(notice(page)).not_to_have_attribute("data-waiting", "")


def unfold(page: Any) -> Any:
    """Opens the notice's list of requests, as a person would, and returns its items."""
    details = notice(page).locator("details")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return notice(page).locator("li.knock")


def request_of(page: Any, fingerprint: str) -> Any:
    """The request whose fingerprint is the one shown on the newcomer's screen."""
    shown = page.locator("[data-knock-fingerprint]", has_text=fingerprint)
    return notice(page).locator("li.knock", has=shown)


@pytest.mark.parametrize("locale", ["en", "he", "ur"])
def test_a_steward_sees_and_decides_knocks_on_every_page(
    browser, origin, live_app, make_member, artifacts, locale
):
    watch = LiveWatch()
    convener = make_member("convener", username="samira")
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    workspace = watch.page(context)
    sign_in(workspace, origin, convener)
    dialogue_id = create_dialogue(workspace, origin)
    if locale != "en":  # the convener's pages from here on are in their language
        switch_locale(workspace, locale)
        expect(workspace.locator("#panels")).to_be_visible(timeout=WAIT)
    layla_link = invite(workspace, LAYLA)
    dmitri_link = invite(workspace, DMITRI)

    # The console and the notes page, open beside the workspace: nothing waits yet.
    console = watch.page(context)
    console.goto(f"{origin}/dialogues/{dialogue_id}/live")
    wait_live(console)
    notes = watch.page(context)
    notes.goto(f"{origin}/dialogues/{dialogue_id}/notes")
    expect(notes.locator("#notes-content")).to_be_visible(timeout=WAIT)
    pages = (workspace, console, notes)
    if locale != "en":
        for page in pages:
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
    for page in pages:
        expect_waiting(page, 0)
        # Announced politely as it changes: the line is a live region from the start.
        line = notice(page).locator(".knock-count")
        assert line.get_attribute("role") == "status"
        assert line.get_attribute("aria-live") == "polite"

    # Two newcomers knock: every page counts them, in words, without reloading.
    layla_context = browser.new_context(locale="ar", timezone_id="Asia/Amman")
    layla, layla_fp = participant_joins(layla_context, watch, layla_link, origin)
    for page in pages:
        expect_waiting(page, 1)
    dmitri_context = browser.new_context(locale="ru", timezone_id="Asia/Amman")
    dmitri, dmitri_fp = participant_joins(dmitri_context, watch, dmitri_link, origin)
    for page in pages:
        expect_waiting(page, 2)

    # The workspace's notice leads to its list of requests.
    workspace.locator("#knock-notice a").click()
    expect(workspace).to_have_url(re.compile(r"#knocks-heading$"))
    expect(workspace.locator("#knock-list li.knock")).to_have_count(2, timeout=WAIT)
    assert axe_violations(workspace, origin) == []

    # On the console: each request with its name and fingerprint; the convener compares the
    # one on Layla's screen and lets her in.
    requests = unfold(console)
    expect(requests).to_have_count(2, timeout=WAIT)
    shown = console.locator("#knock-notice [data-knock-fingerprint]").all_inner_texts()
    assert sorted(shown) == sorted([layla_fp, dmitri_fp])
    layla_request = request_of(console, layla_fp)
    expect(layla_request).to_contain_text(LAYLA["name"])
    assert axe_violations(console, origin) == []
    notice(console).screenshot(path=str(artifacts / f"knock-notice-{locale}-console.png"))
    layla_request.locator("button.primary").click()
    layla.wait_for_url(f"{origin}/p/{dialogue_id}", timeout=WAIT)
    for page in pages:
        expect_waiting(page, 1)
    expect(requests).to_have_count(1)

    # The console carries on under the new epoch: Layla joins the room and is read there.
    layla.click("#live-link")
    wait_live(layla, console)
    send(layla, "أنا هنا")
    expect(texts(console)).to_have_text(["أنا هنا"], timeout=WAIT)

    # From the notes page the convener refuses Dmitri; the notice goes everywhere.
    requests = unfold(notes)
    expect(requests).to_have_count(1, timeout=WAIT)
    dmitri_request = request_of(notes, dmitri_fp)
    expect(dmitri_request).to_contain_text(DMITRI["name"])
    assert axe_violations(notes, origin) == []
    dmitri_request.locator("button:not(.primary)").click()
    expect(dmitri.locator("#join-error")).to_be_visible(timeout=WAIT)
    for page in pages:
        expect_waiting(page, 0)
    expect(notice(notes).locator("details")).to_be_hidden()
    assert watch.problems == [], watch.problems
    for each in (context, layla_context, dmitri_context):
        each.close()


def test_a_team_member_without_the_steward_key_sees_no_knock(
    browser, origin, live_app, make_member
):
    watch = LiveWatch()
    convener = make_member("convener", username="samira")
    facilitator = make_member("facilitator", username="oleksandr")
    convener_context = browser.new_context(locale="en-GB")
    workspace = watch.page(convener_context)
    sign_in(workspace, origin, convener)
    dialogue_id = create_dialogue(workspace, origin)
    team_context = browser.new_context(locale="he")
    team_page = watch.page(team_context)
    seat_facilitator(workspace, team_page, origin, facilitator)

    # A participant knocks and waits: the convener's workspace counts them.
    layla_context = browser.new_context(locale="ar")
    participant_joins(layla_context, watch, invite(workspace, LAYLA), origin)
    expect_waiting(workspace, 1)

    # The facilitator (no steward key) opens the workspace, the console and the notes page.
    asked: list[str] = []
    team_context.on("request", lambda request: asked.append(request.url))
    info = f"/api/v1/dialogues/{dialogue_id}"
    team_page.goto(f"{origin}/dialogues/{dialogue_id}")
    expect(team_page.locator("#panels")).to_be_visible(timeout=WAIT)
    console = watch.page(team_context)
    console.goto(f"{origin}/dialogues/{dialogue_id}/live")
    wait_live(console)
    notes = watch.page(team_context)
    notes.goto(f"{origin}/dialogues/{dialogue_id}/notes")
    expect(notes.locator("#notes-content")).to_be_visible(timeout=WAIT)
    # Each page has polled since it opened (a notice would have asked at once, and again since).
    for page in (team_page, notes):
        with page.expect_request(lambda request: request.url.endswith(info), timeout=WAIT):
            pass
    with console.expect_request(lambda request: request.url.endswith(info), timeout=WAIT):
        pass

    expect(team_page.locator("#steward-panel")).to_be_hidden()
    expect_waiting(team_page, 0)
    expect(console.locator("#knock-notice")).to_be_empty()
    expect(notes.locator("#knock-notice")).to_be_empty()
    assert not [url for url in asked if "/knocks" in url], asked
    assert axe_violations(console, origin) == []
    assert watch.problems == [], watch.problems
    for each in (convener_context, team_context, layla_context):
        each.close()
