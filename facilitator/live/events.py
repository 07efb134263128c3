"""Socket.IO events of the live room. Each handler re-checks who is calling and what they may do
(``before_request`` does not run for socket events), then makes one service call.

Errors become one ``error_occurred`` event to the sender (``core.error_handlers``); the
connection survives bad input and floods.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, session
from flask_socketio import emit, join_room
from limits import parse, storage, strategies

from facilitator.accounts import service as accounts
from facilitator.core.api import parse_payload
from facilitator.core.auth import DEVICE_TOKEN_KEY, SESSION_TOKEN_KEY
from facilitator.core.db import commit_boundary
from facilitator.core.errors import RateLimitedError
from facilitator.dialogues import devices
from facilitator.dialogues.access import Caller
from facilitator.extensions import db, socketio
from facilitator.live import service
from facilitator.live.schemas import JoinDialogue, SendMessage

SEND_RATE = parse("10/second")
_limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())


def dialogue_room(dialogue_id: str) -> str:
    return f"dialogue:{dialogue_id}"


def socket_caller() -> Caller:
    """The account or participant device behind this connection, checked again now."""
    settings = current_app.extensions["facilitator.settings"]
    account = device = None
    token = session.get(SESSION_TOKEN_KEY)
    if isinstance(token, str):
        account = accounts.resolve_login_session(
            db.session, token, settings.idle_timeout_s, settings.absolute_timeout_s
        )
    device_token = session.get(DEVICE_TOKEN_KEY)
    if isinstance(device_token, str):
        device = devices.resolve_device(db.session, device_token, settings.idle_timeout_s)
    return Caller(account=account, device=device)


def _missed(payload: JoinDialogue) -> dict[str, Any]:
    with commit_boundary():
        _member, messages, more = service.missed_messages(
            db.session, socket_caller(), payload.dialogue_id, payload.after_seq
        )
    return {"messages": messages, "more": more}


@socketio.on("join_dialogue")  # type: ignore[untyped-decorator]
def on_join_dialogue(data: Any) -> dict[str, Any]:
    """A member's browser enters the live room; it gets what it missed after ``after_seq``."""
    payload = parse_payload(JoinDialogue, data)
    page = _missed(payload)
    join_room(dialogue_room(payload.dialogue_id))
    return page


@socketio.on("catch_up")  # type: ignore[untyped-decorator]
def on_catch_up(data: Any) -> dict[str, Any]:
    """A member's browser asks for the next page of messages after ``after_seq``."""
    return _missed(parse_payload(JoinDialogue, data))


@socketio.on("send_message")  # type: ignore[untyped-decorator]
def on_send_message(data: Any) -> dict[str, Any]:
    """A member sends a sealed message: stored, then acknowledged, then broadcast."""
    sid = getattr(request, "sid", "")
    if not _limiter.hit(SEND_RATE, "send", sid):
        raise RateLimitedError()
    payload = parse_payload(SendMessage, data)
    with commit_boundary():
        posted = service.send_message(db.session, socket_caller(), payload)
    emit("message_posted", posted, to=dialogue_room(payload.dialogue_id))
    return {"seq": posted["seq"], "message_id": posted["message_id"]}
