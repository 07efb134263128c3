"""Storing a batch of live messages to one dialogue in one transaction (``live.group_commit``).

The checks are those of ``dialogues.envelopes.store_envelope``, in the same order, for each
message on its own: the author handle is the sender's (checked before queueing, with the team
channel), the epoch is current or within the rotation grace, the blob has a plausible size, the
``message_id`` is new (in the dialogue and in the batch). A refused message gets its own error
and takes no ``seq``; the others are stored.

Statements per batch, whatever its size, through SQLAlchemy Core: one ``UPDATE … RETURNING``
reserves the batch's ``seq`` numbers and reads the current epoch under the dialogue's row lock;
one ``SELECT`` finds ``message_id``\\ s already used; one multi-row ``INSERT``; and, only when a
message was refused, one ``UPDATE`` giving back the numbers not used, so ``seq`` has no gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from facilitator.core.db import DbSession
from facilitator.dialogues.envelopes import blob_plausible, epoch_accepted
from facilitator.dialogues.errors import (
    DialogueNotFoundError,
    DuplicateIdError,
    EnvelopeRejectedError,
)
from facilitator.dialogues.models import Dialogue, Envelope
from facilitator.live.group_commit import Pending
from facilitator.live.schemas import LiveEnvelope
from facilitator.live.seats import Seat

_dialogue = Dialogue.__table__
_envelope = Envelope.__table__

# Built once: building and hashing a statement costs more than running it on a warm connection.
_RESERVE = (
    update(_dialogue)
    .where(_dialogue.c.id == bindparam("dialogue"))
    .values(last_seq=_dialogue.c.last_seq + bindparam("count"))
    .returning(_dialogue.c.last_seq, _dialogue.c.current_epoch)
)
_GIVE_BACK = (
    update(_dialogue)
    .where(_dialogue.c.id == bindparam("dialogue"))
    .values(last_seq=bindparam("last"))
)
_USED = select(_envelope.c.message_id).where(
    _envelope.c.dialogue_id == bindparam("dialogue"),
    _envelope.c.message_id.in_(bindparam("message_ids", expanding=True)),
)
_INSERT = insert(_envelope)


@dataclass(frozen=True)
class Outgoing:
    """A live message whose sender and author handle were checked, waiting for its batch."""

    seat: Seat
    envelope: LiveEnvelope


def store_batch(db: DbSession, dialogue_id: str, batch: list[Pending[Outgoing]]) -> None:
    """Store what passes the checks, in ``batch`` order; set each one's ``seq`` or ``error``."""
    connection = db.connection()
    row = connection.execute(_RESERVE, {"dialogue": dialogue_id, "count": len(batch)}).one_or_none()
    if row is None:
        for each in batch:
            each.error = DialogueNotFoundError()
        return
    first, current_epoch = int(row[0]) - len(batch) + 1, int(row[1])
    message_ids = sorted({each.item.envelope.message_id for each in batch})
    used = set(
        connection.execute(_USED, {"dialogue": dialogue_id, "message_ids": message_ids}).scalars()
    )
    epochs: dict[int, bool] = {}
    rows: list[dict[str, Any]] = []
    for each in batch:
        envelope = each.item.envelope
        if envelope.epoch not in epochs:
            epochs[envelope.epoch] = epoch_accepted(db, dialogue_id, current_epoch, envelope.epoch)
        if not epochs[envelope.epoch]:
            each.error = EnvelopeRejectedError(reason="epoch", current_epoch=current_epoch)
        elif not blob_plausible(envelope.blob):
            each.error = EnvelopeRejectedError(reason="blob")
        elif envelope.message_id in used:
            each.error = DuplicateIdError(field="message_id")
        else:
            used.add(envelope.message_id)
            each.seq = first + len(rows)
            rows.append(_row(dialogue_id, each.seq, envelope))
    if len(rows) < len(batch):
        connection.execute(_GIVE_BACK, {"dialogue": dialogue_id, "last": first - 1 + len(rows)})
    if rows:
        connection.execute(_INSERT, rows)


def _row(dialogue_id: str, seq: int, envelope: LiveEnvelope) -> dict[str, Any]:
    return {
        "dialogue_id": dialogue_id,
        "seq": seq,
        "kind": "msg",
        "channel_id": envelope.channel_id,
        "message_id": envelope.message_id,
        "epoch": envelope.epoch,
        "author_handle": envelope.author_handle,
        "blob": envelope.blob,
        "replaces": None,
        "superseded": False,
    }
