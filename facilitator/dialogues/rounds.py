"""Rounds of ideas and decisions (docs/ideas.md, "Rounds and ballots"): statements with no
author, and ballots the server stores without their voter.

The server checks who may write and when, never what: statements are ``idea`` envelopes sealed
under the epoch's ``note`` key, ballots are sealed to the round's tally key, and neither row
names its writer. A ballot's row holds ``slot_key``, an HMAC of the voter's handle, the round
and the slot under the server's secret key, so a member's second ballot on a slot replaces the
first (a changed vote) and never counts twice, while a copy of the database alone does not say
whose ballot it is.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import select

from facilitator import roles, td2
from facilitator.accounts.models import utcnow
from facilitator.core.db import DbSession
from facilitator.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from facilitator.dialogues.access import Caller, DialoguePermission, require_member
from facilitator.dialogues.envelope_check import NOTE_AUTHOR, DialogueState, check_fit
from facilitator.dialogues.envelopes import cut_at, id_used, next_seq
from facilitator.dialogues.errors import (
    DuplicateIdError,
    EnvelopeRejectedError,
    RoundClosedError,
    RoundOpenError,
)
from facilitator.dialogues.models import Ballot, Dialogue, Envelope, IdeaRound, Member
from facilitator.dialogues.schemas import BallotIn, RoundIn, StatementIn

# Who opens (and so owns) a round: those who lead the room (static/shared/roles.json).
ROUND_OWNERS = roles.roles_with("lead_room")
# Observers watch: they write no statements and cast no ballots.
NON_VOTERS = frozenset({"observer"})
POLL_SLOT = td2.b64u_encode(bytes(16))
IDEA_KIND = "idea"
BALLOT_WRAP = 80
BALLOT_BLOB_OVERHEAD = 12 + 16
BALLOT_BLOCK = 256
BALLOT_MAX_BLOCKS = 16


def round_channel_id(dialogue_id: str, round_id: str) -> str:
    """``channel_id("round/" + round id)``: where a round's statements are, base64url."""
    return td2.b64u_encode(td2.channel_id("round/" + round_id, td2.b64u_decode(dialogue_id)))


def open_round(db: DbSession, caller: Caller, dialogue_id: str, payload: RoundIn) -> IdeaRound:
    _dialogue, member = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    if member.role not in ROUND_OWNERS:
        raise PermissionDeniedError()
    try:
        td2.check_x25519_public(td2.b64u_decode(payload.tally_public))
    except td2.Td2Error:
        raise InvalidInputError(field="tally_public") from None
    if db.get(IdeaRound, payload.id) is not None:
        raise DuplicateIdError(field="id")
    found = IdeaRound(
        id=payload.id,
        dialogue_id=dialogue_id,
        kind=payload.kind,
        owner_handle=member.handle,
        tally_public=payload.tally_public,
    )
    db.add(found)
    db.flush()
    return found


def list_rounds(db: DbSession, caller: Caller, dialogue_id: str) -> list[IdeaRound]:
    require_member(db, caller, dialogue_id, DialoguePermission.READ)
    query = select(IdeaRound).where(IdeaRound.dialogue_id == dialogue_id)
    return list(db.scalars(query.order_by(IdeaRound.created_at, IdeaRound.id)))


@dataclass(frozen=True)
class InRound:
    dialogue: Dialogue
    member: Member
    round: IdeaRound


def _in_round(db: DbSession, caller: Caller, dialogue_id: str, round_id: str) -> InRound:
    """The caller's membership and the round, which must be of this dialogue (404 otherwise)."""
    dialogue, member = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    found = db.get(IdeaRound, round_id)
    if found is None or found.dialogue_id != dialogue_id:
        raise NotFoundError(field="round_id")
    return InRound(dialogue, member, found)


def _voter(db: DbSession, caller: Caller, dialogue_id: str, round_id: str) -> InRound:
    """An active member other than an observer, in an open round."""
    where = _in_round(db, caller, dialogue_id, round_id)
    if where.member.role in NON_VOTERS:
        raise PermissionDeniedError()
    if where.round.state != "open":
        raise RoundClosedError()
    return where


def close_round(db: DbSession, caller: Caller, dialogue_id: str, round_id: str) -> IdeaRound:
    where = _in_round(db, caller, dialogue_id, round_id)
    if where.member.handle != where.round.owner_handle:
        raise PermissionDeniedError()
    if where.round.state != "open":
        raise RoundClosedError()
    where.round.state = "closed"
    where.round.closed_at = utcnow()
    db.flush()
    return where.round


@dataclass(frozen=True)
class _Statement:
    """An ``idea`` envelope as ``check_fit`` reads it."""

    channel_id: str
    message_id: str
    epoch: int
    author_handle: str
    blob: str


