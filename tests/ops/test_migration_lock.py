"""Several processes upgrading one database at once: one migrates, the others wait.

Each upgrade runs in a process of its own (Alembic's ``context`` is process-global). The
processes are held at a gate until all of them have built their app, then released together,
so without the lock they reliably collide on creating ``alembic_version``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, text

from facilitator import PROJECT_ROOT
from facilitator.ops.migration_lock import MIGRATION_LOCK_KEY

# Build the app, say so, wait for a line on stdin, then upgrade (as `facilitator serve` does).
GATED_UPGRADE = """
import sys
from flask_migrate import upgrade
from facilitator.app import create_app
app = create_app()
print("ready", flush=True)
sys.stdin.readline()
with app.app_context():
    upgrade()
"""


def head() -> str:
    return ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head() or ""


def revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def lock_waiters(url: str) -> int:
    """Backends waiting for the migration lock, as PostgreSQL itself reports them."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                        " AND NOT granted AND database = (SELECT oid FROM pg_database"
                        " WHERE datname = current_database())"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def wait_until(condition, what: str, processes=()) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while not condition():
        for process in processes:
            assert process.poll() is None, (what, process.communicate())
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def env_for(url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "FACILITATOR_INSTANCE": str(tmp_path),
            "SECRET_KEY": "k" * 32}


def upgrade_together(url: str, tmp_path: Path, count: int) -> None:
    """``count`` upgrades released at the same instant; every one must succeed."""
    processes = [
        subprocess.Popen([sys.executable, "-c", GATED_UPGRADE], env=env_for(url, tmp_path),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
        for _ in range(count)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in processes:  # open the gate for all of them at once
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=120)[0] for process in processes]
        assert [process.returncode for process in processes] == [0] * count, outputs
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.mark.postgres
def test_concurrent_upgrades_on_postgresql_all_succeed(fresh_postgres_database, tmp_path):
    upgrade_together(fresh_postgres_database, tmp_path, 4)
    assert revision(fresh_postgres_database) == head()


def test_concurrent_upgrades_on_sqlite_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'facilitator.db'}"
    upgrade_together(url, tmp_path, 3)
    assert revision(url) == head()


@pytest.mark.postgres
def test_an_upgrade_waits_for_the_lock_then_migrates(fresh_postgres_database, tmp_path):
    url = fresh_postgres_database
    holder = create_engine(url, isolation_level="AUTOCOMMIT")
    command = [str(Path(sys.executable).parent / "facilitator"), "db", "upgrade"]
    with holder.connect() as connection:
        connection.execute(select(func.pg_advisory_lock(MIGRATION_LOCK_KEY)))
        upgrade = subprocess.Popen(command, env=env_for(url, tmp_path),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_until(lambda: lock_waiters(url) == 1, "the upgrade to wait", [upgrade])
            assert upgrade.poll() is None
            assert revision(url) is None  # nothing was created while it waited
            connection.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK_KEY)))
            output = upgrade.communicate(timeout=120)[0]
        finally:
            if upgrade.poll() is None:
                upgrade.kill()
                upgrade.wait()
    holder.dispose()
    assert upgrade.returncode == 0, output
    assert revision(url) == head()
