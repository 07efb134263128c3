"""Who is sending on a live connection, checked again at least once a second.

Resolving the caller in full (session or device token, then membership) costs several ORM
queries; a member who sends five messages a second would pay them on every one. A connection's
cookie is fixed at the handshake, so what it resolves to can only change by removal, a change
of role, sign-out or time-out: the seat is kept on the connection for ``RECHECK_S``. After that
one query confirms it (``still_seated``): the credential it was resolved from is still open and
not timed out, the member is still active with the same role. When it is not, or when the
session's ``last_seen_at`` is due to be written, the seat is resolved in full again.

The seats in use are also confirmed in the background (``SeatCache.keep``), all of them in one
query per kind of credential, every quarter of ``RECHECK_S``: a message then rarely waits for
its sender's confirmation, a round trip to the database that would otherwise delay one message
in five at five a second. Only seats taken from the cache since their last check are: one used
less often than once a second is confirmed by its next message. A seat the
background check finds no longer standing is dropped, so the next message resolves it in full.
Either way a seat is used at most ``RECHECK_S`` after the query that last confirmed it began.

Removal also closes the member's connections at once in the process that handles it
(``dialogues.events``); in every other process, and after a sign-out, the next message more
than ``RECHECK_S`` later is refused: authorization ends at most one second after a removal or
a sign-out, everywhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection

from facilitator.accounts import credentials
from facilitator.core.db import DbSession
from facilitator.dialogues.access import Caller, DialoguePermission, allowed, require_member
from facilitator.dialogues.models import Member
from facilitator.identity.confirm import Proof, claims_stand

RECHECK_S = 1.0
FORGET_S = 60.0  # a seat unused this long is resolved in full again
KEEP_S = 10.0  # the background confirmation runs until no seat was used for this long


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


def still_seated(
    connection: Connection, seats: Sequence[Seat], idle_timeout_s: int, absolute_timeout_s: int
) -> list[bool]:
    """Whether each of ``seats`` stands as it was resolved, all at once by the caller
    resolution's own rules (``identity.confirm``). False sends the caller to ``resolve_seat``,
    which refuses or refreshes (and writes ``last_seen_at`` when due)."""
    return claims_stand(connection, seats, idle_timeout_s, absolute_timeout_s)


class SeatCache:
    """Seats by (connection, dialogue), each trusted for ``recheck_s`` after its check.

    Past that, a seat is confirmed with ``confirm`` (one query) or resolved in full. Seats
    unused for ``forget_s`` are dropped as new ones come, so nothing needs to be told when a
    connection closes. ``keep`` confirms the seats in use ahead of time, all at once.

    Each event runs in its own greenlet: ten messages sent at once on one connection would all
    miss the cache while the first check waits for the database. ``seat`` lets one of them
    check and the others wait for its answer."""

    def __init__(
        self,
        recheck_s: float = RECHECK_S,
        clock: Callable[[], float] = time.monotonic,
        forget_s: float = FORGET_S,
        keep_s: float = KEEP_S,
    ) -> None:
        self.recheck_s = recheck_s
        self.forget_s = forget_s
        self.keep_s = keep_s
        self.clock = clock
        # (seat, when its last check began, when it was last used: taken from the cache, or
        # else when that check began)
        self._seats: dict[tuple[str, str], tuple[Seat, float, float]] = {}
        self._pruned_at = clock()
        self._guard = threading.Lock()
        self._checking: dict[tuple[str, str], threading.Lock] = {}
        self._keeping = False

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
                    began = self.clock()
                    if earlier is not None and confirm is not None and confirm(earlier[0]):
                        found = earlier[0]
                    else:
                        found = resolve()
                    self.put(sid, found, checked_at=began)
            return found
        finally:
            with self._guard:
                if self._checking.get(key) is checking and not checking.locked():
                    del self._checking[key]

    def get(self, sid: str, dialogue_id: str) -> Seat | None:
        """The seat checked less than ``recheck_s`` ago, or None: check it again."""
        key = (sid, dialogue_id)
        found = self._seats.get(key)
        if found is None:
            return None
        now = self.clock()
        if now - found[1] >= self.recheck_s:
            return None
        self._seats[key] = (found[0], found[1], now)
        return found[0]

    def put(self, sid: str, seat: Seat, checked_at: float | None = None) -> None:
        """Keep ``seat``, checked just now (or by a check that began at ``checked_at``), for
        the connection ``sid``. It counts as used from that check's start: only a later use
        from the cache (``get``) makes it one to ``keep``."""
        now = self.clock()
        if now - self._pruned_at >= self.recheck_s:
            self._seats = {
                key: kept for key, kept in self._seats.items() if now - kept[2] < self.forget_s
            }
            self._pruned_at = now
        began = now if checked_at is None else checked_at
        self._seats[(sid, seat.dialogue_id)] = (seat, began, began)

    def keep(self, confirm: Callable[[list[Seat]], list[bool]]) -> int:
        """Confirm at once every seat used from the cache since its last check, which began
        more than half ``recheck_s`` ago; drop those that no longer stand. Returns how many
        were checked.

        A seat used less often than its check lasts (a member who sends every ten seconds) is
        never taken from the cache: its next message confirms it, and this leaves it alone."""
        began = self.clock()
        due = [
            (key, seat)
            for key, (seat, checked, used) in list(self._seats.items())
            if seat.proof is not None and began - checked >= self.recheck_s / 2 and used > checked
        ]
        if not due:
            return 0
        answers = confirm([seat for _key, seat in due])
        for (key, seat), stands in zip(due, answers, strict=True):
            kept = self._seats.get(key)
            if kept is None or kept[0] is not seat or kept[1] > began:
                continue  # replaced or checked again meanwhile
            if stands:
                self._seats[key] = (seat, began, kept[2])
            else:
                del self._seats[key]
        return len(due)

    def claim_keeper(self) -> bool:
        """True once, for the caller that is to start the keeper (``run_keeper``); False while
        one runs."""
        if self._keeping:
            return False
        with self._guard:
            if self._keeping:
                return False
            self._keeping = True
            return True

    def run_keeper(
        self,
        confirm: Callable[[list[Seat]], list[bool]],
        sleep: Callable[[float], object],
        failed: Callable[[Exception], object],
    ) -> None:
        """``keep`` every quarter of ``recheck_s`` until no seat was used for ``keep_s``.

        A failed confirmation (``failed`` is told) leaves the seats to be confirmed when next
        used, as without a keeper."""
        try:
            while True:
                sleep(self.recheck_s / 4)
                try:
                    self.keep(confirm)
                except Exception as error:  # the message path confirms what this could not
                    failed(error)
                with self._guard:
                    now = self.clock()
                    if not any(now - kept[2] < self.keep_s for kept in list(self._seats.values())):
                        self._keeping = False
                        return
        except BaseException:
            self._keeping = False
            raise
