"""The workspace's sections as tabs, in Chromium, in English and in every right-to-left locale.

One dialogue serves every locale: the convener switches the page's language as a person would
(the site header's language setting) and goes through the tabs again. In each locale: the tabs'
names are translated and laid out in reading order (right to left in RTL); the keyboard follows
the WAI-ARIA tabs pattern (one tab in the page's tab sequence, arrow keys in visual order, Home,
End); every section has its own address, which reload, back, forward and a deep link all follow;
the selected tab is announced (aria-selected, its panel labelled by it); no English is left in any
section and nothing overflows a phone's width. Axe checks every section in English and Arabic.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from facilitator.core.i18n import SUPPORTED_LOCALES, locale_info
from tests.browser.test_every_locale import (
    OVERFLOW,
    VISIBLE_TEXTS,
    english_messages,
    switch_locale,
)
from tests.browser.test_workspace import (
    WAIT,
    Watch,
    axe_violations,
    create_dialogue,
    open_tab,
    sign_in,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
RTL = [tag for tag in SUPPORTED_LOCALES if locale_info(tag).is_rtl]
LOCALES = ["en", *RTL]
AXE = {"en", "ar"}
# Each section's address (its fragment) and the name its tab shows, in English.
SECTIONS = {
    "overview": "Overview",
    "agenda": "Agenda",
    "glossary": "Contested terms",
    "people": "People",
    "invitations": "Invitations and requests",
}
BOX = "(element) => { const r = element.getBoundingClientRect(); return {x: r.left, right: r.right, y: r.top}; }"


@cache
def catalogue(tag: str) -> dict[str, str]:
    with (ROOT / "translations" / tag / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle, locale=tag) if m.id}


def translated(tag: str, msgid: str) -> str:
    return msgid if tag == "en" else catalogue(tag)[msgid]


def test_rtl_locales_are_the_six():
    assert sorted(RTL) == ["ar", "ckb", "fa", "he", "ps", "ur"]


def expect_section(page: Any, name: str, tag: str, address: bool = True) -> None:
    """`name` is the one selected tab (in the tab sequence), its panel the one shown and
    labelled by it, and (with `address`) the address ends with its fragment."""
    selected = page.locator(f"#tab-{name}")
    expect(selected).to_have_attribute("aria-selected", "true")
    expect(selected).to_have_attribute("tabindex", "0")
    panel = page.get_by_role("tabpanel")
    expect(panel).to_have_count(1)
    expect(panel).to_have_attribute("id", str(selected.get_attribute("aria-controls")))
    expect(page.get_by_role("tabpanel", name=translated(tag, SECTIONS[name]))).to_be_visible()
    states = page.get_by_role("tab").evaluate_all(
        "(tabs) => tabs.map((t) => [t.id, t.getAttribute('aria-selected'), t.tabIndex])"
    )
    assert states == [
        [f"tab-{other}", str(other == name).lower(), 0 if other == name else -1]
        for other in SECTIONS
    ], (tag, states)
    if address:
        expect(page).to_have_url(page.url.split("#")[0] + f"#{name}")


def focused_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement?.id"))


def press(page: Any, key: str, name: str, tag: str) -> None:
    """Presses `key` in the tablist: focus and selection move to `name`'s tab together."""
    page.keyboard.press(key)
    expect(page.locator(f"#tab-{name}")).to_be_focused()
    expect_section(page, name, tag)


