"""Live-room operations: who may join, what was missed, and storing a sealed message."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from facilitator.core.db import DbSession
from facilitator.dialogues.access import Caller, DialoguePermission, require_member
from facilitator.dialogues.envelopes import store_envelope
from facilitator.dialogues.models import Envelope, Member
from facilitator.dialogues.schemas import EnvelopeIn
from facilitator.live.schemas import SendMessage

CATCH_UP_PAGE = 500


def envelope_payload(envelope: Envelope) -> dict[str, Any]:
    return {
        "seq": envelope.seq,
        "kind": envelope.kind,
        "channel_id": envelope.channel_id,
        "message_id": envelope.message_id,
        "epoch": envelope.epoch,
        "author_handle": envelope.author_handle,
        "blob": envelope.blob,
    }


def missed_messages(
    db: DbSession, caller: Caller, dialogue_id: str, after_seq: int
) -> tuple[Member, list[dict[str, Any]], bool]:
    """The member, the next page of live messages after ``after_seq``, and whether more wait."""
    _dialogue, member = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    rows = list(
        db.scalars(
            select(Envelope)
            .where(
                Envelope.dialogue_id == dialogue_id,
                Envelope.kind == "msg",
                Envelope.seq > after_seq,
            )
            .order_by(Envelope.seq)
            .limit(CATCH_UP_PAGE + 1)
        )
    )
    more = len(rows) > CATCH_UP_PAGE
    return member, [envelope_payload(e) for e in rows[:CATCH_UP_PAGE]], more


def send_message(db: DbSession, caller: Caller, payload: SendMessage) -> dict[str, Any]:
    """Store a sealed live message; returns what is acknowledged and broadcast."""
    dialogue, member = require_member(db, caller, payload.dialogue_id, DialoguePermission.READ)
    envelope = EnvelopeIn(kind="msg", **payload.envelope.model_dump())
    seq = store_envelope(db, dialogue, member, envelope, live=True)
    return {"seq": seq, "kind": "msg", **payload.envelope.model_dump()}
