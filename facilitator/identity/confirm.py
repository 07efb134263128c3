"""Many live seats confirmed at once, by the rules ``resolve`` applies to one caller.

A seat (``live.seats``) names the credential it was resolved from (a device or a login session,
by token hash) and the member it resolved to. It still stands while that credential is open and
not timed out, its account (if any) active, and the member active with the same role. Checking
this for every seat in use with the full resolution would cost several ORM queries each; here it
is one Core query per kind of credential (and per ``CONFIRM_CHUNK`` seats).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy import Connection, Row, Select, bindparam, select

from facilitator.accounts import credentials
from facilitator.accounts.models import Account, LoginSession, utcnow
from facilitator.dialogues.models import DeviceSession, Member

CONFIRM_CHUNK = 500  # seats per confirmation query

# The credential a seat was resolved from: a device session or a login session, by token hash.
Proof = tuple[Literal["device", "account"], str]


class Claim(Protocol):
    """What a seat says about its caller: resolved from ``proof`` to ``member_id`` in ``role``."""

    @property
    def proof(self) -> Proof | None: ...

    @property
    def member_id(self) -> int: ...

    @property
    def role(self) -> str: ...


# Core rows of the columns the rules are written on, and the rules' own SQL (``is_active``), for
# many seats at once: the caller pairs each row with its seat by (token hash, member id).
_DEVICE_SEATS = (
    select(
        DeviceSession.token_hash,
        DeviceSession.member_id,
        DeviceSession.last_seen_at,
        Member.is_active.label("member_active"),
        Member.role,
    )
    .join_from(DeviceSession, Member, Member.id == DeviceSession.member_id)
    .where(
        DeviceSession.token_hash.in_(bindparam("tokens", expanding=True)),
        Member.id.in_(bindparam("members", expanding=True)),
    )
)
_ACCOUNT_SEATS = (
    select(
        LoginSession.token_hash,
        Member.id.label("member_id"),
        LoginSession.last_seen_at,
        LoginSession.created_at,
        Account.is_active.label("account_active"),
        Member.is_active.label("member_active"),
        Member.role,
    )
    .join_from(LoginSession, Account, Account.id == LoginSession.account_id)
    .join(Member, Member.account_id == Account.id)
    .where(
        LoginSession.token_hash.in_(bindparam("tokens", expanding=True)),
        Member.id.in_(bindparam("members", expanding=True)),
    )
)
_SEATS_BY_PROOF: dict[str, Select[Any]] = {"device": _DEVICE_SEATS, "account": _ACCOUNT_SEATS}


def claims_stand(
    connection: Connection, claims: Sequence[Claim], idle_timeout_s: int, absolute_timeout_s: int
) -> list[bool]:
    """Whether each of ``claims`` stands as it was resolved. False sends the caller to the full
    resolution, which refuses or refreshes (and writes ``last_seen_at`` when due)."""
    now = utcnow()
    answers = [False] * len(claims)
    for kind, query in _SEATS_BY_PROOF.items():
        proven = [
            (i, claim.proof[1])
            for i, claim in enumerate(claims)
            if claim.proof and claim.proof[0] == kind
        ]
        for start in range(0, len(proven), CONFIRM_CHUNK):
            chunk = proven[start : start + CONFIRM_CHUNK]
            params = {
                "tokens": sorted({token for _i, token in chunk}),
                "members": sorted({claims[i].member_id for i, _t in chunk}),
            }
            rows = {
                (row.token_hash, row.member_id): row for row in connection.execute(query, params)
            }
            for i, token in chunk:
                row = rows.get((token, claims[i].member_id))
                answers[i] = row is not None and _stands(
                    row, claims[i], now, idle_timeout_s, absolute_timeout_s
                )
    return answers


def _stands(
    row: Row[Any], claim: Claim, now: datetime, idle_timeout_s: int, absolute_timeout_s: int
) -> bool:
    if "account_active" in row._fields:
        if not row.account_active:
            return False
        lapsed = credentials.session_lapsed(
            row.last_seen_at, now, idle_timeout_s, row.created_at, absolute_timeout_s
        )
    else:
        lapsed = credentials.session_lapsed(row.last_seen_at, now, idle_timeout_s)
    return (
        not lapsed
        and not credentials.last_seen_stale(row.last_seen_at, now)
        and row.member_active
        and row.role == claim.role
    )
