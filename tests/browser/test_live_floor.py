"""Fair floor time in Chromium, the facilitator's console in English, Arabic and Persian.

Two participants of two sides join the live room. When one side has had markedly more of the
current item, the console says so in words in a polite live region; when the other side has
spoken as long, or another item starts, the note goes. In the queue, who has not spoken yet today
comes first, marked, on the console and on a participant's phone alike, and "Next speaker" gives
them the floor.

Speaking time comes from the ``at`` of the facilitator's messages, which the console takes from
its clock: the test moves the console's clock ahead (Playwright's clock) instead of waiting.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from tests.browser.test_live_room import (
    DMITRI,
    LAYLA,
    WAIT,
    LiveWatch,
    open_room_of_two,
    wait_live,
)
from tests.browser.test_workspace import axe_violations

ROOT = Path(__file__).resolve().parents[2]
ISOLATES = re.compile("[\u2066-\u2069]")
NOT_YET = "%(side)s has had the floor in this item and %(other)s has not spoken yet."
FAR = "%(side)s has spoken far longer than %(other)s in this item."
TIMES = "%(side)s has spoken about %(times)s times as long as %(other)s in this item."
FIRST = "First time today"


def translated(tag: str, message: str) -> str:
    """``message`` as the console shows it in ``tag`` (from the same catalogue)."""
    if tag == "en":
        return message
    with (ROOT / "translations" / tag / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=tag)
    entry = catalog.get(message)
    assert entry is not None and entry.string, (tag, message)
    return str(entry.string)


def sentence(tag: str, message: str, side: str, other: str) -> re.Pattern[str]:
    """The note's words, the sides filled in and any number left open."""
    text = translated(tag, message)
    pattern = re.escape(text)
    for key, value in (("side", side), ("other", other)):
        pattern = pattern.replace(re.escape(f"%({key})s"), re.escape(value))
    pattern = pattern.replace(re.escape("%(times)s"), r"\S+")
    return re.compile(f"^{pattern}$")


def ahead(context: Any, page: Any, minutes: int) -> None:
    """Moves the console's clock ``minutes`` ahead: its next messages say that time passed."""
    now_ms = page.evaluate("Date.now()")
    context.clock.set_system_time((now_ms + minutes * 60_000) / 1000)


def note_says(page: Any, pattern: re.Pattern[str], side: str) -> None:
    note = page.locator("#floor-balance .floor-note")
    expect(note).to_have_attribute("data-side", side, timeout=WAIT)
    expect(note).to_be_visible()
    words = ISOLATES.sub("", note.inner_text())
    assert pattern.match(words), (words, pattern.pattern)


def queue_names(page: Any) -> Any:
    return page.locator("#queue li .who")


