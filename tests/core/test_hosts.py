"""The Host allow-list: only ``FACILITATOR_PUBLIC_ORIGIN``'s host[:port] (and, for a loopback
origin, its loopback aliases) gets an answer; any other Host gets 400 on pages, the API and the
Socket.IO handshake, with nothing changed. Origins are the configured ones, never the Host's."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder

from facilitator.app import create_app
from facilitator.core.hosts import allowed_hosts, allowed_origins
from tests.conftest import ORIGIN, csrf_token

FORGED = "http://evil.example"
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def test_a_forged_host_gets_a_translated_400_page(client):
    page = client.get("/login", base_url=FORGED)
    assert page.status_code == 400
    assert "does not answer to" in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"]
    arabic = client.get("/login", base_url=FORGED, headers={"Accept-Language": "ar"})
    assert arabic.status_code == 400
    body = arabic.get_data(as_text=True)
    assert 'dir="rtl"' in body and "does not answer to" not in body


def test_a_forged_host_gets_a_json_400_from_the_api(client):
    response = client.get("/api/v1/openapi.json", base_url=FORGED)
    assert response.status_code == 400
    assert response.get_json()["error"] == "host_rejected"
    assert response.get_json()["message"]


def test_a_forged_host_header_is_refused_whatever_the_url(client):
    response = client.get("/login", headers={"Host": "evil.example"})
    assert response.status_code == 400


def call_app(app, method, path, host, accept):
    """Status and body of one request, through the app's WSGI entry as a server calls it (the
    test client would parse the Host itself to build its URL)."""
    environ = EnvironBuilder(
        path=path, method=method, headers={"Host": host, "Origin": ORIGIN, "Accept": accept}
    ).get_environ()
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])

    body = b"".join(app(environ, start_response))
    return answer["status"], body


@pytest.mark.parametrize("host", ["a..b", ".", "xn--zz", "a" * 70 + ".example", "a" * 300])
@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", HANDSHAKE])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_host_that_is_no_valid_name_gets_the_same_400(app, host, path, method):
    """A Host that is not even a valid name (an empty or overlong label, broken punycode) is
    refused like any other foreign Host, never with a server error."""
    status, body = call_app(app, method, path, host, "application/json")
    assert (status, b"host_rejected" in body) == (400, True)
    status, page = call_app(app, method, path, host, "text/html")
    assert (status, b"does not answer to" in page) == (400, True)


def test_the_socketio_handshake_refuses_a_forged_host(client):
    assert client.get(HANDSHAKE, base_url=FORGED).status_code == 400
    assert client.get(HANDSHAKE).status_code == 200


def test_the_good_host_passes(client):
    assert client.get("/login").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_a_refused_sign_in_changes_nothing(client, make_member):
    member = make_member()
    form = {"username": member.username, "password": member.password,
            "csrf_token": csrf_token(client)}
    refused = client.post("/login", data=form, base_url=FORGED)
    assert refused.status_code == 400
    assert "Set-Cookie" not in refused.headers
    assert client.get("/login/code").status_code == 302, "no sign-in was started"
    assert client.post("/login", data=form).status_code == 302, "the good host still works"


@pytest.mark.parametrize(
    ("public_origin", "host", "allowed"),
    [
        ("http://127.0.0.1:5000", "127.0.0.1:5000", True),
        ("http://127.0.0.1:5000", "localhost:5000", True),
        ("http://127.0.0.1:5000", "[::1]:5000", True),
        ("http://127.0.0.1:5000", "LOCALHOST:5000", True),
        ("http://127.0.0.1:5000", "localhost:5001", False),
        ("http://127.0.0.1:5000", "127.0.0.1", False),
        ("http://127.0.0.1:5000", "192.168.1.20:5000", False),
        ("https://dialogue.example.org", "dialogue.example.org", True),
        ("https://dialogue.example.org", "dialogue.example.org:8443", False),
        ("https://dialogue.example.org", "evil.dialogue.example.org", False),
        ("https://dialogue.example.org", "dialogue.example.org.evil.example", False),
        ("https://dialogue.example.org", "localhost", False),
        ("https://dialogue.example.org:8443", "dialogue.example.org:8443", True),
        ("https://dialogue.example.org:8443", "dialogue.example.org", False),
        # Browsers send an IPv6 literal in its shortest lowercase form, however it was typed.
        ("http://[0:0:0:0:0:0:0:1]:5000", "[::1]:5000", True),
        ("http://[2001:DB8:0:0::1]:5000", "[2001:db8::1]:5000", True),
        ("http://[2001:db8::1]:5000", "[2001:db8::2]:5000", False),
    ],
)
def test_which_hosts_are_answered(settings, public_origin, host, allowed):
    app = create_app(settings.with_(public_origin=public_origin))
    response = app.test_client().get("/login", headers={"Host": host})
    assert (response.status_code == 200) is allowed, response.status_code


def test_the_default_port_of_the_scheme_may_be_spelled_out(settings):
    """Behind a TLS proxy (trusted for the scheme), ``host:443`` is the same host."""
    app = create_app(settings.with_(public_origin="https://dialogue.example.org", trusted_proxies=1))
    client = app.test_client()
    headers = {"Host": "dialogue.example.org:443", "X-Forwarded-Proto": "https"}
    assert client.get("/login", headers=headers).status_code == 200


def test_allowed_hosts_and_origins():
    assert allowed_hosts("https://Dialogue.Example.org/") == {"dialogue.example.org"}
    assert allowed_origins("https://dialogue.example.org:443") == ["https://dialogue.example.org"]
    assert allowed_hosts("https://bücher.example") == {"xn--bcher-kva.example"}
    assert set(allowed_origins("http://localhost:5000")) == {
        "http://127.0.0.1:5000", "http://localhost:5000", "http://[::1]:5000"
    }


def test_the_origin_check_trusts_only_the_configured_origin(settings, make_member):
    """The request's Host no longer vouches for an origin: ``http://`` for an ``https://`` site
    is another origin, even when the Host is right."""
    app = create_app(settings.with_(public_origin="https://dialogue.example.org"))
    client = app.test_client()
    base = "http://dialogue.example.org"
    page = client.get("/login", base_url=base).get_data(as_text=True)
    marker = 'name="csrf-token" content="'
    token = page[page.index(marker) + len(marker):].split('"', 1)[0]
    form = {"username": "nobody", "password": "x" * 12, "csrf_token": token}
    wrong = client.post("/login", data=form, base_url=base, headers={"Origin": base})
    assert wrong.status_code == 403
    right = client.post(
        "/login", data=form, base_url=base, headers={"Origin": "https://dialogue.example.org"}
    )
    assert right.status_code == 401


def test_the_socketio_handshake_accepts_only_the_configured_origins(client):
    assert client.get(HANDSHAKE, headers={"Origin": "http://127.0.0.1"}).status_code == 200
    assert client.get(HANDSHAKE, headers={"Origin": ORIGIN}).status_code == 200
    assert client.get(HANDSHAKE, headers={"Origin": "http://evil.example"}).status_code == 400


def test_behind_a_proxy_the_host_header_decides_never_x_forwarded_host(settings):
    """A client's ``X-Forwarded-Host`` (which a proxy may pass on) neither opens the site under
    a foreign ``Host`` nor turns the good one away, nor reaches the page."""
    app = create_app(settings.with_(public_origin="https://dialogue.example.org", trusted_proxies=1))
    client = app.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}
    foreign = {**proxied, "Host": "evil.example", "X-Forwarded-Host": "dialogue.example.org"}
    assert client.get("/login", headers=foreign).status_code == 400
    ours = {**proxied, "Host": "dialogue.example.org", "X-Forwarded-Host": "evil.example"}
    page = client.get("/login", headers=ours)
    assert page.status_code == 200
    assert b"evil.example" not in page.data
    assert client.get("/login", headers={**proxied, "Host": "dialogue.example.org."}).status_code == 400
