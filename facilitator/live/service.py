"""Live-room operations: who may join, what was missed, and storing a sealed message."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from facilitator.core.db import DbSession
from facilitator.core.errors import PermissionDeniedError
from facilitator.dialogues.access import Caller, DialoguePermission, allowed, require_member
from facilitator.dialogues.envelopes import RETRACTION
from facilitator.dialogues.errors import EnvelopeRejectedError
from facilitator.dialogues.models import Envelope, Member
from facilitator.live.channels import team_channel_id
from facilitator.live.group_commit import Pending
from facilitator.live.schemas import LiveEnvelope, SendMessage
from facilitator.live.seats import Seat
from facilitator.live.store import Outgoing, store_batch

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
) -> tuple[Member, list[dict[str, Any]], bool]:
    """The member, the next page of live messages after ``after_seq``, and whether more wait.
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
    rows = list(db.scalars(query.order_by(Envelope.seq).limit(limit + 1)))
    more = len(rows) > limit
    return member, [envelope_payload(e) for e in rows[:limit]], more


def outgoing_message(seat: Seat, payload: SendMessage) -> Outgoing:
    """The checks that need no database, before a message joins its batch: the team channel is
    for the mediator team, and the author handle is the sender's own."""
    if payload.envelope.channel_id == team_channel_id(payload.dialogue_id) and not seat.in_team:
        raise PermissionDeniedError()
    if payload.envelope.author_handle != seat.handle:
        raise EnvelopeRejectedError(reason="author_handle")
    return Outgoing(seat, payload.envelope)


def store_messages(engine: Engine, batch: list[Pending[Outgoing]]) -> None:
    """Store a batch of live messages to one dialogue in a transaction of its own
    (``live.store``)."""
    store_batch(engine, batch[0].item.seat.dialogue_id, batch)


def posted_payload(seq: int, envelope: LiveEnvelope) -> dict[str, Any]:
    """What is broadcast to the room once the message is stored."""
    return {"seq": seq, "kind": "msg", **envelope.model_dump()}
