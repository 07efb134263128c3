"""The signed session cookie, decoded once per WSGI environ.

Flask-SocketIO runs every Socket.IO event of a connection in a request context built from that
connection's handshake environ, and Flask opens the session for each one: left alone, it would
verify the cookie's signature and decode it again on every message, for a cookie that cannot
change while the connection lasts. So the decoded content is kept in the environ and each event
gets a copy of its own, so nothing a handler changes reaches the next (socket handlers cannot
set cookies anyway). An HTTP request has an environ of its own, so it decodes its cookie once.
What the session names (a login-session or device token) is still checked against the database.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin

from facilitator.core.hosts import host_refused

_DECODED = "facilitator.session_cookie"


class OncePerEnvironSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        kept: dict[str, Any] | None = request.environ.get(_DECODED)
        if kept is not None:
            return self.session_class(kept)
        opened = super().open_session(app, request)
        if opened is not None:
            request.environ[_DECODED] = dict(opened)
        return opened

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        """A request refused for its ``Host`` leaves no cookie behind (not even the error
        page's CSRF token) for a name this site does not answer to."""
        return not host_refused() and super().should_set_cookie(app, session)
