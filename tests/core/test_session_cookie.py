"""The session cookie is decoded once per WSGI environ: every Socket.IO event of a connection
runs on its handshake's environ, and gets a copy of its own of what the cookie held then."""

from __future__ import annotations

from flask import session

from facilitator.core.session_cookie import OncePerEnvironSessionInterface


def test_the_app_decodes_the_cookie_once_per_environ(app):
    assert isinstance(app.session_interface, OncePerEnvironSessionInterface)
    with app.test_request_context("/"):
        session["token"] = "abc"
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    environ = {}
    with app.test_request_context("/socket.io/", headers={"Cookie": f"facilitator_session={cookie}"}) as ctx:
        assert session["token"] == "abc"
        session["token"] = "changed by one event"
        environ = ctx.request.environ
    environ["HTTP_COOKIE"] = "facilitator_session=not-a-signed-cookie"
    with app.request_context(environ):
        assert session.get("token") == "abc", "the next event: what the handshake's cookie held"
        assert not session.modified
    with app.test_request_context("/", headers={"Cookie": "facilitator_session=forged"}):
        assert session.get("token") is None, "a new request decodes its own cookie"
