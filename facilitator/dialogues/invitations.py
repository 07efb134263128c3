"""Invitations, knocks and a steward's refusal.

Participant invitations: the browser makes ``invite_id`` and a secret; the server stores the
secret's hash only and so cannot check the knock's proof — the steward's browser does, with the
secret it kept. A team seat names an account; that account's browser knocks while signed in.
Approval is not here: a steward approves by cutting the epoch that includes the newcomer.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from facilitator import td2
from facilitator.accounts import credentials
from facilitator.accounts.models import Account, utcnow
from facilitator.core.db import DbSession
from facilitator.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from facilitator.dialogues.access import (
    LINK_ROLES,
    STEWARD_ROLES,
    TEAM_ROLES,
    Caller,
    DialoguePermission,
    require_member,
)
from facilitator.dialogues.errors import DuplicateIdError, InvitationUnusableError
from facilitator.dialogues.models import Invitation, Knock, Member
from facilitator.dialogues.schemas import InvitationCreate, KnockIn

MAX_PENDING_KNOCKS_PER_INVITATION = 5


def invitation_status(invitation: Invitation) -> str:
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at <= utcnow():
        return "expired"
    return "open"


def create_invitation(
    db: DbSession, caller: Caller, dialogue_id: str, payload: InvitationCreate
) -> Invitation:
    require_member(db, caller, dialogue_id, DialoguePermission.STEWARD)
    if db.get(Invitation, payload.invite_id) is not None:
        raise DuplicateIdError(field="invite_id")
    account_id = None
    if payload.username is not None:
        if payload.role not in TEAM_ROLES or payload.secret_hash is not None:
            raise InvalidInputError(field="role")
        try:
            name = credentials.normalise_username(payload.username)
        except InvalidInputError as error:
            raise NotFoundError(field="username") from error
        account = db.scalar(select(Account).where(Account.username == name))
        if account is None or not account.is_active:
            raise NotFoundError(field="username")
        account_id = account.id
    elif payload.secret_hash is None or payload.role not in LINK_ROLES:
        # Team roles other than observer need an account; a participant needs the secret's hash.
        raise InvalidInputError(field="secret_hash")
    if payload.steward and payload.role not in STEWARD_ROLES:
        raise InvalidInputError(field="steward")
    invitation = Invitation(
        id=payload.invite_id,
        dialogue_id=dialogue_id,
        secret_hash=payload.secret_hash,
        account_id=account_id,
        role=payload.role,
        steward=payload.steward,
        expires_at=utcnow() + timedelta(seconds=payload.expires_in_s),
    )
    db.add(invitation)
    db.flush()
    return invitation


def list_invitations(db: DbSession, caller: Caller, dialogue_id: str) -> list[Invitation]:
    require_member(db, caller, dialogue_id, DialoguePermission.STEWARD)
    query = select(Invitation).where(Invitation.dialogue_id == dialogue_id)
    return list(db.scalars(query.order_by(Invitation.created_at)))


def revoke_invitation(db: DbSession, caller: Caller, dialogue_id: str, invite_id: str) -> None:
    require_member(db, caller, dialogue_id, DialoguePermission.STEWARD)
    invitation = db.get(Invitation, invite_id)
    if invitation is None or invitation.dialogue_id != dialogue_id:
        raise NotFoundError(field="invite_id")
    if invitation_status(invitation) != "open":
        raise InvitationUnusableError()
    invitation.revoked_at = utcnow()
    for knock in db.scalars(select(Knock).where(Knock.invitation_id == invite_id)):
        if knock.status == "pending":
            knock.status = "refused"
    db.flush()


def open_invitation(db: DbSession, invite_id: str) -> Invitation:
    invitation = db.get(Invitation, invite_id)
    if invitation is None or invitation_status(invitation) != "open":
        raise InvitationUnusableError()
    return invitation


def knock(db: DbSession, caller: Caller, invite_id: str, payload: KnockIn) -> Knock:
    """A device asks to join with its public key. The link alone grants no content."""
    invitation = open_invitation(db, invite_id)
    if invitation.account_id is not None:
        if caller.account is None or caller.account.id != invitation.account_id:
            raise PermissionDeniedError()
    elif payload.proof is None:
        raise InvalidInputError(field="proof")
    if payload.ed25519_public is not None and not invitation.steward:
        raise InvalidInputError(field="ed25519_public")
    try:
        td2.check_x25519_public(td2.b64u_decode(payload.x25519_public))
    except td2.Td2Error as error:
        raise InvalidInputError(field="x25519_public") from error
    pending = db.scalar(
        select(func.count())
        .select_from(Knock)
        .where(Knock.invitation_id == invite_id, Knock.status == "pending")
    )
    if (pending or 0) >= MAX_PENDING_KNOCKS_PER_INVITATION:
        raise InvitationUnusableError()
    request = Knock(
        id=td2.b64u_encode(td2.random_id()),
        dialogue_id=invitation.dialogue_id,
        invitation_id=invite_id,
        handle=td2.b64u_encode(td2.random_id()),
        x25519_public=payload.x25519_public,
        ed25519_public=payload.ed25519_public,
        proof=payload.proof,
        role=invitation.role,
        status="pending",
    )
    db.add(request)
    db.flush()
    return request


def knock_status(db: DbSession, knock_id: str) -> Knock:
    """The knocking device polls its own request; its id is a random secret only it knows."""
    found = db.get(Knock, knock_id)
    if found is None:
        raise NotFoundError(field="knock_id")
    return found


def list_knocks(db: DbSession, caller: Caller, dialogue_id: str) -> list[Knock]:
    require_member(db, caller, dialogue_id, DialoguePermission.STEWARD)
    query = select(Knock).where(Knock.dialogue_id == dialogue_id, Knock.status == "pending")
    return list(db.scalars(query.order_by(Knock.created_at)))


def refuse_knock(db: DbSession, caller: Caller, dialogue_id: str, knock_id: str) -> None:
    require_member(db, caller, dialogue_id, DialoguePermission.STEWARD)
    found = db.get(Knock, knock_id)
    if found is None or found.dialogue_id != dialogue_id or found.status != "pending":
        raise NotFoundError(field="knock_id")
    found.status = "refused"
    db.flush()


def member_by_handle(db: DbSession, dialogue_id: str, handle: str) -> Member | None:
    query = select(Member).where(Member.dialogue_id == dialogue_id, Member.handle == handle)
    return db.scalar(query)


def seats_for_account(db: DbSession, account: Account) -> list[Invitation]:
    """Open team-seat invitations waiting for this account's browser to knock."""
    query = select(Invitation).where(
        Invitation.account_id == account.id,
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow(),
    )
    return list(db.scalars(query.order_by(Invitation.created_at)))
