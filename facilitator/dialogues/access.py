"""Who is calling about a dialogue, and what they may do there.

A caller is a signed-in team account or a participant device session. Either way the caller is
resolved to their active ``Member`` row; anyone else, including removed members, gets the same
"not found" answer as for a dialogue that does not exist, and no ciphertext at all.
"""

from __future__ import annotations

import enum

from sqlalchemy import select

from facilitator import roles, td2
from facilitator.accounts.models import Account
from facilitator.core.db import DbSession
from facilitator.core.errors import PermissionDeniedError
from facilitator.dialogues.errors import DialogueNotFoundError
from facilitator.dialogues.models import Dialogue, Member

# Who may do what comes from the one table of roles (static/shared/roles.json).
TEAM_ROLES = roles.roles_with("team_seat")
# Roles a link invites, without an account (participants need the link's secret).
LINK_ROLES = roles.roles_with("link_invitation")
META_WRITERS = roles.roles_with("write_meta")
STEWARD_ROLES = roles.roles_with("steward")
# The mediator team, who hold each epoch's team secret (docs/protocol.md, "Team channel").
TEAM_CHANNEL_ROLES = td2.TEAM_CHANNEL_ROLES
NOTE_TAKERS = roles.roles_with("take_notes")
EXPORTERS = roles.roles_with("export")


class DialoguePermission(enum.StrEnum):
    READ = "read"  # epochs, own wraps, envelopes, roster
    WRITE_META = "write_meta"  # titles, agenda, display names
    STEWARD = "steward"  # cut epochs, invite, approve or refuse knocks
    TEAM_CHANNEL = "team_channel"  # own team wraps; read and write the team backchannel
    EXPORT = "export"  # settings, the archive key, the ciphertext bundle (conveners)


class Caller:
    """A team account, a participant device (its member row), or both absent."""

    def __init__(self, account: Account | None = None, device: Member | None = None) -> None:
        self.account = account
        self.device = device

    @property
    def is_anonymous(self) -> bool:
        return self.account is None and self.device is None


def find_member(db: DbSession, caller: Caller, dialogue_id: str) -> Member:
    """The caller's active membership of the dialogue, or ``DialogueNotFoundError``."""
    member: Member | None = None
    if caller.device is not None and caller.device.dialogue_id == dialogue_id:
        member = caller.device
    elif caller.account is not None:
        member = db.scalar(
            select(Member).where(
                Member.dialogue_id == dialogue_id,
                Member.account_id == caller.account.id,
                Member.is_active,
            )
        )
    if member is None or not member.is_active:
        raise DialogueNotFoundError()
    return member


def allowed(member: Member, permission: DialoguePermission) -> bool:
    if not member.is_active:
        return False
    if permission is DialoguePermission.READ:
        return True
    if permission is DialoguePermission.WRITE_META:
        return member.role in META_WRITERS
    if permission is DialoguePermission.TEAM_CHANNEL:
        return member.role in TEAM_CHANNEL_ROLES
    if permission is DialoguePermission.EXPORT:
        return member.role in EXPORTERS
    return member.is_steward and member.role in STEWARD_ROLES


def may_take_notes(dialogue: Dialogue, member: Member) -> bool:
    if not member.is_active:
        return False
    return member.role in NOTE_TAKERS or (
        member.role == "participant" and dialogue.participant_notes
    )


def require_member(
    db: DbSession, caller: Caller, dialogue_id: str, permission: DialoguePermission
) -> tuple[Dialogue, Member]:
    member = find_member(db, caller, dialogue_id)
    if not allowed(member, permission):
        raise PermissionDeniedError()
    dialogue = db.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise DialogueNotFoundError()
    return dialogue, member
