"""The Socket.IO handshake: only a signed-in caller from an allowed origin may connect.

``before_request`` does not run for socket events, so every event handler re-checks its own
permission; this module only guards the connection itself. Origins are checked by the server's
``cors_allowed_origins``. Who may connect, and which rooms the connection joins, is decided by a
feature that knows accounts and devices (``facilitator.identity``), handed in by the app
(``init_sockets``).

Each connection also joins a room named after the session it was opened with (a login session,
a participant device's session): when that session ends (sign out, "sign out everywhere", a
device ending its session), ``close_connections`` closes its connections at once, in every
server process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from flask_socketio import join_room

from facilitator.core.db import committed
from facilitator.core.rooms import close_rooms
from facilitator.extensions import socketio

# The rooms a new connection joins, or None to refuse it.
AdmitConnection = Callable[[], "list[str] | None"]
_ADMIT_KEY = "facilitator.admit_connection"


def init_sockets(app: Flask, admit: AdmitConnection) -> None:
    """Decide every handshake of ``app``'s connections with ``admit``. The handler itself is
    declared once, at import, for every app (Flask-SocketIO copies it into each server)."""
    app.extensions[_ADMIT_KEY] = admit


@socketio.on("connect")  # type: ignore[untyped-decorator]
@committed
def on_connect(auth: Any = None) -> bool:
    """Sent by every browser that opens the live connection; refused unless signed in (team
    account or participant device). The connection joins a room per active membership."""
    admit: AdmitConnection = current_app.extensions[_ADMIT_KEY]
    rooms = admit()
    if rooms is None:
        return False
    for room in rooms:
        join_room(room)
    return True


def session_room(token_hash: str) -> str:
    """The room of the connections opened with one session (login or device)."""
    return f"session:{token_hash}"


def close_connections(token_hashes: list[str]) -> None:
    """Close, in every server process, the live connections opened with these sessions. Call
    it once the sessions' end is committed, so that a connection that comes straight back is
    refused."""
    close_rooms([session_room(token_hash) for token_hash in token_hashes])
