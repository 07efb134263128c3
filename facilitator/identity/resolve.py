"""A request's or a connection's caller, from the session tokens its cookie carries."""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app, session
from sqlalchemy import select

from facilitator.accounts import credentials
from facilitator.accounts import service as accounts
from facilitator.accounts.current import SESSION_TOKEN_KEY
from facilitator.accounts.models import Account
from facilitator.core.sockets import session_room
from facilitator.dialogues import devices
from facilitator.dialogues.access import Caller
from facilitator.dialogues.current import DEVICE_TOKEN_KEY
from facilitator.dialogues.events import member_room
from facilitator.dialogues.models import Member
from facilitator.extensions import db
from facilitator.settings import Settings


class Tokens(NamedTuple):
    """The login-session and device tokens a cookie carries (None: absent or malformed)."""

    session: str | None
    device: str | None


def presented_tokens() -> Tokens:
    """The tokens of this request's cookie; a live connection's are fixed at its handshake."""
    token, device_token = session.get(SESSION_TOKEN_KEY), session.get(DEVICE_TOKEN_KEY)
    return Tokens(
        token if isinstance(token, str) else None,
        device_token if isinstance(device_token, str) else None,
    )


def _settings() -> Settings:
    settings: Settings = current_app.extensions["facilitator.settings"]
    return settings


def account_of(token: str) -> Account | None:
    """The account of a login-session token, checked now (timed-out sessions end)."""
    settings = _settings()
    return accounts.resolve_login_session(
        db.session, token, settings.idle_timeout_s, settings.absolute_timeout_s
    )


def device_of(token: str) -> Member | None:
    """The member row of a device-session token, checked now (timed-out sessions end)."""
    return devices.resolve_device(db.session, token, _settings().idle_timeout_s)


def resolve_caller(tokens: Tokens) -> Caller:
    """The account and the participant device behind ``tokens``, checked again now."""
    account = account_of(tokens.session) if tokens.session is not None else None
    device = device_of(tokens.device) if tokens.device is not None else None
    return Caller(account=account, device=device)


def request_caller() -> Caller:
    """The caller of this HTTP request (``core.auth``). A token that no longer resolves is
    dropped from the cookie."""
    tokens = presented_tokens()
    caller = resolve_caller(tokens)
    if tokens.session is not None and caller.account is None:
        session.pop(SESSION_TOKEN_KEY, None)
    if tokens.device is not None and caller.device is None:
        session.pop(DEVICE_TOKEN_KEY, None)
    return caller


def connection_rooms() -> list[str] | None:
    """The rooms a new live connection joins (``core.sockets``), or None to refuse it: one per
    active membership, then the room of the session it was opened with. A participant device
    is tried first; it speaks for its one membership only."""
    tokens = presented_tokens()
    if tokens.device is not None:
        device = device_of(tokens.device)
        if device is not None:
            return _rooms([device], tokens.device)
    if tokens.session is None:
        return None
    account = account_of(tokens.session)
    if account is None:
        return None
    memberships = db.session.scalars(
        select(Member).where(Member.account_id == account.id, Member.is_active)
    )
    return _rooms(list(memberships), tokens.session)


def _rooms(members: list[Member], token: str) -> list[str]:
    rooms = [member_room(member.dialogue_id, member.handle) for member in members]
    return [*rooms, session_room(credentials.token_hash(token))]
