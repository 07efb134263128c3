"""A phone: a browser context in Chromium with a slow CPU and a poor network (CDP), whose
transfers are counted.

Bytes are what reached the device: every HTTP response's encoded size with its headers
(``Network.loadingFinished``'s ``encodedDataLength``: compressed if the server compressed it,
nothing for what the cache answered) and the payload of every websocket frame received. A
response whose load the page abandoned (``Network.loadingFailed``, as Chromium reports a 304
whose empty body no one read) counts what had arrived: its headers and any body received.
Requests are every request the page made (``Network.requestWillBeSent``), those its cache
answered included.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from facilitator_bench.phones.marks import watch_script

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CPU_RATE = 4
# A 10,000-message history in text-only mode takes minutes on a 4x-slowed phone. Tests that drive
# a Phone on small rooms set a shorter bound, so a page that never gets somewhere fails in minutes
# instead of looking like a hang.
WAIT_MS = int(os.environ.get("FACILITATOR_BENCH_WAIT_MS", "1800000"))
FINGERPRINT = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")


@dataclass(frozen=True)
class Network:
    name: str
    latency_ms: float
    down_bps: float  # bits per second
    up_bps: float


SLOW_4G = Network("slow 4G", 150, 1_600_000, 750_000)
THREE_G = Network("3G-like", 300, 400_000, 400_000)
UNTHROTTLED = Network("unthrottled", 0, -1, -1)


@dataclass
class Transfers:
    bytes: int = 0
    requests: int = 0
    frames: int = 0  # websocket frames received
    by_url: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.bytes, self.requests, self.frames = 0, 0, 0
        self.by_url.clear()


class Phone:
    """One device (a browser context: its cookies, storage and cache) of one participant."""

    def __init__(self, browser: Any, origin: str, network: Network = UNTHROTTLED) -> None:
        self.context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
        self.context.set_default_timeout(WAIT_MS)  # a page busy rendering a long history
        self.origin = origin
        self.network = network
        self.transfers = Transfers()
        self.errors: list[str] = []
        self.page: Any = None
        self._urls: dict[str, str] = {}
        self._arrived: dict[str, int] = {}  # request -> bytes received so far (headers, body)

    def open(self, path: str, latest_seq: int | None = None, fresh_cache: bool = False) -> Any:
        """A new tab, emulation on, that loads ``path``; the previous tab is closed."""
        if self.page is not None:
            self.page.close()
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.add_init_script(watch_script(latest_seq))
        cdp = self.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_RATE})
        if self.network is not UNTHROTTLED:
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": self.network.latency_ms,
                    "downloadThroughput": self.network.down_bps / 8,
                    "uploadThroughput": self.network.up_bps / 8,
                },
            )
        if fresh_cache:
            cdp.send("Network.clearBrowserCache")
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        self.transfers.reset()
        self.page = page
        page.goto(self.origin + path, wait_until="commit", timeout=WAIT_MS)
        return page

    def _request(self, event: dict[str, Any]) -> None:
        url = event["request"]["url"]
        if url.startswith("data:"):
            return
        self.transfers.requests += 1
        self._urls[event["requestId"]] = url

    def _response(self, event: dict[str, Any]) -> None:
        size = int(event["response"].get("encodedDataLength", 0))
        self._arrived[event["requestId"]] = size

    def _data(self, event: dict[str, Any]) -> None:
        size = int(event.get("encodedDataLength", 0))
        self._arrived[event["requestId"]] = self._arrived.get(event["requestId"], 0) + size

    def _finished(self, event: dict[str, Any]) -> None:
        self._arrived.pop(event["requestId"], None)
        self._count(event["requestId"], int(event.get("encodedDataLength", 0)))

    def _failed(self, event: dict[str, Any]) -> None:
        self._count(event["requestId"], self._arrived.pop(event["requestId"], 0))

    def _count(self, request_id: str, size: int) -> None:
        self.transfers.bytes += size
        url = self._urls.pop(request_id, "")
        self.transfers.by_url[url] = self.transfers.by_url.get(url, 0) + size

    def _frame(self, event: dict[str, Any]) -> None:
        self.transfers.bytes += len(event["response"].get("payloadData", ""))
        self.transfers.frames += 1

    def mark(self, name: str) -> float:
        """Milliseconds from the navigation to the first time ``name`` held (``phones.marks``)."""
        self.page.wait_for_function(
            f"() => window.__benchMarks && '{name}' in window.__benchMarks",
            polling=100,
            timeout=WAIT_MS,
        )
        return float(self.page.evaluate(f"() => window.__benchMarks['{name}']"))

    def mark_within(self, name: str, ms: int) -> float | None:
        """As ``mark``, or None when ``name`` did not hold within ``ms`` of now."""
        try:
            self.page.wait_for_function(
                f"() => window.__benchMarks && '{name}' in window.__benchMarks",
                polling=500,
                timeout=ms,
            )
        except PlaywrightTimeoutError:
            return None
        return float(self.page.evaluate(f"() => window.__benchMarks['{name}']"))

    def settle(self, ms: int = 1000) -> None:
        """Let the transfers under way finish and their events arrive."""
        self.page.wait_for_timeout(ms)

    def join(self, link: str) -> str:
        """Open an invitation link and knock; returns the device's fingerprint."""
        page = self.open(link)
        shown = page.locator("#my-fingerprint")
        shown.wait_for(timeout=WAIT_MS)
        page.wait_for_function(
            "() => /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/.test("
            "document.getElementById('my-fingerprint').textContent)",
            timeout=WAIT_MS,
        )
        return str(shown.inner_text())

    def joined(self, dialogue_id: str) -> None:
        """Wait for the join page to move on to the participant's home once let in."""
        self.page.wait_for_url(f"{self.origin}/p/{dialogue_id}", timeout=WAIT_MS)

    def forget_history(self) -> None:
        """Drop the live room's log kept on this device (as a new device has none); the keys
        and the session stay. The tab leaves its page first: a live page still fetching older
        history would write it back."""
        self.page.goto(self.origin + "/", wait_until="domcontentloaded", timeout=WAIT_MS)
        self.page.evaluate(
            """async () => {
                const store = await import("/static/js/dialogues/store.js");
                for (const [key] of await store.loadAll("live-")) {
                    if (key.startsWith("live-log:") || key.startsWith("live-seq:")) {
                        await store.forget(key);
                    }
                }
            }"""
        )

    def text_only(self, on: bool) -> None:
        """The low-bandwidth text-only mode is a cookie the server reads."""
        if on:
            self.context.add_cookies(
                [{"name": "facilitator_text_only", "value": "1", "url": self.origin}]
            )
        else:
            self.context.clear_cookies(name="facilitator_text_only")

    def close(self) -> None:
        self.context.close()
