"""Sealed envelopes: stored with the next ``seq`` of their dialogue, listed in ``seq`` order.

Every envelope written over the HTTP API (notes, ``meta`` documents, and the ``meta``
documents an epoch reseals) passes ``envelope_check``, the rules the live room's messages pass
too.

Live messages are retracted rather than deleted (``retract_message``): by their author or a
moderator, with an entry in the log that says so.

The team channel (docs/protocol.md, "Team channel") holds the mediator team's off-the-record
notes (docs/notes.md): only the team reads, writes or deletes there, and nobody else is ever
sent one of its envelopes, behind the team key they never receive.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from facilitator import roles, td2
from facilitator.core.db import DbSession
from facilitator.core.errors import NotFoundError, PermissionDeniedError
from facilitator.dialogues.access import (
    Caller,
    DialoguePermission,
    allowed,
    may_take_notes,
    require_member,
)
from facilitator.dialogues.channels import team_channel_id
from facilitator.dialogues.envelope_check import (
    HTTP_KINDS,
    NOTE_AUTHOR,
    RETRACTION,
    DialogueState,
    Writer,
    check_envelope,
)
from facilitator.dialogues.models import Dialogue, Envelope, Epoch, Member
from facilitator.dialogues.schemas import EnvelopeIn

# Who may retract anyone's live message in the room: those who lead it (static/shared/roles.json).
MODERATORS = roles.roles_with("lead_room")


def next_seq(db: DbSession, dialogue_id: str) -> int:
    """Increment the dialogue's counter in the database: processes never disagree on ``seq``."""
    db.execute(
        update(Dialogue).where(Dialogue.id == dialogue_id).values(last_seq=Dialogue.last_seq + 1)
    )
    seq = db.scalar(select(Dialogue.last_seq).where(Dialogue.id == dialogue_id))
    assert seq is not None
    return int(seq)


def post_envelope(db: DbSession, caller: Caller, dialogue_id: str, payload: EnvelopeIn) -> int:
    dialogue, member = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    return store_envelope(db, dialogue, member, payload)


def in_team(member: Member) -> bool:
    """A member of the mediator team, who alone hold the team channel's key."""
    return allowed(member, DialoguePermission.TEAM_CHANNEL)


def writer_of(dialogue: Dialogue, member: Member) -> Writer:
    """What the envelope check needs to know of ``member``."""
    return Writer(
        dialogue_id=dialogue.id,
        handle=member.handle,
        in_team=in_team(member),
        may_write_meta=allowed(member, DialoguePermission.WRITE_META),
        may_take_notes=may_take_notes(dialogue, member),
    )


def store_envelope(db: DbSession, dialogue: Dialogue, member: Member, payload: EnvelopeIn) -> int:
    """Check the envelope (``envelope_check``), then store it with the next ``seq``, in the
    caller's transaction. Live messages arrive only over Socket.IO (``live.service``), where
    they are also broadcast; this stores notes and ``meta`` documents."""
    dialogue_id = dialogue.id
    current = dialogue.current_epoch
    state = DialogueState(current, lambda: cut_at(db, dialogue_id, current))
    check_envelope(
        writer_of(dialogue, member),
        payload.kind,
        payload,
        HTTP_KINDS,
        state,
        lambda message_id: id_used(db, dialogue_id, message_id),
    )
    if payload.replaces is not None:
        _supersede(db, dialogue_id, payload)
    seq = next_seq(db, dialogue_id)
    db.add(
        Envelope(
            dialogue_id=dialogue_id,
            seq=seq,
            kind=payload.kind,
            channel_id=payload.channel_id,
            message_id=payload.message_id,
            epoch=payload.epoch,
            author_handle=payload.author_handle,
            blob=payload.blob,
            replaces=payload.replaces,
        )
    )
    db.flush()
    return seq


def cut_at(db: DbSession, dialogue_id: str, number: int) -> datetime | None:
    """When the epoch ``number`` was cut (``None`` if it does not exist)."""
    newest = db.get(Epoch, (dialogue_id, number))
    return None if newest is None else newest.created_at


def id_used(db: DbSession, dialogue_id: str, message_id: str) -> bool:
    """Whether an envelope of the dialogue already has this message id."""
    found = db.scalar(
        select(Envelope.id).where(
            Envelope.dialogue_id == dialogue_id, Envelope.message_id == message_id
        )
    )
    return bool(found)


