"""Two server processes purging at the same moment on PostgreSQL: both succeed, each expired row
is deleted once, live rows stay."""

from __future__ import annotations

import threading

import pytest

from facilitator.app import create_app
from facilitator.extensions import db
from facilitator.ops import purge
from tests.conftest import migrate_to_head
from tests.ops.test_purge import LAPSED, LONG_AGO, MODELS, RECENTLY, seed, still_there


@pytest.fixture
def settings(settings, fresh_postgres_database):
    on_postgres = settings.with_(database_url=fresh_postgres_database)
    migrate_to_head(create_app(on_postgres))
    return on_postgres


def test_two_purges_at_once(app, make_member):
    old = seed(app, make_member, "old", LONG_AGO)
    live = seed(app, make_member, "live", RECENTLY)
    results: list[purge.Purged] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            results.append(purge.purge_now(app))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 2
    assert sum(r.login_sessions for r in results) == 1
    assert sum(r.knocks for r in results) == 2
    with app.app_context():
        assert still_there(db.session, old) == set(MODELS) - LAPSED
        assert still_there(db.session, live) == set(MODELS)
