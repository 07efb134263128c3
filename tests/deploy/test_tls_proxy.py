"""The production layout end to end: Chromium → Caddy (the shipped ``venue.Caddyfile``, a test
authority's certificate for ``dialogue.test``) → two ``facilitator serve`` processes sharing
PostgreSQL and Redis.

Chromium resolves ``dialogue.test`` to 127.0.0.1 and trusts the test authority only because it is
in the NSS database of the home folder it runs with, so the page is a secure context (WebCrypto
works) only because of TLS: the same browser without that database refuses the site, and the
same name over plain HTTP gets the "needs HTTPS" page. Through the proxy the first convener signs
in, creates a dialogue and invites a participant, who knocks from a second browser context and
is let in; both open the live room. Caddy's own count of open requests per upstream shows the two
websockets on different processes, and messages sent on one reach the other (through Redis).
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from facilitator.app import create_app
from facilitator.settings import Settings
from facilitator_bench.proxy import CADDY_DIR, TEST_NAME, free_port, running_caddy, venue_env
from tests.browser.test_live_room import LiveWatch, admit, send, texts, wait_live
from tests.browser.test_workspace import create_dialogue, sign_in
from tests.conftest import PASSWORD, REDIS_URL, Member, migrate_to_head
from tests.deploy.conftest import launch
from tests.live.test_scale_out import make_account
from tests.servers import serving

pytestmark = [pytest.mark.caddy, pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

WAIT = 20_000
PARTICIPANT = {"name": "Amal Haddad", "side": "Upper Vell", "language": "en",
               "attendance": "remote"}


@dataclass
class Site:
    origin: str  # https://dialogue.test:PORT
    http_origin: str  # Caddy's plain-HTTP listener, which only redirects
    admin: str  # Caddy's admin endpoint (host:port)
    upstreams: list[str]
    convener: Member


@pytest.fixture
def site(caddy, certificates, fresh_postgres_database, redis_client, tmp_path) -> Iterator[Site]:
    database_url = fresh_postgres_database
    migrate_to_head(create_app(Settings(secret_key="k" * 32, database_url=database_url)))
    totp_key_file = tmp_path / "totp_key"
    totp = make_account(database_url, "samira", totp_key_file)
    https_port, admin_port = free_port(), free_port()
    origin = f"https://{TEST_NAME}:{https_port}"
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "shared-" + "s" * 40,
        "FACILITATOR_PUBLIC_ORIGIN": origin,
        "FACILITATOR_SECURE_COOKIES": "1",
        "FACILITATOR_TRUSTED_PROXIES": "1",
        "FACILITATOR_TOTP_KEY_FILE": str(totp_key_file),
    }
    ports = [free_port(), free_port()]
    upstreams = [f"127.0.0.1:{port}" for port in ports]
    proxy_env = venue_env(certificates, upstreams, https_port, admin_port)
    with (
        serving(env, tmp_path / "a", port=ports[0]),
        serving(env, tmp_path / "b", port=ports[1]),
        running_caddy(CADDY_DIR / "venue.Caddyfile", proxy_env, tmp_path / "caddy",
                      ("127.0.0.1", https_port)),
    ):
        yield Site(
            origin=origin,
            http_origin=f"http://{TEST_NAME}:{proxy_env['FACILITATOR_HTTP_PORT']}",
            admin=proxy_env["CADDY_ADMIN"],
            upstreams=upstreams,
            convener=Member(0, "samira", "convener", PASSWORD, totp),
        )


def open_requests(site: Site) -> dict[str, int]:
    """Requests Caddy has open to each upstream right now (a websocket is one, for its life)."""
    url = f"http://{site.admin}/reverse_proxy/upstreams"
    with urllib.request.urlopen(url, timeout=5) as answer:
        return {u["address"]: u["num_requests"] for u in json.load(answer)}


def one_on_each(site: Site, seconds: float = 5) -> bool:
    """Whether, within ``seconds``, Caddy has exactly one request open to each process. With
    the two live websockets open, that means one websocket on each (both on one process would
    count two there, however many short requests came and went)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen = open_requests(site)
        if sorted(seen) == sorted(site.upstreams) and set(seen.values()) == {1}:
            return True
        time.sleep(0.1)
    return False


