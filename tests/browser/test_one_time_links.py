"""One-time team links in Chromium: the first convener enrols from ``/setup#<token>`` and invites
a team member, who enrols from ``/join-team#<token>``. The token never reaches the server in an
address (path, query or Referer: what an access log records), and leaves the address bar and the
history as soon as the page opens."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pyotp
import pytest

from facilitator.accounts import service
from facilitator.core.db import commit_boundary
from facilitator.extensions import db

pytestmark = pytest.mark.browser
PASSPHRASE = "a long enough passphrase"


class AccessLog:
    """What a server or proxy access log would hold: each request's address and Referer."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.lines: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.lines.append(
            " ".join(
                environ.get(key, "")
                for key in ("REQUEST_METHOD", "REQUEST_URI", "RAW_URI", "PATH_INFO",
                            "QUERY_STRING", "HTTP_REFERER")
            )
        )
        return self.app(environ, start_response)


def open_link_and_enrol(context, link: str, origin: str, username: str) -> Any:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(link)
    path = link.removeprefix(origin).split("#")[0]
    page.wait_for_function(f"window.location.href === {origin + path!r}")
    assert page.evaluate("window.location.hash") == ""
    assert page.locator("#link-token").input_value() == link.split("#")[1]
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSPHRASE)
    page.get_by_label("Password again").fill(PASSPHRASE)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(origin + "/enrol/totp")
    secret = page.locator("#totp-secret").inner_text()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(origin + "/")
    assert page.get_by_role("heading", name=f"Welcome, {username}").is_visible()
    assert errors == [], errors
    return page


def test_team_links_keep_their_token_out_of_addresses(browser, live_app):
    origin = live_app.config["LIVE_ORIGIN"]
    log = AccessLog(live_app.wsgi_app)
    live_app.wsgi_app = log  # type: ignore[method-assign]
    with live_app.app_context(), commit_boundary():
        setup_token = service.create_setup_link(db.session, 3600)

    first = browser.new_context(locale="en-GB")
    page = open_link_and_enrol(first, f"{origin}/setup#{setup_token}", origin, "samira")
    page.goto(origin + "/team")
    page.locator("#role").select_option("interpreter")
    page.get_by_role("button", name="Create invitation link").click()
    link = page.locator("#new-invitation-link").inner_text()
    assert re.fullmatch(re.escape(origin) + r"/join-team#[\w-]{40,}", link)
    team_token = link.split("#")[1]

    second = browser.new_context(locale="en-GB")
    open_link_and_enrol(second, link, origin, "helene")
    first.close()
    second.close()

    assert any("/setup" in line for line in log.lines)
    assert any("/join-team" in line for line in log.lines)
    for token in (setup_token, team_token):
        assert not [line for line in log.lines if token in line]


def test_the_token_survives_a_language_change_but_not_in_the_address(browser, live_app):
    """A newcomer switches the page to their language before filling the form."""
    origin = live_app.config["LIVE_ORIGIN"]
    with live_app.app_context(), commit_boundary():
        token = service.create_setup_link(db.session, 3600)
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{origin}/setup#{token}")
    page.wait_for_function(f"window.location.href === {origin + '/setup'!r}")
    page.locator("#locale-select").select_option("fr")
    page.locator(".locale-switcher button").click()
    page.wait_for_function("document.documentElement.lang === 'fr'")
    assert page.url == origin + "/setup"
    assert page.locator("#link-token").input_value() == token
    page.locator("#username").fill("karim")
    page.locator("#password").fill(PASSPHRASE)
    page.locator("#confirm").fill(PASSPHRASE)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(origin + "/enrol/totp")
    context.close()
