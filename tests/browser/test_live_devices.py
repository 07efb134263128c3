"""The live room's team channel, ephemeral devices and low-bandwidth text-only mode in Chromium.

A convener and a facilitator (two consoles) and two participants on phones: an Arabic one (right
to left) and a Russian one on a slow connection. The team talks in the console's team channel;
the participants' devices never receive a byte of it. The Russian phone is offered text-only
mode, takes it, and loads strictly fewer bytes. The Arabic participant asks for their device to be
cleared when the session closes; the facilitator closes the session: the Arabic phone deletes its
keys, databases and storage and shows a neutral screen, and reopening the link cannot decrypt
anything, while the Russian phone keeps the dialogue. Then the convener's policy makes every
participant device ephemeral: at the next close the Russian phone is cleared too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from facilitator import PROJECT_ROOT, td2
from facilitator.client.client import team_channel_id
from facilitator.core.assets import Assets
from tests.browser.test_live_room import (
    DMITRI,
    LAYLA,
    LiveWatch,
    admit,
    seat_facilitator,
    send,
    texts,
    wait_live,
)
from tests.browser.test_workspace import add_agenda, axe_violations, create_dialogue, sign_in

pytestmark = pytest.mark.browser

WAIT = 20_000
PHONE = {"width": 390, "height": 844}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
DATABASES = "async () => (await indexedDB.databases()).map((d) => d.name).sort()"
SLOW_CONNECTION = """
Object.defineProperty(Navigator.prototype, "connection", {
  configurable: true,
  get() {
    return { saveData: true, effectiveType: "2g", addEventListener() {}, removeEventListener() {} };
  },
});
"""
TEAM_TALK = [
    "Upper Vell's delegate looks ready to move on the figures; hold the break.",
    "Agreed. Let Lower Vell answer first.",
]
ROOM_TALK = "Welcome back. We resume with the dry-season figures."


@pytest.fixture
def origin(app, live_app):  # type: ignore[no-untyped-def]
    from tests.browser.test_live_room import ensure_live_pages

    ensure_live_pages(live_app)
    return live_app.config["LIVE_ORIGIN"]


class Frames:
    """Every Socket.IO frame a page receives and sends over its websockets."""

    def __init__(self, page: Any) -> None:
        self.received: list[str] = []
        self.sent: list[str] = []
        page.on("websocket", self._socket)

    def _socket(self, socket: Any) -> None:
        socket.on("framereceived", lambda payload: self.received.append(str(payload)))
        socket.on("framesent", lambda payload: self.sent.append(str(payload)))


class Bytes:
    """Bytes a page moves over HTTP (headers and bodies, both ways), from request events."""

    def __init__(self, page: Any) -> None:
        self.requests: list[Any] = []
        self.counting = False
        page.on("requestfinished", self._finished)

    def _finished(self, request: Any) -> None:
        if self.counting:
            self.requests.append(request)

    def start(self) -> None:
        self.requests, self.counting = [], True

    def stop(self) -> tuple[int, list[str]]:
        self.counting = False
        self.each: dict[str, int] = {}
        for request in self.requests:
            sizes = request.sizes()
            size = sum(sizes[k] for k in ("requestHeadersSize", "requestBodySize",
                                          "responseHeadersSize", "responseBodySize"))
            path = request.url.split("://", 1)[1].split("/", 1)[1]
            self.each["/" + path] = self.each.get("/" + path, 0) + size
        return sum(self.each.values()), [request.url for request in self.requests]

    def report(self) -> str:
        rows = sorted(self.each.items(), key=lambda row: -row[1])
        return "\n".join(f"  {size:>8}  {path}" for path, size in rows)


def uncached(page: Any) -> None:
    """Every load fetches everything again: the two modes are compared on equal terms."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})


def databases(page: Any) -> list[str]:
    return list(page.evaluate(DATABASES))


def wait_databases_gone(page: Any) -> None:
    for _ in range(100):
        if databases(page) == []:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"IndexedDB still holds {databases(page)}")


def close_session(console: Any) -> None:
    console.once("dialog", lambda dialog: dialog.accept())
    console.click("#close-session")
    expect(console.locator("#session-closed")).to_be_visible(timeout=WAIT)


def start_item(console: Any, title: str) -> None:
    console.get_by_role("button", name=f"Start: {title}").click()
    expect(console.locator("#session-closed")).to_be_hidden(timeout=WAIT)


def expect_cleared(page: Any) -> None:
    cleared = page.locator("#device-cleared")
    expect(cleared).to_be_visible(timeout=WAIT)
    expect(cleared).to_have_attribute("data-cleared", "yes")
    expect(page.locator("#messages")).to_have_count(0)
    expect(page.locator("#dialogue-title")).to_have_count(0)
    wait_databases_gone(page)
    assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]
    assert "facilitator_text_only" not in page.evaluate("() => document.cookie")


