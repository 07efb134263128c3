"""Group commit: messages to one dialogue that arrive while its last transaction is being written
are stored together in the next one.

Every message of a room takes the dialogue's row to get its ``seq``, so one transaction at a
time can write to a room, and each waits for its commit to reach the disk. Alone, a message is
stored in a transaction of its own. Under load, the first caller to find the room
free becomes the *leader*: it takes every message waiting, writes them in one transaction with
one commit, and hands each caller its own outcome (a ``seq``, or the error for that message
alone). Callers whose message a leader took return as soon as the room is free again; the
others lead the next batch. Nothing is acknowledged before its batch is committed.

It works with real threads and with gevent (whose patched ``threading.Lock`` and ``time.sleep``
let other greenlets run while the leader waits for the database).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Pending(Generic[T]):
    """One message waiting for its batch: filled in with ``seq`` or ``error``."""

    __slots__ = ("done", "error", "item", "seq")

    def __init__(self, item: T) -> None:
        self.item = item
        self.seq: int | None = None
        self.error: BaseException | None = None
        self.done = False


class GroupCommit(Generic[T]):
    def __init__(self) -> None:
        self._guard = threading.Lock()  # around the waiting lists only, never held for I/O
        self._waiting: dict[str, list[Pending[T]]] = {}
        self._rooms: dict[str, threading.Lock] = {}

    def submit(self, key: str, item: T, write: Callable[[list[Pending[T]]], None]) -> Pending[T]:
        """Queue ``item`` for ``key`` and return once a batch holding it was written.

        ``write`` stores a batch in one transaction, in order, setting each one's ``seq`` or
        ``error``; if it raises, every message of the batch that has neither gets that error.
        """
        pending = Pending(item)
        with self._guard:
            self._waiting.setdefault(key, []).append(pending)
            room = self._rooms.setdefault(key, threading.Lock())
        with room:
            if pending.done:
                return pending
            time.sleep(0)  # let callers that are already running join this batch
            with self._guard:
                batch = self._waiting.pop(key, [])
            try:
                write(batch)
            except Exception as error:
                for each in batch:
                    if each.seq is None and each.error is None:
                        each.error = error
            finally:
                for each in batch:
                    each.done = True
        return pending
