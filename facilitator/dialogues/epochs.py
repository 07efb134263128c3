"""Creating a dialogue (its genesis epoch) and accepting each later epoch.

The server cannot read an epoch secret, but it checks everything it can without one before
accepting a record: the number is exactly the next (compare-and-swap), the record chains to the
current one, names the caller as creator and is signed by the caller's steward key, the roster
hashes to what the record says and contains only current members and approved newcomers, and
there is exactly one wrap per roster member and one team wrap per member of the mediator team
(none to anyone else). Members left out of the roster are removed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update

from facilitator import td2
from facilitator.accounts.models import Account, utcnow
from facilitator.core.authz import Permission, require
from facilitator.core.db import DbSession
from facilitator.dialogues.access import (
    TEAM_CHANNEL_ROLES,
    Caller,
    DialoguePermission,
    require_member,
)
from facilitator.dialogues.archive import store_epoch_archive_wrap
from facilitator.dialogues.devices import end_device_sessions
from facilitator.dialogues.envelopes import store_envelope
from facilitator.dialogues.errors import DuplicateIdError, EpochInvalidError, EpochStaleError
from facilitator.dialogues.models import (
    Dialogue,
    Epoch,
    Invitation,
    Knock,
    Member,
    TeamWrap,
    Wrap,
)
from facilitator.dialogues.schemas import DialogueCreate, EpochIn, RosterEntry

# Records whose clock is further off than this are refused: a steward's device clock or a replay.
MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class EpochResult:
    dialogue_id: str
    epoch: int
    removed_handles: list[str]


def _check_record(
    payload: EpochIn, dialogue_id: str, prev_hash: bytes, creator: Member, steward_key: str
) -> td2.EpochRecord:
    try:
        record = td2.parse_epoch_record(td2.b64u_decode(payload.record))
        td2.verify_epoch_signature(
            td2.b64u_decode(steward_key), record.record, td2.b64u_decode(payload.signature)
        )
        roster_hash = td2.roster_hash(
            td2.RosterMember(td2.b64u_decode(e.handle), td2.b64u_decode(e.x25519_public), e.role)
            for e in payload.roster
        )
    except td2.Td2Error as error:
        raise EpochInvalidError(reason="record") from error
    if (
        record.dialogue_id != td2.b64u_decode(dialogue_id)
        or record.epoch != payload.epoch
        or record.prev_hash != prev_hash
        or record.creator_handle != td2.b64u_decode(creator.handle)
        or record.roster_hash != roster_hash
    ):
        raise EpochInvalidError(reason="record_fields")
    if abs(record.unix_ms - int(time.time() * 1000)) > MAX_CLOCK_SKEW_MS:
        raise EpochInvalidError(reason="clock")
    handles = [entry.handle for entry in payload.roster]
    if len(set(handles)) != len(handles) or creator.handle not in handles:
        raise EpochInvalidError(reason="roster")
    if sorted(w.handle for w in payload.wraps) != sorted(handles):
        raise EpochInvalidError(reason="wraps")
    # The team secret goes to the mediator team only: a team wrap addressed to a participant or
    # an observer (roles as the roster says, checked against the members below) is refused.
    team = sorted(entry.handle for entry in payload.roster if entry.role in TEAM_CHANNEL_ROLES)
    if sorted(w.handle for w in payload.team_wraps) != team:
        raise EpochInvalidError(reason="team_wraps")
    return record


def _store_epoch(
    db: DbSession, dialogue_id: str, payload: EpochIn, record: td2.EpochRecord, creator: Member
) -> None:
    db.add(
        Epoch(
            dialogue_id=dialogue_id,
            number=payload.epoch,
            record=payload.record,
            record_hash=td2.b64u_encode(record.record_hash),
            signature=payload.signature,
            creator_handle=creator.handle,
            roster=json.dumps([entry.model_dump() for entry in payload.roster]),
            steward_certs=json.dumps([cert.model_dump() for cert in payload.steward_certs]),
        )
    )
    # The epoch secret's wraps and the team secret's are stored alike, each in its own table.
    for model, wraps in ((Wrap, payload.wraps), (TeamWrap, payload.team_wraps)):
        for wrap in wraps:
            db.add(
                model(
                    dialogue_id=dialogue_id,
                    epoch=payload.epoch,
                    member_handle=wrap.handle,
                    wrap=wrap.wrap,
                )
            )


def create_dialogue(db: DbSession, account: Account, payload: DialogueCreate) -> EpochResult:
    """A convener's browser made the dialogue id, its device keys and the signed genesis."""
    require(account, Permission.CREATE_DIALOGUE)
    if db.get(Dialogue, payload.dialogue_id) is not None:
        raise DuplicateIdError(field="dialogue_id")
    genesis = payload.genesis
    if (
        genesis.epoch != 0
        or genesis.approve
        or genesis.reseal
        or genesis.archive_wrap
        or genesis.steward_certs
    ):
        raise EpochInvalidError(reason="genesis")
    me = Member(
        dialogue_id=payload.dialogue_id,
        handle=payload.member.handle,
        x25519_public=payload.member.x25519_public,
        ed25519_public=payload.member.ed25519_public,
        role="convener",
        is_steward=True,
        account_id=account.id,
        joined_epoch=0,
    )
    expected = [RosterEntry(handle=me.handle, x25519_public=me.x25519_public, role="convener")]
    if list(genesis.roster) != expected:
        raise EpochInvalidError(reason="roster")
    record = _check_record(
        genesis, payload.dialogue_id, td2.GENESIS_PREV_HASH, me, payload.member.ed25519_public
    )
    db.add(Dialogue(id=payload.dialogue_id, current_epoch=0))
    db.flush()
    db.add(me)
    _store_epoch(db, payload.dialogue_id, genesis, record, me)
    db.flush()
    return EpochResult(payload.dialogue_id, 0, [])


