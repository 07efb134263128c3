"""CPU time of the processes a benchmark run involves, read from ``/proc`` (Linux, loopback).

The servers' own processes are what "server CPU per delivery" counts. PostgreSQL backends and
Redis do work for the live room too; they are counted apart so that both figures can be shown.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process, or 0 once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time spent by everything on the machine (all cores), from ``/proc/stat``."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


class Helpers:
    """The PostgreSQL backends serving one database and the Redis server, if any."""

    def __init__(self, database_url: str, redis_url: str) -> None:
        self.database_url = database_url
        self.redis_url = redis_url
        self._before: dict[int, float] = {}

    def _database_pids(self) -> list[int]:
        if not self.database_url:
            return []
        url = make_url(self.database_url)
        if url.get_backend_name() != "postgresql":
            return []  # SQLite runs inside the server process
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
                return [int(row[0]) for row in rows]
        finally:
            engine.dispose()

    def _redis_pids(self) -> list[int]:
        if not self.redis_url:
            return []
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            return [int(client.info("server")["process_id"])]
        finally:
            client.close()

    def _snapshot(self) -> dict[int, float]:
        return {pid: cpu_seconds(pid) for pid in self._database_pids() + self._redis_pids()}

    def start(self) -> None:
        self._before = self._snapshot()

    def stop(self) -> tuple[float, float]:
        """CPU seconds since ``start``: (database backends, Redis)."""
        redis_pids = set(self._redis_pids())
        database = queue = 0.0
        for pid, now in self._snapshot().items():
            spent = now - self._before.get(pid, 0.0)
            if pid in redis_pids:
                queue += spent
            else:
                database += spent
        return database, queue
