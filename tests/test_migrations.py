"""The schema Alembic migrations build equals the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, make_url, text

from facilitator import create_app
from facilitator.extensions import db
from facilitator.settings import Settings
from tests.conftest import migrate_to_head, need_service

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def differences(database_url: str) -> list[object]:
    app = create_app(Settings(secret_key="k" * 32, database_url=database_url, testing=True))
    migrate_to_head(app)
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
        tables = set(inspect(connection).get_table_names())
    with app.app_context():
        db.engine.dispose()
    assert {"account", "login_session", "one_time_link", "alembic_version"} <= tables
    return diff


def test_migrations_equal_models_on_sqlite(tmp_path):
    assert differences(f"sqlite:///{tmp_path / 'schema.db'}") == []


@pytest.fixture
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test, dropped afterwards."""
    admin_url = make_url(POSTGRES_URL)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        admin.connect().close()
    except Exception as error:
        need_service(f"PostgreSQL not reachable at {POSTGRES_URL}: {error.__class__.__name__}")
    name = f"facilitator_schema_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_migrations_equal_models_on_postgresql(fresh_postgres_database):
    assert differences(fresh_postgres_database) == []
