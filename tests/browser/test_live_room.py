"""The live room end to end in Chromium: a facilitator's console (English), a remote participant
(Arabic, right to left), a participant in the room (Russian) and the room's projector.

The convener plans the dialogue and lets everyone in; the facilitator starts an agenda item and
runs the speaking queue; hands go up on phones and for someone in the room without a device; the
queue shows in the same order on every screen; messages are sealed on one device and opened on
the others. The Arabic participant's network drops while others (and they) write: when it comes
back every message arrives exactly once, in order. The room-state reducer in JavaScript passes
the same shared cases as the Python one.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from facilitator.core.assets import asset_url
from tests.browser.test_workspace import (
    SCENARIO,
    Watch,
    add_agenda,
    axe_violations,
    create_dialogue,
    knock_fingerprint,
    let_in,
    open_editor,
    open_tab,
    participant_joins,
    sign_in,
)

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((ROOT / "tests" / "live" / "room_cases.json").read_text())["cases"]
WAIT = 20_000
DIGITS = r"[0-9\u0660-\u0669]"
TIMER = re.compile(rf"^{DIGITS}+:{DIGITS}{{2}} / {DIGITS}+:{DIGITS}{{2}}$")

LAYLA = {"name": "ليلى ناصر", "side": "Upper Vell", "language": "ar", "attendance": "remote"}
DMITRI = {"name": "Дмитрий Волков", "side": "Lower Vell", "language": "ru", "attendance": "in_room"}
OLEKSANDR = "Oleksandr Petrenko"


def ensure_live_pages(app: Any) -> None:
    """The live pages are registered by create_app; kept for the tests that call it."""
    assert "live_pages" in app.blueprints


class LiveWatch(Watch):
    """As Watch, but a dropped network may log the browser's own websocket failure."""

    def _console(self, message: Any) -> None:
        if "WebSocket connection to" in message.text:
            return
        super()._console(message)


# --- the reducer -----------------------------------------------------------------------------