def post_statement(
    db: DbSession, caller: Caller, dialogue_id: str, round_id: str, payload: StatementIn
) -> int:
    """Store a statement (or a translation) of an open round with no author, on the round's
    channel, with the next ``seq``."""
    where = _voter(db, caller, dialogue_id, round_id)
    channel = round_channel_id(dialogue_id, round_id)
    statement = _Statement(channel, payload.message_id, payload.epoch, NOTE_AUTHOR, payload.blob)
    current = where.dialogue.current_epoch
    state = DialogueState(current, lambda: cut_at(db, dialogue_id, current))
    check_fit(statement, state, lambda message_id: id_used(db, dialogue_id, message_id))
    seq = next_seq(db, dialogue_id)
    db.add(
        Envelope(
            dialogue_id=dialogue_id,
            seq=seq,
            kind=IDEA_KIND,
            channel_id=channel,
            message_id=payload.message_id,
            epoch=payload.epoch,
            author_handle=NOTE_AUTHOR,
            blob=payload.blob,
        )
    )
    db.flush()
    return seq


def list_statements(
    db: DbSession, caller: Caller, dialogue_id: str, round_id: str
) -> list[Envelope]:
    _in_round(db, caller, dialogue_id, round_id)
    query = select(Envelope).where(
        Envelope.dialogue_id == dialogue_id,
        Envelope.channel_id == round_channel_id(dialogue_id, round_id),
        Envelope.kind == IDEA_KIND,
    )
    return list(db.scalars(query.order_by(Envelope.seq).limit(5000)))


def slot_key(secret_key: str, handle: str, round_id: str, slot: str) -> str:
    """``HMAC-SHA256(secret key, handle || round id || slot)`` over the raw 16-byte values."""
    message = td2.b64u_decode(handle) + td2.b64u_decode(round_id) + td2.b64u_decode(slot)
    return td2.b64u_encode(hmac.new(secret_key.encode(), message, hashlib.sha256).digest())


def _ballot_plausible(sealed: str) -> bool:
    try:
        raw = td2.b64u_decode(sealed)
    except td2.Td2Error:
        return False
    body = len(raw) - BALLOT_WRAP - BALLOT_BLOB_OVERHEAD
    return 0 < body <= BALLOT_BLOCK * BALLOT_MAX_BLOCKS and body % BALLOT_BLOCK == 0


def _slot_exists(db: DbSession, where: InRound, slot: str) -> bool:
    """A poll takes the all-zero slot only; a round of statements takes its statements' ids."""
    if where.round.kind != "statements":
        return slot == POLL_SLOT
    found = db.scalar(
        select(Envelope.id).where(
            Envelope.dialogue_id == where.dialogue.id,
            Envelope.channel_id == round_channel_id(where.dialogue.id, where.round.id),
            Envelope.kind == IDEA_KIND,
            Envelope.message_id == slot,
        )
    )
    return found is not None


def post_ballot(
    db: DbSession,
    caller: Caller,
    dialogue_id: str,
    round_id: str,
    payload: BallotIn,
    secret_key: str,
) -> None:
    """Store the caller's ballot on a slot, replacing their earlier one on the same slot."""
    where = _voter(db, caller, dialogue_id, round_id)
    if not _ballot_plausible(payload.sealed):
        raise EnvelopeRejectedError(reason="sealed")
    if not _slot_exists(db, where, payload.slot):
        raise EnvelopeRejectedError(reason="slot")
    key = slot_key(secret_key, where.member.handle, round_id, payload.slot)
    # Lock the round's row: two ballots of one member on one slot never race to two rows.
    db.scalar(select(IdeaRound.id).where(IdeaRound.id == round_id).with_for_update())
    found = db.scalar(select(Ballot).where(Ballot.slot_key == key))
    if found is None:
        db.add(Ballot(round_id=round_id, slot=payload.slot, slot_key=key, sealed=payload.sealed))
    else:
        found.sealed = payload.sealed
        found.updated_at = utcnow()
    db.flush()


def list_ballots(db: DbSession, caller: Caller, dialogue_id: str, round_id: str) -> list[Ballot]:
    """Every ballot of a closed round, for its owner alone, sorted by slot and ciphertext so the
    order says nothing of who voted when."""
    where = _in_round(db, caller, dialogue_id, round_id)
    if where.member.handle != where.round.owner_handle:
        raise PermissionDeniedError()
    if where.round.state != "closed":
        raise RoundOpenError()
    query = select(Ballot).where(Ballot.round_id == round_id)
    return list(db.scalars(query.order_by(Ballot.slot, Ballot.sealed)))
