"""Participant devices sign in by proving they hold their member key: no password, no e-mail.

The server seals a random nonce to the member's X25519 key (HPKE, the same suite as wraps, with
``info = "td2/v1/challenge" || dialogue_id || handle || challenge_id``); only the device holding the
private key can open it and send the nonce back. Answering opens a device session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from facilitator import td2
from facilitator.accounts import credentials
from facilitator.accounts.models import utcnow
from facilitator.core.db import DbSession
from facilitator.dialogues.errors import ChallengeFailedError, DialogueNotFoundError
from facilitator.dialogues.invitations import member_by_handle
from facilitator.dialogues.models import DeviceChallenge, DeviceSession, Member

CHALLENGE_TTL = timedelta(minutes=2)


def challenge_info(dialogue_id: str, handle: str, challenge_id: str) -> bytes:
    return (
        b"td2/v1/challenge"
        + td2.b64u_decode(dialogue_id)
        + td2.b64u_decode(handle)
        + td2.b64u_decode(challenge_id)
    )


def issue_challenge(db: DbSession, dialogue_id: str, handle: str) -> tuple[str, str]:
    member = member_by_handle(db, dialogue_id, handle)
    if member is None or not member.is_active:
        raise DialogueNotFoundError()
    challenge_id = td2.b64u_encode(td2.random_id())
    nonce = secrets.token_bytes(32)
    sealed = td2.seal_to_public(
        td2.b64u_decode(member.x25519_public),
        challenge_info(dialogue_id, handle, challenge_id),
        nonce,
    )
    db.add(
        DeviceChallenge(
            id=challenge_id,
            member_id=member.id,
            nonce_hash=hashlib.sha256(nonce).hexdigest(),
            expires_at=utcnow() + CHALLENGE_TTL,
        )
    )
    db.flush()
    return challenge_id, td2.b64u_encode(sealed)


def answer_challenge(db: DbSession, challenge_id: str, nonce: str) -> tuple[Member, str]:
    """The member whose device answered, and a new session token for it."""
    challenge = db.get(DeviceChallenge, challenge_id)
    if challenge is None:
        raise ChallengeFailedError()
    answer = hashlib.sha256(td2.b64u_decode(nonce)).hexdigest()
    member = db.get(Member, challenge.member_id)
    if (
        challenge.expires_at <= utcnow()
        or not secrets.compare_digest(answer, challenge.nonce_hash)
        or member is None
        or not member.is_active
    ):
        raise ChallengeFailedError()
    db.delete(challenge)
    token = credentials.new_token()
    db.add(DeviceSession(token_hash=credentials.token_hash(token), member_id=member.id))
    db.flush()
    return member, token


def resolve_device(db: DbSession, token: str, idle_timeout_s: int) -> Member | None:
    row = db.get(DeviceSession, credentials.token_hash(token))
    if row is None:
        return None
    member = db.get(Member, row.member_id)
    now = utcnow()
    ended = (
        member is None
        or not member.is_active
        or credentials.session_lapsed(row.last_seen_at, now, idle_timeout_s)
    )
    return member if credentials.session_stands(db, row, now, ended=ended) else None


def end_device_sessions(db: DbSession, member_ids: list[int]) -> list[str]:
    """End the device sessions of these members; their token hashes (their live connections
    close: ``core.sockets.close_connections``)."""
    if not member_ids:
        return []
    ended = DeviceSession.member_id.in_(member_ids)
    hashes = list(db.scalars(select(DeviceSession.token_hash).where(ended)))
    db.execute(delete(DeviceSession).where(ended))
    db.flush()
    return hashes
