"""Live-room operations: who may join, what was missed, and sending a sealed message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select

from facilitator.core.db import DbSession
from facilitator.core.errors import PermissionDeniedError
from facilitator.dialogues.access import Caller, DialoguePermission, allowed, require_member
from facilitator.dialogues.channels import team_channel_id
from facilitator.dialogues.envelope_check import LIVE_KINDS, RETRACTION, Writer, check_writer
from facilitator.dialogues.models import Envelope, Member
from facilitator.live.schemas import LiveEnvelope, SendMessage
from facilitator.live.seats import Seat
from facilitator.live.store import Outgoing, store_message

CATCH_UP_PAGE = 500


def envelope_payload(envelope: Envelope) -> dict[str, Any]:
    """A live envelope as sent: a message, or a retraction naming the message it retracts."""
    payload = {
        "seq": envelope.seq,
        "kind": envelope.kind,
        "channel_id": envelope.channel_id,
        "message_id": envelope.message_id,
        "epoch": envelope.epoch,
        "author_handle": envelope.author_handle,
        "blob": envelope.blob,
    }
    if envelope.kind == RETRACTION:
        payload["replaces"] = envelope.replaces
    return payload


def missed_messages(
    db: DbSession,
    caller: Caller,
    dialogue_id: str,
    after_seq: int,
    channel_id: str | None = None,
    limit: int = CATCH_UP_PAGE,
    *,
    before_seq: int | None = None,
    backward: bool = False,
) -> tuple[Member, list[dict[str, Any]], bool]:
    """The member, a page of live messages, and whether more wait. Forward (the default): the
    oldest ``limit`` after ``after_seq``; ``more`` says newer ones wait. ``backward``: the newest
    ``limit`` between ``after_seq`` and ``before_seq`` (exclusive; no upper bound when it is
    None), answered in ``seq`` order all the same; ``more`` says older ones of that range wait.
    Retractions are in the log with the messages; a retracted message is not.

    Team-channel envelopes go to the mediator team only; anyone else asking for that channel is
    refused, and is never sent its envelopes in a page of the room."""
    _dialogue, member = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    in_team = allowed(member, DialoguePermission.TEAM_CHANNEL)
    team = team_channel_id(dialogue_id)
    if channel_id == team and not in_team:
        raise PermissionDeniedError()
    query = select(Envelope).where(
        Envelope.dialogue_id == dialogue_id,
        Envelope.kind.in_(("msg", RETRACTION)),
        Envelope.seq > after_seq,
        Envelope.superseded.is_(False),
    )
    if channel_id is not None:
        query = query.where(Envelope.channel_id == channel_id)
    elif not in_team:
        query = query.where(Envelope.channel_id != team)
    if before_seq is not None:
        query = query.where(Envelope.seq < before_seq)
    order = Envelope.seq.desc() if backward else Envelope.seq
    rows = list(db.scalars(query.order_by(order).limit(limit + 1)))
    more = len(rows) > limit
    page = rows[:limit]
    if backward:
        page.reverse()
    return member, [envelope_payload(e) for e in page], more


def send_message(
    engine: Engine,
    seat: Seat,
    payload: SendMessage,
    stored: Callable[[Outgoing, int], None],
) -> int:
    """Store a sealed message from ``seat`` and return its ``seq``; ``stored`` is told of it,
    and of every message stored in the same batch, in ``seq`` order, once committed.

    The writer part of the envelope check needs no database: a refused message is refused
    before it joins a batch. The rest of the check, and the writing, is the store's
    (``live.store``)."""
    writer = Writer(dialogue_id=seat.dialogue_id, handle=seat.handle, in_team=seat.in_team)
    check_writer(writer, "msg", payload.envelope, LIVE_KINDS)
    return store_message(engine, Outgoing(seat, payload.envelope), stored)


def posted_payload(seq: int, envelope: LiveEnvelope) -> dict[str, Any]:
    """What is broadcast to the room once the message is stored."""
    return {"seq": seq, "kind": "msg", **envelope.model_dump()}
