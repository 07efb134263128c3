"""The client benchmark's scenarios: each sets up its room with Python clients, lets phones
(``phones.phone``) in, and measures what a participant waits for (``phones.marks``)."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from facilitator_bench.phones.figures import Figures
from facilitator_bench.phones.marks import SEND, seen_script
from facilitator_bench.phones.phone import SLOW_4G, THREE_G, UNTHROTTLED, WAIT_MS, Phone
from facilitator_bench.phones.server import PASSWORD, PythonRoom, Server

# How long a new device's older history may take to come in full before the run moves on.
COMPLETE_WAIT_MS = 300_000
SCENARIOS = ("pages", "static", "history", "latency", "epochs", "idle", "steward")
PAGE_MESSAGES = 20  # the room the page visits open: a morning's few messages


@dataclass(frozen=True)
class Options:
    only: tuple[str, ...] = SCENARIOS
    sizes: tuple[int, ...] = (500, 2000, 10000)  # messages in the room
    rooms: tuple[int, ...] = (20, 100, 300)  # members, for the steward's approvals and idle
    epochs: int = 300
    runs: int = 3
    samples: int = 20  # messages sent per room size, for the latency percentiles
    idle_seconds: float = 30.0


class Bench:
    def __init__(
        self,
        browser: Any,
        server: Server,
        options: Options,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.browser = browser
        self.server = server
        self.options = options
        self.figures = Figures(echo)
        self.errors: list[str] = []

    def phone(self) -> Phone:
        return Phone(self.browser, self.server.origin)

    def admit(self, room: PythonRoom, phones: list[Phone]) -> None:
        """The phones open their invitations and knock; the convener lets them all in."""
        for phone in phones:
            phone.join(room.link())
        room.approve_pending(len(phones))
        for phone in phones:
            phone.joined(room.dialogue_id)

    def run(self) -> Figures:
        wanted = set(self.options.only)
        if wanted & {"pages", "static", "history", "latency"}:
            self.messages_room(wanted)
        if "epochs" in wanted:
            self.epochs_room()
        if wanted & {"idle", "steward"}:
            self.members_room(wanted)
        return self.figures

    # --- a room with messages ----------------------------------------------------------------

    def messages_room(self, wanted: set[str]) -> None:
        room = PythonRoom(self.server)
        reader, other = self.phone(), self.phone()
        self.admit(room, [reader, other])
        if wanted & {"pages", "static"}:
            seq = room.seed(PAGE_MESSAGES)
            self.pages(room, reader, seq, wanted)
        for size in sorted(self.options.sizes):
            seq = room.seed(size)
            if "history" in wanted:
                self.history(room, reader, seq, size)
            if "latency" in wanted:
                self.latency(room, reader, other, seq, size)
        self.done(reader, other)

    def visit(
        self, phone: Phone, path: str, mark: str, label: str, first: bool, seq: int | None = None
    ) -> None:
        """One visit: a first one with nothing cached and no room log on the device."""
        if first:
            phone.forget_history()
        phone.open(path, latest_seq=seq, fresh_cache=first)
        ready = phone.mark(mark)
        phone.settle()
        self.figures.add(label, "ready", ready)
        self.figures.add(label, "bytes", phone.transfers.bytes)
        self.figures.add(label, "requests", phone.transfers.requests)

    def pages(self, room: PythonRoom, phone: Phone, seq: int, wanted: set[str]) -> None:
        live, home = f"/p/{room.dialogue_id}/live", f"/p/{room.dialogue_id}"
        phone.network = THREE_G
        for run in range(self.options.runs):
            for text_only in (False, True):
                phone.text_only(text_only)
                mode = ", text-only" if text_only else ""
                self.visit(phone, live, "live", f"live page, first visit, 3G-like{mode}", True)
                if run == 0 and not text_only and "static" in wanted:
                    self.static(dict(phone.transfers.by_url))
                self.visit(phone, live, "live", f"live page, second visit, 3G-like{mode}", False)
            phone.text_only(False)
            self.visit(phone, home, "home", "participant home, first visit, 3G-like", True)
            self.visit(phone, home, "home", "participant home, second visit, 3G-like", False)

    def static(self, by_url: dict[str, int]) -> None:
        """Whether the biggest static files a live page loads come compressed."""
        biggest = sorted(
            ((size, url) for url, size in by_url.items() if "/static/" in url), reverse=True
        )[:3]
        found = []
        for _, url in biggest:
            request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
                encoding = answer.headers.get("Content-Encoding") or "none"
                length = len(answer.read())
            name = url.split("/static/", 1)[1].split("?")[0]
            found.append(f"{name} {length / 1000:.0f} KB: Content-Encoding {encoding}")
        self.figures.note("static files compressed?", "; ".join(found))

    def history(self, room: PythonRoom, phone: Phone, seq: int, size: int) -> None:
        """A device with the member's keys and nothing else opens the room: the newest page
        comes first and is shown; everything older follows over the socket, is opened and shown
        (history complete)."""
        phone.network = SLOW_4G
        path = f"/p/{room.dialogue_id}/live"
        for _ in range(self.options.runs):
            for text_only in (False, True):
                phone.text_only(text_only)
                mode = ", text-only" if text_only else ""
                label = f"new device, {size:,} messages, slow 4G{mode}"
                phone.forget_history()
                phone.open(path, latest_seq=seq, fresh_cache=True)
                latest = phone.mark("latest")
                first = phone.mark("first")
                self.figures.add(label, "first shown", first)
                self.figures.add(label, "latest shown", latest)
                complete = phone.mark_within("complete", COMPLETE_WAIT_MS)
                phone.settle()
                if complete is None:
                    minutes = COMPLETE_WAIT_MS // 60_000
                    self.figures.note(label, f"history not complete after {minutes} min more")
                else:
                    self.figures.add(label, "history complete", complete)
                self.figures.add(label, "bytes", phone.transfers.bytes)
                self.figures.add(label, "frames", phone.transfers.frames)
        phone.text_only(False)

    def latency(
        self, room: PythonRoom, sender: Phone, receiver: Phone, seq: int, size: int
    ) -> None:
        """Messages typed on one phone and shown on another, both 4x slower, in a room of
        ``size`` messages (both already hold the history)."""
        path = f"/p/{room.dialogue_id}/live"
        label = f"sent -> shown on another phone, {size:,} messages"
        for phone in (sender, receiver):
            phone.network = UNTHROTTLED
            phone.open(path, latest_seq=seq)
            phone.mark("live")
            phone.mark("latest")
            # A phone still fetching older history in the background is measuring that too.
            if phone.mark_within("complete", COMPLETE_WAIT_MS) is None:
                self.figures.note(label, "history not complete")
        delays = []
        for n in range(self.options.samples):
            text = f"Latency sample {n} in a room of {size} messages."
            receiver.page.evaluate(seen_script(), text)
            sender.page.fill("#message-text", text)
            sent = float(sender.page.evaluate(SEND))
            receiver.page.wait_for_function(
                "(text) => window.__benchSeen[text] !== undefined",
                arg=text,
                polling=50,
                timeout=WAIT_MS,
            )
            shown = float(receiver.page.evaluate("(t) => window.__benchSeen[t]", text))
            delays.append(shown - sent)
            receiver.page.wait_for_timeout(300)
        self.figures.extend(label, "p50", delays)
        self.figures.extend(label, "p95", delays)

    # --- a room built one admission at a time --------------------------------------------------

    def epochs_room(self) -> None:
        room = PythonRoom(self.server)
        phone = self.phone()
        self.admit(room, [phone])
        room.add_members(self.options.epochs, one_at_a_time=True)
        path = f"/p/{room.dialogue_id}/live"
        phone.open(path)  # the first visit, unmeasured: the second is the one measured
        phone.mark("live")
        phone.network = SLOW_4G
        label = f"second visit, {self.options.epochs + 2} epochs (one admission each), slow 4G"
        for _ in range(self.options.runs):
            phone.open(path)
            self.figures.add(label, "ready", phone.mark("live"))
            phone.settle()
            self.figures.add(label, "bytes", phone.transfers.bytes)
            self.figures.add(label, "requests", phone.transfers.requests)
        self.done(phone)

    # --- rooms of many members: the steward's approvals, idle pages ----------------------------

    def steward(self, room: PythonRoom) -> Phone:
        """A lead facilitator seated as a key steward, signed in on their own browser."""
        import pyotp

        secret = self.server.account("steward", "facilitator")
        room.convener.add_team_seat(room.dialogue_id, "steward", "facilitator", steward=True)
        phone = self.phone()
        page = phone.open("/login")
        page.fill("#username", "steward")
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(self.server.origin + "/login/code", timeout=WAIT_MS)
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("main button[type=submit]")
        page.wait_for_url(self.server.origin + "/", timeout=WAIT_MS)
        page = phone.open("/dialogues")
        page.locator("#seat-list button").click()
        page.locator("[data-seat-fingerprint]").wait_for(timeout=WAIT_MS)
        page.wait_for_function(
            "() => /^[A-Z2-7]{4}/.test(document.querySelector('[data-seat-fingerprint]')"
            ".textContent)",
            timeout=WAIT_MS,
        )
        room.approve_pending(1)
        return phone

    def members_room(self, wanted: set[str]) -> None:
        room = PythonRoom(self.server)
        steward = self.steward(room) if "steward" in wanted else None
        participant = self.phone()
        self.admit(room, [participant])
        for size in sorted(self.options.rooms):
            room.add_members(size - room.members)
            if steward is not None:
                self.approvals(room, steward, size)
        if "idle" in wanted:
            self.idle(room, participant)
        self.done(participant, *([steward] if steward else []))

    def approvals(self, room: PythonRoom, steward: Phone, size: int) -> None:
        """From the click on "let in" to the knock gone from the list: an HPKE wrap per member
        and the epoch signed and sent (4x CPU, network unthrottled)."""
        page = steward.open(f"/dialogues/{room.dialogue_id}#invitations")  # the steward's tab
        page.locator("#steward-panel").wait_for(timeout=WAIT_MS)
        knocks = page.locator("#knock-list li.knock")
        for n in range(self.options.runs):
            room.knock(self.invite(page, f"Newcomer {size}-{n}"))
            page.wait_for_function(
                "() => document.querySelectorAll('#knock-list li.knock').length === 1",
                polling=100,
                timeout=WAIT_MS,
            )
            started = time.monotonic()
            knocks.locator("button.primary").click()
            page.wait_for_function(
                "() => document.querySelectorAll('#knock-list li.knock').length === 0",
                polling=20,
                timeout=WAIT_MS,
            )
            self.figures.add(
                f"steward approves a knock, {size} members",
                "approve",
                1000 * (time.monotonic() - started),
            )
            room.members += 1

    def invite(self, page: Any, name: str) -> str:
        """The steward invites someone from the workspace (the browser that made the invitation
        holds its secret, which checks the knock's proof); returns the link's path."""
        previous = page.locator("#invite-link").text_content() or ""
        editor = page.locator("#invite-editor")
        if editor.get_attribute("open") is None:
            editor.locator("summary").click()
        page.fill("#invite-name", name)
        page.fill("#invite-side", "North")
        page.click("#participant-invite button[type=submit]")
        page.wait_for_function(
            "(previous) => { const text = document.getElementById('invite-link').textContent;"
            " return text.includes('/j/') && text !== previous; }",
            arg=previous,
            timeout=WAIT_MS,
        )
        link = str(page.locator("#invite-link").inner_text())
        return link[link.index("/j/") :]

    def idle(self, room: PythonRoom, phone: Phone) -> None:
        """What an open page costs while nothing happens, sampled and scaled to a minute."""
        phone.network = SLOW_4G
        seconds = self.options.idle_seconds
        for path, mark, label in (
            (f"/p/{room.dialogue_id}/live", "live", "idle live page"),
            (f"/p/{room.dialogue_id}", "home", "idle participant home"),
        ):
            phone.open(path)
            phone.mark(mark)
            phone.settle(3000)
            phone.transfers.reset()
            phone.page.wait_for_timeout(int(seconds * 1000))
            per_minute = phone.transfers.bytes * 60 / seconds
            self.figures.add(f"{label}, {room.members} members", "bytes/min", per_minute)
            requests = phone.transfers.requests * 60 / seconds
            self.figures.add(f"{label}, {room.members} members", "requests/min", requests)
            self.figures.note(
                f"{label}, {room.members} members", f"sampled {seconds:g} s, scaled to a minute"
            )

    def done(self, *phones: Phone) -> None:
        for phone in phones:
            self.errors.extend(phone.errors)
            phone.close()