@pytest.mark.browser
@pytest.mark.parametrize(("tag", "locale"), [("en", "en-GB"), ("ar", "ar"), ("fa", "fa")])
def test_fair_floor_time(browser, origin, live_app, make_member, artifacts, tag, locale):
    watch = LiveWatch()
    room = open_room_of_two(browser, origin, make_member, watch, locale)
    console, arabic, russian = room.console, room.arabic, room.russian
    facilitator_context = room.console_context
    wait_live(console, arabic, russian)
    assert console.locator("html").get_attribute("lang") == tag
    if tag != "en":
        assert console.locator("html").get_attribute("dir") == "rtl"
    balance = console.locator("#floor-balance")
    expect(balance).to_have_attribute("aria-live", "polite")
    expect(balance).to_have_attribute("role", "status")
    note = balance.locator(".floor-note")
    upper, lower = LAYLA["side"], DMITRI["side"]

    console.locator("#live-agenda .start-item").first.click()
    expect(console.locator("#current-item")).to_have_attribute("data-item", re.compile("."))

    # Both hands up: neither has spoken today, both marked, in the order the hands went up.
    arabic.click("#hand-button")
    expect(queue_names(console)).to_have_count(1, timeout=WAIT)
    russian.click("#hand-button")
    expect(queue_names(console)).to_have_text([LAYLA["name"], DMITRI["name"]], timeout=WAIT)
    expect(console.locator("#queue li .first-today")).to_have_text([translated(tag, FIRST)] * 2)
    expect(note).to_have_count(0)

    # Upper Vell has the floor for four minutes: the console says so, without waiting for them.
    console.click("#next-speaker")
    expect(console.locator("#speaker .who")).to_have_text(LAYLA["name"], timeout=WAIT)
    ahead(facilitator_context, console, 4)
    note_says(console, sentence(tag, NOT_YET, upper, lower), upper)
    expect(arabic.locator("#floor-balance")).to_have_count(0)

    # Lower Vell starts: still far behind, then a minute of theirs, and the ratio is said.
    console.click("#next-speaker")
    expect(console.locator("#speaker .who")).to_have_text(DMITRI["name"], timeout=WAIT)
    note_says(console, sentence(tag, FAR, upper, lower), upper)
    ahead(facilitator_context, console, 1)
    console.click("#speaker-done")
    expect(console.locator("#speaker.none")).to_have_count(1, timeout=WAIT)
    note_says(console, sentence(tag, TIMES, upper, lower), upper)

    # Both participants raise their hands again, after them someone in the room without a
    # device: the one who has not spoken today comes first, marked, on every screen.
    arabic.click("#hand-button")
    expect(queue_names(console)).to_have_count(1, timeout=WAIT)
    console.fill("#label-name", "Yusuf")
    console.locator("#add-label button[type=submit]").click()
    expect(queue_names(console)).to_have_count(2, timeout=WAIT)
    russian.click("#hand-button")
    shown = ["Yusuf", LAYLA["name"], DMITRI["name"]]
    for page in (console, arabic, russian):
        expect(queue_names(page)).to_have_text(shown, timeout=WAIT)
    first = console.locator("#queue li").first
    expect(first.locator(".first-today")).to_have_text(translated(tag, FIRST))
    expect(first).to_have_attribute("data-first-today", "true")
    expect(console.locator("#queue li .first-today")).to_have_count(1)
    expect(arabic.locator("#queue li").first.locator(".first-today")).to_have_text(
        translated("ar", FIRST)
    )
    expect(arabic.locator("#hand-status")).to_contain_text(re.compile("[2\u0662\u06f2]"))
    console.screenshot(path=str(artifacts / f"live-floor-{tag}.png"), full_page=True)
    assert axe_violations(console, origin) == []

    # "Next speaker" gives the floor to the first shown; the others keep their order.
    console.click("#next-speaker")
    for page in (console, arabic):
        expect(page.locator("#speaker .who")).to_have_text("Yusuf", timeout=WAIT)
        expect(queue_names(page)).to_have_text(shown[1:], timeout=WAIT)

    # Lower Vell speaks as long as Upper Vell has: the note goes.
    console.locator("#queue li", has_text=DMITRI["name"]).locator(".controls button").first.click()
    expect(console.locator("#speaker .who")).to_have_text(DMITRI["name"], timeout=WAIT)
    ahead(facilitator_context, console, 4)
    expect(note).to_have_count(0, timeout=WAIT)

    # Then Lower Vell runs on: the note comes back the other way round, and goes when the next
    # item starts (its time counts from zero).
    ahead(facilitator_context, console, 6)
    note_says(console, sentence(tag, TIMES, lower, upper), lower)
    console.locator("#live-agenda .start-item").first.click()
    expect(note).to_have_count(0, timeout=WAIT)
    expect(console.locator("#speaker .who")).to_have_text(DMITRI["name"])
    assert axe_violations(console, origin) == []

    # The next day in the dialogue's time zone, everyone waiting is a first-timer again.
    expect(queue_names(console)).to_have_text([LAYLA["name"]])
    expect(console.locator("#queue li .first-today")).to_have_count(0)
    ahead(facilitator_context, console, 24 * 60)
    expect(console.locator("#queue li .first-today")).to_have_count(1, timeout=WAIT)

    assert watch.problems == [], watch.problems
    room.close()
