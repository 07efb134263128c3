"""Backups of the database: one file per backup, taken while the server runs.

PostgreSQL is copied with ``pg_dump --format=custom`` and put back with ``pg_restore``; SQLite with
its online backup API (``sqlite3.Connection.backup``), which copies one consistent snapshot,
pages still in the write-ahead log included, then ``VACUUM``s the copy so that no free page keeps
a row deleted before the backup.

A backup holds ciphertext the server cannot read, Argon2id password hashes, SHA-256 hashes of
tokens and TOTP secrets sealed under the instance's ``totp_key``: no secret in the clear. The
instance's key files (``secret_key``, ``totp_key``) are not in it; the administrator keeps them
in a separate safe place, and a restore needs the same ``totp_key`` for anyone to sign in.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, MetaData, create_engine, inspect, make_url, text
from sqlalchemy.engine import Engine

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
EXTENSIONS = {SQLITE: "sqlite3", POSTGRESQL: "pgdump"}
NAME = re.compile(r"^facilitator-\d{8}T\d{6}Z\.(sqlite3|pgdump)$")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PGDUMP_MAGIC = b"PGDMP"
PG_BIN_ROOT = Path("/usr/lib/postgresql")
TOOL_TIMEOUT_S = 6 * 60 * 60


class BackupError(Exception):
    """Why a backup or a restore could not be made; the message says what to do."""


class TargetNotEmptyError(BackupError):
    """The restore target already holds tables, and ``force`` was not given."""


@dataclass(frozen=True)
class Database:
    """Where the data lives, from a SQLAlchemy URL: a SQLite file or a PostgreSQL database."""

    url: URL

    @classmethod
    def from_url(cls, database_url: str) -> Database:
        url = make_url(database_url)
        if url.get_backend_name() not in EXTENSIONS:
            raise BackupError(f"Backups support SQLite and PostgreSQL, not {url.drivername}.")
        if url.get_backend_name() == SQLITE and not url.database:
            raise BackupError("An in-memory SQLite database cannot be backed up.")
        return cls(url)

    @property
    def kind(self) -> str:
        return str(self.url.get_backend_name())

    @property
    def sqlite_path(self) -> Path:
        return Path(str(self.url.database))

    def engine(self) -> Engine:
        return create_engine(self.url)


def backup_name(kind: str, now: datetime) -> str:
    return f"facilitator-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.{EXTENSIONS[kind]}"


def backup_kind_of_file(path: Path) -> str:
    """What a backup file holds, by its first bytes (never by its name)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from error
    if head.startswith(_SQLITE_MAGIC):
        return SQLITE
    if head.startswith(_PGDUMP_MAGIC):
        return POSTGRESQL
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump custom archive.")


# --- create -------------------------------------------------------------------------------


