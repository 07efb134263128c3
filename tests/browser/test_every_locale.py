"""Every page in every supported locale, as a reader of that language sees it in Chromium.

One dialogue is set up once (a convener, an agenda, a participant let in); then for each locale
the convener and the participant switch language with the page's own switcher and every page is
opened. On each: ``<html lang dir>`` match the locale, no English message of the catalogue is
left on the page (text or accessible names) once the page's scripts have rendered, dates are in
the locale's calendar and digits, nothing overflows sideways, and in the right-to-left locales
axe-core finds no serious accessibility problem. The live room is photographed
in the right-to-left locales (``test-artifacts/locale-<tag>-live.png``).
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from facilitator.core.i18n import SUPPORTED_LOCALES, locale_info
from tests.browser.test_live_floor import translated
from tests.browser.test_live_room import LAYLA, LiveWatch, admit, wait_live
from tests.browser.test_notes_export import BULLET_ROOM, add_note
from tests.browser.test_workspace import add_agenda, axe_violations, create_dialogue, sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
WAIT = 20_000
TRANSLATED = [tag for tag in SUPPORTED_LOCALES if tag != "en"]
# Text nodes and accessible names a page shows, one per entry.
VISIBLE_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!element || element.closest("script, style, [hidden], template")) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const element of document.querySelectorAll("[aria-label], [placeholder], [title], [alt]")) {
    for (const name of ["aria-label", "placeholder", "title", "alt"]) {
      const value = element.getAttribute(name);
      if (value && value.trim()) out.push(value.trim());
    }
  }
  return out;
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
LATIN_DIGIT = re.compile(r"[0-9]")


def english_messages(tag: str) -> set[str]:
    """The English msgids that this locale renders differently (so seeing one is a leak)."""
    path = ROOT / "translations" / tag / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=tag)
    leaks: set[str] = set()
    kept: set[str] = set()  # shown as they are somewhere (the product's name), so never a leak
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        kept.update(str(text).strip() for text in strings)
        leaks.update(msgid.strip() for msgid in ids if "%(" not in msgid)
    return leaks - kept


def switch_locale(page: Any, tag: str) -> None:
    page.select_option("#locale-select", tag)
    page.locator(".locale-switcher button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", tag)


# axe-core runs on every page in these locales (all right-to-left ones and one more script).
AXE_LOCALES = {"ar", "fa", "he", "ur", "ps", "ckb", "ru"}


def check_page(page: Any, tag: str, english: set[str], where: str, origin: str = "") -> None:
    info = locale_info(tag)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", tag)
    expect(html).to_have_attribute("dir", info.direction)
    page.wait_for_load_state("networkidle")
    leaked = sorted({text for text in page.evaluate(VISIBLE_TEXTS) if text in english})
    assert leaked == [], f"{tag} {where}: English left on the page: {leaked}"
    assert page.evaluate(OVERFLOW) <= 1, f"{tag} {where}: the page overflows sideways"
    if origin and tag in AXE_LOCALES:
        assert axe_violations(page, origin) == [], f"{tag} {where}"


def tab_order(page: Any, presses: int = 25) -> list[dict[str, float]]:
    """Where keyboard focus lands, press after press: each element's box and whether it shows
    a focus indicator (an outline or a box shadow)."""
    page.locator("body").focus()
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        box = page.evaluate("""() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const r = el.getBoundingClientRect();
          const style = getComputedStyle(el);
          const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
            || style.boxShadow !== "none";
          return {x: r.left, right: r.right, y: r.top, h: r.height, ring, id: el.id || el.tagName};
        }""")
        if box is None or (seen and box == seen[0]):
            break
        seen.append(box)
    return seen


def check_focus_order(page: Any, tag: str, where: str) -> None:
    """Focus moves in reading order: along a line from the start edge (right in RTL), and it
    is always visible."""
    rtl = locale_info(tag).is_rtl
    order = tab_order(page)
    assert order, f"{tag} {where}: nothing can be reached with the keyboard"
    for box in order:
        assert box["ring"], f"{tag} {where}: no visible focus on {box['id']}"
    for before, after in pairwise(order):
        same_line = abs(before["y"] - after["y"]) < 4 and before["h"] and after["h"]
        apart = after["right"] <= before["x"] + 1 or after["x"] >= before["right"] - 1
        if same_line and apart:
            forward = (
                after["right"] <= before["x"] + 1 if rtl else after["x"] >= before["right"] - 1
            )
            assert forward, (
                f"{tag} {where}: focus goes against the reading direction: {before} -> {after}"
            )


def check_dates(page: Any, tag: str) -> None:
    """Session times on the participant's page follow the locale's calendar and digits."""
    when = page.locator("#next-when")
    expect(when).not_to_be_empty(timeout=WAIT)
    text = when.inner_text()
    if tag in {"fa", "ps"}:
        assert not LATIN_DIGIT.search(text) and re.search("[۰-۹]", text), (tag, text)
    if tag == "fa":
        assert "آذر" in text or "دی" in text, f"fa: not the Persian calendar: {text}"
    if tag == "ckb":
        assert not LATIN_DIGIT.search(text) and re.search("[٠-٩]", text), (tag, text)
    if tag in {"ps", "ckb"}:
        assert not re.search(r"\b(Dec|Nov|Mon|Tue)\b", text), f"{tag}: English date: {text}"


# The runs of a formatted date and time that sit in Unicode isolates (U+2066..U+2069), with the
# box of each character: where the reader's eye finds each one on the rendered line.
ISOLATED_RUNS = """(element) => {
  const node = element.firstChild;
  const text = node.textContent;
  const runs = [];
  let start = -1;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0x2066 && code <= 0x2068) start = i + 1;
    else if (code === 0x2069 && start >= 0) {
      const boxes = [];
      for (let j = start; j < i; j += 1) {
        const range = document.createRange();
        range.setStart(node, j);
        range.setEnd(node, j + 1);
        const r = range.getBoundingClientRect();
        boxes.push({ x: r.left, right: r.right, y: Math.round(r.top) });
      }
      runs.push({ text: text.slice(start, i), offset: start, boxes });
      start = -1;
    }
  }
  return runs;
}"""
RTL_LETTER = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
DIGITS = re.compile(r"\d+")


def run_direction(text: str, page_direction: str) -> str:
    """The direction a run is laid out in: its first letter's, else the page's."""
    for char in text:
        if char.isalpha():
            return "rtl" if RTL_LETTER.match(char) else "ltr"
    return page_direction


def check_time_order(page: Any, tag: str) -> None:
    """In a right-to-left page, a session's date, its times and its zone each read as a unit:
    the start time comes before the end time in the run's own direction, and no run is laid out
    in the middle of another (the scrambled "AM - 7:00 PM 11:00" of an unisolated Urdu range)."""
    page.set_viewport_size({"width": 1400, "height": 844})
    try:
        runs = page.locator("#next-when").evaluate(ISOLATED_RUNS)
    finally:
        page.set_viewport_size({"width": 390, "height": 844})
    assert len(runs) >= 2, f"{tag}: the date and the times are not isolated: {runs}"
    times = [run for run in runs if ":" in run["text"]]
    assert times, f"{tag}: no time run in {[run['text'] for run in runs]}"
    for run in times:
        hours = list(DIGITS.finditer(run["text"]))
        if len(hours) < 4:
            continue  # a single time
        first, second = run["boxes"][hours[0].start()], run["boxes"][hours[2].start()]
        assert first["y"] == second["y"], f"{tag}: the range is broken across lines"
        if run_direction(run["text"], "rtl") == "ltr":
            assert first["x"] < second["x"], f"{tag}: {run['text']!r} reads backwards"
        else:
            assert first["x"] > second["x"], f"{tag}: {run['text']!r} reads backwards"
    for one, other in pairwise(runs):
        same_line = {box["y"] for box in one["boxes"]} == {box["y"] for box in other["boxes"]}
        if not same_line:
            continue
        left = min(box["x"] for box in one["boxes"]), max(box["right"] for box in one["boxes"])
        right = min(box["x"] for box in other["boxes"]), max(box["right"] for box in other["boxes"])
        assert left[1] <= right[0] + 1 or right[1] <= left[0] + 1, (
            f"{tag}: {one['text']!r} and {other['text']!r} are laid out inside each other"
        )
        # Right to left, what is said first stands to the right.
        assert left[0] >= right[1] - 1, f"{tag}: {one['text']!r} stands after {other['text']!r}"


def check_zone_name(page: Any, tag: str) -> None:
    """The dialogue's time zone is named in the reader's language, not by its IANA id."""
    zone = page.locator("#dialogue-facts [data-zone]")
    expect(zone).to_be_visible(timeout=WAIT)
    ident = zone.get_attribute("data-zone")
    shown = zone.inner_text()
    if tag != "en":
        assert shown and shown != ident and "/" not in shown, f"{tag}: the zone shows as {shown!r}"
    if locale_info(tag).is_rtl:  # named in the page's script, not in English
        assert RTL_LETTER.search(shown), f"{tag}: the zone shows as {shown!r}"


# Two notes of one item, each in its own direction, on the summary's draft in every locale.
NOTED_ITEM = "Opening and ground rules"
BULLET_NOTES = {
    "en": "Both delegations asked for the gauge readings to be shared weekly.",
    "ar": "طلب الوفدان مشاركة قراءات المقياس كل أسبوع.",
}


def check_bullets(page: Any, tag: str) -> None:
    """Each note's bullet stands beside its own first line, whatever the page's direction: the
    item takes the note's direction and leaves room for the bullet on that side."""
    draft = page.locator("#draft-notes")
    for lang, text in BULLET_NOTES.items():
        bullet = draft.locator("li", has_text=text).evaluate(BULLET_ROOM)
        expected = "rtl" if locale_info(lang).is_rtl else "ltr"
        assert bullet["direction"] == expected, (tag, lang, bullet)
        assert bullet["text_to_item"] < 2 and bullet["room"] >= 10, (tag, lang, bullet)