def _supersede(db: DbSession, dialogue_id: str, payload: EnvelopeIn) -> None:
    older = db.scalar(
        select(Envelope).where(
            Envelope.dialogue_id == dialogue_id,
            Envelope.message_id == payload.replaces,
            Envelope.superseded.is_(False),
        )
    )
    if older is None or older.kind != payload.kind or older.channel_id != payload.channel_id:
        raise NotFoundError(field="replaces")
    older.superseded = True
    older.blob = ""  # an edit leaves no older version behind


def list_envelopes(
    db: DbSession,
    caller: Caller,
    dialogue_id: str,
    after_seq: int = 0,
    channel_id: str | None = None,
) -> list[Envelope]:
    """Current envelopes other than live messages. The team channel's (off-the-record notes) go
    to the mediator team only: anyone else asking for that channel is refused, and is never sent
    one of its envelopes."""
    _dialogue, member = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    team = team_channel_id(dialogue_id)
    if channel_id == team and not in_team(member):
        raise PermissionDeniedError()
    query = select(Envelope).where(
        Envelope.dialogue_id == dialogue_id,
        Envelope.seq > after_seq,
        Envelope.superseded.is_(False),
        Envelope.kind.in_(("note", "meta", "summary")),
    )
    if channel_id is not None:
        query = query.where(Envelope.channel_id == channel_id)
    elif not in_team(member):
        query = query.where(Envelope.channel_id != team)
    return list(db.scalars(query.order_by(Envelope.seq).limit(5000)))


def may_retract(member: Member, envelope: Envelope) -> bool:
    """Who may retract a live message: its author (the handle it was sent under, which the
    server already holds for every message: it is bound into the message's AAD), and the
    room's moderators, conveners and facilitators, who may retract anyone's."""
    return envelope.author_handle == member.handle or member.role in MODERATORS


def delete_envelope(
    db: DbSession, caller: Caller, dialogue_id: str, message_id: str
) -> Envelope | None:
    """Delete a note or ``meta`` document, or retract a live message (``retract_message``:
    the retraction it records is returned, to be broadcast)."""
    dialogue, member = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    envelope = db.scalar(
        select(Envelope).where(
            Envelope.dialogue_id == dialogue_id,
            Envelope.message_id == message_id,
            Envelope.superseded.is_(False),
            Envelope.kind != RETRACTION,
        )
    )
    if envelope is None:
        raise NotFoundError(field="message_id")
    if envelope.channel_id == team_channel_id(dialogue_id) and not in_team(member):
        raise PermissionDeniedError()
    if envelope.kind == "msg":
        return retract_message(db, dialogue, member, envelope)
    if envelope.kind == "idea":  # a round's entries are hidden in the open, never deleted
        raise PermissionDeniedError()
    if envelope.kind == "meta" and not allowed(member, DialoguePermission.WRITE_META):
        raise PermissionDeniedError()
    if envelope.kind == "note" and not may_take_notes(dialogue, member):
        raise PermissionDeniedError()
    if envelope.kind == "summary" and envelope.author_handle != member.handle:
        raise PermissionDeniedError()
    db.delete(envelope)
    db.flush()
    return None


def retract_message(
    db: DbSession, dialogue: Dialogue, member: Member, message: Envelope
) -> Envelope:
    """Retract a live message: its ciphertext is dropped (its ``seq`` stays, empty), and a
    retraction entry naming it takes the next ``seq`` on the same channel, so every device
    sees in the log that it was retracted. The entry carries no author: the log says that a
    message was retracted, not by whom."""
    if not may_retract(member, message):
        raise PermissionDeniedError()
    message.superseded = True
    message.blob = ""
    retraction = Envelope(
        dialogue_id=dialogue.id,
        seq=next_seq(db, dialogue.id),
        kind=RETRACTION,
        channel_id=message.channel_id,
        message_id=td2.b64u_encode(td2.random_id()),
        epoch=dialogue.current_epoch,
        author_handle=NOTE_AUTHOR,
        blob="",
        replaces=message.message_id,
    )
    db.add(retraction)
    db.flush()
    return retraction
