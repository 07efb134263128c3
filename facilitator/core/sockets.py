"""The Socket.IO handshake: only a signed-in account from an allowed origin may connect.

``before_request`` does not run for socket events, so every event handler re-checks its own
permission; this module only guards the connection itself. Origins are checked by the server's
``cors_allowed_origins``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, session
from sqlalchemy import select

from facilitator.accounts import service
from facilitator.core.auth import DEVICE_TOKEN_KEY, SESSION_TOKEN_KEY
from facilitator.core.db import committed
from facilitator.dialogues import devices
from facilitator.dialogues.events import join_member_rooms
from facilitator.dialogues.models import Member
from facilitator.extensions import db, socketio


@socketio.on("connect")  # type: ignore[untyped-decorator]
@committed
def on_connect(auth: Any = None) -> bool:
    """Sent by every browser that opens the live connection; refused unless signed in (team
    account or participant device). The connection joins a room per active membership."""
    settings = current_app.extensions["facilitator.settings"]
    device_token = session.get(DEVICE_TOKEN_KEY)
    if isinstance(device_token, str):
        device = devices.resolve_device(db.session, device_token, settings.idle_timeout_s)
        if device is not None:
            join_member_rooms([device])
            return True
    token = session.get(SESSION_TOKEN_KEY)
    if not isinstance(token, str):
        return False
    settings = current_app.extensions["facilitator.settings"]
    account = service.resolve_login_session(
        db.session, token, settings.idle_timeout_s, settings.absolute_timeout_s
    )
    if account is None:
        return False
    memberships = db.session.scalars(
        select(Member).where(Member.account_id == account.id, Member.is_active)
    )
    join_member_rooms(list(memberships))
    return True
