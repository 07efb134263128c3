"""``facilitator doctor``: is this configuration, and the server it runs, fit to serve people?

It reads the configuration the server reads (``Settings.from_env``), asks the running server one
question, and prints one line per check: ``ok``, ``warn``, ``FAIL`` or ``skip``, its name, what
it found and, when something is wrong, what to do. It exits with 1 when any check fails. Run it
as the user the server runs as, with the server's environment: the key file checks compare
owners with the running user.

Trusted proxies are the one check a configuration cannot answer alone: how many proxies stand
between people and the app is a fact of the network. Only the app sees it, as the addresses
each proxy appends to ``X-Forwarded-For``, so the doctor sends a request without one through the
public address and the app (``GET /ops/forwarded``, see ``ops.views``) answers with a count and
a boolean about that request, nothing more. ``FACILITATOR_TRUSTED_PROXIES`` must equal the count.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from facilitator import PROJECT_ROOT
from facilitator.ops import probes
from facilitator.ops.checks import (
    MIB,
    CheckResult,
    DiskThresholds,
    Status,
    check_backup,
    check_clock,
    check_disk,
    check_public_origin,
    check_secret_file,
    check_secure_cookies,
    check_trusted_proxies,
    is_loopback,
)
from facilitator.ops.service_checks import (
    check_database,
    check_migrations,
    check_redis,
    check_server,
)
from facilitator.settings import INSTANCE_DIR, Settings

MIGRATIONS = PROJECT_ROOT / "migrations"


@dataclass(frozen=True)
class Configuration:
    """The settings plus what the doctor needs beyond them: where the instance files are."""

    settings: Settings
    instance: Path
    trusted_proxies: int
    backup_dir: Path
    secret_key_from_env: bool

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Configuration:
        """Read as the server reads it; raises ``ValueError`` on a malformed value.

        The server makes ``instance/secret_key`` when it is missing; the doctor only looks, so
        it hands ``Settings`` a stand-in key and checks the file itself.
        """
        env = dict(os.environ if environ is None else environ)
        from_env = bool(env.get("SECRET_KEY"))
        settings = Settings.from_env({**env, "SECRET_KEY": env.get("SECRET_KEY") or "unread"})
        instance = Path(env.get("FACILITATOR_INSTANCE", str(INSTANCE_DIR)))
        return cls(settings, instance, settings.trusted_proxies, settings.backup_dir, from_env)


@dataclass(frozen=True)
class Options:
    url: str | None  # the running server to ask; None checks the configuration alone
    processes: int = 1
    max_backup_age_s: float = 26 * 3600
    disk: DiskThresholds = field(default_factory=DiskThresholds)


def run_checks(config: Configuration, options: Options) -> list[CheckResult]:
    settings = config.settings
    origin = settings.public_origin
    results = [check_public_origin(origin), check_secure_cookies(origin, settings.secure_cookies)]

    server = probes.probe_server(options.url, origin) if options.url else None
    if options.url and server:
        results.append(check_server(options.url, server))
    forwarded = server.forwarded if server else None
    results.append(
        check_trusted_proxies(config.trusted_proxies, forwarded, origin, options.url or "")
    )

    database = probes.probe_database(settings.database_url)
    results.append(check_database(settings.database_url, database, options.processes))
    results.append(check_migrations(database, *probes.migration_revisions(MIGRATIONS)))
    redis_error = probes.probe_redis(settings.redis_url) if settings.redis_url else None
    results.append(check_redis(settings.redis_url, options.processes, redis_error))

    uid = os.geteuid()
    secret = config.instance / "secret_key"
    if config.secret_key_from_env and not secret.exists():
        results.append(CheckResult("secret-key", Status.OK, "SECRET_KEY from the environment"))
    else:
        results.append(check_secret_file("secret-key", secret, uid, required=True))
    results.append(check_secret_file("totp-key", config.instance / "totp_key", uid, False))

    server_local = is_loopback(urlsplit(options.url or "").hostname or "")
    skew = server.skew_s if server else None
    results.append(check_clock(probes.probe_ntp(), skew, server_local))

    results.append(_disk("disk-instance", config.instance, options.disk))
    if database.data_directory is not None:
        results.append(_disk("disk-database", database.data_directory, options.disk))
    else:
        results.append(
            CheckResult(
                "disk-database",
                Status.SKIP,
                "the database's files are not on this "
                "machine, or not readable: watch that disk where they are",
            )
        )
    newest = probes.newest_backup(config.backup_dir)
    results.append(check_backup(config.backup_dir, newest, time.time(), options.max_backup_age_s))
    return results


def _disk(name: str, path: Path, limits: DiskThresholds) -> CheckResult:
    free, total = probes.disk_usage(path)
    return check_disk(name, path, free, total, limits)


def summary(results: list[CheckResult]) -> str:
    counts = Counter(result.status for result in results)
    parts = [f"{counts[status]} {status.value}" for status in Status if counts[status]]
    return f"{len(results)} checks: " + ", ".join(parts)


_Command = TypeVar("_Command", bound=Callable[..., Any])


def _number_option(
    flag: str, kind: click.ParamType[Any, Any], default: float, text: str
) -> Callable[[_Command], _Command]:
    """A bounded number with its default shown in ``--help``, as every numeric limit has."""
    return click.option(flag, type=kind, default=default, show_default=True, help=text)


@click.command("doctor")
@click.option("--url", help="Running server to ask.  [default: FACILITATOR_PUBLIC_ORIGIN]")
@click.option("--no-server", is_flag=True, help="Check the configuration without a server.")
@_number_option(
    "--processes", click.IntRange(min=1), 1, "How many server processes share this configuration."
)
@_number_option(
    "--max-backup-age",
    click.FloatRange(min=0),
    26.0,
    "Hours after which the newest backup is too old.",
)
@_number_option(
    "--disk-warn-below",
    click.IntRange(min=0),
    1024,
    "Warn below this much free space (MiB), or below 5%.",
)
@_number_option(
    "--disk-fail-below", click.IntRange(min=0), 256, "Fail below this much free space (MiB)."
)
def doctor_command(
    url: str | None,
    no_server: bool,
    processes: int,
    max_backup_age: float,
    disk_warn_below: int,
    disk_fail_below: int,
) -> None:
    """Check this configuration and its running server; exit 1 if any check fails.

    One line per check: public origin (HTTPS, loopback or .onion), Secure cookies, trusted
    proxies against the proxies a request to the server passes, database reachable and
    migrated, Redis, key file permissions, clock, disk space, age of the newest backup.
    Run it as the server's user, with the server's environment. For a server whose certificate
    comes from a local CA, point SSL_CERT_FILE at that CA's certificate.
    """
    try:
        config = Configuration.from_env()
    except ValueError as error:
        click.echo(
            CheckResult("configuration", Status.FAIL, str(error), "correct the environment").line()
        )
        raise SystemExit(1) from error
    options = Options(
        url=None if no_server else (url or config.settings.public_origin),
        processes=processes,
        max_backup_age_s=max_backup_age * 3600,
        disk=DiskThresholds(fail_below=disk_fail_below * MIB, warn_below=disk_warn_below * MIB),
    )
    results = run_checks(config, options)
    for result in results:
        click.echo(result.line())
    click.echo(summary(results))
    if any(result.status is Status.FAIL for result in results):
        raise SystemExit(1)