def one_websocket_on_each_process(site: Site, reconnect: Any) -> None:
    """Wait until each process holds one of the two live websockets.

    Caddy's ``least_conn`` sends the second websocket to the process without one, unless another
    request happened to be open there at that moment; then ``reconnect`` opens it again.
    """
    for _ in range(4):
        if one_on_each(site):
            return
        reconnect()
    raise AssertionError(f"open requests per process: {open_requests(site)}")


def test_secure_context_through_the_proxy_and_a_room_across_two_processes(
    site, trusting_browser, playwright, tmp_path
):
    # Without the test authority in its NSS database, the same Chromium refuses the site.
    untrusting = launch(playwright, tmp_path / "untrusting-home")
    try:
        with pytest.raises(PlaywrightError, match="ERR_CERT_AUTHORITY_INVALID"):
            untrusting.new_page().goto(site.origin + "/login")
    finally:
        untrusting.close()

    watch = LiveWatch()
    # Caddy's plain-HTTP port only redirects to HTTPS.
    redirected = trusting_browser.new_context()
    page = redirected.new_page()
    page.goto(site.http_origin + "/login")
    assert page.url == site.origin + "/login"
    redirected.close()

    convener_context = trusting_browser.new_context(locale="en-GB", timezone_id="Europe/London")
    convener = watch.page(convener_context)
    convener.goto(site.origin + "/login")
    assert convener.evaluate("window.isSecureContext") is True
    assert convener.evaluate("location.protocol") == "https:"
    assert convener.evaluate("typeof crypto.subtle.generateKey") == "function"
    sign_in(convener, site.origin, site.convener)
    dialogue_id = create_dialogue(convener, site.origin)

    participant_context = trusting_browser.new_context(locale="en-GB")
    participant = admit(convener, participant_context, watch, PARTICIPANT, site.origin,
                        dialogue_id)
    assert participant.evaluate("window.isSecureContext") is True

    # Both open the live room: two websockets through Caddy, one on each process.
    participant.click("#live-link")
    convener.goto(f"{site.origin}/dialogues/{dialogue_id}/live")
    wait_live(convener, participant)

    def reconnect_participant() -> None:
        participant.reload()
        wait_live(participant)

    one_websocket_on_each_process(site, reconnect_participant)

    first = "Welcome. We begin with the ground rules."
    send(convener, first)
    expect(texts(participant)).to_have_text([first], timeout=WAIT)
    second = "Thank you. Upper Vell agrees to them."
    send(participant, second)
    expect(texts(convener)).to_have_text([first, second], timeout=WAIT)
    expect(texts(participant)).to_have_text([first, second], timeout=WAIT)
    assert one_on_each(site), "the two websockets are still on different processes"

    assert watch.problems == [], watch.problems
    convener_context.close()
    participant_context.close()


def test_the_same_name_over_plain_http_says_it_needs_https(
    caddy, playwright, tmp_path
):
    """A server reached by its name over plain HTTP (here through the onion configuration's plain
    listener, with a public origin that is not an onion address): no secure context, so the page
    says the address must be HTTPS instead of failing to make a key."""
    listen = free_port()
    origin = f"http://{TEST_NAME}:{listen}"
    app_port = free_port()
    env = {
        "FACILITATOR_PUBLIC_ORIGIN": origin,
        "FACILITATOR_TRUSTED_PROXIES": "1",
        "SECRET_KEY": "plain-" + "p" * 40,
    }
    proxy_env = {
        "FACILITATOR_ONION_UPSTREAMS": f"127.0.0.1:{app_port}",
        "FACILITATOR_ONION_PORT": str(listen),
        "CADDY_ADMIN": f"127.0.0.1:{free_port()}",
    }
    (tmp_path / "instance").mkdir()
    with (
        serving(env, tmp_path / "instance", port=app_port),
        running_caddy(CADDY_DIR / "onion.Caddyfile", proxy_env, tmp_path / "caddy",
                      ("127.0.0.1", listen)),
    ):
        browser = launch(playwright, tmp_path / "home")
        try:
            page = browser.new_page()
            page.goto(f"{origin}/j/{'A' * 22}#{'B' * 22}")
            assert page.evaluate("window.isSecureContext") is False
            expect(page.locator("#needs-https")).to_be_visible(timeout=WAIT)
        finally:
            browser.close()
