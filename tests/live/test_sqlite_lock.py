"""On SQLite a batch waits for the file's write lock in Python, not in SQLite's busy handler,
which would stop every greenlet of a gevent process while it sleeps (``sqlite_lock.begin_writing``)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from facilitator.live.sqlite_lock import begin_writing


def _file_with_a_writer(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.commit()
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    return holder


def test_the_wait_for_the_lock_lets_the_holder_finish(tmp_path: Path):
    holder = _file_with_a_writer(tmp_path / "room.db")
    writer = sqlite3.connect(tmp_path / "room.db", timeout=2)
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # where gevent runs the other greenlets
        waits.append(seconds)
        if len(waits) == 3:
            holder.commit()

    begin_writing(writer, sleep)

    assert len(waits) == 3 and all(0 < each <= 0.002 for each in waits)
    assert writer.in_transaction
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        holder.execute("BEGIN IMMEDIATE")  # the writer holds the lock now
    writer.execute("INSERT INTO t VALUES (2)")
    writer.commit()
    assert writer.execute("PRAGMA busy_timeout").fetchone()[0] == 2000
    assert sorted(row[0] for row in writer.execute("SELECT x FROM t")) == [1, 2]


def test_a_lock_held_past_the_busy_timeout_is_an_error_and_begins_nothing(tmp_path: Path):
    holder = _file_with_a_writer(tmp_path / "room.db")
    writer = sqlite3.connect(tmp_path / "room.db", timeout=0.05)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    with pytest.raises(sqlite3.OperationalError, match="locked"):
        begin_writing(writer, sleep)

    assert waits, "it waited before giving up"
    assert not writer.in_transaction
    assert writer.execute("PRAGMA busy_timeout").fetchone()[0] == 50
    holder.rollback()
