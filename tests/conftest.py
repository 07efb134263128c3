"""Fixtures: settings -> app -> db (a freshly migrated SQLite file per test) -> client.

Factories are callable fixtures. Services that a fresh machine may lack (PostgreSQL, Redis,
Chromium) make their tests skip with the reason, except on CI where that is an error.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from facilitator.accounts import service
from facilitator.app import create_app
from facilitator.core.db import commit_boundary
from facilitator.extensions import db as _db
from facilitator.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ORIGIN = "http://localhost"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "correct horse battery staple"


def need_service(reason: str) -> None:
    """Skip for a missing local service, but fail on CI, where every service must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """One Playwright for the whole run. Its sync API cannot be started twice at once, so every
    browser, the shared one and those launched with their own settings, is launched from it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture
def redis_client() -> Iterator[Any]:
    """A client of the Redis server at ``TEST_REDIS_URL``; skipped (failed on CI) without one."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        need_service(f"Redis not reachable at {REDIS_URL}: {error.__class__.__name__}")
    yield client
    client.close()


def migrate_to_head(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated through Alembic; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "facilitator.db"
    settings = Settings(secret_key="x" * 32, database_url=f"sqlite:///{path}", testing=True)
    migrate_to_head(create_app(settings))
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated_template: Path) -> Settings:
    database = tmp_path / "facilitator.db"
    shutil.copyfile(migrated_template, database)
    return Settings(
        secret_key="test-secret-key-" + "k" * 32,
        database_url=f"sqlite:///{database}",
        secure_cookies=False,
        public_origin=ORIGIN,
        testing=True,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    """The app, with no context pushed: each request gets its own, as in production.

    Tests that touch the database directly do it inside ``with app.app_context():``.
    """
    application = create_app(settings)
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    test_client = app.test_client()
    test_client.environ_base["HTTP_ORIGIN"] = ORIGIN
    return test_client


@dataclass(frozen=True)
class Member:
    id: int
    username: str
    role: str
    password: str
    totp_secret: str

    def code(self, offset_steps: int = 0) -> str:
        totp = pyotp.TOTP(self.totp_secret)
        return totp.at(time.time() + offset_steps * totp.interval)


@pytest.fixture
def make_member(app: Flask) -> Callable[..., Member]:
    """Create an active team account with the given role."""
    counter = iter(range(1, 10_000))

    def factory(role: str = "convener", username: str | None = None) -> Member:
        name = username or f"{role}{next(counter)}"
        key = app.extensions["facilitator.settings"].totp_key
        with app.app_context(), commit_boundary():
            account = service.create_convener(_db.session, name, PASSWORD, totp_key=key)
            account.role = role
            account.activated_at = account.created_at
            _db.session.flush()
            secret = service.totp_secret(account, key)
            member = Member(account.id, account.username, role, PASSWORD, secret)
        return member

    return factory


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token the page at ``path`` hands out (as a browser would read it)."""
    page = client.get(path).get_data(as_text=True)
    marker = 'name="csrf-token" content="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[[Member], FlaskClient]:
    def do(member: Member) -> FlaskClient:
        token = csrf_token(client)
        form = {"username": member.username, "password": member.password, "csrf_token": token}
        assert client.post("/login", data=form).status_code == 302
        token = csrf_token(client, "/login/code")
        response = client.post("/login/code", data={"code": member.code(), "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do


def post_form(client: FlaskClient, path: str, data: dict[str, Any], page: str = "/") -> Any:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


@contextmanager
def scratch_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the server at ``TEST_POSTGRES_URL``, dropped when the
    block ends; skipped (failed on CI) without that server."""
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


@pytest.fixture
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test, dropped afterwards."""
    with scratch_postgres_database() as url:
        yield url


@pytest.fixture
def artifacts() -> Path:
    """Where tests leave screenshots and renderings for people to look at (git-ignored)."""
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def live_app(settings):  # type: ignore[no-untyped-def]
    """The real app on a free 127.0.0.1 port, in a thread, over a fresh migrated SQLite file."""
    from werkzeug.serving import make_server

    from facilitator.app import create_app

    server = make_server("127.0.0.1", 0, None, threaded=True)  # type: ignore[arg-type]
    origin = f"http://127.0.0.1:{server.server_port}"
    app = create_app(settings.with_(public_origin=origin))
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_ORIGIN"] = origin
    yield app
    server.shutdown()
    server.server_close()
