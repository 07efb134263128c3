"""A live room with hundreds of messages on a participant's phone (Chromium): the stream shows
the newest and holds only a window of the history in the page; the reader reaches the first
message by scrolling up and with the "Show earlier messages" button; a message arriving while
they read back does not move what they are reading, and back at the end the stream follows
new messages again (docs/live-room.md, "The message stream").

The messages are sealed by the Python client as a device seals them and stored straight into
the server's envelope table, as the client benchmark seeds its rooms.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from facilitator import td2
from facilitator.client import DialogueClient, HttpTransport
from facilitator.client.client import well_known_channel_id
from tests.browser.test_live_room import LiveWatch

WAIT = 20_000
MESSAGES = 600


def seed(client: DialogueClient, dialogue_id: str, database: Path, count: int) -> int:
    """``count`` texts by ``client`` in the current epoch, stored in ``seq`` order; the last seq."""
    ring = client.keyrings[dialogue_id]
    state = client.epochs(dialogue_id)[-1]
    key = td2.derive_subkey(state.secret, ring.dialogue_id, state.number, state.record_hash, "msg")
    channel = well_known_channel_id("live", ring.dialogue_id)
    with sqlite3.connect(database) as connection:
        (last,) = connection.execute(
            "SELECT last_seq FROM dialogue WHERE id = ?", (dialogue_id,)
        ).fetchone()
        rows = []
        for n in range(count):
            last += 1
            message_id = td2.random_id()
            content = {
                "type": "text",
                "text": f"Message number {n + 1}.",
                "lang": "en",
                "sender_ctr": n,
                "last_seq_seen": last - 1 if n else 0,
                "at": 1_800_000_000_000 + n * 1000,
            }
            aad = td2.build_aad(
                "msg", ring.dialogue_id, channel, state.number, message_id, ring.handle
            )
            blob = td2.seal_blob(key, aad, json.dumps(content).encode())
            rows.append(
                (
                    dialogue_id,
                    last,
                    "msg",
                    td2.b64u_encode(channel),
                    td2.b64u_encode(message_id),
                    state.number,
                    td2.b64u_encode(ring.handle),
                    td2.b64u_encode(blob),
                )
            )
        connection.executemany(
            "INSERT INTO envelope (dialogue_id, seq, kind, channel_id, message_id, epoch,"
            " author_handle, blob, superseded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
            rows,
        )
        connection.execute("UPDATE dialogue SET last_seq = ? WHERE id = ?", (last, dialogue_id))
    return int(last)


def join(browser: Any, watch: LiveWatch, origin: str, link: str) -> tuple[Any, Any]:
    """A phone opens its invitation and knocks."""
    context = browser.new_context(locale="en-GB")
    page = watch.page(context)
    page.goto(origin + link)
    expect(page.locator("#my-fingerprint")).to_have_text(
        re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"), timeout=WAIT
    )
    return context, page


def in_view(page: Any, selector: str) -> bool:
    """Whether the element is inside the stream's visible box."""
    return bool(
        page.evaluate(
            """(selector) => {
                const list = document.getElementById("messages");
                const node = list.querySelector(selector);
                if (!node) return false;
                const box = list.getBoundingClientRect();
                const own = node.getBoundingClientRect();
                return own.bottom > box.top && own.top < box.bottom;
            }""",
            selector,
        )
    )


