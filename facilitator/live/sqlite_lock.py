"""Taking SQLite's write lock without stopping a gevent process (``live.store``)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

LOCK_POLL_S = (0.0002, 0.0005, 0.001, 0.002)  # then every 2 ms


def begin_writing(
    connection: sqlite3.Connection, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Begin a transaction holding SQLite's write lock (``BEGIN IMMEDIATE``), waiting for the
    lock here rather than in SQLite's busy handler, for as long as the connection's
    ``busy_timeout``.

    When another process (or another connection of this one) is writing to the file, the busy
    handler sleeps in C, 1, 2, 5, 10 ms and more, and under gevent that stops every greenlet of
    the process: the copies of the room's messages stop going out, and a greenlet of the same
    process that holds the lock cannot finish. ``time.sleep`` here is gevent's: they run."""
    timeout_ms = int(connection.execute("PRAGMA busy_timeout").fetchone()[0])
    connection.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + timeout_ms / 1000
        attempt = 0
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                busy = error.sqlite_errorcode == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise
            sleep(LOCK_POLL_S[min(attempt, len(LOCK_POLL_S) - 1)])
            attempt += 1
    finally:
        connection.execute(f"PRAGMA busy_timeout = {timeout_ms}")
