"""Account operations. Each takes an explicit database session, flushes, and raises typed errors.

Operations that read or write a TOTP secret take the instance's ``totp_key`` (``Settings``).
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from facilitator.accounts import credentials, totp_box
from facilitator.accounts.errors import (
    InvalidCredentialsError,
    LinkInvalidError,
    PasswordMismatchError,
    SetupClosedError,
    TotpRejectedError,
    UsernameTakenError,
)
from facilitator.accounts.models import Account, LoginSession, OneTimeLink, utcnow
from facilitator.core.authz import FIRST_ROLE, TEAM_ROLES, Permission, require
from facilitator.core.db import DbSession
from facilitator.core.errors import InvalidInputError, NotFoundError

SETUP = "setup"
INVITE = "invite"


def count_active_accounts(db: DbSession) -> int:
    return db.scalar(select(func.count()).where(Account.is_active)) or 0


def create_setup_link(db: DbSession, ttl_s: int) -> str:
    """A one-time link to create the first convener; only while there is none."""
    if count_active_accounts(db):
        raise SetupClosedError()
    for earlier in db.scalars(
        select(OneTimeLink).where(OneTimeLink.purpose == SETUP, OneTimeLink.used_at.is_(None))
    ):
        earlier.revoked_at = earlier.revoked_at or utcnow()
    return _new_link(db, SETUP, FIRST_ROLE, None, ttl_s)


def create_invitation(db: DbSession, actor: Account, role: str, ttl_s: int) -> str:
    require(actor, Permission.INVITE_TEAM_MEMBER)
    if role not in TEAM_ROLES:
        raise InvalidInputError(field="role")
    return _new_link(db, INVITE, role, actor.id, ttl_s)


def _new_link(db: DbSession, purpose: str, role: str, created_by: int | None, ttl_s: int) -> str:
    """Store a one-time link (only its token's hash) and return the token, shown once."""
    token = credentials.new_token()
    db.add(
        OneTimeLink(
            token_hash=credentials.token_hash(token),
            purpose=purpose,
            role=role,
            created_by_id=created_by,
            expires_at=utcnow() + timedelta(seconds=ttl_s),
        )
    )
    db.flush()
    return token


def list_open_invitations(db: DbSession, actor: Account) -> list[OneTimeLink]:
    require(actor, Permission.INVITE_TEAM_MEMBER)
    query = (
        select(OneTimeLink)
        .where(OneTimeLink.purpose == INVITE, OneTimeLink.used_at.is_(None))
        .where(OneTimeLink.revoked_at.is_(None), OneTimeLink.expires_at > utcnow())
        .order_by(OneTimeLink.created_at)
    )
    return list(db.scalars(query))


def list_team(db: DbSession, actor: Account) -> list[Account]:
    require(actor, Permission.VIEW_TEAM)
    query = select(Account).where(Account.is_active).order_by(Account.username)
    return list(db.scalars(query))


def revoke_invitation(db: DbSession, actor: Account, link_id: int) -> None:
    require(actor, Permission.INVITE_TEAM_MEMBER)
    link = db.get(OneTimeLink, link_id)
    if link is None or link.purpose != INVITE or link.used_at or link.revoked_at:
        raise NotFoundError()
    link.revoked_at = utcnow()
    if link.claimed_by_id is not None:
        pending = db.get(Account, link.claimed_by_id)
        if pending is not None and not pending.is_active:
            db.delete(pending)
    db.flush()


def find_usable_link(db: DbSession, token: str, purpose: str) -> OneTimeLink:
    link = db.scalar(
        select(OneTimeLink).where(OneTimeLink.token_hash == credentials.token_hash(token))
    )
    if (
        link is None
        or link.purpose != purpose
        or link.used_at is not None
        or link.revoked_at is not None
        or link.expires_at <= utcnow()
    ):
        raise LinkInvalidError()
    if purpose == SETUP and count_active_accounts(db):
        raise SetupClosedError()
    return link


def _add_account(
    db: DbSession, username: str, password_hash: str, role: str, totp_key: bytes
) -> Account:
    """A new, not yet active account with a fresh TOTP secret sealed to its id."""
    account = Account(
        username=username, password_hash=password_hash, role=role, totp_secret_sealed=b""
    )
    db.add(account)
    db.flush()
    account.totp_secret_sealed = totp_box.seal(totp_key, account.id, credentials.new_totp_secret())
    db.flush()
    return account


def totp_secret(account: Account, totp_key: bytes) -> str:
    """The account's TOTP secret in the clear, to show once at enrolment or check a code.
    ``TotpKeyError`` when ``totp_key`` is not the key it was sealed with."""
    return totp_box.open_sealed(totp_key, account.id, account.totp_secret_sealed)


def start_enrolment(
    db: DbSession,
    token: str,
    purpose: str,
    username: str,
    password: str,
    confirm: str,
    *,
    totp_key: bytes,
) -> Account:
    """Create the pending account a link was sent for; it becomes usable once TOTP is confirmed.

    Starting again with the same link replaces the earlier pending account.
    """
    link = find_usable_link(db, token, purpose)
    if password != confirm:
        raise PasswordMismatchError()
    name = credentials.normalise_username(username)
    password_hash = credentials.hash_password(password)
    if link.claimed_by_id is not None:
        earlier = db.get(Account, link.claimed_by_id)
        if earlier is not None and not earlier.is_active:
            db.delete(earlier)
            db.flush()
    if db.scalar(select(Account).where(Account.username == name)) is not None:
        raise UsernameTakenError()
    account = _add_account(db, name, password_hash, link.role, totp_key)
    link.claimed_by_id = account.id
    db.flush()
    return account


def pending_enrolment(db: DbSession, token: str, purpose: str, account_id: int) -> Account:
    link = find_usable_link(db, token, purpose)
    account = db.get(Account, account_id)
    if account is None or account.is_active or link.claimed_by_id != account.id:
        raise LinkInvalidError()
    return account


def confirm_enrolment(
    db: DbSession,
    token: str,
    purpose: str,
    account_id: int,
    code: str,
    now: float | None = None,
    *,
    totp_key: bytes,
) -> Account:
    account = pending_enrolment(db, token, purpose, account_id)
    accept_totp(db, account, code, now, totp_key=totp_key)
    link = find_usable_link(db, token, purpose)
    account.activated_at = utcnow()
    link.used_at = utcnow()
    db.flush()
    return account


def create_convener(db: DbSession, username: str, password: str, *, totp_key: bytes) -> Account:
    """The command line's way to make a convener; active once a TOTP code is confirmed."""
    name = credentials.normalise_username(username)
    if db.scalar(select(Account).where(Account.username == name)) is not None:
        raise UsernameTakenError()
    return _add_account(db, name, credentials.hash_password(password), FIRST_ROLE, totp_key)


def activate_with_totp(db: DbSession, account: Account, code: str, *, totp_key: bytes) -> None:
    accept_totp(db, account, code, totp_key=totp_key)
    account.activated_at = utcnow()
    db.flush()


def check_password(db: DbSession, username: str, password: str) -> Account:
    """The account these credentials open. The caller has already applied the login throttle."""
    try:
        name = credentials.normalise_username(username)
    except InvalidInputError:
        name = ""
    account = db.scalar(select(Account).where(Account.username == name)) if name else None
    valid = credentials.verify_password(account.password_hash if account else None, password)
    if account is None or not valid or not account.is_active:
        raise InvalidCredentialsError()
    if credentials.password_needs_rehash(account.password_hash):
        account.password_hash = credentials.hash_password(password)
        db.flush()
    return account


def accept_totp(
    db: DbSession, account: Account, code: str, now: float | None = None, *, totp_key: bytes
) -> None:
    """Accept ``code`` once: its time step becomes the account's last accepted one.

    The step is stored only over an older one, in the database's own check: two sign-ins that
    check the same code at once both read the older step, and only the first to store it is
    accepted."""
    step = credentials.matching_totp_step(
        totp_secret(account, totp_key),
        code,
        time.time() if now is None else now,
        account.totp_last_step,
    )
    if step is None:
        raise TotpRejectedError()
    db.flush()
    moved = db.execute(
        update(Account)
        .where(Account.id == account.id, Account.totp_last_step < step)
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if int(getattr(moved, "rowcount", 0) or 0) != 1:
        raise TotpRejectedError()
    set_committed_value(account, "totp_last_step", step)


def open_login_session(db: DbSession, account: Account) -> str:
    token = credentials.new_token()
    db.add(LoginSession(token_hash=credentials.token_hash(token), account_id=account.id))
    db.flush()
    return token


def resolve_login_session(
    db: DbSession, token: str, idle_timeout_s: int, absolute_timeout_s: int
) -> Account | None:
    """The account a session token belongs to, or None once it is unknown or timed out.

    A timed-out session is deleted. ``last_seen_at`` is refreshed at most once a minute
    (``credentials.LAST_SEEN_REFRESH_S``).
    """
    row = db.get(LoginSession, credentials.token_hash(token))
    if row is None:
        return None
    now = utcnow()
    lapsed = credentials.session_lapsed(
        row.last_seen_at, now, idle_timeout_s, row.created_at, absolute_timeout_s
    )
    ended = lapsed or not row.account.is_active
    return row.account if credentials.session_stands(db, row, now, ended=ended) else None


def close_login_session(db: DbSession, token: str) -> list[str]:
    """End one session; the token hashes of what was ended (their live connections close:
    ``core.sockets.close_connections``)."""
    hashed = credentials.token_hash(token)
    db.execute(delete(LoginSession).where(LoginSession.token_hash == hashed))
    db.flush()
    return [hashed]


def close_all_login_sessions(db: DbSession, account: Account) -> list[str]:
    """End every session of ``account`` ("sign out everywhere"); their token hashes."""
    hashes = list(
        db.scalars(select(LoginSession.token_hash).where(LoginSession.account_id == account.id))
    )
    db.execute(delete(LoginSession).where(LoginSession.account_id == account.id))
    db.flush()
    return hashes
