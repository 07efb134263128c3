"""``facilitator backup create|restore|verify`` on SQLite and PostgreSQL: the restored copy has
every dialogue's epoch chain verified, a tampered epoch is caught, no secret is in a backup in
the clear, and a SQLite backup taken while the write-ahead log holds the newest pages has them."""

from __future__ import annotations

import base64
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from facilitator import td2
from facilitator.accounts import service
from facilitator.accounts.current import SESSION_TOKEN_KEY
from facilitator.app import create_app
from facilitator.cli import main
from facilitator.client import DialogueClient, FlaskTransport
from facilitator.core.db import commit_boundary
from facilitator.dialogues.current import DEVICE_TOKEN_KEY
from facilitator.extensions import db
from facilitator.ops.backup import (
    BackupError,
    TargetNotEmptyError,
    create_backup,
    prune_backups,
    restore_backup,
)
from facilitator.settings import Settings, totp_key_from_file
from tests.conftest import (
    ORIGIN,
    PASSWORD,
    ROOT,
    migrate_to_head,
    need_service,
    scratch_postgres_database,
)

# The newest revision the migrations folder holds, which a restored copy must be at.
HEAD = ScriptDirectory(str(ROOT / "migrations")).get_current_head()


@dataclass
class Installation:
    """A database with a real dialogue in it, and every secret that must stay out of a backup."""

    database_url: str
    key_file: Path
    dialogue_id: str = ""
    totp_secrets: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    convener_keyrings: dict = field(default_factory=dict)

    def settings(self) -> Settings:
        return Settings(
            secret_key="backup-test-" + "k" * 32,
            database_url=self.database_url,
            secure_cookies=False,
            public_origin=ORIGIN,
            testing=True,
            totp_key=totp_key_from_file(self.key_file),
        )

    def env(self, tmp_path: Path, database_url: str | None = None) -> dict[str, str]:
        return {
            "FACILITATOR_INSTANCE": str(tmp_path / "instance"),
            "SECRET_KEY": "backup-test-" + "k" * 32,
            "DATABASE_URL": database_url or self.database_url,
            "FACILITATOR_TOTP_KEY_FILE": str(self.key_file),
            "FACILITATOR_BACKUP_DIR": str(tmp_path / "backups"),
        }


def session_values(app, client: DialogueClient) -> list[str]:
    """The tokens a browser holds in its signed session cookie (login and device sessions)."""
    transport = client.transport
    assert isinstance(transport, FlaskTransport)
    cookie = transport.client.get_cookie("facilitator_session")
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    return [data[k] for k in (SESSION_TOKEN_KEY, DEVICE_TOKEN_KEY) if k in data]


def populate(installation: Installation) -> Installation:
    """A convener (signed in), a team member, a dialogue whose chain has a genesis and an epoch
    admitting a participant (with a device session), plus open setup and team links."""
    app = create_app(installation.settings())
    migrate_to_head(app)
    key = installation.settings().totp_key
    with app.app_context(), commit_boundary():
        installation.tokens.append(service.create_setup_link(db.session, 3600))
        accounts = []
        for name, role in [("samira", "convener"), ("omar", "facilitator")]:
            account = service.create_convener(db.session, name, PASSWORD, totp_key=key)
            account.role, account.activated_at = role, account.created_at
            accounts.append(account)
        db.session.flush()
        installation.tokens.append(
            service.create_invitation(db.session, accounts[0], "observer", 3600)
        )
        installation.totp_secrets += [service.totp_secret(a, key) for a in accounts]
    convener = DialogueClient(FlaskTransport(app.test_client(), ORIGIN))
    convener.sign_in("samira", PASSWORD, installation.totp_secrets[0])
    dialogue_id = convener.create_dialogue({"title": {"en": "Backup round trip"}})
    link = convener.invite_participant(dialogue_id)
    installation.tokens.append(link.partition("#")[2].partition(".")[0])  # the invite secret
    participant = DialogueClient(FlaskTransport(app.test_client(), ORIGIN))
    participant.knock(link)
    convener.approve(dialogue_id, convener.pending_knocks(dialogue_id))
    participant.open_device_session(dialogue_id)
    assert [s.number for s in convener.epochs(dialogue_id)] == [0, 1]
    installation.tokens += session_values(app, convener) + session_values(app, participant)
    installation.dialogue_id = dialogue_id
    installation.convener_keyrings = convener.keyrings
    with app.app_context():
        db.engine.dispose()
    return installation


