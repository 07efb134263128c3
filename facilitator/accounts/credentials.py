"""Passwords (Argon2id), usernames, TOTP codes and session time-outs. Pure functions, no
database; hashing runs off the event loop (``core.offload``)."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import Protocol

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from facilitator.accounts.errors import PasswordInvalidError, UsernameInvalidError
from facilitator.core.db import DbSession
from facilitator.core.offload import off_loop

PASSWORD_MIN_CHARS = 12
PASSWORD_MAX_CHARS = 1024
TOTP_ISSUER = "Facilitator"
# argon2-cffi's defaults are Argon2id with RFC 9106's second recommended parameter set.
_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[\w.\-]{3,64}$")
# Hashing a dummy when the account does not exist keeps both paths equally slow.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def normalise_username(raw: str) -> str:
    name = unicodedata.normalize("NFKC", raw).strip().casefold()
    if not _USERNAME.fullmatch(name):
        raise UsernameInvalidError()
    return name


def check_password_policy(password: str) -> None:
    if not PASSWORD_MIN_CHARS <= len(password) <= PASSWORD_MAX_CHARS or not password.strip():
        raise PasswordInvalidError()


def hash_password(password: str) -> str:
    """An Argon2id hash, computed off the event loop (``core.offload``)."""
    check_password_policy(password)
    return off_loop(_hasher.hash, unicodedata.normalize("NFC", password))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches, checked off the event loop (``core.offload``)."""
    return off_loop(_verify, password_hash or _DUMMY_HASH, unicodedata.normalize("NFC", password))


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_totp_secret() -> str:
    return pyotp.random_base32(length=32)


def totp_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def matching_totp_step(secret: str, code: str, now: float, last_step: int) -> int | None:
    """The time step ``code`` belongs to (allowing one step of clock drift either way), or None.

    A step at or before ``last_step`` never matches: each code is accepted once. Digits of any
    script count as the ASCII ones (Arabic, Persian and Urdu keyboards type their own).
    """
    code = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in code)
    code = code.strip().replace(" ", "")
    if not re.fullmatch(r"[0-9]{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if step > last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


# A session's ``last_seen_at`` is written at most this often: reading a session is then free of
# writes almost every time.
LAST_SEEN_REFRESH_S = 60


def session_lapsed(
    last_seen_at: datetime,
    now: datetime,
    idle_timeout_s: int,
    created_at: datetime | None = None,
    absolute_timeout_s: int | None = None,
) -> bool:
    """Whether a login or device session has timed out: idle too long, or (for login sessions,
    given ``created_at`` and ``absolute_timeout_s``) open too long."""
    if now - last_seen_at > timedelta(seconds=idle_timeout_s):
        return True
    return (
        created_at is not None
        and absolute_timeout_s is not None
        and now - created_at > timedelta(seconds=absolute_timeout_s)
    )


def last_seen_stale(last_seen_at: datetime, now: datetime) -> bool:
    """Whether ``last_seen_at`` is old enough to be written again."""
    return now - last_seen_at > timedelta(seconds=LAST_SEEN_REFRESH_S)


class SessionRow(Protocol):
    last_seen_at: datetime


def session_stands(db: DbSession, row: SessionRow, now: datetime, *, ended: bool) -> bool:
    """Delete a session row that has ``ended``, else refresh its ``last_seen_at`` when stale;
    whether it still stands. Team sessions and device sessions lapse by this one rule."""
    if ended:
        db.delete(row)
        db.flush()
        return False
    if last_seen_stale(row.last_seen_at, now):
        row.last_seen_at = now
        db.flush()
    return True
