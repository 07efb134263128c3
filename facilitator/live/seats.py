"""Who is sending on a live connection, checked again at least once a second.

Resolving the caller in full (session or device token, then membership) costs several ORM
queries; a member who sends five messages a second would pay them on every one. A connection's
cookie is fixed at the handshake, so what it resolves to can only change by removal, a change
of role, sign-out or time-out: the seat is kept on the connection for ``RECHECK_S``. After that
one query confirms it (``still_seated``): the credential it was resolved from is still open and
not timed out, the member is still active with the same role. When it is not, or when the
session's ``last_seen_at`` is due to be written, the seat is resolved in full again.

Removal also closes the member's connections at once in the process that handles it
(``dialogues.events``); in every other process, and after a sign-out, the next message more
than ``RECHECK_S`` later is refused: authorization ends at most one second after a removal or
a sign-out, everywhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Row, bindparam, select

from facilitator.accounts import credentials
from facilitator.accounts.models import Account, LoginSession, utcnow
from facilitator.core.db import DbSession
from facilitator.dialogues.access import Caller, DialoguePermission, allowed, require_member
from facilitator.dialogues.models import DeviceSession, Member

RECHECK_S = 1.0
FORGET_S = 60.0  # a seat unused this long is resolved in full again

# The credential a seat was resolved from: a device session or a login session, by token hash.
Proof = tuple[Literal["device", "account"], str]


@dataclass(frozen=True)
class Seat:
    """A member's place in a dialogue, as resolved by ``resolve_seat``."""

    dialogue_id: str
    member_id: int
    handle: str
    in_team: bool  # may read and write the mediator team's channel
    role: str = ""
    proof: Proof | None = None  # None: never confirmed, always resolved in full


def resolve_seat(
    db: DbSession,
    caller: Caller,
    dialogue_id: str,
    device_token: str | None = None,
    session_token: str | None = None,
) -> Seat:
    """The caller's seat, checked in full now; ``DialogueNotFoundError`` for non-members.

    The tokens the caller was resolved from become the seat's ``proof``."""
    _dialogue, member = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    return seat_of(caller, member, device_token, session_token)


def seat_of(
    caller: Caller, member: Member, device_token: str | None, session_token: str | None
) -> Seat:
    """The seat of ``member``, which ``caller`` (resolved from these tokens) was just found
    to be, with read access to its dialogue."""
    kind: Literal["device", "account"] = "device" if member is caller.device else "account"
    token = device_token if kind == "device" else session_token
    return Seat(
        dialogue_id=member.dialogue_id,
        member_id=member.id,
        handle=member.handle,
        in_team=allowed(member, DialoguePermission.TEAM_CHANNEL),
        role=member.role,
        proof=(kind, credentials.token_hash(token)) if token else None,
    )


# Core rows of the columns the rules are written on, and the rules' own SQL (``is_active``).
_DEVICE_SEAT = (
    select(
        DeviceSession.last_seen_at,
        Member.is_active.label("member_active"),
        Member.role,
    )
    .join_from(DeviceSession, Member, Member.id == DeviceSession.member_id)
    .where(DeviceSession.token_hash == bindparam("token"), Member.id == bindparam("member"))
)
_ACCOUNT_SEAT = (
    select(
        LoginSession.last_seen_at,
        LoginSession.created_at,
        Account.is_active.label("account_active"),
        Member.is_active.label("member_active"),
        Member.role,
    )
    .join_from(LoginSession, Account, Account.id == LoginSession.account_id)
    .join(Member, Member.account_id == Account.id)
    .where(LoginSession.token_hash == bindparam("token"), Member.id == bindparam("member"))
)


def still_seated(
    connection: Connection, seat: Seat, idle_timeout_s: int, absolute_timeout_s: int
) -> bool:
    """Whether ``seat`` stands as it was resolved, in one query. False sends the caller to
    ``resolve_seat``, which refuses or refreshes (and writes ``last_seen_at`` when due)."""
    if seat.proof is None:
        return False
    kind, token_hash = seat.proof
    now = utcnow()
    params = {"token": token_hash, "member": seat.member_id}
    row: Row[Any] | None
    if kind == "device":
        row = connection.execute(_DEVICE_SEAT, params).first()
        if row is None:
            return False
        lapsed = credentials.session_lapsed(row.last_seen_at, now, idle_timeout_s)
    else:
        row = connection.execute(_ACCOUNT_SEAT, params).first()
        if row is None or not row.account_active:
            return False
        lapsed = credentials.session_lapsed(
            row.last_seen_at, now, idle_timeout_s, row.created_at, absolute_timeout_s
        )
    return (
        not lapsed
        and not credentials.last_seen_stale(row.last_seen_at, now)
        and row.member_active
        and row.role == seat.role
    )


class SeatCache:
    """Seats by (connection, dialogue), each trusted for ``recheck_s`` after its check.

    Past that, a seat is confirmed with ``confirm`` (one query) or resolved in full. Seats
    unused for ``forget_s`` are dropped as new ones come, so nothing needs to be told when a
    connection closes.

    Each event runs in its own greenlet: ten messages sent at once on one connection would all
    miss the cache while the first check waits for the database. ``seat`` lets one of them
    check and the others wait for its answer."""

    def __init__(
        self,
        recheck_s: float = RECHECK_S,
        clock: Callable[[], float] = time.monotonic,
        forget_s: float = FORGET_S,
    ) -> None:
        self.recheck_s = recheck_s
        self.forget_s = forget_s
        self.clock = clock
        self._seats: dict[tuple[str, str], tuple[Seat, float]] = {}
        self._pruned_at = clock()
        self._guard = threading.Lock()
        self._checking: dict[tuple[str, str], threading.Lock] = {}

    def seat(
        self,
        sid: str,
        dialogue_id: str,
        resolve: Callable[[], Seat],
        confirm: Callable[[Seat], bool] | None = None,
    ) -> Seat:
        """The seat checked less than ``recheck_s`` ago; else the earlier one if ``confirm``
        holds it still good, else the one ``resolve`` gives now (one caller at a time per key).
        """
        found = self.get(sid, dialogue_id)
        if found is not None:
            return found
        key = (sid, dialogue_id)
        with self._guard:
            checking = self._checking.setdefault(key, threading.Lock())
        try:
            with checking:
                found = self.get(sid, dialogue_id)  # checked meanwhile by the one before
                if found is None:
                    earlier = self._seats.get(key)
                    if earlier is not None and confirm is not None and confirm(earlier[0]):
                        found = earlier[0]
                    else:
                        found = resolve()
                    self.put(sid, found)
            return found
        finally:
            with self._guard:
                if self._checking.get(key) is checking and not checking.locked():
                    del self._checking[key]

    def get(self, sid: str, dialogue_id: str) -> Seat | None:
        """The seat checked less than ``recheck_s`` ago, or None: check it again."""
        found = self._seats.get((sid, dialogue_id))
        if found is None or self.clock() - found[1] >= self.recheck_s:
            return None
        return found[0]

    def put(self, sid: str, seat: Seat) -> None:
        """Keep ``seat``, checked just now, for the connection ``sid``."""
        now = self.clock()
        if now - self._pruned_at >= self.recheck_s:
            self._seats = {
                key: kept for key, kept in self._seats.items() if now - kept[1] < self.forget_s
            }
            self._pruned_at = now
        self._seats[(sid, seat.dialogue_id)] = (seat, now)
