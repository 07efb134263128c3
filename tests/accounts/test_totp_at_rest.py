"""TOTP secrets are sealed under the instance's key: the database never holds one in the clear,
sign-in still works, and a wrong key fails closed with a clear 503."""

from __future__ import annotations

import base64
import re
import secrets
import sqlite3
import time
from pathlib import Path

import pyotp
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from facilitator.accounts import service
from facilitator.accounts.errors import TotpKeyError
from facilitator.accounts.models import Account
from facilitator.app import create_app
from facilitator.core.db import commit_boundary
from facilitator.extensions import db
from facilitator.settings import Settings, TotpKeyFileError, totp_key_from_file
from tests.accounts.test_enrolment import confirm_totp, enrol, setup_link
from tests.conftest import ORIGIN, csrf_token


def secret_forms(secret: str) -> list[bytes]:
    """The ways a base32 secret could sit in a file: as text, and as the raw key bytes."""
    return [secret.encode(), secret.lower().encode(), base64.b32decode(secret)]


def sqlite_bytes(database_url: str) -> bytes:
    """The database file and its write-ahead log, as a thief copying the folder would get them."""
    path = Path(database_url.removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def stored_column(app) -> bytes:
    with app.app_context():
        return bytes(db.session.execute(text("SELECT totp_secret_sealed FROM account")).scalar_one())


def test_enrolment_and_sign_in_never_store_the_secret_in_the_clear(app, client, settings):
    token = setup_link(app)
    enrol(client, f"/setup#{token}")
    page = client.get("/enrol/totp").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert confirm_totp(client).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    form = {"username": "samira", "password": "a long enough passphrase"}
    assert client.post("/login", data={**form, "csrf_token": csrf_token(client)}).status_code == 302
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the next step: the enrolment used this one
    signed_in = client.post(
        "/login/code", data={"code": code, "csrf_token": csrf_token(client, "/login/code")}
    )
    assert signed_in.status_code == 302 and client.get("/").status_code == 200

    column = stored_column(app)
    everything = sqlite_bytes(settings.database_url)
    for form_of_secret in secret_forms(secret):
        assert form_of_secret not in column
        assert form_of_secret not in everything


def test_a_wrong_key_fails_closed_with_a_clear_error(app, settings, make_member):
    member = make_member("convener")
    other = create_app(settings.with_(totp_key=secrets.token_bytes(32)))
    client = other.test_client()
    client.environ_base["HTTP_ORIGIN"] = ORIGIN
    form = {"username": member.username, "password": member.password}
    assert client.post("/login", data={**form, "csrf_token": csrf_token(client)}).status_code == 302
    response = client.post(
        "/login/code", data={"code": member.code(), "csrf_token": csrf_token(client, "/login/code")}
    )
    assert response.status_code == 503
    assert "cannot read its two-factor authentication keys" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302, "not signed in"
    with other.app_context():
        assert db.session.get(Account, member.id).totp_last_step == 0
        db.engine.dispose()


def test_a_sealed_secret_copied_to_another_account_does_not_open(app, settings, make_member):
    victim, intruder = make_member("convener"), make_member("observer")
    with app.app_context(), commit_boundary():
        known = db.session.get(Account, intruder.id)
        db.session.get(Account, victim.id).totp_secret_sealed = known.totp_secret_sealed
    with app.app_context():
        with pytest.raises(TotpKeyError):
            service.totp_secret(db.session.get(Account, victim.id), settings.totp_key)
        assert service.totp_secret(db.session.get(Account, intruder.id), settings.totp_key) == (
            intruder.totp_secret
        )


def test_the_migration_seals_existing_secrets_and_leaves_no_plaintext(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'old.db'}"
    key = totp_key_from_file(tmp_path / "totp_key")
    app = create_app(Settings(secret_key="k" * 32, database_url=database_url, totp_key=key))
    secret = pyotp.random_base32(length=32)
    with app.app_context():
        upgrade(revision="0004")
        db.session.execute(
            text(
                "INSERT INTO account (username, password_hash, role, totp_secret, totp_last_step,"
                " created_at) VALUES ('old', 'x', 'convener', :secret, 0, '2026-01-01')"
            ),
            {"secret": secret},
        )
        db.session.commit()
        upgrade()
        account = db.session.scalar(select(Account))
        assert service.totp_secret(account, key) == secret
        db.engine.dispose()
    raw = sqlite3.connect(tmp_path / "old.db")
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    for form_of_secret in secret_forms(secret):
        assert form_of_secret not in sqlite_bytes(database_url)
    with app.app_context():
        downgrade(revision="0004")
        stored = db.session.execute(text("SELECT totp_secret FROM account")).scalar_one()
        assert stored == secret
        db.engine.dispose()


def test_the_key_file_is_private_stable_and_checked(tmp_path):
    path = tmp_path / "instance" / "totp_key"
    key = totp_key_from_file(path)
    assert len(key) == 32 and path.stat().st_mode & 0o777 == 0o600
    assert totp_key_from_file(path) == key
    assert Settings.from_env(
        {"FACILITATOR_INSTANCE": str(tmp_path / "instance"), "SECRET_KEY": "s" * 32}
    ).totp_key == key
    assert list(path.parent.iterdir()) == [path], "no scratch file left behind"
    path.write_text("not a key\n")
    with pytest.raises(TotpKeyFileError):
        totp_key_from_file(path)
