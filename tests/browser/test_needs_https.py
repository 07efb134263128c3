"""Over plain http at a network name the browser gives no WebCrypto: pages say, in the reader's
language, that the address must be https://, and their key-making modules never run. Chromium
reaches ``dialogue.test`` (not loopback, so not a secure context) through
``--host-resolver-rules``; the app's public origin is that name, so its Host allow-list lets it in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

ID = "AAAAAAAAAAAAAAAAAAAAAA"
FRAGMENT = "#c2VjcmV0.ZmluZ2VycHJpbnQ"
ENGLISH = "This page must be opened over a secure (https://) address."
ARABIC = "يجب فتح هذه الصفحة عبر عنوان آمن (\u2066https://\u2069)."
# A page of each kind that makes or reads keys: joining, a participant's home, the live room.
PAGES = [f"/j/{ID}", f"/p/{ID}", f"/p/{ID}/live"]


@pytest.fixture(scope="module")
def resolving_browser(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A second Chromium, from the same Playwright, that resolves ``dialogue.test`` to this
    machine."""
    rules = "--host-resolver-rules=MAP dialogue.test 127.0.0.1"
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, rules])
    yield chromium
    chromium.close()


@pytest.fixture
def insecure_origin(settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app on 127.0.0.1, configured as ``http://dialogue.test:PORT``."""
    from werkzeug.serving import make_server

    from facilitator.app import create_app

    server = make_server("127.0.0.1", 0, None, threaded=True)  # type: ignore[arg-type]
    origin = f"http://dialogue.test:{server.server_port}"
    server.app = create_app(settings.with_(public_origin=origin))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield origin
    server.shutdown()
    server.server_close()


def open_page(browser, url: str, locale: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    return context, page


@pytest.mark.parametrize("path", PAGES)
def test_plain_http_at_a_network_name_shows_the_notice_and_runs_no_key_code(
    resolving_browser, insecure_origin, path
):
    context, page = open_page(resolving_browser, insecure_origin + path + FRAGMENT, "en-GB")
    assert page.evaluate("window.isSecureContext") is False
    notice = page.locator("#needs-https")
    notice.wait_for(state="visible")
    assert ENGLISH in notice.inner_text()
    assert page.get_by_role("heading", name="This page needs a secure address").is_visible()
    others = page.locator("#main > :not(#needs-https)")
    assert others.count() > 0
    for index in range(others.count()):
        assert not others.nth(index).is_visible()
    # The page's own module never ran: it would have taken the fragment out of the address bar
    # (the join page) or written its own status (the others).
    assert page.url.endswith(FRAGMENT)
    assert page.evaluate("indexedDB.databases().then((all) => all.length)") == 0
    context.close()


def test_the_notice_speaks_the_readers_language_right_to_left(
    resolving_browser, insecure_origin, artifacts
):
    context, page = open_page(resolving_browser, insecure_origin + f"/j/{ID}", "ar")
    notice = page.locator("#needs-https")
    notice.wait_for(state="visible")
    assert ARABIC in notice.inner_text()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert notice.evaluate("(element) => getComputedStyle(element).direction") == "rtl"
    page.screenshot(path=str(artifacts / "needs-https-ar.png"), full_page=True)
    context.close()


def test_loopback_is_a_secure_context_and_shows_no_notice(browser, live_app):
    origin = live_app.config["LIVE_ORIGIN"]
    context, page = open_page(browser, f"{origin}/j/{ID}{FRAGMENT}", "en-GB")
    assert page.evaluate("window.isSecureContext") is True
    page.wait_for_function("!window.location.hash", timeout=10_000)  # the page's module ran
    assert not page.locator("#needs-https").is_visible()
    assert page.locator("#join").is_visible()
    context.close()