def forms_of(installation: Installation) -> list[bytes]:
    """Each secret as text and as the bytes it encodes, the ways it could sit in a file."""
    forms = []
    for secret in installation.totp_secrets:
        forms += [secret.encode(), base64.b32decode(secret)]
    for token in installation.tokens:
        forms += [token.encode(), td2.b64u_decode(token)]
    return forms


def run(arguments: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(main, arguments, env=env, catch_exceptions=False)


def tamper_sqlite_backup(path: Path, dialogue_id: str) -> None:
    """Flip one bit of epoch 1's signature inside the backup file."""
    connection = sqlite3.connect(path)
    signature = connection.execute(
        "SELECT signature FROM epoch WHERE dialogue_id = ? AND number = 1", (dialogue_id,)
    ).fetchone()[0]
    raw = bytearray(td2.b64u_decode(signature))
    raw[0] ^= 1
    connection.execute(
        "UPDATE epoch SET signature = ? WHERE dialogue_id = ? AND number = 1",
        (td2.b64u_encode(bytes(raw)), dialogue_id),
    )
    connection.commit()
    connection.close()


def assert_signs_in(installation: Installation, database_url: str) -> None:
    """The restored copy is usable: the convener signs in with a TOTP code on it, and her
    device (its keys kept) verifies and opens every epoch."""
    app = create_app(installation.settings().with_(database_url=database_url))
    client = DialogueClient(FlaskTransport(app.test_client(), ORIGIN))
    client.sign_in_with_code("samira", PASSWORD, _next_code(installation.totp_secrets[0]))
    client.keyrings.update(installation.convener_keyrings)
    assert [s.number for s in client.epochs(installation.dialogue_id)] == [0, 1]
    with app.app_context():
        db.engine.dispose()


def _next_code(secret: str) -> str:
    import time

    import pyotp

    return pyotp.TOTP(secret).at(time.time() + 30)  # the source already accepted this step


@pytest.fixture
def sqlite_installation(tmp_path: Path) -> Installation:
    return populate(Installation(f"sqlite:///{tmp_path / 'source.db'}", tmp_path / "totp_key"))


def test_sqlite_round_trip_verifies_the_chain(sqlite_installation, tmp_path):
    env = sqlite_installation.env(tmp_path)
    created = run(["backup", "create"], env)
    assert created.exit_code == 0, created.output
    backup = Path(created.output.strip())
    assert backup.parent == tmp_path / "backups" and backup.name.endswith(".sqlite3")
    assert backup.stat().st_mode & 0o777 == 0o600
    assert backup.parent.stat().st_mode & 0o777 == 0o700
    content = backup.read_bytes()
    assert all(form not in content for form in forms_of(sqlite_installation))

    target = f"sqlite:///{tmp_path / 'restored' / 'facilitator.db'}"
    restored = run(["backup", "restore", str(backup)], {**env, "DATABASE_URL": target})
    assert restored.exit_code == 0, restored.output
    assert f"ok   migrations: at {HEAD} (current)" in restored.output
    assert f"ok   dialogue {sqlite_installation.dialogue_id}: 2 epochs verify" in restored.output
    assert "ok   two-factor keys: 2 accounts open under this totp_key" in restored.output
    assert_signs_in(sqlite_installation, target)

    verified = run(["backup", "verify", str(backup)], env)
    assert verified.exit_code == 0 and "2 epochs verify" in verified.output


def test_a_tampered_epoch_in_the_backup_fails_the_check(sqlite_installation, tmp_path):
    env = sqlite_installation.env(tmp_path)
    backup = create_backup(sqlite_installation.database_url, tmp_path / "backups")
    tamper_sqlite_backup(backup, sqlite_installation.dialogue_id)
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    restored = run(["backup", "restore", str(backup)], {**env, "DATABASE_URL": target})
    assert restored.exit_code == 1
    assert f"FAIL dialogue {sqlite_installation.dialogue_id}: epoch chain does not verify" in (
        restored.output
    )
    assert "not signed by a steward" in restored.output
    assert run(["backup", "verify", str(backup)], env).exit_code == 1


def test_restore_refuses_a_database_that_holds_tables_unless_forced(sqlite_installation, tmp_path):
    env = sqlite_installation.env(tmp_path)
    backup = create_backup(sqlite_installation.database_url, tmp_path / "backups")
    other = Installation(f"sqlite:///{tmp_path / 'other.db'}", sqlite_installation.key_file)
    migrate_to_head(create_app(other.settings()))
    refused = run(["backup", "restore", str(backup)], {**env, "DATABASE_URL": other.database_url})
    assert refused.exit_code == 1 and "--force" in refused.output
    engine = create_engine(other.database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM dialogue")).scalar_one() == 0
    forced = run(
        ["backup", "restore", "--force", str(backup)], {**env, "DATABASE_URL": other.database_url}
    )
    assert forced.exit_code == 0, forced.output
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM dialogue")).scalar_one() == 1
    engine.dispose()


def test_restore_with_another_totp_key_says_which_file_is_missing(sqlite_installation, tmp_path):
    env = sqlite_installation.env(tmp_path)
    backup = create_backup(sqlite_installation.database_url, tmp_path / "backups")
    env["FACILITATOR_TOTP_KEY_FILE"] = str(tmp_path / "a-new-key")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.db'}"
    restored = run(["backup", "restore", str(backup)], env)
    assert restored.exit_code == 1
    assert "FAIL two-factor keys: 2 of 2 accounts" in restored.output
    assert "put back the totp_key file" in restored.output


def test_a_sqlite_backup_includes_pages_still_in_the_write_ahead_log(tmp_path):
    source = tmp_path / "wal.db"
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # nothing reaches the main file on its own
    writer.execute("CREATE TABLE note (body TEXT)")
    writer.commit()
    writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    writer.execute("INSERT INTO note VALUES ('newest row, only in the WAL')")
    writer.commit()
    try:
        assert b"newest row, only in the WAL" not in source.read_bytes()
        assert b"newest row, only in the WAL" in source.with_name("wal.db-wal").read_bytes()
        backup = create_backup(f"sqlite:///{source}", tmp_path / "backups")
    finally:
        writer.close()
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT body FROM note").fetchall() == [("newest row, only in the WAL",)]
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copy.close()
    assert not backup.with_name(backup.name + "-wal").exists()


def test_retention_keeps_the_newest_backups_and_nothing_else_is_touched(tmp_path):
    source = tmp_path / "small.db"
    sqlite3.connect(source).close()
    folder = tmp_path / "backups"
    made = [
        create_backup(f"sqlite:///{source}", folder, datetime(2026, 12, day, 3, 0, tzinfo=UTC))
        for day in (1, 2, 3, 4)
    ]
    unrelated = folder / "notes.txt"
    unrelated.write_text("kept")
    assert prune_backups(folder, keep=2) == made[:2]
    assert sorted(folder.iterdir()) == sorted([*made[2:], unrelated])
    assert made[3].name == "facilitator-20261204T030000Z.sqlite3"
    with pytest.raises(BackupError):
        create_backup(f"sqlite:///{source}", folder, datetime(2026, 12, 4, 3, 0, tzinfo=UTC))
    assert not [p for p in folder.iterdir() if p.name.endswith(".partial")]


def test_a_backup_of_one_kind_is_not_restored_into_the_other(sqlite_installation, tmp_path):
    backup = create_backup(sqlite_installation.database_url, tmp_path / "backups")
    with pytest.raises(BackupError, match="is a sqlite backup; the target is a postgresql"):
        restore_backup(backup, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    not_a_backup = tmp_path / "facilitator-20261201T000000Z.sqlite3"
    not_a_backup.write_bytes(b"hello")
    with pytest.raises(BackupError, match="neither a SQLite database nor a pg_dump"):
        restore_backup(not_a_backup, f"sqlite:///{tmp_path / 'x.db'}")


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgresql_round_trip_verifies_the_chain(fresh_postgres_database, tmp_path):
    import shutil

    if shutil.which("pg_dump") is None:
        need_service("pg_dump is not installed (Debian: postgresql-client)")
    installation = populate(Installation(fresh_postgres_database, tmp_path / "totp_key"))
    env = installation.env(tmp_path)
    created = run(["backup", "create", "--keep", "1"], env)
    assert created.exit_code == 0, created.output
    backup = Path(created.output.strip())
    assert backup.name.endswith(".pgdump") and backup.stat().st_mode & 0o777 == 0o600
    assert backup.read_bytes().startswith(b"PGDMP")
    # A custom archive compresses table data: look inside its plain-SQL rendering too.
    import subprocess

    plain = subprocess.run(
        ["pg_restore", "--file=-", str(backup)], capture_output=True, check=True
    ).stdout
    assert b"COPY public.epoch" in plain
    for form in forms_of(installation):
        assert form not in backup.read_bytes() and form not in plain

    with scratch_postgres_database() as target:
        restored = run(["backup", "restore", str(backup)], {**env, "DATABASE_URL": target})
        assert restored.exit_code == 0, restored.output
        assert f"ok   dialogue {installation.dialogue_id}: 2 epochs verify" in restored.output
        assert f"ok   migrations: at {HEAD} (current)" in restored.output
        assert_signs_in(installation, target)
        again = run(["backup", "restore", str(backup)], {**env, "DATABASE_URL": target})
        assert again.exit_code == 1 and "--force" in again.output
        forced = run(["backup", "restore", "--force", str(backup)], {**env, "DATABASE_URL": target})
        assert forced.exit_code == 0, forced.output

    engine = create_engine(fresh_postgres_database)
    with engine.begin() as connection:  # the damage happens before the backup is taken
        connection.execute(
            text("UPDATE epoch SET record_hash = :h WHERE number = 1"),
            {"h": td2.b64u_encode(bytes(32))},
        )
    engine.dispose()
    tampered = create_backup(fresh_postgres_database, tmp_path / "tampered")
    verified = run(["backup", "verify", str(tampered)], env)
    assert verified.exit_code == 1
    assert f"FAIL dialogue {installation.dialogue_id}: a stored record hash differs" in (
        verified.output
    )


@pytest.mark.postgres
def test_restore_refuses_a_non_empty_postgresql_target(fresh_postgres_database, tmp_path):
    source = populate(Installation(fresh_postgres_database, tmp_path / "totp_key"))
    backup = create_backup(source.database_url, tmp_path / "backups")
    with pytest.raises(TargetNotEmptyError):
        restore_backup(backup, source.database_url)


def test_a_pg_dump_older_than_the_server_is_refused_with_what_to_install(tmp_path, monkeypatch):
    from facilitator.ops import backup as backup_module

    tools = tmp_path / "15" / "bin"
    tools.mkdir(parents=True)
    old = tools / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.14'\n")
    old.chmod(0o755)
    monkeypatch.setattr(backup_module, "PG_BIN_ROOT", tmp_path)
    with pytest.raises(BackupError, match="older than the PostgreSQL 15 server: install postgresql-client-15"):
        backup_module._pg_tool("pg_dump", 15)
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)'\n")
    assert backup_module._pg_tool("pg_dump", 15) == str(old)
