"""Who is sending on a live connection, checked again at least once a second.

Resolving the caller (session or device token, then membership) costs several queries; a member
who sends five messages a second would pay them on every one. A connection's cookie is fixed at
the handshake, so what it resolves to can only change by removal, sign-out or time-out: the seat
is kept on the connection for ``RECHECK_S`` and resolved in full again after that. Removal also
closes the member's connections at once in the process that handles it (``dialogues.events``);
in every other process, and after a sign-out, the next message more than ``RECHECK_S`` later is
refused: authorization ends at most one second after a removal or a sign-out, everywhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from facilitator.core.db import DbSession
from facilitator.dialogues.access import Caller, DialoguePermission, allowed, require_member

RECHECK_S = 1.0


@dataclass(frozen=True)
class Seat:
    """A member's place in a dialogue, as resolved by ``resolve_seat``."""

    dialogue_id: str
    member_id: int
    handle: str
    in_team: bool  # may read and write the mediator team's channel


def resolve_seat(db: DbSession, caller: Caller, dialogue_id: str) -> Seat:
    """The caller's seat, checked in full now; ``DialogueNotFoundError`` for non-members."""
    _dialogue, member = require_member(db, caller, dialogue_id, DialoguePermission.READ)
    return Seat(
        dialogue_id=dialogue_id,
        member_id=member.id,
        handle=member.handle,
        in_team=allowed(member, DialoguePermission.TEAM_CHANNEL),
    )


class SeatCache:
    """Seats by (connection, dialogue), each trusted for ``recheck_s`` after its check.

    Old entries are dropped as new ones come, so the cache holds only the connections that sent
    in the last moment: nothing needs to be told when a connection closes.

    Each event runs in its own greenlet: ten messages sent at once on one connection would all
    miss the cache while the first check waits for the database. ``seat`` lets one of them
    check and the others wait for its answer."""

    def __init__(
        self, recheck_s: float = RECHECK_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.recheck_s = recheck_s
        self.clock = clock
        self._seats: dict[tuple[str, str], tuple[Seat, float]] = {}
        self._pruned_at = clock()
        self._guard = threading.Lock()
        self._checking: dict[tuple[str, str], threading.Lock] = {}

    def seat(self, sid: str, dialogue_id: str, resolve: Callable[[], Seat]) -> Seat:
        """The cached seat, or the one ``resolve`` gives now (one caller at a time per key)."""
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
                key: kept for key, kept in self._seats.items() if now - kept[1] < self.recheck_s
            }
            self._pruned_at = now
        self._seats[(sid, seat.dialogue_id)] = (seat, now)
