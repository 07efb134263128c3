"""Security headers reach engine.io's own responses; a 405 says what is allowed; and no log line
names a client's address, a dialogue, or a socket event's arguments, on any error path (Flask's,
the Socket.IO handlers', gevent's server)."""

from __future__ import annotations

import io
import logging
import re

import gevent
import pytest
from gevent import socket as gsocket

from facilitator.core.security import CONTENT_SECURITY_POLICY
from facilitator.extensions import socketio
from facilitator.live import service as live_service
from facilitator.wsgi_server import HiddenEnviron, wsgi_server
from tests.dialogues.conftest import client_for, workshop

__all__ = ["client_for", "workshop"]

ADDRESS = "203.0.113.77"


@pytest.mark.parametrize(
    "path", ["/socket.io/?EIO=4&transport=polling", "/socket.io/?EIO=4&transport=bogus",
             "/socket.io/?EIO=4&transport=polling&sid=unknown"]
)
def test_engine_io_responses_carry_the_security_headers(client, path):
    response = client.get(path, headers={"Origin": "http://127.0.0.1:5000"})
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert len(headers.getlist("Content-Security-Policy")) == 1


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("GET", "/logout", {"POST"}),
    ("GET", "/api/v1/device-challenges", {"POST"}),
    ("GET", "/locale", {"POST"}),
])
def test_405_says_which_methods_are_allowed(client, method, path, allowed):
    headers = {"Origin": "http://127.0.0.1:5000", "Sec-Fetch-Site": "same-origin"}
    response = client.open(path, method=method, headers=headers)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


def test_an_http_failure_is_logged_without_address_path_or_message(app, workshop, caplog,
                                                                    monkeypatch):
    d = workshop.dialogue_id
    from facilitator.dialogues import envelopes

    def broken(*args, **kwargs):
        raise KeyError(d)

    monkeypatch.setattr(envelopes, "list_envelopes", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    api = workshop.clients["participant"]
    with caplog.at_level(logging.DEBUG):
        response = api.transport.client.get(f"/api/v1/dialogues/{d}/envelopes?after=7",
                                            environ_base={"REMOTE_ADDR": ADDRESS})
    assert response.status_code == 500
    logged = caplog.text
    assert "KeyError" in logged and "/api/v1/dialogues/<dialogue_id>/envelopes" in logged
    assert _leaks(logged, [d, ADDRESS, "after=7"]) == []


def test_a_socket_failure_is_logged_without_its_arguments(app, workshop, caplog, monkeypatch):
    d = workshop.dialogue_id

    def broken(db, caller, dialogue_id, *args, **kwargs):
        raise ValueError(f"no page for {dialogue_id}")

    monkeypatch.setattr(live_service, "missed_messages", broken)
    api = workshop.clients["facilitator"]
    live = socketio.test_client(app, flask_test_client=api.transport.client)
    channel = "AAAAAAAAAAAAAAAAAAAAAA"
    with caplog.at_level(logging.DEBUG):
        assert not live.emit("join_dialogue", {"dialogue_id": d, "channel_id": channel},
                             callback=True)
    received = [e["args"][0] for e in live.get_received() if e["name"] == "error_occurred"]
    assert received == [{"error": "internal_error", "event": "join_dialogue"}]
    assert live.is_connected()
    logged = caplog.text
    assert "ValueError" in logged and "join_dialogue" in logged
    assert _leaks(logged, [d, channel]) == []


def test_the_gevent_server_logs_no_address_and_no_request_line():
    def app(environ, start_response):
        raise RuntimeError("failed on " + environ["PATH_INFO"])

    server = wsgi_server(app, "127.0.0.1", 0)
    errors = io.StringIO()
    server.error_log = errors
    hub = gevent.get_hub()
    printed = io.StringIO()
    hub.exception_stream = printed
    server.start()
    try:
        for request in [b"GET /dialogues/SECRETID HTTP/1.1\r\nHost: x\r\n\r\n",
                        b"BROKEN /dialogues/SECRETID\x00 HTTP/9\r\n\r\n"]:
            connection = gsocket.create_connection(server.address, timeout=5)
            with connection:
                connection.sendall(request)
                while connection.recv(4096):
                    pass
    finally:
        server.stop(timeout=1)
        gevent.sleep(0)
        del hub.exception_stream
    port = str(server.address[1])
    written = errors.getvalue() + printed.getvalue()
    assert "malformed request" in errors.getvalue() and "RuntimeError" in written
    assert "SECRETID" not in written, "nor the failure's message, which may quote values"
    assert "127.0.0.1" not in written and not re.search(rf"\b{port}\b", written)
    assert "REMOTE_ADDR" not in written


def test_the_printed_environ_shows_no_key():
    shown = repr(HiddenEnviron({"REMOTE_ADDR": ADDRESS, "PATH_INFO": "/dialogues/x"}))
    assert ADDRESS not in shown and "/dialogues" not in shown


def test_a_failed_handshake_is_refused_and_logged_without_details(app, client, sign_in,
                                                                   make_member, caplog,
                                                                   monkeypatch):
    from facilitator.identity import resolve

    sign_in(make_member("facilitator"))

    tokens = []

    def broken(db, token, *args):
        tokens.append(token)
        raise RuntimeError(token)

    monkeypatch.setattr(resolve.accounts, "resolve_login_session", broken)
    with caplog.at_level(logging.DEBUG):
        live = socketio.test_client(app, flask_test_client=client)
    assert not live.is_connected()
    assert "RuntimeError" in caplog.text and "'connect'" in caplog.text
    assert tokens and tokens[0] not in caplog.text