def create_backup(database_url: str, directory: Path, now: datetime | None = None) -> Path:
    """Write a new backup into ``directory`` (created 0700) as a 0600 file and return its path.

    The copy is written under a hidden ``.partial`` name and linked to its final name only once
    complete: a failed or interrupted backup never looks like a backup."""
    database = Database.from_url(database_url)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = directory / backup_name(database.kind, now or datetime.now(UTC))
    if final.exists():
        raise BackupError(f"{final} already exists; wait a second and try again.")
    partial = directory / f".{final.name}.partial"
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if database.kind == SQLITE:
            _sqlite_copy(database.sqlite_path, partial)
        else:
            _pg_dump(database, partial)
        os.link(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return final


def _sqlite_copy(source: Path, destination: Path) -> None:
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    reader = sqlite3.connect(source)
    writer = sqlite3.connect(destination)
    try:
        reader.backup(writer)  # one step: a single consistent snapshot, WAL pages included
        writer.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        writer.execute("VACUUM")
    finally:
        writer.close()
        reader.close()


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``directory``; return what was deleted.

    Only files named as ``create_backup`` names them are touched; the timestamp in the name
    orders them."""
    if keep < 1:
        raise BackupError("--keep must be at least 1.")
    ours = sorted(p for p in directory.iterdir() if p.is_file() and NAME.match(p.name))
    doomed = ours[:-keep]
    for path in doomed:
        path.unlink()
    return doomed


# --- PostgreSQL tools -----------------------------------------------------------------------


def _libpq(database: Database) -> tuple[str, dict[str, str]]:
    """The connection URI for pg_dump/pg_restore, and an environment holding the password (an
    argument would show it to every user of the machine in the process list)."""
    uri = database.url.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if database.url.password:
        env["PGPASSWORD"] = str(database.url.password)
    return uri.render_as_string(hide_password=False), env


def _server_major(database: Database) -> int:
    engine = database.engine()
    try:
        with engine.connect() as connection:
            number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    except Exception as error:
        raise BackupError(
            f"Cannot reach the PostgreSQL server: {error.__class__.__name__}."
        ) from error
    finally:
        engine.dispose()
    return number // 10000


def _pg_tool(name: str, server_major: int) -> str:
    """The tool matching the server's major version: Debian installs each client version under
    ``/usr/lib/postgresql/N/bin``; otherwise the one on PATH, if it is new enough (pg_dump
    refuses a newer server, and an older pg_restore cannot read a newer archive)."""
    candidate = PG_BIN_ROOT / str(server_major) / "bin" / name
    path = str(candidate) if candidate.is_file() else shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install postgresql-client-{server_major}.")
    output = subprocess.run(  # noqa: S603 - a fixed tool, no shell
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    if found is None or int(found.group(1)) < server_major:
        raise BackupError(
            f"{path} ({output.strip()}) is older than the PostgreSQL {server_major} server: "
            f"install postgresql-client-{server_major}."
        )
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed tools, no shell
        command, env=env, capture_output=True, text=True, check=False, timeout=TOOL_TIMEOUT_S
    )
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed ({result.returncode}): {result.stderr.strip()}")


def _pg_dump(database: Database, destination: Path) -> None:
    tool = _pg_tool("pg_dump", _server_major(database))
    uri, env = _libpq(database)
    _run([tool, "--format=custom", f"--file={destination}", f"--dbname={uri}"], env)


def _pg_restore(source: Path, database: Database) -> None:
    tool = _pg_tool("pg_restore", _server_major(database))
    uri, env = _libpq(database)
    command = [
        tool,
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={uri}",
        str(source),
    ]
    _run(command, env)


# --- restore --------------------------------------------------------------------------------


def table_names(database: Database) -> list[str]:
    engine = database.engine()
    try:
        return list(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def restore_backup(source: Path, database_url: str, *, force: bool = False) -> None:
    """Put the backup ``source`` into the database at ``database_url``.

    A target that holds tables is refused unless ``force``; with ``force`` its tables are
    dropped first. The servers must be stopped while this runs."""
    database = Database.from_url(database_url)
    kind = backup_kind_of_file(source)
    if kind != database.kind:
        raise BackupError(f"{source} is a {kind} backup; the target is a {database.kind} database.")
    if database.kind == SQLITE:
        database.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    existing = table_names(database)
    if existing and not force:
        raise TargetNotEmptyError(
            f"The target database already holds {len(existing)} tables; "
            "restore into an empty database, or pass --force to replace it."
        )
    if database.kind == SQLITE:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        writer = sqlite3.connect(database.sqlite_path)
        try:
            reader.backup(writer)  # replaces every page of the target
        finally:
            writer.close()
            reader.close()
        return
    if existing:
        _drop_all_tables(database)
    _pg_restore(source, database)


def _drop_all_tables(database: Database) -> None:
    engine = database.engine()
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
    finally:
        engine.dispose()


# --- verify ---------------------------------------------------------------------------------


@contextmanager
def scratch_restore(source: Path, database_url: str) -> Iterator[str]:
    """The URL of a throwaway database holding the backup ``source``, removed afterwards.

    A SQLite backup goes to a temporary folder; a PostgreSQL one to a new database on the
    server ``database_url`` names (its user needs the CREATEDB right)."""
    kind = backup_kind_of_file(source)
    if kind == SQLITE:
        with tempfile.TemporaryDirectory(prefix="facilitator-verify-") as folder:
            url = f"sqlite:///{Path(folder) / 'copy.db'}"
            restore_backup(source, url)
            yield url
        return
    server = Database.from_url(database_url)
    if server.kind != POSTGRESQL:
        raise BackupError("Checking a PostgreSQL backup needs DATABASE_URL on a PostgreSQL server.")
    name = f"facilitator_verify_{secrets.token_hex(6)}"
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = server.url.set(database=name).render_as_string(hide_password=False)
            restore_backup(source, url)
            yield url
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