def check_language_choices(page: Any, tag: str) -> None:
    """The new dialogue's working languages are ticked from the supported locales, each named
    in its own language, and a title field follows each choice as it is made."""
    boxes = page.locator("#language-boxes input[type=checkbox]")
    expect(boxes).to_have_count(len(SUPPORTED_LOCALES))
    titles = page.locator("#title-fields input")
    before = titles.count()
    extra = "uk" if tag != "uk" else "tr"
    page.locator(f"#language-boxes input[value='{extra}']").check()
    expect(page.locator(f"#title-{extra}")).to_be_visible()
    expect(titles).to_have_count(before + 1)
    page.locator(f"#language-boxes input[value='{extra}']").uncheck()
    expect(titles).to_have_count(before)


def check_invitation_languages(page: Any) -> None:
    """A participant's own language is any supported locale, not only a working language."""
    offered = page.locator("#invite-language option").evaluate_all(
        "(options) => options.map((option) => option.value)"
    )
    assert set(SUPPORTED_LOCALES) <= set(offered), offered


def check_connection_words(page: Any, tag: str) -> None:
    """The live view says in words, in the reader's language, that all is current."""
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "live", timeout=WAIT)
    expect(status).to_have_text(translated(tag, "Connected: up to date"), timeout=WAIT)