def _active_members(db: DbSession, dialogue_id: str) -> dict[str, Member]:
    query = select(Member).where(Member.dialogue_id == dialogue_id, Member.is_active)
    return {member.handle: member for member in db.scalars(query)}


def _pending_knocks(db: DbSession, dialogue_id: str, ids: Iterable[str]) -> dict[str, Knock]:
    wanted = list(ids)
    if not wanted:
        return {}
    query = select(Knock).where(
        Knock.dialogue_id == dialogue_id, Knock.id.in_(wanted), Knock.status == "pending"
    )
    knocks = {knock.handle: knock for knock in db.scalars(query)}
    if len(knocks) != len(set(wanted)):
        raise EpochInvalidError(reason="approve")
    return knocks


def add_epoch(db: DbSession, caller: Caller, dialogue_id: str, payload: EpochIn) -> EpochResult:
    dialogue, steward = require_member(db, caller, dialogue_id, DialoguePermission.STEWARD)
    if payload.epoch != dialogue.current_epoch + 1:
        raise EpochStaleError(current_epoch=dialogue.current_epoch)
    current = db.get(Epoch, (dialogue_id, dialogue.current_epoch))
    assert current is not None and steward.ed25519_public is not None
    record = _check_record(
        payload, dialogue_id, td2.b64u_decode(current.record_hash), steward, steward.ed25519_public
    )
    members = _active_members(db, dialogue_id)
    newcomers = _pending_knocks(db, dialogue_id, payload.approve)
    for entry in payload.roster:
        known = members.get(entry.handle) or newcomers.get(entry.handle)
        if known is None or known.x25519_public != entry.x25519_public:
            raise EpochInvalidError(reason="roster")
        if entry.handle in members and members[entry.handle].role != entry.role:
            raise EpochInvalidError(reason="roster_role")
    in_roster = {entry.handle for entry in payload.roster}
    if not set(newcomers) <= in_roster:
        raise EpochInvalidError(reason="approve")
    _check_steward_certs(payload, dialogue_id, newcomers, steward.ed25519_public)
    # Compare-and-swap: only one new epoch can follow the current one, whichever process wins.
    swapped = db.execute(
        update(Dialogue)
        .where(Dialogue.id == dialogue_id, Dialogue.current_epoch == payload.epoch - 1)
        .values(current_epoch=payload.epoch)
    )
    if getattr(swapped, "rowcount", 0) != 1:
        raise EpochStaleError(current_epoch=dialogue.current_epoch)
    removed = [handle for handle in members if handle not in in_roster]
    for handle in removed:
        members[handle].removed_epoch = payload.epoch
    end_device_sessions(db, [members[handle].id for handle in removed])
    roles = {entry.handle: entry.role for entry in payload.roster}
    for handle, knock in newcomers.items():
        _admit(db, knock, roles[handle], payload.epoch)
    _store_epoch(db, dialogue_id, payload, record, steward)
    store_epoch_archive_wrap(db, dialogue_id, payload.epoch, payload.archive_wrap)
    db.flush()
    db.refresh(dialogue)
    for envelope in payload.reseal:
        if envelope.kind != "meta" or envelope.epoch != payload.epoch or not envelope.replaces:
            raise EpochInvalidError(reason="reseal")
        store_envelope(db, dialogue, steward, envelope)
    return EpochResult(dialogue_id, payload.epoch, removed)


def _check_steward_certs(
    payload: EpochIn, dialogue_id: str, newcomers: dict[str, Knock], steward_key: str
) -> None:
    """Exactly one certificate per newcomer who registered a steward key, for that key, signed
    by the calling steward for this epoch; none for anyone else (docs/protocol.md, "Steward
    certificates"). Clients verify them again; this only keeps garbage out."""
    expected = {h: k.ed25519_public for h, k in newcomers.items() if k.ed25519_public}
    given = {cert.handle: cert for cert in payload.steward_certs}
    if len(given) != len(payload.steward_certs) or set(given) != set(expected):
        raise EpochInvalidError(reason="steward_certs")
    for handle, cert in given.items():
        if cert.ed25519_public != expected[handle]:
            raise EpochInvalidError(reason="steward_certs")
        try:
            td2.verify_steward_cert(
                td2.b64u_decode(steward_key),
                td2.b64u_decode(dialogue_id),
                payload.epoch,
                td2.b64u_decode(handle),
                td2.b64u_decode(cert.ed25519_public),
                td2.b64u_decode(cert.signature),
            )
        except td2.Td2Error:
            raise EpochInvalidError(reason="steward_certs") from None


def _admit(db: DbSession, knock: Knock, role: str, epoch: int) -> None:
    invitation = db.get(Invitation, knock.invitation_id)
    assert invitation is not None
    if role != invitation.role:
        raise EpochInvalidError(reason="roster_role")
    knock.status = "approved"
    invitation.used_at = invitation.used_at or utcnow()
    # The invitation is single use: any other device that knocked with it is turned away.
    db.execute(
        update(Knock)
        .where(Knock.invitation_id == invitation.id, Knock.id != knock.id)
        .where(Knock.status == "pending")
        .values(status="refused")
    )
    db.add(
        Member(
            dialogue_id=knock.dialogue_id,
            handle=knock.handle,
            x25519_public=knock.x25519_public,
            ed25519_public=knock.ed25519_public,
            role=role,
            is_steward=invitation.steward and knock.ed25519_public is not None,
            account_id=invitation.account_id,
            joined_epoch=epoch,
        )
    )
