"""A pooled PostgreSQL connection is checked before use without a round trip (``core.db``):
one the server closed is replaced, and a healthy one is kept."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import create_engine, text

from facilitator.app import create_app
from facilitator.extensions import db
from facilitator.settings import Settings

pytestmark = pytest.mark.postgres


def backend_pid() -> int:
    """The server process behind the connection the pool hands out next."""
    pid = int(db.session.execute(text("SELECT pg_backend_pid()")).scalar_one())
    db.session.remove()  # back to the pool
    return pid


def terminate(database_url: str, pid: int) -> None:
    """Close the connection from the server's side, as a restart or an idle timeout does, and
    wait for the server process to exit (its socket is closed then, not when it leaves
    ``pg_stat_activity``). The test server runs on this machine (127.0.0.1)."""
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    admin.dispose()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass  # another user's process, still running
        time.sleep(0.01)


@pytest.fixture
def app(fresh_postgres_database):
    app = create_app(Settings(secret_key="k" * 32, database_url=fresh_postgres_database))
    with app.app_context():
        yield app
        db.engine.dispose()


def test_a_healthy_connection_is_kept(app):
    assert backend_pid() == backend_pid() == backend_pid()


def test_a_connection_the_server_closed_is_replaced_before_use(app, fresh_postgres_database):
    first = backend_pid()
    terminate(fresh_postgres_database, first)
    second = backend_pid()  # no error: the closed connection was never used
    assert second != first
    assert backend_pid() == second