@pytest.mark.skipif(not TRANSLATED, reason="no translated locale")
def test_every_page_in_every_locale(browser, origin, make_member, artifacts):
    watch = LiveWatch()
    convener_account = make_member("convener", username="samira")
    convener_context = browser.new_context(locale="en-GB", timezone_id="Asia/Amman")
    convener = watch.page(convener_context)
    sign_in(convener, origin, convener_account)
    dialogue_id = create_dialogue(convener, origin)
    add_agenda(convener)
    participant_context = browser.new_context(
        locale="en-GB", timezone_id="Asia/Amman", viewport={"width": 390, "height": 844}
    )
    participant = admit(convener, participant_context, watch, LAYLA, origin, dialogue_id)
    convener.goto(f"{origin}/dialogues/{dialogue_id}/notes")
    expect(convener.locator("#notes-content")).to_be_visible(timeout=WAIT)
    for lang, text in BULLET_NOTES.items():
        add_note(convener, NOTED_ITEM, "point", text, lang)

    team_pages = {
        "home": ("/", "main"),
        "account": ("/account", "main"),
        "team": ("/team", "main"),
        "dashboard": ("/dialogues", "#dialogue-list li"),
        "new dialogue": ("/dialogues/new", "#new-dialogue"),
        "workspace": (f"/dialogues/{dialogue_id}", "#panels"),
        "notes": (f"/dialogues/{dialogue_id}/notes", "#notes-content"),
        "summary": (f"/dialogues/{dialogue_id}/summary", "#summary-content"),
        "console": (f"/dialogues/{dialogue_id}/live", "#live-status[data-state=live]"),
        "projector": (f"/dialogues/{dialogue_id}/projector", "#live-status[data-state=live]"),
    }
    participant_pages = {
        "participant home": (f"/p/{dialogue_id}", "#content"),
        "participant live": (f"/p/{dialogue_id}/live", "#live-status[data-state=live]"),
    }
    for tag in TRANSLATED:
        english = english_messages(tag)
        convener.goto(origin + "/")  # the projector has no header to switch language from
        switch_locale(convener, tag)
        for where, (path, ready) in team_pages.items():
            convener.goto(origin + path)
            expect(convener.locator(ready).first).to_be_visible(timeout=WAIT)
            check_page(convener, tag, english, where, origin)
            if where == "workspace":
                check_zone_name(convener, tag)
                check_invitation_languages(convener)
            if where == "new dialogue":
                check_language_choices(convener, tag)
            if where == "summary" and locale_info(tag).is_rtl:
                check_bullets(convener, tag)
        participant.goto(f"{origin}/p/{dialogue_id}")
        switch_locale(participant, tag)
        for where, (path, ready) in participant_pages.items():
            participant.goto(origin + path)
            expect(participant.locator(ready).first).to_be_visible(timeout=WAIT)
            check_page(participant, tag, english, where, origin)
            if where == "participant home":
                check_dates(participant, tag)
                if locale_info(tag).is_rtl:
                    check_time_order(participant, tag)
            if where == "participant live":
                check_connection_words(participant, tag)
            if tag in AXE_LOCALES:
                check_focus_order(participant, tag, where)
        wait_live(participant)
        if locale_info(tag).is_rtl:
            participant.screenshot(path=str(artifacts / f"locale-{tag}-live.png"), full_page=True)

        signed_out = browser.new_context(locale=tag)
        page = watch.page(signed_out)
        for where, path in {
            "sign-in": "/login",
            "bad invitation": "/j/AAAAAAAAAAAAAAAAAAAAAA",
        }.items():
            page.goto(origin + path)
            check_page(page, tag, english, where, origin)
        signed_out.close()

    # A participant removed from the dialogue is told so and offered the wipe there and then,
    # in their language, left to right and right to left.
    convener.goto(origin + "/")
    switch_locale(convener, "en")
    convener.goto(f"{origin}/dialogues/{dialogue_id}#people")
    convener.once("dialog", lambda dialog: dialog.accept())
    convener.get_by_role("button", name=f"Remove {LAYLA['name']} from the dialogue").click()
    for tag in ("en", "he", "ur"):
        participant.goto(f"{origin}/p/{dialogue_id}")
        switch_locale(participant, tag)
        participant.goto(f"{origin}/p/{dialogue_id}/live")
        expect(participant.locator("#refusal #wipe")).to_have_text(
            translated(tag, "Leave and wipe this device"), timeout=WAIT
        )
        assert participant.locator("html").get_attribute("dir") == locale_info(tag).direction
    participant.once("dialog", lambda dialog: dialog.accept())
    participant.locator("#refusal #wipe").click()
    expect(participant.locator("#wipe-status")).to_have_text(
        translated("ur", "This device has left the dialogue and holds no key any more."), timeout=WAIT
    )
    assert watch.problems == []