@pytest.mark.browser
def test_long_stream_is_windowed_and_keeps_the_readers_place(
    browser, origin, live_app, make_member
):
    convener_account = make_member("convener")
    convener = DialogueClient(HttpTransport(origin))
    convener.sign_in(
        convener_account.username, convener_account.password, convener_account.totp_secret
    )
    dialogue_id = convener.create_dialogue({"title": {"en": "A long morning"}})
    watch = LiveWatch()
    reader_context, reader = join(browser, watch, origin, convener.invite_participant(dialogue_id))
    writer_context, writer = join(browser, watch, origin, convener.invite_participant(dialogue_id))
    knocks = convener.pending_knocks(dialogue_id)
    assert len(knocks) == 2 and all(k["proof_ok"] for k in knocks)
    convener.approve(dialogue_id, knocks)
    for page in (reader, writer):
        page.wait_for_url(f"{origin}/p/{dialogue_id}", timeout=WAIT)

    database = Path(live_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    last = seed(convener, dialogue_id, database, MESSAGES)
    first = last - MESSAGES + 1
    frames: list[str] = []
    reader.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    messages = reader.locator("#messages")
    reader.goto(f"{origin}/p/{dialogue_id}/live")
    newest = messages.locator(f'li.message[data-seq="{last}"]')
    expect(newest).to_contain_text(f"Message number {MESSAGES}.", timeout=WAIT)
    expect(reader.locator("#live-status")).to_have_attribute("data-state", "live", timeout=WAIT)
    reader.wait_for_function(
        """(seq) => {
            const list = document.getElementById("messages");
            const node = list.querySelector(`li[data-seq="${seq}"]`);
            return node && node.getBoundingClientRect().bottom <= list.getBoundingClientRect().bottom + 1;
        }""",
        arg=last,
        timeout=WAIT,
    )
    assert in_view(reader, f'li[data-seq="{last}"]'), "the newest message is in view"
    held = messages.locator("li.message").count()
    assert 0 < held <= 150, f"{held} messages in the page: a window, not the {MESSAGES} held"
    # The list is still a list of messages, and older ones are one button away.
    assert reader.evaluate("document.getElementById('messages').tagName") == "OL"
    earlier = messages.get_by_role("button", name="Show earlier messages")
    expect(earlier).to_be_visible()

    # Scrolling up moves the window back, page by page, keeping the reader's place.
    seqs = "[...document.querySelectorAll('#messages li.message')].map((li) => +li.dataset.seq)"
    oldest_shown = min(reader.evaluate(seqs))
    top_message = """() => {
        const list = document.getElementById("messages");
        const node = list.querySelector("li.message");
        return [+node.dataset.seq, node.getBoundingClientRect().top - list.getBoundingClientRect().top];
    }"""
    for _ in range(3):
        # At the top of the window, the first message shown must stay where the reader sees it.
        seq, top = messages.evaluate(
            f"(list) => {{ list.scrollTop = 0; return ({top_message})(); }}"
        )
        reader.wait_for_function(
            f"(before) => Math.min(...{seqs}) < before", arg=oldest_shown, timeout=WAIT
        )
        oldest_shown = min(reader.evaluate(seqs))
        assert messages.evaluate("(list) => list.scrollTop") > 0, "the place is kept, not the top"
        moved = reader.evaluate(
            """(seq) => {
                const list = document.getElementById("messages");
                const node = list.querySelector(`li.message[data-seq="${seq}"]`);
                return node.getBoundingClientRect().top - list.getBoundingClientRect().top;
            }""",
            seq,
        )
        assert abs(moved - top) < 2, f"message {seq} moved from {top} to {moved}"
    assert messages.locator("li.message").count() <= 150, "rows far below are dropped"

    # The button, from the keyboard, reaches the very first message.
    earlier.focus()
    for _ in range(MESSAGES // 20):
        if messages.locator(f'li.message[data-seq="{first}"]').count():
            break
        reader.keyboard.press("Enter")
    opening = messages.locator(f'li.message[data-seq="{first}"]')
    expect(opening).to_contain_text("Message number 1.")
    messages.evaluate("(list) => { list.scrollTop = 0; }")
    expect(opening).to_be_in_viewport()
    expect(earlier).to_have_count(0)  # nothing older: the button is gone
    assert messages.locator("li.message").count() <= 150

    # A message from someone else while the reader is back at the start: they stay there.
    reader_box = f'li[data-seq="{first + 2}"]'
    messages.evaluate("(list) => { list.scrollTop = 0; }")
    top_before = reader.evaluate(
        f"document.querySelector('{reader_box}').getBoundingClientRect().top"
    )
    writer.goto(f"{origin}/p/{dialogue_id}/live")
    expect(writer.locator("#live-status")).to_have_attribute("data-state", "live", timeout=WAIT)
    writer.fill("#message-text", "Sent while the other reads back")
    writer.click("#composer button[type=submit]")
    expect(writer.locator(f'#messages li.message[data-seq="{last + 1}"]')).to_be_visible(
        timeout=WAIT
    )
    delivered = re.compile(rf'"seq":\s*{last + 1}\b')
    for _ in range(WAIT // 100):
        if any(delivered.search(frame) for frame in frames):
            break
        reader.wait_for_timeout(100)
    else:
        raise AssertionError("the new message never reached the reader")
    reader.wait_for_timeout(300)  # a frame or two for the page to take it in
    top_after = reader.evaluate(
        f"document.querySelector('{reader_box}').getBoundingClientRect().top"
    )
    assert abs(top_after - top_before) < 2, (top_before, top_after)

    # Back at the end, the stream follows: the new message is there and in view.
    for _ in range(40):
        if messages.locator(f'li.message[data-seq="{last + 1}"]').count():
            break
        messages.evaluate("(list) => { list.scrollTop = list.scrollHeight; }")
        reader.wait_for_timeout(100)
    arrived = messages.locator(f'li.message[data-seq="{last + 1}"]')
    expect(arrived).to_contain_text("Sent while the other reads back")
    messages.evaluate("(list) => { list.scrollTop = list.scrollHeight; }")
    writer.fill("#message-text", "And one more")
    writer.click("#composer button[type=submit]")
    latest = messages.locator(f'li.message[data-seq="{last + 2}"]')
    expect(latest).to_contain_text("And one more", timeout=WAIT)
    expect(latest).to_be_in_viewport()
    assert messages.locator("li.message").count() <= 150
    assert watch.problems == [], watch.problems
    reader_context.close()
    writer_context.close()


OLDER_HISTORY = """async () => {
    document.body.innerHTML =
        '<ol id="messages" class="plain messages" style="max-height: 300px; overflow-y: auto;' +
        ' overflow-anchor: none"></ol>';
    const { renderStream } = await import("/js/live/views.js");
    const list = document.getElementById("messages");
    const entry = (seq) => ({
        env: { seq, epoch: 1, author_handle: "ana", message_id: `m${seq}` },
        content: { type: "text", text: `Message ${seq}`, lang: "en", at: 1800000000000 + seq },
        error: null, refused: null, warning: null, channel: "live",
    });
    const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => entry(from + i));
    const cache = new Map();
    const calls = [];
    let finish = null;
    const live = {
        me: "ben", model: { persons: [] }, state: {}, outbox: [], teamOrdered: [],
        ordered: range(301, 500), hasOlder: true,
        roles: () => "participant", roleNow: () => "participant", joinedEpoch: () => 0,
        loadOlder() {
            calls.push(Date.now());
            return new Promise((resolve) => { finish = resolve; });
        },
    };
    const render = () => renderStream(list, live, ["en"], cache);
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const seqs = () => [...list.querySelectorAll("li.message")].map((li) => +li.dataset.seq);
    render();
    const report = { first: { count: seqs().length, max: Math.max(...seqs()) } };
    for (let i = 0; i < 20 && Math.min(...seqs()) > 301; i += 1) {
        list.scrollTop = 0;
        await frame();
    }
    report.atOldest = Math.min(...seqs());
    for (let i = 0; i < 3; i += 1) {
        list.scrollTop = 0;
        await frame();
    }
    report.calls = calls.length;
    report.loading = list.querySelector(".stream-earlier [role=status]")?.textContent ?? null;
    // The page fetched: older entries arrive (a new log), then the promise settles.
    live.ordered = [...range(201, 300), ...live.ordered];
    live.hasOlder = false;
    render();
    finish();
    await frame();
    await frame();
    report.afterLoad = { min: Math.min(...seqs()), count: seqs().length, calls: calls.length };
    report.loadingAfter = list.querySelector(".stream-earlier [role=status]")?.hidden ?? true;
    for (let i = 0; i < 20 && Math.min(...seqs()) > 201; i += 1) {
        list.scrollTop = 0;
        await frame();
    }
    report.end = {
        min: Math.min(...seqs()),
        count: seqs().length,
        button: Boolean(list.querySelector(".show-earlier")),
        calls: calls.length,
    };
    return report;
}"""


@pytest.mark.browser
def test_stream_asks_for_older_history_once_at_the_oldest_held(browser, static_server):
    """At the oldest message held, scrolling up asks the room for older history once, shows
    that it is loading, and shows the older messages once they arrive."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(static_server + "/")
    report = page.evaluate(OLDER_HISTORY)
    assert report["first"]["max"] == 500
    assert report["first"]["count"] <= 100
    assert report["atOldest"] == 301
    assert report["calls"] == 1, "one request while one is in flight"
    assert report["loading"] == "Loading earlier messages…"
    assert report["afterLoad"]["min"] < 301, "a page of the older history is shown at once"
    assert report["afterLoad"]["calls"] == 1
    assert report["loadingAfter"] is True
    assert report["end"] == {
        "min": 201,
        "count": report["end"]["count"],
        "button": False,
        "calls": 1,
    }
    assert report["end"]["count"] <= 150
    context.close()


HIDDEN_FIRST = """async () => {
    document.body.innerHTML =
        '<div id="panels" hidden><ol id="messages" class="plain messages"' +
        ' style="max-height: 300px; overflow-y: auto; overflow-anchor: none"></ol></div>';
    const { renderStream } = await import("/js/live/views.js");
    const list = document.getElementById("messages");
    const entry = (seq) => ({
        env: { seq, epoch: 1, author_handle: "ana", message_id: `m${seq}` },
        content: { type: "text", text: `Message ${seq}`, lang: "en", at: 1800000000000 + seq },
        error: null, refused: null, warning: null, channel: "live",
    });
    const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => entry(from + i));
    const live = {
        me: "ben", model: { persons: [] }, state: {}, outbox: [], teamOrdered: [],
        ordered: range(1, 300),
        roles: () => "participant", roleNow: () => "participant", joinedEpoch: () => 0,
    };
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    renderStream(list, live, ["en"], new Map());  // the device's own log, before the page shows
    document.getElementById("panels").hidden = false;
    await frame();
    live.ordered.push(...range(301, 800));  // the catch-up
    renderStream(list, live, ["en"], new Map());
    await frame();
    const last = list.querySelector('li.message[data-seq="800"]');
    const box = list.getBoundingClientRect();
    return {
        shown: Boolean(last),
        inView: Boolean(last) && last.getBoundingClientRect().bottom <= box.bottom + 1,
        count: list.querySelectorAll("li.message").length,
    };
}"""


@pytest.mark.browser
def test_stream_drawn_while_hidden_opens_at_the_newest(browser, static_server):
    """A page draws the log it holds before it shows the room: once shown, and after the
    catch-up, the stream is at the newest message, not at the top of its window."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(static_server + "/")
    report = page.evaluate(HIDDEN_FIRST)
    assert report["shown"] and report["inView"], report
    assert report["count"] <= 100, report
    context.close()
