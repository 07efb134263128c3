"""The per-connection flood limit: at most ``limit`` messages in any ``window_s`` (a moving
window, as ``limits``' moving-window strategy counts it).

Kept here rather than in ``limits``' in-memory storage, whose expiry timer wakes every 10 ms
and walks every key: with a thousand connections in a plenary that costs more than the room.
A connection's timestamps are dropped once they are older than the window, so nothing needs to
be told when a connection closes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class FloodLimit:
    def __init__(
        self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._pruned_at = clock()

    def hit(self, key: str) -> bool:
        """Count one message for ``key``; False (and not counted) when the window is full."""
        now = self.clock()
        if now - self._pruned_at >= self.window_s:
            self._prune(now)
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
        while hits and now - hits[0] >= self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def _prune(self, now: float) -> None:
        self._hits = {
            key: hits for key, hits in self._hits.items() if hits and now - hits[-1] < self.window_s
        }
        self._pruned_at = now
