"""Security headers on every route, CSRF, Origin, cookies, and an authorization sweep."""

from __future__ import annotations

import re

import pytest

from facilitator.core.security import CONTENT_SECURITY_POLICY
from tests.conftest import csrf_token, post_form

PARAM_VALUES = {
    "token": "not-a-real-token",
    "link_id": "1",
    "tag": "ar",
    "filename": "css/app.css",
    "dialogue_id": "AAAAAAAAAAAAAAAAAAAAAA",
    "invite_id": "AAAAAAAAAAAAAAAAAAAAAA",
    "knock_id": "AAAAAAAAAAAAAAAAAAAAAA",
    "message_id": "AAAAAAAAAAAAAAAAAAAAAA",
    "round_id": "AAAAAAAAAAAAAAAAAAAAAA",
}


def every_route(app):
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: PARAM_VALUES[m.group(1)], rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def test_every_route_sends_the_security_headers(app, client, sign_in, make_member):
    sign_in(make_member("convener"))
    seen = 0
    for _endpoint, method, path in every_route(app):
        response = client.open(path, method=method, data={})
        headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"
        if not path.startswith("/static/"):
            assert headers["Cache-Control"] == "no-store", path
        assert response.status_code < 500, (method, path)
        response.close()
        seen += 1
    assert seen >= 15


def test_csp_forbids_inline_script_and_framing():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_pages_have_no_inline_script_or_style(app, client, sign_in, make_member):
    sign_in(make_member("convener"))
    for path in ["/", "/team", "/account", "/login"]:
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html and "style=" not in html, path
        for tag in re.findall(r"<script[^>]*>", html):
            assert 'src="/static/' in tag, (path, tag)
        assert "onclick" not in html.lower() and "onerror" not in html.lower()


def test_form_without_csrf_token_is_rejected(client, make_member):
    member = make_member()
    response = client.post("/login", data={"username": member.username, "password": "x" * 12})
    assert response.status_code == 400
    assert "expired or was not sent by this site" in response.get_data(as_text=True)


def test_json_call_without_csrf_header_is_rejected_with_json(client, sign_in, make_member):
    sign_in(make_member())
    response = client.post("/locale", json={"locale": "ar"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf_failed"
    token = csrf_token(client, "/")
    ok = client.post("/locale", data={"locale": "ar", "csrf_token": token})
    assert ok.status_code == 302


def test_foreign_or_missing_origin_is_rejected(client, make_member):
    member = make_member()
    token = csrf_token(client)
    form = {"username": member.username, "password": member.password, "csrf_token": token}
    foreign = client.post("/login", data=form, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    del client.environ_base["HTTP_ORIGIN"]
    missing = client.post("/login", data=form)
    assert missing.status_code == 403
    null_cross_site = client.post(
        "/login", data=form, headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"}
    )
    assert null_cross_site.status_code == 403
    assert client.get("/login/code").status_code == 302, "nothing happened"


def test_browser_form_post_with_null_origin_from_this_site_is_accepted(client, make_member):
    """What Chromium sends for a form under no-referrer: ``Origin: null`` + Fetch Metadata."""
    member = make_member()
    del client.environ_base["HTTP_ORIGIN"]
    form = {"username": member.username, "password": member.password,
            "csrf_token": csrf_token(client)}
    response = client.post(
        "/login", data=form, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 302


def test_session_cookie_flags_local_development(client, sign_in, make_member):
    sign_in(make_member())
    response = client.get("/")
    client.get("/login")
    cookie = client.get_cookie("facilitator_session")
    assert cookie.http_only
    assert cookie.same_site == "Strict"
    assert not cookie.secure
    assert response.status_code == 200


def test_session_cookie_is_secure_outside_local_development(settings):
    from facilitator.app import create_app

    app = create_app(settings.with_(secure_cookies=True))
    client = app.test_client()
    response = client.get("/login")
    set_cookie = response.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert response.get_json()["message"]


def test_oversize_request_is_refused(client, sign_in, make_member):
    sign_in(make_member())
    token = csrf_token(client, "/")
    response = client.post(
        "/locale", data={"locale": "x" * (2 * 1024 * 1024), "csrf_token": token}
    )
    assert response.status_code == 413


# --- authorization sweep ------------------------------------------------------------------
# Every endpoint, for a stranger and each team role: allowed (2xx/3xx) or denied (401/403).
# Public endpoints answer everyone; their own checks (token validity) are tested elsewhere.
PUBLIC = {
    "static",
    "accounts.login",
    "accounts.login_submit",
    "accounts.login_code_form",
    "accounts.login_code",
    "accounts.setup",
    "accounts.setup_submit",
    "accounts.join_team",
    "accounts.join_team_submit",
    "accounts.enrol_totp",
    "accounts.enrol_totp_submit",
    "i18n.choose_locale",
    "i18n.catalog",
    "api_core.csrf_token",
    "api_core.openapi_document",
    "dialogue_pages.join",
    "dialogue_pages.participant_home",
    "dialogue_pages.participant_notes",
    "dialogue_pages.participant_approve",
    "live_pages.participant_room",
    "ops.forwarded",
}
ROLES = ["convener", "facilitator", "interpreter", "rapporteur", "observer"]
EXPECTED = {
    "accounts.home": set(ROLES),
    "accounts.account_page": set(ROLES),
    "accounts.logout": set(ROLES),
    "accounts.logout_everywhere": set(ROLES),
    "accounts.team": {"convener", "facilitator", "interpreter", "rapporteur"},
    "accounts.invite": {"convener"},
    "accounts.revoke": {"convener"},
    "dialogue_pages.dashboard": set(ROLES),
    "dialogue_pages.new_dialogue": {"convener"},
    "dialogue_pages.workspace": set(ROLES),
    # Shells for every team account: the dialogue role (convener, note taker) is the API's check.
    "dialogue_pages.notes": set(ROLES),
    "dialogue_pages.summary": set(ROLES),
    "dialogue_pages.print_pack": set(ROLES),
    "dialogue_pages.approve": set(ROLES),
    "live_pages.console": set(ROLES),
    "live_pages.projector": set(ROLES),
}


# The dialogue API has its own sweep with real dialogues (tests/dialogues/test_api_authz.py).
SWEPT_ELSEWHERE = "api_dialogues."


def test_sweep_covers_every_endpoint(app):
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.startswith(SWEPT_ELSEWHERE)
    }
    assert endpoints == PUBLIC | set(EXPECTED), "add new endpoints to the sweep"


@pytest.mark.parametrize("role", [None, *ROLES])
def test_authorization_sweep(app, client, sign_in, make_member, role):
    convener = make_member("convener", username="owner")
    if role is not None:
        sign_in(make_member(role))
    for endpoint, method, path in every_route(app):
        if endpoint in PUBLIC or endpoint.startswith(SWEPT_ELSEWHERE):
            continue
        data = {"role": "observer"}
        if method == "POST":
            response = post_form(client, path, data, page="/login" if role is None else "/")
        else:
            response = client.get(path)
        allowed = role in EXPECTED[endpoint]
        status = response.status_code
        if allowed:
            assert status < 400 or (endpoint == "accounts.revoke" and status == 404), (
                role, endpoint, status)
        elif role is None:
            assert status in (302, 401) and (status == 401 or "/login" in response.location), (
                endpoint, status)
        else:
            assert status == 403, (role, endpoint, status)
        if endpoint in {"accounts.logout", "accounts.logout_everywhere"} and role is not None:
            sign_in(make_member(role))
    assert convener.role == "convener"
