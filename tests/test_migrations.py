"""The schema Alembic migrations build equals the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from facilitator.app import create_app
from facilitator.extensions import db
from facilitator.settings import Settings
from tests.conftest import migrate_to_head


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


@pytest.mark.postgres
def test_migrations_equal_models_on_postgresql(fresh_postgres_database):
    assert differences(fresh_postgres_database) == []