def check_tabs(page: Any, tag: str, workspace: str, origin: str) -> None:
    rtl = locale_info(tag).is_rtl
    page.goto(workspace)
    expect(page.locator("#panels")).to_be_visible(timeout=WAIT)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if rtl else "ltr")

    # Translated names, and the tablist is named too.
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_text([translated(tag, english) for english in SECTIONS.values()])
    expect(page.get_by_role("tablist", name=translated(tag, "Workspace sections"))).to_be_visible()

    # Laid out in reading order on one line: in RTL the first tab stands right of the second.
    boxes = tabs.evaluate_all(f"(tabs) => tabs.map({BOX})")
    assert len({round(box["y"]) for box in boxes}) == 1, (tag, boxes)
    for first, second in pairwise(boxes):
        if rtl:
            assert first["x"] >= second["right"] - 1, (tag, "not right to left", boxes)
        else:
            assert first["right"] <= second["x"] + 1, (tag, "not left to right", boxes)
    expect_section(page, "overview", tag, address=False)

    # Roving tabindex: Shift+Tab from the panel reaches the selected tab, Tab leaves the tablist.
    page.locator("#panel-overview").focus()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#tab-overview")).to_be_focused()
    ring = page.locator("#tab-overview").evaluate("(t) => getComputedStyle(t).outlineStyle")
    assert ring != "none", f"{tag}: no visible focus on the tab"
    page.keyboard.press("Tab")
    expect(page.locator("#panel-overview")).to_be_focused()
    page.keyboard.press("Shift+Tab")

    # Arrow keys follow the visual order: in RTL, ArrowLeft is the next tab, standing to the left.
    forward, backward = ("ArrowLeft", "ArrowRight") if rtl else ("ArrowRight", "ArrowLeft")
    before = page.locator("#tab-overview").evaluate(BOX)
    press(page, forward, "agenda", tag)
    after = page.locator("#tab-agenda").evaluate(BOX)
    assert (after["x"] < before["x"]) if rtl else (after["x"] > before["x"]), (tag, before, after)
    press(page, forward, "glossary", tag)
    press(page, backward, "agenda", tag)
    press(page, "End", "invitations", tag)
    press(page, forward, "overview", tag)  # round from the last to the first
    press(page, backward, "invitations", tag)
    press(page, "Home", "overview", tag)

    # A click, then back and forward through the sections seen.
    page.locator("#tab-people").click()
    expect_section(page, "people", tag)
    page.go_back()
    expect_section(page, "overview", tag)
    page.go_back()
    expect_section(page, "invitations", tag)
    page.go_forward()
    page.go_forward()
    expect_section(page, "people", tag)

    # The address survives a reload, and a link to a section or to a place inside one opens it.
    page.reload()
    expect(page.locator("#panels")).to_be_visible(timeout=WAIT)
    expect_section(page, "people", tag)
    page.goto(workspace + "#glossary")
    expect_section(page, "glossary", tag)
    page.goto(workspace + "#knocks-heading")
    expect(page.locator("#knocks-heading")).to_be_visible()
    expect_section(page, "invitations", tag, address=False)
    page.goto(workspace + "#nothing-here")
    page.reload()
    expect(page.locator("#panels")).to_be_visible(timeout=WAIT)
    expect_section(page, "overview", tag, address=False)

    # Every section: no English left in another locale, nothing wider than a phone, axe clean.
    english = english_messages(tag) if tag != "en" else set()
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        for name in SECTIONS:
            open_tab(page, name)
            leaked = sorted({text for text in page.evaluate(VISIBLE_TEXTS) if text in english})
            assert leaked == [], f"{tag} {name}: English left on the page: {leaked}"
            assert page.evaluate(OVERFLOW) <= 1, f"{tag} {name}: the page overflows sideways"
            if tag in AXE:
                assert axe_violations(page, origin) == [], f"{tag} {name}"
    finally:
        page.set_viewport_size({"width": 1280, "height": 720})


def test_workspace_tabs_in_english_and_every_rtl_locale(
    browser, origin, make_member, artifacts, subtests
):
    watch = Watch()
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 720})
    page = watch.page(context)
    sign_in(page, origin, make_member("convener", username="samira"))
    dialogue_id = create_dialogue(page, origin)
    workspace = f"{origin}/dialogues/{dialogue_id}"

    # Before the dialogue opens on the device (here: never, without JavaScript), the page says
    # it is opening and shows no tabs.
    still = browser.new_context(storage_state=context.storage_state(), java_script_enabled=False)
    shell = still.new_page()
    shell.goto(workspace + "#agenda")
    expect(shell.locator("#loading")).to_be_visible()
    expect(shell.get_by_role("tablist")).to_have_count(0)
    still.close()

    for tag in LOCALES:
        with subtests.test(locale=tag):
            if tag != "en":
                page.goto(workspace)
                switch_locale(page, tag)
            check_tabs(page, tag, workspace, origin)
            if tag in {"en", "ar"}:
                open_tab(page, "agenda")
                page.screenshot(path=str(artifacts / f"workspace-tabs-{tag}.png"))
    assert watch.problems == [], watch.problems
    context.close()
