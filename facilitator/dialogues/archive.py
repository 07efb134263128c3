"""The dialogue's archive key and the ciphertext bundle an export starts from (docs/export.md).

The archive key is an X25519 key pair made in the convener's browser or, in high-risk mode, by
``facilitator keys archive-new`` on a machine with no network; the server keeps only its public
half. Each epoch secret is also wrapped to it, exactly as to a member whose handle is sixteen
zero bytes (no member has that handle: handles are random), so the export can be decrypted with
that key alone, on the command line, without any member's device.
"""

from __future__ import annotations

import json

from sqlalchemy import delete, select

from facilitator import td2
from facilitator.core.db import DbSession
from facilitator.dialogues.access import Caller, DialoguePermission, require_member
from facilitator.dialogues.channels import team_channel_id
from facilitator.dialogues.errors import EpochInvalidError
from facilitator.dialogues.models import ArchiveKey, ArchiveWrap, Envelope, Epoch, Member
from facilitator.dialogues.schemas import (
    ArchiveKeyIn,
    ArchiveKeyOut,
    ArchiveWrapIn,
    Bundle,
    BundleEpoch,
    BundleSteward,
    DialogueSettingsIn,
    EnvelopeOut,
    RosterEntry,
    StewardCert,
)

ARCHIVE_HANDLE = td2.b64u_encode(bytes(16))


def _key_out(db: DbSession, key: ArchiveKey) -> ArchiveKeyOut:
    epochs = db.scalars(
        select(ArchiveWrap.epoch)
        .where(ArchiveWrap.dialogue_id == key.dialogue_id)
        .order_by(ArchiveWrap.epoch)
    )
    return ArchiveKeyOut(
        x25519_public=key.x25519_public,
        fingerprint=td2.fingerprint(td2.b64u_decode(key.x25519_public)),
        wrapped_epochs=list(epochs),
    )


def change_settings(
    db: DbSession, caller: Caller, dialogue_id: str, payload: DialogueSettingsIn
) -> None:
    dialogue, _convener = require_member(db, caller, dialogue_id, DialoguePermission.EXPORT)
    dialogue.participant_notes = payload.participant_notes
    db.flush()


def archive_key(db: DbSession, caller: Caller, dialogue_id: str) -> ArchiveKeyOut | None:
    require_member(db, caller, dialogue_id, DialoguePermission.EXPORT)
    key = db.get(ArchiveKey, dialogue_id)
    return None if key is None else _key_out(db, key)


def register_archive_key(
    db: DbSession, caller: Caller, dialogue_id: str, payload: ArchiveKeyIn
) -> ArchiveKeyOut:
    """Set (or replace) the archive key. The wraps must cover every epoch from the convener's
    join to the current one: the convener's device holds exactly those secrets."""
    dialogue, convener = require_member(db, caller, dialogue_id, DialoguePermission.EXPORT)
    try:
        td2.check_x25519_public(td2.b64u_decode(payload.x25519_public))
    except td2.Td2Error as error:
        raise EpochInvalidError(reason="archive_key") from error
    epochs = [wrap.epoch for wrap in payload.wraps]
    expected = list(range(convener.joined_epoch, dialogue.current_epoch + 1))
    if sorted(epochs) != expected:
        raise EpochInvalidError(reason="archive_wraps", expected=expected)
    db.execute(delete(ArchiveWrap).where(ArchiveWrap.dialogue_id == dialogue_id))
    key = db.get(ArchiveKey, dialogue_id)
    if key is None:
        key = ArchiveKey(dialogue_id=dialogue_id, x25519_public=payload.x25519_public)
        db.add(key)
    else:
        key.x25519_public = payload.x25519_public
    for wrap in payload.wraps:
        db.add(ArchiveWrap(dialogue_id=dialogue_id, epoch=wrap.epoch, wrap=wrap.wrap))
    db.flush()
    return _key_out(db, key)


def store_epoch_archive_wrap(db: DbSession, dialogue_id: str, epoch: int, wrap: str | None) -> None:
    """Called for each new epoch: once there is an archive key, its wrap is required."""
    has_key = db.get(ArchiveKey, dialogue_id) is not None
    if has_key and wrap is None:
        raise EpochInvalidError(reason="archive_wrap")
    if not has_key and wrap is not None:
        raise EpochInvalidError(reason="archive_wrap")
    if wrap is not None:
        db.add(ArchiveWrap(dialogue_id=dialogue_id, epoch=epoch, wrap=wrap))


def bundle(db: DbSession, caller: Caller, dialogue_id: str) -> Bundle:
    """The signed chain, the stewards' keys, the archive wraps and the current `meta` and
    `note` envelopes in `seq` order. Live messages are not part of an export, and nothing of
    the team channel is: its off-the-record notes stay with the team (docs/notes.md)."""
    require_member(db, caller, dialogue_id, DialoguePermission.EXPORT)
    epochs = db.scalars(
        select(Epoch).where(Epoch.dialogue_id == dialogue_id).order_by(Epoch.number)
    )
    stewards = db.scalars(
        select(Member).where(Member.dialogue_id == dialogue_id, Member.ed25519_public.is_not(None))
    )
    envelopes = db.scalars(
        select(Envelope)
        .where(
            Envelope.dialogue_id == dialogue_id,
            Envelope.superseded.is_(False),
            Envelope.kind.in_(("meta", "note")),
            Envelope.channel_id != team_channel_id(dialogue_id),
        )
        .order_by(Envelope.seq)
    )
    wraps = db.scalars(
        select(ArchiveWrap)
        .where(ArchiveWrap.dialogue_id == dialogue_id)
        .order_by(ArchiveWrap.epoch)
    )
    key = db.get(ArchiveKey, dialogue_id)
    return Bundle(
        suite="td2v1",
        dialogue_id=dialogue_id,
        epochs=[
            BundleEpoch(
                epoch=e.number,
                record=e.record,
                signature=e.signature,
                roster=[RosterEntry.model_validate(m) for m in json.loads(e.roster)],
                steward_certs=[StewardCert.model_validate(c) for c in json.loads(e.steward_certs)],
            )
            for e in epochs
        ],
        stewards=[
            BundleSteward(handle=m.handle, ed25519_public=m.ed25519_public)
            for m in stewards
            if m.ed25519_public
        ],
        archive=None if key is None else _key_out(db, key),
        archive_wraps=[ArchiveWrapIn(epoch=w.epoch, wrap=w.wrap) for w in wraps],
        envelopes=[EnvelopeOut.from_row(e) for e in envelopes],
    )
