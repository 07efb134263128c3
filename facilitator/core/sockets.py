"""The Socket.IO handshake: only a signed-in account from an allowed origin may connect.

``before_request`` does not run for socket events, so every event handler re-checks its own
permission; this module only guards the connection itself. Origins are checked by the server's
``cors_allowed_origins``.

Each connection also joins a room named after the session it was opened with (a login session,
a participant device's session): when that session ends (sign out, "sign out everywhere", a
device ending its session), ``close_connections`` closes its connections at once, in every
server process.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, session
from flask_socketio import join_room
from sqlalchemy import select

from facilitator.accounts import credentials, service
from facilitator.core.auth import DEVICE_TOKEN_KEY, SESSION_TOKEN_KEY
from facilitator.core.db import committed
from facilitator.core.rooms import close_rooms
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
            join_room(session_room(credentials.token_hash(device_token)))
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
    join_room(session_room(credentials.token_hash(token)))
    return True


def session_room(token_hash: str) -> str:
    """The room of the connections opened with one session (login or device)."""
    return f"session:{token_hash}"


def close_connections(token_hashes: list[str]) -> None:
    """Close, in every server process, the live connections opened with these sessions. Call
    it once the sessions' end is committed, so that a connection that comes straight back is
    refused."""
    close_rooms([session_room(token_hash) for token_hash in token_hashes])
