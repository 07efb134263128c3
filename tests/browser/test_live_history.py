"""A long live room opened on a new phone, in Chromium: the newest page comes first and is shown
while older history is still coming (the status says so), then every older page follows, across
an epoch change, until the device holds the whole log, and a returning device asks only for what
is new. A member removed while older pages are coming gets no more of them.

The room is made by the client benchmark's Python convener (``facilitator_bench.phones``): the
messages are sealed as a device seals them and written straight into the envelope table."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from facilitator import td2
from facilitator.accounts import service
from facilitator.core.db import commit_boundary
from facilitator.extensions import db
from facilitator_bench.phones import phone as phones
from facilitator_bench.phones.server import PASSWORD, TEXT, PythonRoom

pytestmark = pytest.mark.browser

WAIT = 60_000
MESSAGES = 1200
FIRST_EPOCH = 700

# Records how many messages were shown the first time the newest one was, and every state the
# connection's status went through.
AT_LATEST = """
(() => {
  const latest = %d;
  window.__states = [];
  const observer = new MutationObserver(() => {
    const status = document.getElementById("live-status");
    const state = status && `${status.dataset.state}${status.dataset.older ? "+older" : ""}`;
    if (state && window.__states.at(-1) !== state) window.__states.push(state);
    if (window.__atLatest) return;
    if (!document.querySelector(`#messages li.message[data-seq="${latest}"] .message-text`)) return;
    window.__atLatest = { shown: document.querySelectorAll("#messages li.message").length };
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
})();
"""

HELD = """async (dialogueId) => {
  const { loadLog } = await import("/static/js/live/log-store.js");
  const log = await loadLog(dialogueId);
  return { seqs: log.envelopes.map((e) => e.seq), epochs: [...new Set(log.envelopes.map((e) => e.epoch))],
           lastSeq: log.lastSeq };
}"""


@dataclass(frozen=True)
class AppServer:
    """The test's live server, as the benchmark's Python room expects a server to be."""

    origin: str
    database: Path
    app: Flask

    def account(self, username: str, role: str) -> str:
        key = self.app.extensions["facilitator.settings"].totp_key
        with self.app.app_context(), commit_boundary():
            account = service.create_convener(db.session, username, PASSWORD, totp_key=key)
            account.role = role
            account.activated_at = account.created_at
            return service.totp_secret(account, key)


@pytest.fixture
def server(live_app: Flask) -> AppServer:
    url = live_app.extensions["facilitator.settings"].database_url
    return AppServer(live_app.config["LIVE_ORIGIN"], Path(url.removeprefix("sqlite:///")), live_app)


@pytest.fixture
def phone(browser: Any, server: AppServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(phones, "CPU_RATE", 1)  # the benchmark's slow CPU is for figures only
    device = phones.Phone(browser, server.origin)
    yield device
    device.close()


def stored(server: AppServer, room: PythonRoom) -> list[int]:
    """The seqs of the room's live messages, as the server holds them."""
    with sqlite3.connect(server.database) as connection:
        rows = connection.execute(
            "SELECT seq FROM envelope WHERE dialogue_id = ? AND kind = 'msg' ORDER BY seq",
            (room.dialogue_id,),
        )
        return [seq for (seq,) in rows]


def saved(page: Any, room: PythonRoom, count: int) -> dict[str, Any]:
    """The device's saved log once ``count`` envelopes are written (writes trail the screen)."""
    for _ in range(100):
        held: dict[str, Any] = page.evaluate(HELD, room.dialogue_id)
        if len(held["seqs"]) >= count:
            break
        page.wait_for_timeout(200)
    return held


def admitted(server: AppServer, phone: Any) -> PythonRoom:
    room = PythonRoom(server)
    phone.join(room.link())
    room.approve_pending(1)
    phone.joined(room.dialogue_id)
    return room


class Frames:
    """The Socket.IO events a page sends, and the pages it is answered, over its websocket."""

    def __init__(self, page: Any) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.pages: list[list[int]] = []
        page.on("websocket", self._socket)

    def _socket(self, socket: Any) -> None:
        socket.on("framesent", self._sent)
        socket.on("framereceived", self._received)

    def _sent(self, payload: Any) -> None:
        text = str(payload)
        if text.startswith("42"):  # an event with an acknowledgement id: 42<id>[name, payload]
            body = json.loads(text[text.index("[") :])
            self.sent.append((body[0], body[1]))

    def _received(self, payload: Any) -> None:
        text = str(payload)
        if text.startswith("43") and '"messages"' in text:
            answer = json.loads(text[text.index("[") :])[0]
            self.pages.append([m["seq"] for m in answer["messages"]])


# The messages the stream's window holds now: their seqs and texts, and the errors shown.
WINDOW = """(rows) => ({
  texts: rows.filter((row) => row.querySelector(".message-text"))
    .map((row) => [Number(row.dataset.seq), row.querySelector(".message-text").textContent]),
  errors: [...document.querySelectorAll("#messages .error-entry")].map((row) => row.dataset.error),
})"""


def open_live(phone: Any, room: PythonRoom, latest: int) -> tuple[Any, Frames]:
    page = phone.context.new_page()
    if phone.page is not None:
        phone.page.close()
    phone.page = page
    page.add_init_script(AT_LATEST % latest)
    frames = Frames(page)
    page.goto(f"{phone.origin}/p/{room.dialogue_id}/live")
    return page, frames


def test_a_new_device_shows_the_newest_first_then_holds_every_epoch(server, phone):
    room = admitted(server, phone)
    first_epoch_last = room.seed(FIRST_EPOCH)
    room.add_members(1)  # a new epoch: the rest is sealed under its key
    latest = room.seed(MESSAGES)
    phone.forget_history()
    phone.text_only(True)  # pages of 50: the present is one of them, 23 older ones follow
    page, frames = open_live(phone, room, latest)

    status = page.locator("#live-status")
    expect(page.locator(f'#messages li.message[data-seq="{latest}"] .message-text')).to_have_text(
        f"{TEXT}({MESSAGES})", timeout=WAIT
    )
    assert page.evaluate("() => window.__atLatest")["shown"] == 50
    join = next(payload for name, payload in frames.sent if name == "join_dialogue")
    assert join == {"dialogue_id": room.dialogue_id, "after_seq": 0, "latest": True, "limit": 50}
    assert frames.pages[0][-1] == latest and len(frames.pages[0]) == 50

    complete = page.locator('#live-status[data-state="live"]:not([data-older])')
    expect(complete).to_have_count(1, timeout=WAIT)
    expect(status).to_have_text("Connected: up to date")
    # Live with older history coming, said as such, then live with all of it.
    states = page.evaluate("() => window.__states")
    assert "live+older" in states and states[-1] == "live", states
    assert states.index("live") > len(states) - 1 - states[::-1].index("live+older"), states
    held = saved(page, room, len(stored(server, room)))
    assert sorted(held["seqs"]) == stored(server, room)
    assert held["lastSeq"] == latest
    assert len(held["epochs"]) == 2
    # Both epochs open: the newest, the last of the first epoch and the first message, reached
    # by walking the stream's window back with "Show earlier messages". No message failed to
    # open. (The first message of each seeding names, as the last seq it saw, an envelope that
    # is not a live message: the room shows that as withheld, as it would have going forward.)
    seqs = stored(server, room)
    wanted = {latest: MESSAGES, first_epoch_last: FIRST_EPOCH, seqs[0]: 1}
    found: dict[int, str] = {}
    errors: set[str] = set()
    earlier = page.get_by_role("button", name="Show earlier messages")
    for _ in range(MESSAGES // 20):
        shown = page.locator("#messages li.message").evaluate_all(WINDOW)
        found.update({seq: text for seq, text in shown["texts"] if seq in wanted})
        errors.update(shown["errors"])
        if len(found) == len(wanted) or not earlier.count():
            break
        earlier.click()
    assert found == {seq: f"{TEXT}({n})" for seq, n in wanted.items()}, found
    assert errors <= {"withheld"}, errors
    # Each older page asked for once, down to the start (besides them, the seqs those two first
    # messages name are asked for again, between the messages around them).
    backward = [
        p["before_seq"] for name, p in frames.sent if "before_seq" in p and not p["after_seq"]
    ]
    assert len(backward) == len(set(backward))
    assert set(seqs[50::50]) <= set(backward), backward

    # A returning device asks for what came after everything it holds, and gets nothing again
    # (it asks again only around the seqs those two messages name, where it holds nothing).
    page, frames = open_live(phone, room, latest)
    expect(page.locator('#live-status[data-state="live"]:not([data-older])')).to_have_count(
        1, timeout=WAIT
    )
    join = next(payload for name, payload in frames.sent if name == "join_dialogue")
    assert join["after_seq"] == latest and join["latest"] is True
    assert frames.pages and all(page == [] for page in frames.pages), frames.pages
    asked = [(p["after_seq"], p["before_seq"]) for name, p in frames.sent if "before_seq" in p]
    assert not [(a, b) for a, b in asked for seq in seqs if a < seq < b], asked


def test_a_removed_member_gets_no_more_older_pages(server, phone):
    room = admitted(server, phone)
    latest = room.seed(MESSAGES)
    phone.forget_history()
    phone.text_only(True)
    phone.network = phones.THREE_G  # older pages keep coming while the removal happens
    phone.open(f"/p/{room.dialogue_id}/live", latest_seq=latest)
    page = phone.page
    expect(page.locator(f'#messages li.message[data-seq="{latest}"]')).to_have_count(
        1, timeout=WAIT
    )
    expect(page.locator('#live-status[data-older="yes"]')).to_contain_text("earlier messages")
    convener = room.convener.keyrings[room.dialogue_id].handle
    member = next(m for m in room.convener.roster(room.dialogue_id) if m.handle != convener)
    room.convener.remove(room.dialogue_id, [td2.b64u_encode(member.handle)])
    expect(page.locator("#refusal")).to_contain_text(
        "no longer part of this dialogue", timeout=WAIT
    )
    held = page.evaluate(HELD, room.dialogue_id)
    assert latest in held["seqs"] and len(held["seqs"]) < MESSAGES
    page.wait_for_timeout(2000)
    assert len(page.evaluate(HELD, room.dialogue_id)["seqs"]) == len(held["seqs"])
