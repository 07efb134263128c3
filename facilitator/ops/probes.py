"""The facts the doctor judges: the database, Redis, the running server, the clock, the disk.

Each probe gives up after a few seconds and reports a failure as a short text rather than
raising, so one unreachable service never hides the other checks.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.engine import URL

from facilitator.ops.checks import Forwarded, is_loopback

TIMEOUT_S = 5


def describe(error: BaseException) -> str:
    """An error's class and first line, without the SQL or traceback noise."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{error.__class__.__name__}: {first}" if first else error.__class__.__name__


def redact(url: str) -> str:
    """A URL fit to print: any password replaced."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def migration_revisions(migrations: Path) -> tuple[tuple[str, ...], frozenset[str]]:
    """The head revisions of the code's migrations, and every revision they know."""
    scripts = ScriptDirectory(str(migrations))
    known = frozenset(script.revision for script in scripts.walk_revisions())
    return tuple(sorted(scripts.get_heads())), known


@dataclass(frozen=True)
class DatabaseFacts:
    error: str | None = None
    revisions: tuple[str, ...] = ()
    # Where the data lives on this machine, when it can be known (SQLite, or a local PostgreSQL
    # that lets us read ``data_directory``).
    data_directory: Path | None = None


def probe_database(url: str) -> DatabaseFacts:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not parsed.database or not path.is_file():
            # Connecting would create an empty file and hide the mistake.
            folder = path.parent if path.parent.is_dir() else None
            return DatabaseFacts(error=f"no SQLite database file at {path}", data_directory=folder)
        connect_args: dict[str, object] = {"timeout": TIMEOUT_S}
    else:
        path = None
        connect_args = {"connect_timeout": TIMEOUT_S}
    engine = create_engine(parsed, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            revisions = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
            directory = path.parent if path else _postgresql_data_directory(connection, parsed)
        return DatabaseFacts(revisions=revisions, data_directory=directory)
    except Exception as error:  # any driver error means "not usable", reported as text
        return DatabaseFacts(error=describe(error))
    finally:
        engine.dispose()


def _postgresql_data_directory(connection: Connection, url: URL) -> Path | None:
    """The data folder of a PostgreSQL on this machine, when the account may read it."""
    host = url.host or "localhost"
    if not is_loopback(host) and not host.startswith("/"):
        return None
    try:
        found = connection.execute(text("SHOW data_directory")).scalar()
    except Exception:  # only superusers and pg_read_all_settings may read it
        connection.rollback()
        return None
    path = Path(str(found))
    return path if path.is_dir() else None


def probe_redis(url: str) -> str | None:
    """None when Redis answers a PING, else what went wrong."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S)
    try:
        client.ping()
        return None
    except (redis.RedisError, OSError) as error:
        return describe(error)
    finally:
        client.close()


@dataclass(frozen=True)
class ServerFacts:
    error: str | None = None
    forwarded: Forwarded | None = None
    # The server's ``Date`` minus this machine's clock, in seconds.
    skew_s: float | None = field(default=None)


def probe_server(url: str, public_origin: str) -> ServerFacts:
    """Ask ``url`` how it saw this request (``/ops/forwarded``), sending no forwarded headers.

    The request names the public origin's host in ``Host``, as a browser's request does when it
    reaches the app through the proxy, so ``url`` may be the proxy or the app at another
    address (e.g. a loopback one, for an onion service) and the app still takes it as its own.
    """
    headers = {"User-Agent": "facilitator-doctor"}
    if urlsplit(public_origin).netloc:
        headers["Host"] = urlsplit(public_origin).netloc
    request = urllib.request.Request(  # noqa: S310 - the administrator's own server
        url.rstrip("/") + "/ops/forwarded", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            received = time.time()
            body = json.loads(response.read(4096))
            date = response.headers.get("Date")
    except urllib.error.HTTPError as error:
        return ServerFacts(error=f"HTTP {error.code} from {error.url}")
    except urllib.error.URLError as error:
        reason = error.reason
        return ServerFacts(error=describe(reason) if isinstance(reason, OSError) else str(reason))
    except (OSError, ValueError) as error:
        return ServerFacts(error=describe(error))
    try:
        forwarded = Forwarded(int(body["forwarded_for"]), bool(body["https"]))
    except (KeyError, TypeError, ValueError):
        return ServerFacts(error="the answer is not Facilitator's")
    try:
        skew = parsedate_to_datetime(date).timestamp() - received if date else None
    except (TypeError, ValueError):
        skew = None
    return ServerFacts(forwarded=forwarded, skew_s=skew)


def probe_ntp() -> bool | None:
    """Whether systemd says the clock is synchronised; None where it cannot tell."""
    try:
        answer = subprocess.run(
            ["timedatectl", "show", "--property=NTPSynchronized", "--value"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = answer.stdout.strip()
    if answer.returncode != 0 or value not in {"yes", "no"}:
        return None
    return value == "yes"


def disk_usage(path: Path) -> tuple[int, int]:
    """Free and total bytes of the filesystem holding ``path`` (or its nearest existing parent)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    usage = shutil.disk_usage(path)
    return usage.free, usage.total


def newest_backup(directory: Path) -> tuple[Path, float] | None:
    """The most recent ``facilitator-*`` file in ``directory`` and its modification time."""
    if not directory.is_dir():
        return None
    found = [(p, p.stat().st_mtime) for p in directory.glob("facilitator-*") if p.is_file()]
    return max(found, key=lambda item: item[1], default=None)
