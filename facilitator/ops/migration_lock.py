"""One schema upgrade at a time, however many processes start together.

Every ``facilitator serve`` process upgrades the schema before it serves, and a deployment starts
several at once (plus ``facilitator db upgrade`` from an administrator). Two concurrent Alembic
upgrades of an empty database both find no schema and both create it: the second fails on
PostgreSQL at ``alembic_version`` (the first one's committed catalog row) and on SQLite at the
first table (its DDL is not held back by a transaction). On a migrated database two of them
could both apply the same new revision. So ``migrations/env.py`` runs every upgrade inside
``migration_lock``; whoever comes second waits, then finds the schema at head and does nothing.

- PostgreSQL: a session-level advisory lock on a fixed key, held on a connection of its own for
  as long as the upgrade runs. That connection is in autocommit, so it is never an idle
  transaction that a server timeout would end; the upgrade's own connection stays an ordinary
  transactional one. Processes on several hosts share it, as they share the database.
- SQLite: the database is a file on one machine, so an exclusive ``flock`` on a file beside it
  (``<database>.migration-lock``) serialises the processes that open it. An in-memory database
  belongs to one process and needs nothing.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, select

# Any fixed 64-bit number works; advisory lock keys are scoped to one database.
MIGRATION_LOCK_KEY = 0x46_41_43_49_4C_49_54_41  # "FACILITA" in ASCII


@contextmanager
def _postgresql_lock(engine: Engine) -> Iterator[None]:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(select(func.pg_advisory_lock(MIGRATION_LOCK_KEY)))
        try:
            yield
        finally:
            connection.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK_KEY)))


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield


def sqlite_lock_path(engine: Engine) -> Path | None:
    """The lock file beside a SQLite database file; None for an in-memory database."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + ".migration-lock")


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold the migration lock of ``engine``'s database for the body of the ``with``."""
    if engine.dialect.name == "postgresql":
        with _postgresql_lock(engine):
            yield
        return
    path = sqlite_lock_path(engine) if engine.dialect.name == "sqlite" else None
    if path is None:
        yield
        return
    with _file_lock(path):
        yield
