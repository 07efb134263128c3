"""The Socket.IO handshake: only a signed-in account from an allowed origin may connect.

``before_request`` does not run for socket events, so every event handler re-checks its own
permission; this module only guards the connection itself. Origins are checked by the server's
``cors_allowed_origins``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, session

from facilitator.accounts import service
from facilitator.core.auth import SESSION_TOKEN_KEY
from facilitator.core.db import committed
from facilitator.extensions import db, socketio


@socketio.on("connect")  # type: ignore[untyped-decorator]
@committed
def on_connect(auth: Any = None) -> bool:
    """Sent by every browser that opens the live connection; refused unless signed in."""
    token = session.get(SESSION_TOKEN_KEY)
    if not isinstance(token, str):
        return False
    settings = current_app.extensions["facilitator.settings"]
    account = service.resolve_login_session(
        db.session, token, settings.idle_timeout_s, settings.absolute_timeout_s
    )
    return account is not None
