"""The client address behind ``FACILITATOR_TRUSTED_PROXIES`` reverse proxies.

A probe route limited like the sign-in throttle's address limits (Flask-Limiter's default key,
the request's address) shows which address the app and its limiter see: the hop the trusted
proxy appended, never an entry the client wrote itself; and with no trusted proxy, the socket's.
"""

from __future__ import annotations

import json

import pytest
from flask import request

from facilitator.app import create_app
from facilitator.core.auth import public
from facilitator.extensions import limiter, socketio
from tests.conftest import ORIGIN

PROXY = "10.0.0.2"


@public
@limiter.limit("2 per hour")
def probe() -> dict[str, str]:
    return {"address": str(request.remote_addr), "scheme": request.scheme}


def probed_client(settings, trusted_proxies: int):  # type: ignore[no-untyped-def]
    app = create_app(settings.with_(trusted_proxies=trusted_proxies))
    app.add_url_rule("/probe", view_func=probe)
    client = app.test_client()
    client.environ_base["HTTP_ORIGIN"] = ORIGIN
    return client


def get(client, forwarded_for: str | None, remote: str = PROXY, proto: str | None = None):  # type: ignore[no-untyped-def]
    headers = {}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    if proto is not None:
        headers["X-Forwarded-Proto"] = proto
    return client.get("/probe", headers=headers, environ_base={"REMOTE_ADDR": remote})


def test_behind_one_proxy_the_app_sees_the_hop_the_proxy_appended(settings):
    client = probed_client(settings, 1)
    seen = get(client, "203.0.113.7", proto="https").get_json()
    assert seen == {"address": "203.0.113.7", "scheme": "https"}


def test_behind_one_proxy_a_forged_entry_does_not_evade_the_limit(settings):
    """The client writes its own X-Forwarded-For; the proxy appends the real address after it."""
    client = probed_client(settings, 1)
    for forged in ("198.51.100.1", "198.51.100.2"):
        response = get(client, f"{forged}, 203.0.113.7")
        assert response.status_code == 200
        assert response.get_json()["address"] == "203.0.113.7"
    assert get(client, "198.51.100.3, 203.0.113.7").status_code == 429
    assert get(client, "1.1.1.1, 8.8.8.8, 203.0.113.7").status_code == 429
    # Another client behind the same proxy has a count of its own.
    assert get(client, "203.0.113.8").status_code == 200


def test_without_trusted_proxies_forwarded_headers_are_ignored(settings):
    client = probed_client(settings, 0)
    first = get(client, "198.51.100.1", remote="192.0.2.9", proto="https")
    assert first.get_json() == {"address": "192.0.2.9", "scheme": "http"}
    assert get(client, "198.51.100.2", remote="192.0.2.9").status_code == 200
    assert get(client, "198.51.100.3", remote="192.0.2.9").status_code == 429, (
        "a new forged X-Forwarded-For must not buy a new count"
    )


def test_two_trusted_proxies_read_the_second_hop_from_the_end(settings):
    client = probed_client(settings, 2)
    seen = get(client, "198.51.100.1, 203.0.113.7, 10.0.0.1").get_json()
    assert seen["address"] == "203.0.113.7"


@pytest.mark.parametrize(("trusted", "expected"), [(1, "203.0.113.7"), (0, PROXY)])
def test_the_socketio_handshake_sees_the_same_address(settings, trusted, expected):
    """The live connection's environ (what its events run with) went through ProxyFix too."""
    client = probed_client(settings, trusted)
    response = client.get(
        "/socket.io/?EIO=4&transport=polling",
        headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"},
        environ_base={"REMOTE_ADDR": PROXY},
    )
    assert response.status_code == 200
    sid = json.loads(response.get_data(as_text=True)[1:])["sid"]
    assert socketio.server.environ[sid]["REMOTE_ADDR"] == expected
