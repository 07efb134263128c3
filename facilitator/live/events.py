"""Socket.IO events of the live room. Each handler re-checks who is calling and what they may do
(``before_request`` does not run for socket events), then makes one service call.

Errors become one ``error_occurred`` event to the sender (``core.error_handlers``); the
connection survives bad input and floods.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_socketio import emit, join_room

from facilitator.core.api import one_argument, parse_payload
from facilitator.core.db import commit_boundary
from facilitator.core.errors import RateLimitedError
from facilitator.dialogues.channels import team_channel_id
from facilitator.dialogues.models import Envelope
from facilitator.dialogues.signals import envelope_retracted
from facilitator.extensions import db, socketio
from facilitator.identity.resolve import presented_tokens, resolve_caller
from facilitator.live import service
from facilitator.live.channels import team_room
from facilitator.live.flood import FloodLimit
from facilitator.live.schemas import JoinDialogue, SendMessage
from facilitator.live.seats import Seat, SeatCache, resolve_seat, seat_of, still_seated
from facilitator.live.store import Outgoing

FLOOD_LIMIT, FLOOD_WINDOW_S = 10, 1.0  # messages per connection in any window
_flood = FloodLimit(limit=FLOOD_LIMIT, window_s=FLOOD_WINDOW_S)


def dialogue_room(dialogue_id: str) -> str:
    return f"dialogue:{dialogue_id}"


def seat_cache(app: Flask | None = None) -> SeatCache:
    """Who sends on each connection of ``app`` (default: the current one), checked again every
    second (``live.seats``): one cache, and one background keeper, per app."""
    extensions = (app or current_app).extensions
    cache: SeatCache | None = extensions.get("facilitator.live_seats")
    if cache is None:
        cache = extensions.setdefault("facilitator.live_seats", SeatCache())
    return cache


def _missed(payload: JoinDialogue) -> tuple[dict[str, Any], Seat]:
    """The page, and the caller's seat, just checked in full: kept for the connection's first
    messages, and it says whether the caller is on the mediator team (and joins the team room).
    """
    token, device_token = tokens = presented_tokens()
    with commit_boundary():
        caller = resolve_caller(tokens)
        member, messages, more = service.missed_messages(
            db.session,
            caller,
            payload.dialogue_id,
            payload.after_seq,
            channel_id=payload.channel_id,
            limit=payload.limit,
            before_seq=payload.before_seq,
            backward=payload.backward,
        )
        seat = seat_of(caller, member, device_token, token)
    seat_cache().put(getattr(request, "sid", ""), seat)
    return {"messages": messages, "more": more}, seat


@socketio.on("join_dialogue")  # type: ignore[untyped-decorator]
def on_join_dialogue(data: Any = None, *extra: Any) -> dict[str, Any]:
    """A member's browser enters the live room; it gets a page of what it missed after
    ``after_seq``: the oldest first, or with ``latest`` the newest (``schemas.JoinDialogue``)."""
    payload = parse_payload(JoinDialogue, one_argument(data, extra))
    page, seat = _missed(payload)
    join_room(dialogue_room(payload.dialogue_id))
    if seat.in_team:
        join_room(team_room(payload.dialogue_id))
    return page


@socketio.on("catch_up")  # type: ignore[untyped-decorator]
def on_catch_up(data: Any = None, *extra: Any) -> dict[str, Any]:
    """A member's browser asks for the next page of messages after ``after_seq``, or for an
    older one below ``before_seq``."""
    return _missed(parse_payload(JoinDialogue, one_argument(data, extra)))[0]


def _seat(sid: str, dialogue_id: str) -> Seat:
    """The sender's seat: kept on the connection for ``seats.RECHECK_S``, confirmed ahead of
    time by the keeper (``_keep_seats``), else confirmed now in one query
    (``seats.still_seated``) or resolved in full again."""

    def resolve() -> Seat:
        token, device_token = tokens = presented_tokens()
        with commit_boundary():
            caller = resolve_caller(tokens)
            return resolve_seat(db.session, caller, dialogue_id, device_token, token)

    cache = seat_cache()
    if cache.claim_keeper():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        socketio.start_background_task(_keep_seats, app)
    return cache.seat(sid, dialogue_id, resolve, lambda seat: _confirmed([seat])[0])


def _confirmed(seats: list[Seat]) -> list[bool]:
    """Whether each seat still stands, in one query per kind of credential."""
    settings = current_app.extensions["facilitator.settings"]
    # One read, nothing to roll back: no transaction around it (one round trip, not three).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return still_seated(connection, seats, settings.idle_timeout_s, settings.absolute_timeout_s)


def _keep_seats(app: Flask) -> None:
    """The background keeper of ``app``'s seats: runs while members send."""

    def confirm(seats: list[Seat]) -> list[bool]:
        with app.app_context():
            return _confirmed(seats)

    def failed(error: Exception) -> None:
        app.logger.warning("live room: seats not confirmed ahead (%s)", type(error).__name__)

    seat_cache(app).run_keeper(confirm, socketio.sleep, failed)


@envelope_retracted.connect
def broadcast_retraction(dialogue_id: str, *, retraction: Envelope, **_: Any) -> None:
    """Tell the room (the team's room, for the team channel) that a message was retracted: the
    retraction entry, as any envelope of the log is sent."""
    team = retraction.channel_id == team_channel_id(dialogue_id)
    room = team_room if team else dialogue_room
    socketio.emit("message_posted", service.envelope_payload(retraction), to=room(dialogue_id))


def _broadcast(outgoing: Outgoing, seq: int) -> None:
    """Send a stored message to its room: the team channel reaches the team only."""
    envelope, dialogue_id = outgoing.envelope, outgoing.seat.dialogue_id
    team = envelope.channel_id == team_channel_id(dialogue_id)
    room = team_room if team else dialogue_room
    emit("message_posted", service.posted_payload(seq, envelope), to=room(dialogue_id))


@socketio.on("send_message")  # type: ignore[untyped-decorator]
def on_send_message(data: Any = None, *extra: Any) -> dict[str, Any]:
    """A member sends a sealed message: stored, then broadcast, then acknowledged. Messages that
    arrive together are stored together (``live.store``)."""
    sid = getattr(request, "sid", "")
    if not _flood.hit(sid):
        raise RateLimitedError()
    payload = parse_payload(SendMessage, one_argument(data, extra))
    seat = _seat(sid, payload.dialogue_id)
    seq = service.send_message(db.engine, seat, payload, _broadcast)
    return {"seq": seq, "message_id": payload.envelope.message_id}