@pytest.mark.browser
def test_room_cases_pass_in_chromium(browser, static_server):
    """The JavaScript reducer gives what facilitator/live/state.py gives, case for case."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(static_server + "/")
    results = page.evaluate(
        """async (cases) => {
            const { replay, snapshot } = await import("/js/live/state.js");
            return cases.map((c) => {
                const now = c.expect.item_elapsed_ms_at ? c.expect.item_elapsed_ms_at[0] : null;
                const twice = JSON.stringify(snapshot(replay(c.log, c.roles), now));
                const state = snapshot(replay(c.log, c.roles), now);
                return { state, same: JSON.stringify(state) === twice };
            });
        }""",
        CASES,
    )
    for case, result in zip(CASES, results, strict=True):
        state, expect_ = result["state"], case["expect"]
        assert result["same"], case["name"]
        assert state["errors"] == expect_["errors"], case["name"]
        keys = ("queue", "speaker", "totals_ms", "item_totals_ms", "spoke_at_ms", "item")
        for key in (*keys, "closed_at_ms"):
            if key in expect_:
                assert state[key] == expect_[key], (case["name"], key)
        if "item_elapsed_ms_at" in expect_:
            assert state["item_elapsed_ms"] == expect_["item_elapsed_ms_at"][1], case["name"]
    context.close()


@pytest.mark.browser
def test_reducer_edges_match_python(browser, static_server):
    """Odd but valid JSON gets the same answer in both reducers."""
    from facilitator.live.state import replay as py_replay

    roles = {"F": "facilitator", "A": "participant", "constructor": "facilitator"}
    log = [
        {
            "seq": 1,
            "epoch": 1,
            "author": "A",
            "content": {"type": "hand_raised", "sender_ctr": True},
        },
        {
            "seq": 2,
            "epoch": 1,
            "author": "F",
            "content": {"type": "hand_raised", "sender_ctr": 0, "label": 7},
        },
        {
            "seq": 3,
            "epoch": 1,
            "author": "F",
            "content": {"type": "speaker_called", "sender_ctr": 1, "label": None, "at": 5},
        },
        {"seq": 4, "epoch": 1, "author": "F", "content": {"type": "item_started", "sender_ctr": 2}},
        {
            "seq": 5,
            "epoch": 1,
            "author": "F",
            "content": {"type": "poll", "sender_ctr": 3, "at": 9},
        },
        {
            "seq": 6,
            "epoch": 1,
            "author": "F",
            "content": {"type": "text", "sender_ctr": 4, "at": "x"},
        },
        {"seq": 7, "epoch": 1, "author": "toString", "content": {"type": "text", "sender_ctr": 0}},
        {
            "seq": 8,
            "epoch": 2,
            "author": "A",
            "content": {"type": "hand_lowered", "sender_ctr": 0, "for_handle": "F"},
        },
        {
            "seq": 9,
            "epoch": 1,
            "author": "F",
            "content": {"type": "speaker_done", "sender_ctr": 5, "at": 2},
        },
        {
            "seq": 10,
            "epoch": 1,
            "author": "F",
            "content": {"type": "timer_resumed", "sender_ctr": 6, "at": 10},
        },
    ]
    context = browser.new_context()
    page = context.new_page()
    page.goto(static_server + "/")
    state = page.evaluate(
        """async ([log, roles]) => {
            const { replay, snapshot } = await import("/js/live/state.js");
            return snapshot(replay(log, roles), 100);
        }""",
        [log, roles],
    )
    expected = py_replay(log, roles)
    assert state["queue"] == expected.queue
    assert state["speaker"] == (expected.speaker.who if expected.speaker else None)
    assert state["totals_ms"] == expected.totals_ms
    assert state["item_totals_ms"] == expected.item_totals_ms
    assert state["spoke_at_ms"] == expected.spoke_at_ms
    assert state["item"] == expected.item
    assert state["item_elapsed_ms"] == expected.item_elapsed_ms(100)
    assert state["errors"] == [list(e) for e in expected.errors]
    context.close()


# --- four screens ----------------------------------------------------------------------------


def invite(page: Any, person: dict[str, str]) -> str:
    """A participant's invitation link, made on the convener's workspace."""
    previous = page.locator("#invite-link").text_content() or ""
    open_editor(page, "invite")
    page.fill("#invite-name", person["name"])
    page.fill("#invite-side", person["side"])
    page.fill("#invite-affiliation", "")
    page.select_option("#invite-language", person["language"])
    page.select_option("#invite-attendance", person["attendance"])
    page.click("#participant-invite button[type=submit]")
    link = page.locator("#invite-link")
    expect(link).to_have_text(re.compile(r"/j/"), timeout=WAIT)
    if previous:
        expect(link).not_to_have_text(previous, timeout=WAIT)
    return link.inner_text()


def admit(
    convener: Any, context: Any, watch: Watch, person: dict[str, str], origin: str, dialogue_id: str
) -> Any:
    """A participant opens their link on their own device and the convener lets them in."""
    page, fingerprint = participant_joins(context, watch, invite(convener, person), origin)
    assert knock_fingerprint(convener) == fingerprint
    let_in(convener)
    page.wait_for_url(f"{origin}/p/{dialogue_id}", timeout=WAIT)
    return page


def seat_facilitator(
    convener: Any,
    page: Any,
    origin: str,
    member: Any,
    role: str = "facilitator",
    name: str = OLEKSANDR,
    pairs: str = "",
) -> None:
    """The convener seats a team member (a facilitator unless told), who joins from their own
    dashboard."""
    open_editor(convener, "seat")
    convener.fill("#seat-username", member.username)
    convener.select_option("#seat-role", role)
    convener.fill("#seat-name", name)
    if role == "facilitator":
        convener.select_option("#seat-mediator-type", "outsider_neutral")
    if pairs:
        convener.fill("#seat-pairs", pairs)
    convener.click("#seat-form button[type=submit]")
    expect(convener.locator("#invitation-list")).to_contain_text("team seat", timeout=WAIT)
    sign_in(page, origin, member)
    page.goto(origin + "/dialogues")
    page.locator("#seat-list button").click()
    seat = page.locator("[data-seat-fingerprint]")
    expect(seat).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"), timeout=WAIT)
    assert knock_fingerprint(convener) == seat.inner_text()
    let_in(convener)


def texts(page: Any) -> Any:
    """The messages shown as content (not the ones still being sent)."""
    return page.locator("#messages li.message:not(.pending) .message-text")


def send(page: Any, text: str) -> None:
    page.fill("#message-text", text)
    page.locator("#composer button[type=submit]").click()


def wait_live(*pages: Any) -> None:
    for page in pages:
        expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=WAIT)


@dataclass
class RoomOfTwo:
    """A dialogue with an agenda, its facilitator's console and two participants of two sides
    (Arabic and Russian), each on their own device, every page on the live room."""

    dialogue_id: str
    convener: Any
    console: Any
    arabic: Any
    russian: Any
    convener_context: Any
    console_context: Any
    ar_context: Any
    ru_context: Any

    def close(self) -> None:
        for context in (
            self.convener_context,
            self.console_context,
            self.ar_context,
            self.ru_context,
        ):
            context.close()


def open_room_of_two(
    browser: Any, origin: str, make_member: Any, watch: LiveWatch, console_locale: str
) -> RoomOfTwo:
    """The convener creates the dialogue and seats the facilitator (the console in
    ``console_locale``); Layla and Dmitri join by invitation; the console and both phones open
    the live room (not yet waited for: ``wait_live``)."""
    convener_context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    convener = watch.page(convener_context)
    sign_in(convener, origin, make_member("convener", username="samira"))
    dialogue_id = create_dialogue(convener, origin)
    add_agenda(convener)
    console_context = browser.new_context(locale=console_locale, timezone_id="Asia/Amman")
    console = watch.page(console_context)
    seat_facilitator(convener, console, origin, make_member("facilitator", username="oleksandr"))
    ar_context = browser.new_context(locale="ar", timezone_id="Asia/Amman")
    arabic = admit(convener, ar_context, watch, LAYLA, origin, dialogue_id)
    ru_context = browser.new_context(locale="ru", timezone_id="Asia/Amman")
    russian = admit(convener, ru_context, watch, DMITRI, origin, dialogue_id)
    console.goto(f"{origin}/dialogues/{dialogue_id}/live")
    arabic.click("#live-link")
    russian.click("#live-link")
    return RoomOfTwo(
        dialogue_id=dialogue_id,
        convener=convener,
        console=console,
        arabic=arabic,
        russian=russian,
        convener_context=convener_context,
        console_context=console_context,
        ar_context=ar_context,
        ru_context=ru_context,
    )


MESSAGES = [
    "في صيف 2019 لم يصل إلينا سوى 40٪ من الحصة المتفق عليها",
    "Давайте обсудим график попусков воды в сухой сезон.",
    "Thank you both. Let's hear from Lower Vell next.",
]
WHILE_AWAY = [
    "(1) The technical committee's figures are on the table.",
    "(2) Мы готовы поделиться данными гидропоста.",
    "(3) Yusuf, you have the floor after Dmitri.",
]
FROM_AWAY = "كتبت هذا وأنا غير متصلة"


@pytest.mark.browser
def test_live_room_on_four_screens(browser, origin, live_app, make_member, artifacts):
    watch = LiveWatch()
    room = open_room_of_two(browser, origin, make_member, watch, "en-GB")
    convener, console, arabic, russian = room.convener, room.console, room.arabic, room.russian
    convener_context, ar_context, dialogue_id = (
        room.convener_context,
        room.ar_context,
        room.dialogue_id,
    )

    # Everyone opens the live room: participants from their home, the room's screen from the
    # convener's workspace, the facilitator's console directly (open_room_of_two).
    convener.goto(f"{origin}/dialogues/{dialogue_id}")
    with convener_context.expect_page() as opened:
        convener.locator("#live-links a").nth(1).click(modifiers=["Control"])
    projector = opened.value
    projector.on("pageerror", lambda error: watch.problems.append(f"pageerror: {error}"))
    screens = {"console": console, "arabic": arabic, "russian": russian, "projector": projector}
    wait_live(*screens.values())
    expect(console.locator("#live-status")).to_have_text("Connected: up to date", timeout=WAIT)
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    expect(console.locator("#lead-hint")).to_be_hidden()
    expect(arabic.locator("#composer")).to_be_visible()

    # The facilitator starts the first item: its title, rule and a running timer everywhere.
    console.get_by_role("button", name="Start: Opening and ground rules").click()
    first_item = SCENARIO["sessions"][0]["agenda"][0]
    titles = {
        "console": first_item["en"],
        "projector": first_item["en"],
        "arabic": first_item["ar"],
        "russian": first_item["en"],
    }
    for name, page in screens.items():
        expect(page.locator("#current-item-title")).to_have_text(titles[name], timeout=WAIT)
        expect(page.locator("#current-item-rule")).to_have_attribute("data-rule", "on_record")
        expect(page.locator("#item-timer .timer-digits")).to_have_text(TIMER, timeout=WAIT)
    expect(arabic.locator("#rule-notice")).to_be_visible()
    expect(console.locator("#live-agenda li.current")).to_contain_text(first_item["en"])

    # Hands: the remote participant, then the one in the room, then someone without a device.
    arabic.click("#hand-button")
    expect(console.locator("#queue li")).to_have_count(1, timeout=WAIT)
    russian.click("#hand-button")
    expect(console.locator("#queue li")).to_have_count(2, timeout=WAIT)
    console.fill("#label-name", "Yusuf")
    console.locator("#add-label button[type=submit]").click()
    in_order = [LAYLA["name"], DMITRI["name"], "Yusuf"]
    for page in screens.values():
        expect(page.locator("#queue li .who")).to_have_text(in_order, timeout=WAIT)
    expect(arabic.locator("#hand-button")).to_have_attribute("aria-pressed", "true")

    # Called in order: the first hand gets the floor, then the next.
    console.click("#next-speaker")
    for page in screens.values():
        expect(page.locator("#speaker .who")).to_have_text(LAYLA["name"], timeout=WAIT)
        expect(page.locator("#queue li .who")).to_have_text(in_order[1:], timeout=WAIT)
    expect(arabic.locator("#hand-button")).to_have_attribute("aria-pressed", "false")
    console.wait_for_timeout(1200)
    console.click("#next-speaker")
    for page in screens.values():
        expect(page.locator("#speaker .who")).to_have_text(DMITRI["name"], timeout=WAIT)
        expect(page.locator("#queue li .who")).to_have_text(in_order[2:], timeout=WAIT)
    layla_total = console.locator("#totals tbody tr", has_text=LAYLA["name"])
    expect(layla_total).to_contain_text(LAYLA["side"])
    expect(layla_total.locator("td").nth(2)).not_to_have_text("0:00")

    # Messages, each sealed on one device and opened on the others, with its language.
    send(arabic, MESSAGES[0])
    expect(texts(console)).to_have_text(MESSAGES[:1], timeout=WAIT)
    send(russian, MESSAGES[1])
    expect(texts(console)).to_have_text(MESSAGES[:2], timeout=WAIT)
    send(console, MESSAGES[2])
    for page in (console, arabic, russian):
        expect(texts(page)).to_have_text(MESSAGES, timeout=WAIT)
    first = console.locator("#messages li.message").first
    expect(first.locator(".badge.lang")).to_have_attribute("data-lang", "ar")
    expect(first.locator(".message-text")).to_have_attribute("lang", "ar")
    expect(first.locator(".message-text")).to_have_attribute("dir", "auto")
    expect(first.locator(".author")).to_have_text(LAYLA["name"])
    assert projector.locator("#messages").count() == 0, "the projector shows no messages"

    # The Arabic participant's network drops; the room goes on, and they write too.
    ar_context.set_offline(True)
    expect(arabic.locator("#live-status")).to_have_attribute("data-state", "offline", timeout=WAIT)
    send(console, WHILE_AWAY[0])
    expect(texts(russian)).to_have_count(4, timeout=WAIT)
    send(russian, WHILE_AWAY[1])
    expect(texts(console)).to_have_count(5, timeout=WAIT)
    send(console, WHILE_AWAY[2])
    console.click("#next-speaker")
    expect(console.locator("#speaker .who")).to_have_text("Yusuf", timeout=WAIT)
    send(arabic, FROM_AWAY)
    expect(arabic.locator("#messages li.pending")).to_have_count(1)
    # The connection is said in words: offline, and one message waiting to be sent.
    status = arabic.locator("#live-status")
    expect(status).to_have_attribute("data-waiting", "1")
    expect(status).to_contain_text("رسالة واحدة تنتظر الإرسال")
    expect(status).to_contain_text("غير متصل بالشبكة")
    expect(texts(arabic)).to_have_text(MESSAGES)
    expect(texts(console)).to_have_text(MESSAGES + WHILE_AWAY, timeout=WAIT)
    ar_context.set_offline(False)

    everything = MESSAGES + WHILE_AWAY + [FROM_AWAY]
    wait_live(arabic)
    for page in (arabic, console, russian):
        expect(texts(page)).to_have_text(everything, timeout=WAIT)
    expect(arabic.locator("#messages li.pending")).to_have_count(0)
    expect(status).to_have_attribute("data-waiting", "0")
    expect(status).to_have_text("متصل: كل شيء محدّث")
    expect(arabic.locator("#speaker .who")).to_have_text("Yusuf")
    expect(arabic.locator("#queue li")).to_have_count(0)
    seqs = [
        int(s)
        for s in arabic.locator("#messages li.message").evaluate_all(
            "(ns) => ns.map((n) => n.dataset.seq)"
        )
    ]
    assert seqs == sorted(set(seqs)) and len(seqs) == len(everything)
    assert arabic.locator("#messages li.error-entry").count() == 0

    # A reload starts from the device's own log and the catch-up: still exactly once.
    arabic.reload()
    wait_live(arabic)
    expect(texts(arabic)).to_have_text(everything, timeout=WAIT)
    expect(arabic.locator("#current-item-title")).to_have_text(first_item["ar"])

    # The convener removes the participant in the room: their live view stops and says why.
    open_tab(convener, "people")
    convener.once("dialog", lambda dialog: dialog.accept())
    convener.get_by_role("button", name=f"Remove {DMITRI['name']} from the dialogue").click()
    expect(russian.locator("#refusal")).to_contain_text("Вас исключили", timeout=WAIT)
    expect(russian.locator("#messages")).to_have_count(0)
    # The removal notice offers to wipe the device there and then, in the reader's language.
    wipe = russian.get_by_role("button", name="Выйти и очистить это устройство")
    russian.once("dialog", lambda dialog: dialog.accept())
    wipe.click()
    expect(russian.locator("#wipe-status")).to_contain_text(
        "ключей на нём больше нет", timeout=WAIT
    )
    databases = russian.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)")
    assert "td2-keystore" not in databases and "facilitator-dialogues" not in databases, databases
    # The console reopens under the new epoch; the Arabic device follows the rotation.
    console.reload()
    wait_live(console)
    after = "After the rotation: we continue without Lower Vell's second delegate."
    send(console, after)
    everything.append(after)
    expect(texts(arabic)).to_have_text(everything, timeout=WAIT)
    expect(texts(console)).to_have_text(everything, timeout=WAIT)

    # A message altered on the server: a device that reads the log again shows an error entry
    # in its place, never content; the rest (the removed member's messages included) still opens.
    altered = console.locator("#messages li.message", has_text=MESSAGES[1]).get_attribute(
        "data-message-id"
    )
    database = Path(live_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    with sqlite3.connect(database) as connection:
        (blob,) = connection.execute(
            "SELECT blob FROM envelope WHERE message_id = ?", (altered,)
        ).fetchone()
        changed = blob[:60] + ("B" if blob[60] != "B" else "C") + blob[61:]
        connection.execute("UPDATE envelope SET blob = ? WHERE message_id = ?", (changed, altered))
    console.evaluate(
        """async () => {
            const store = await import("/static/js/dialogues/store.js");
            for (const [key] of await store.loadAll("live-")) {
                if (key.startsWith("live-log:") || key.startsWith("live-seq:")) await store.forget(key);
            }
        }"""
    )
    console.reload()
    wait_live(console)
    expect(texts(console)).to_have_text([t for t in everything if t != MESSAGES[1]], timeout=WAIT)
    expect(console.locator("#messages li.error-entry")).to_have_count(1)
    expect(console.locator("#messages li.error-entry")).to_contain_text("did not open")
    expect(console.locator("#messages li.message", has_text=WHILE_AWAY[1])).to_have_count(1)

    arabic.screenshot(path=str(artifacts / "live-participant-ar.png"), full_page=True)
    console.screenshot(path=str(artifacts / "live-console-en.png"), full_page=True)
    projector.screenshot(path=str(artifacts / "live-projector-en.png"))
    assert axe_violations(console, origin) == []
    assert axe_violations(arabic, origin) == []

    # The server holds ciphertext only.
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    for text in [*everything, "Yusuf"]:
        assert text.encode() not in stored
    assert watch.problems == [], watch.problems
    room.close()


# --- page shells -----------------------------------------------------------------------------

SOME_ID = "AAAAAAAAAAAAAAAAAAAAAA"


def script_tag(app: Any, entry: str) -> str:
    """The tag that loads ``entry`` (a module's path under static/): its bundle when built."""
    with app.test_request_context():
        return f'<script type="module" src="{asset_url(entry)}"></script>'


def test_participant_shell_is_public_and_team_pages_need_a_sign_in(app, client):
    ensure_live_pages(app)
    page = client.get(f"/p/{SOME_ID}/live")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'id="live-participant"' in body
    assert script_tag(app, "js/live/page-participant.js") in body
    assert "<script>" not in body and "style=" not in body
    for path in (f"/dialogues/{SOME_ID}/live", f"/dialogues/{SOME_ID}/projector"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith("/login"), path


def test_team_pages_for_a_signed_in_account(app, client, make_member, sign_in):
    ensure_live_pages(app)
    sign_in(make_member("facilitator"))
    for path, script in (
        (f"/dialogues/{SOME_ID}/live", "js/live/page-console.js"),
        (f"/dialogues/{SOME_ID}/projector", "js/live/page-projector.js"),
    ):
        page = client.get(path, headers={"Accept-Language": "ar"})
        body = page.get_data(as_text=True)
        assert page.status_code == 200 and script_tag(app, script) in body
        assert '<html lang="ar" dir="rtl"' in body


@pytest.mark.parametrize("bad", ["short", "A" * 23, "AAAAAAAAAAAAAAAAAAAAAB", "..%2F..%2Fetc"])
def test_malformed_ids_are_not_found(app, client, bad):
    ensure_live_pages(app)
    assert client.get(f"/p/{bad}/live").status_code == 404
