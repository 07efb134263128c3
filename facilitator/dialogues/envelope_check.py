"""The check of a sealed envelope: the rules every way of writing one goes through.

What the server checks without plaintext: the writer may write this kind, on this channel (the
team channel is the mediator team's), and this kind arrives this way (live messages over
Socket.IO, notes and ``meta`` documents over the HTTP API); the author handle is the writer's
own (all zeros for notes); the epoch is the current one, or the previous one for a short grace
after a rotation; the blob is base64url of a plausible size; the message id is new.

The check reads no database and writes nothing: its callers gather the facts (the writer's
membership, the dialogue's current epoch, whether an id is taken) where they are cheapest, from
ORM rows over HTTP, from the live seat and the batch's own statements in the room (``live.store``),
and the same rules then hold on every path, in the same order, with the same errors.

It is in two parts because the live room checks the writer before a message joins its batch,
without the database, and the rest once the batch has read the dialogue's state;
``check_envelope`` is both, in that order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from facilitator import td2
from facilitator.accounts.models import utcnow
from facilitator.core.errors import PermissionDeniedError
from facilitator.dialogues.channels import summary_channel_id, team_channel_id
from facilitator.dialogues.errors import DuplicateIdError, EnvelopeRejectedError

ROTATION_GRACE = timedelta(seconds=60)
NOTE_AUTHOR = td2.b64u_encode(bytes(16))
# The log entry that retracts a live message (``envelopes.retract_message``); it carries no blob.
RETRACTION = "retract"
PAD_BLOCK = 256
BLOB_OVERHEAD = 12 + 16  # nonce and tag
# The kinds each way of writing takes: live messages are broadcast, so only the room sends them.
HTTP_KINDS = frozenset({"note", "meta", "summary"})
LIVE_KINDS = frozenset({"msg"})


class Sealed(Protocol):
    """The fields of an envelope the server can check (its kind is given apart: the live
    room's envelopes have none, they are all messages)."""

    @property
    def channel_id(self) -> str: ...
    @property
    def message_id(self) -> str: ...
    @property
    def epoch(self) -> int: ...
    @property
    def author_handle(self) -> str: ...
    @property
    def blob(self) -> str: ...


@dataclass(frozen=True)
class Writer:
    """The member writing, as far as the rules need them: an active member of ``dialogue_id``."""

    dialogue_id: str
    handle: str
    in_team: bool  # may write on the mediator team's channel
    may_write_meta: bool = False
    may_take_notes: bool = False


@dataclass(frozen=True)
class DialogueState:
    """The dialogue's current epoch, and when it was cut (asked only for the epoch before it)."""

    current_epoch: int
    current_cut_at: Callable[[], datetime | None]


def check_envelope(
    writer: Writer,
    kind: str,
    envelope: Sealed,
    kinds: Collection[str],
    state: DialogueState,
    id_used: Callable[[str], bool],
) -> None:
    """Accept ``envelope`` of ``kind``, arriving a way that takes ``kinds``, or raise the
    typed error of the first rule it breaks."""
    check_writer(writer, kind, envelope, kinds)
    check_fit(envelope, state, id_used)


def check_writer(writer: Writer, kind: str, envelope: Sealed, kinds: Collection[str]) -> None:
    """Who may write this: the kind's permission, the team channel, the way it arrives, and the
    author handle."""
    if kind == "meta" and not writer.may_write_meta:
        raise PermissionDeniedError()
    if kind == "note" and not writer.may_take_notes:
        raise PermissionDeniedError()
    if envelope.channel_id == team_channel_id(writer.dialogue_id) and not writer.in_team:
        raise PermissionDeniedError()
    if (kind == "summary") != (envelope.channel_id == summary_channel_id(writer.dialogue_id)):
        raise EnvelopeRejectedError(reason="channel")
    if kind not in kinds:
        raise EnvelopeRejectedError(reason="kind")
    expected_author = NOTE_AUTHOR if kind == "note" else writer.handle
    if envelope.author_handle != expected_author:
        raise EnvelopeRejectedError(reason="author_handle")


def check_fit(envelope: Sealed, state: DialogueState, id_used: Callable[[str], bool]) -> None:
    """Whether it fits the dialogue now: its epoch, its blob's size, a new message id."""
    if not epoch_accepted(state.current_epoch, envelope.epoch, state.current_cut_at):
        raise EnvelopeRejectedError(reason="epoch", current_epoch=state.current_epoch)
    if not blob_plausible(envelope.blob):
        raise EnvelopeRejectedError(reason="blob")
    if id_used(envelope.message_id):
        raise DuplicateIdError(field="message_id")


def epoch_accepted(
    current_epoch: int, epoch: int, current_cut_at: Callable[[], datetime | None]
) -> bool:
    """The current epoch, or the one before it during ``ROTATION_GRACE`` after a rotation
    (``current_cut_at`` tells when the current one was cut; asked only then)."""
    if epoch == current_epoch:
        return True
    if epoch != current_epoch - 1:
        return False
    cut_at = current_cut_at()
    return cut_at is not None and utcnow() - cut_at <= ROTATION_GRACE


def blob_plausible(blob: str) -> bool:
    try:
        raw = td2.b64u_decode(blob)
    except td2.Td2Error:
        return False
    return len(raw) > BLOB_OVERHEAD and (len(raw) - BLOB_OVERHEAD) % PAD_BLOCK == 0