def expect_cannot_decrypt(page: Any, origin: str, dialogue_id: str) -> None:
    page.goto(f"{origin}/p/{dialogue_id}/live")
    expect(page.locator("#refusal")).to_be_visible(timeout=WAIT)
    expect(page.locator("#live-panels")).to_have_count(0)
    expect(page.locator("#messages")).to_have_count(0)
    page.goto(f"{origin}/p/{dialogue_id}")
    expect(page.locator("#refusal")).to_be_visible(timeout=WAIT)
    assert ROOM_TALK not in page.locator("body").inner_text()


@pytest.mark.browser
def test_team_channel_ephemeral_devices_and_text_only_mode(
    browser, origin, live_app, make_member, artifacts
):
    watch = LiveWatch()
    convener_context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    convener = watch.page(convener_context)
    sign_in(convener, origin, make_member("convener", username="samira"))
    dialogue_id = create_dialogue(convener, origin)
    add_agenda(convener)
    team_channel = td2.b64u_encode(team_channel_id(td2.b64u_decode(dialogue_id)))

    facilitator_context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    console = watch.page(facilitator_context)
    seat_facilitator(convener, console, origin, make_member("facilitator", username="oleksandr"))
    ar_context = browser.new_context(locale="ar", timezone_id="Asia/Amman", viewport=PHONE)
    arabic = admit(convener, ar_context, watch, LAYLA, origin, dialogue_id)
    ru_context = browser.new_context(locale="ru", timezone_id="Asia/Amman", viewport=PHONE)
    ru_context.add_init_script(SLOW_CONNECTION)
    russian = admit(convener, ru_context, watch, DMITRI, origin, dialogue_id)
    frames = {"arabic": Frames(arabic), "russian": Frames(russian)}

    # --- low bandwidth: measured in both modes on the Russian phone (slow connection) ---------
    uncached(russian)
    meter = Bytes(russian)
    meter.start()
    russian.goto(f"{origin}/p/{dialogue_id}/live")
    wait_live(russian)
    expect(russian.locator("#device-panel")).to_be_visible()
    normal_bytes, normal_urls = meter.stop()
    normal_report = meter.report()
    live_css, text_css, dialogues_css = (sheet(name) for name in ("live", "live-text", "dialogues"))
    assert any(url.endswith(live_css) for url in normal_urls)
    suggestion = russian.locator("#text-only-suggestion")
    expect(suggestion).to_be_visible()
    meter.start()
    with russian.expect_navigation():
        russian.click("#suggestion-accept")
    wait_live(russian)
    expect(russian.locator("#device-panel")).to_be_visible()
    text_bytes, text_urls = meter.stop()
    assert russian.locator("html").get_attribute("data-text-only") == "true"
    assert any(url.endswith(text_css) for url in text_urls)
    for decoration in (live_css, dialogues_css, "favicon"):
        assert not any(decoration in url for url in text_urls), decoration
    assert text_bytes < normal_bytes, (text_bytes, normal_bytes)
    (artifacts / "live-bytes.txt").write_text(
        f"participant view, normal mode: {normal_bytes} bytes over HTTP\n{normal_report}\n"
        f"participant view, text-only mode: {text_bytes} bytes over HTTP\n{meter.report()}\n"
    )
    expect(suggestion).to_be_hidden()
    expect(russian.locator("#text-only-toggle")).to_be_checked()
    assert any('"limit":50' in frame for frame in frames["russian"].sent), "small history pages"
    assert russian.evaluate(OVERFLOW) <= 1
    assert axe_violations(russian, origin) == []

    # --- everyone in the room; the team talks in its own channel ---------------------------------
    convener.goto(f"{origin}/dialogues/{dialogue_id}/live")
    console.goto(f"{origin}/dialogues/{dialogue_id}/live")
    arabic.goto(f"{origin}/p/{dialogue_id}/live")
    wait_live(convener, console, arabic)
    for page in (convener, console):
        expect(page.locator("#team-panel")).to_be_visible()
    for page in (arabic, russian):
        expect(page.locator("#team-panel")).to_have_count(0)
    console.fill("#team-text", TEAM_TALK[0])
    console.locator("#team-composer button[type=submit]").click()
    expect(convener.locator("#team-messages .message-text")).to_have_text(
        TEAM_TALK[:1], timeout=WAIT
    )
    convener.fill("#team-text", TEAM_TALK[1])
    convener.locator("#team-composer button[type=submit]").click()
    for page in (convener, console):
        expect(page.locator("#team-messages .message-text")).to_have_text(TEAM_TALK, timeout=WAIT)
        expect(texts(page)).to_have_count(0)  # the room's stream holds none of it
    send(console, ROOM_TALK)
    for page in (convener, console, arabic, russian):
        expect(texts(page)).to_have_text([ROOM_TALK], timeout=WAIT)
    russian.screenshot(path=str(artifacts / "live-participant-text-only-ru.png"), full_page=True)
    for name, seen in frames.items():
        received = "\n".join(seen.received)
        assert team_channel not in received, f"{name} received a team-channel envelope"
        assert '"channel_id"' in received  # but it did receive the room's
    console.screenshot(path=str(artifacts / "live-console-team-en.png"), full_page=True)
    assert axe_violations(console, origin) == []

    # --- ephemeral: the Arabic participant marks the device; the facilitator closes -------------
    toggle = arabic.locator("#ephemeral-toggle")
    expect(toggle).not_to_be_checked()
    expect(toggle).to_be_enabled()
    toggle.check()
    expect(toggle).to_be_checked()
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    assert arabic.evaluate(OVERFLOW) <= 1
    arabic.screenshot(path=str(artifacts / "live-participant-device-ar.png"), full_page=True)
    assert axe_violations(arabic, origin) == []
    assert {"facilitator-dialogues", "td2-keystore"} <= set(databases(arabic))
    assert databases(russian)

    start_item(console, "Opening and ground rules")
    close_session(console)
    expect_cleared(arabic)
    arabic.screenshot(path=str(artifacts / "live-participant-cleared-ar.png"))
    expect(russian.locator("#session-closed")).to_be_visible(timeout=WAIT)
    expect(russian.locator("#device-cleared")).to_have_count(0)
    assert {"facilitator-dialogues", "td2-keystore"} <= set(databases(russian))
    expect_cannot_decrypt(arabic, origin, dialogue_id)

    # --- the conveners' policy: every participant device is ephemeral ---------------------------
    convener.goto(f"{origin}/dialogues/{dialogue_id}")
    policy = convener.locator("#policy-ephemeral")
    expect(policy).to_be_enabled(timeout=WAIT)
    expect(policy).not_to_be_checked()
    policy.check()
    expect(convener.locator("#policy-status")).to_be_visible(timeout=WAIT)
    russian.reload()
    wait_live(russian)
    russian_toggle = russian.locator("#ephemeral-toggle")
    expect(russian_toggle).to_be_checked(timeout=WAIT)
    expect(russian_toggle).to_be_disabled()
    expect(russian.locator("#ephemeral-policy")).to_be_visible()
    # A close from before the device became ephemeral does not clear it; the next one does.
    expect(russian.locator("#device-cleared")).to_have_count(0)
    expect(russian.locator("#session-closed")).to_be_visible()
    start_item(console, "How each side sees the dry-season allocation")
    expect(russian.locator("#session-closed")).to_be_hidden(timeout=WAIT)
    close_session(console)
    expect_cleared(russian)
    expect_cannot_decrypt(russian, origin, dialogue_id)

    # The team's devices keep everything; the server holds ciphertext only.
    console.reload()
    wait_live(console)
    expect(console.locator("#team-messages .message-text")).to_have_text(TEAM_TALK, timeout=WAIT)
    database = Path(live_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    for text in [*TEAM_TALK, ROOM_TALK]:
        assert text.encode() not in stored
    assert watch.problems == [], watch.problems
    for context in (convener_context, facilitator_context, ar_context, ru_context):
        context.close()


def sheet(name: str) -> str:
    """The address of static/css/<name>.css as pages link it: its build's when built."""
    return "/static/" + Assets(PROJECT_ROOT / "static" / "dist").path(f"css/{name}.css")


def test_text_only_pages_are_lean(app, client):
    """The cookie picks the stylesheet and drops the icon request; the rest is the same page."""
    from tests.browser.test_live_room import SOME_ID, ensure_live_pages

    ensure_live_pages(app)
    normal = client.get(f"/p/{SOME_ID}/live").get_data(as_text=True)
    assert sheet("live") in normal and "favicon.svg" in normal
    assert "data-text-only" not in normal
    client.set_cookie("facilitator_text_only", "1")
    lean = client.get(f"/p/{SOME_ID}/live").get_data(as_text=True)
    assert sheet("live-text") in lean and 'data-text-only="true"' in lean
    assert sheet("live") not in lean and sheet("dialogues") not in lean
    assert "favicon.svg" not in lean and 'rel="icon" href="data:,"' in lean
    assert re.search(r'id="text-only-toggle"[^>]*checked', lean)
    assert len(lean) < len(normal) + 200
    client.set_cookie("facilitator_text_only", "yes please")
    assert sheet("live") in client.get(f"/p/{SOME_ID}/live").get_data(as_text=True)
