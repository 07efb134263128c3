"""What members read about a dialogue: memberships, the member list, epochs and their own wraps
(and, for the mediator team, their own team wraps).

Every function checks membership first; a removed member gets "not found" and no ciphertext.
"""

from __future__ import annotations

from sqlalchemy import select

from facilitator.core.db import DbSession
from facilitator.dialogues.access import Caller, DialoguePermission, require_member
from facilitator.dialogues.models import Dialogue, Epoch, Member, TeamWrap, Wrap


def memberships(db: DbSession, caller: Caller) -> list[tuple[Dialogue, Member]]:
    """The dialogues the caller is an active member of (a device is in exactly one)."""
    if caller.account is not None:
        rows = list(
            db.scalars(
                select(Member).where(Member.account_id == caller.account.id, Member.is_active)
            )
        )
    elif caller.device is not None:
        rows = [caller.device]
    else:
        rows = []
    result = []
    for member in rows:
        dialogue = db.get(Dialogue, member.dialogue_id)
        if dialogue is not None:
            result.append((dialogue, member))
    return result


def members(
    db: DbSession, caller: Caller, dialogue_id: str
) -> tuple[Dialogue, Member, list[Member]]:
    """The dialogue, the caller's membership, and every member (removed ones included)."""
    dialogue, me = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    everyone = db.scalars(
        select(Member).where(Member.dialogue_id == dialogue_id).order_by(Member.id)
    )
    return dialogue, me, list(everyone)


def epochs_after(db: DbSession, caller: Caller, dialogue_id: str, after: int) -> list[Epoch]:
    require_member(db, caller, dialogue_id, DialoguePermission.READ)
    query = select(Epoch).where(Epoch.dialogue_id == dialogue_id, Epoch.number > after)
    return list(db.scalars(query.order_by(Epoch.number)))


def own_wraps(db: DbSession, caller: Caller, dialogue_id: str, after: int = -1) -> list[Wrap]:
    """The caller's wraps only (of epochs above ``after``): nobody fetches another member's."""
    _dialogue, me = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    query = select(Wrap).where(
        Wrap.dialogue_id == dialogue_id, Wrap.member_handle == me.handle, Wrap.epoch > after
    )
    return list(db.scalars(query.order_by(Wrap.epoch)))


def own_team_wraps(
    db: DbSession, caller: Caller, dialogue_id: str, after: int = -1
) -> list[TeamWrap]:
    """The caller's team wraps (of epochs above ``after``): the mediator team only; participants
    and observers are refused (they never have any: the server refuses team wraps addressed to
    them)."""
    _dialogue, me = require_member(db, caller, dialogue_id, DialoguePermission.TEAM_CHANNEL)
    query = select(TeamWrap).where(
        TeamWrap.dialogue_id == dialogue_id,
        TeamWrap.member_handle == me.handle,
        TeamWrap.epoch > after,
    )
    return list(db.scalars(query.order_by(TeamWrap.epoch)))
