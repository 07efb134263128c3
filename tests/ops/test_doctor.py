"""``facilitator doctor`` on a good configuration and on each bad one it knows.

Every bad configuration is the good one with one thing broken, so the test can insist that
exactly the matching line fails (and the exit status is 1), not merely that something did.
"""

from __future__ import annotations

import base64
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from facilitator.app import create_app
from facilitator.cli import main
from facilitator.settings import Settings
from tests.conftest import migrate_to_head, need_service
from tests.servers import free_port, serving

STATUSES = {"ok", "warn", "FAIL", "skip"}
# Variables the doctor reads: cleared, so the machine's own environment cannot leak in.
CLEARED = ["DATABASE_URL", "REDIS_URL", "SECRET_KEY", "FACILITATOR_PUBLIC_ORIGIN",
           "FACILITATOR_SECURE_COOKIES", "FACILITATOR_TRUSTED_PROXIES", "FACILITATOR_BACKUP_DIR",
           "FACILITATOR_HOST", "FACILITATOR_PORT"]


@pytest.fixture
def instance(tmp_path: Path, migrated_template: Path) -> Path:
    """A good instance folder: migrated SQLite, a private key file, a backup from just now."""
    folder = tmp_path / "instance"
    folder.mkdir()
    shutil.copyfile(migrated_template, folder / "facilitator.db")
    key = folder / "secret_key"
    key.write_text("k" * 64)
    key.chmod(0o600)
    (folder / "backups").mkdir()
    (folder / "backups" / "facilitator-20261207T030000Z.sqlite3").write_bytes(b"backup")
    return folder


def env_for(instance: Path, **changes: str) -> dict[str, str | None]:
    return {**dict.fromkeys(CLEARED), "FACILITATOR_INSTANCE": str(instance), **changes}


def doctor(env: dict[str, str | None], *args: str) -> tuple[int, dict[str, str], str]:
    """Exit code, {check name: status word} and the whole output."""
    result = CliRunner().invoke(main, ["doctor", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    statuses = {}
    for line in result.output.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in STATUSES:
            statuses[words[1]] = words[0]
    return result.exit_code, statuses, result.output


def fails_only(instance: Path, names: str | set[str], *args: str, **changes: str) -> str:
    """Run the doctor without a server; exactly ``names`` must fail. Returns the output."""
    code, statuses, output = doctor(env_for(instance, **changes), "--no-server", *args)
    assert code == 1, output
    expected = {names} if isinstance(names, str) else names
    assert {n for n, s in statuses.items() if s == "FAIL"} == expected, output
    return output


def line_of(output: str, name: str) -> str:
    return next(line for line in output.splitlines() if line.split()[1:2] == [name])


# --- the good configuration ------------------------------------------------------------------

def test_a_good_configuration_with_its_running_server_passes(instance):
    port = free_port()
    with serving({"DATABASE_URL": "", "REDIS_URL": "", "SECRET_KEY": ""}, instance, port):
        code, statuses, output = doctor(env_for(instance, FACILITATOR_PORT=str(port)),
                                        "--disk-fail-below", "1")
    assert code == 0, output
    clock = statuses.pop("clock")  # the test machine decides whether timedatectl can tell
    assert clock in {"ok", "warn"}, output
    assert statuses.pop("disk-instance") in {"ok", "warn"}
    assert statuses.pop("disk-database") in {"ok", "warn"}
    assert statuses == {
        "public-origin": "ok", "secure-cookies": "ok", "server": "ok", "trusted-proxies": "ok",
        "database": "ok", "migrations": "ok", "redis": "ok", "secret-key": "ok",
        "totp-key": "ok", "backup": "ok",
    }, output
    assert f"requests to http://127.0.0.1:{port} pass through 0 proxies" in output


@pytest.mark.postgres
@pytest.mark.redis
def test_postgresql_and_redis_for_several_processes_pass(instance, fresh_postgres_database,
                                                         redis_client):
    migrate_to_head(create_app(Settings(secret_key="k" * 32,
                                        database_url=fresh_postgres_database, testing=True)))
    env = env_for(instance, DATABASE_URL=fresh_postgres_database,
                  REDIS_URL=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    code, statuses, output = doctor(env, "--no-server", "--processes", "3",
                                    "--disk-fail-below", "1")
    assert code == 0, output
    assert statuses["database"] == statuses["migrations"] == statuses["redis"] == "ok", output
    assert statuses["disk-database"] in {"ok", "warn", "skip"}  # readable by superusers only


# --- bad configurations, one at a time --------------------------------------------------------

def test_plain_http_at_a_lan_address_fails(instance):
    output = fails_only(instance, "public-origin", FACILITATOR_PUBLIC_ORIGIN="http://192.168.1.20:5000",
                        FACILITATOR_SECURE_COOKIES="1")
    assert "FACILITATOR_PUBLIC_ORIGIN=https://" in line_of(output, "public-origin")


@pytest.mark.parametrize("origin", ["https://dialogue.example.org", "http://localhost:5000",
                                    "http://abcdefghijklmnop.onion"])
def test_https_loopback_and_onion_origins_pass(instance, origin):
    code, statuses, output = doctor(env_for(instance, FACILITATOR_PUBLIC_ORIGIN=origin,
                                            FACILITATOR_SECURE_COOKIES="1"), "--no-server")
    assert code == 0, output
    assert statuses["public-origin"] == "ok" and statuses["secure-cookies"] == "ok", output


def test_a_malformed_origin_fails(instance):
    output = fails_only(instance, "configuration",
                        FACILITATOR_PUBLIC_ORIGIN="dialogue.example.org/room",
                        FACILITATOR_SECURE_COOKIES="1")
    assert "FACILITATOR_PUBLIC_ORIGIN" in line_of(output, "configuration")


def test_cookies_without_secure_at_a_public_origin_fail(instance):
    output = fails_only(instance, "secure-cookies",
                        FACILITATOR_PUBLIC_ORIGIN="https://dialogue.example.org",
                        FACILITATOR_SECURE_COOKIES="0")
    assert "FACILITATOR_SECURE_COOKIES" in line_of(output, "secure-cookies")


def test_a_secret_key_others_can_read_fails(instance):
    (instance / "secret_key").chmod(0o644)
    output = fails_only(instance, "secret-key")
    assert f"chmod 600 {instance / 'secret_key'}" in output


def test_a_missing_secret_key_fails_unless_the_environment_has_one(instance):
    (instance / "secret_key").unlink()
    fails_only(instance, "secret-key")
    assert not (instance / "secret_key").exists()  # the doctor only looks
    code, statuses, _ = doctor(env_for(instance, SECRET_KEY="s" * 48), "--no-server")
    assert code == 0 and statuses["secret-key"] == "ok"


def test_a_totp_key_others_can_read_fails(instance):
    key = instance / "totp_key"
    key.write_text(base64.urlsafe_b64encode(b"k" * 32).decode())
    key.chmod(0o640)
    fails_only(instance, "totp-key")
    key.chmod(0o600)
    assert doctor(env_for(instance), "--no-server")[1]["totp-key"] == "ok"


def test_a_malformed_totp_key_fails_the_configuration(instance):
    (instance / "totp_key").write_text("not a key")
    output = fails_only(instance, "configuration")
    assert "totp_key does not hold" in output


def test_a_database_without_schema_fails(instance):
    (instance / "facilitator.db").unlink()
    sqlite3.connect(instance / "facilitator.db").close()
    output = fails_only(instance, "migrations")
    assert "facilitator db upgrade" in line_of(output, "migrations")


def test_a_database_behind_the_code_fails(instance):
    with sqlite3.connect(instance / "facilitator.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    output = fails_only(instance, "migrations")
    assert "at 0001, this code expects" in output


def test_a_database_ahead_of_the_code_fails(instance):
    with sqlite3.connect(instance / "facilitator.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    output = fails_only(instance, "migrations")
    assert "does not know" in output


def test_an_unreachable_database_fails(instance):
    closed = free_port()
    code, statuses, output = doctor(
        env_for(instance, DATABASE_URL=f"postgresql+psycopg://u:hunter2@127.0.0.1:{closed}/x"),
        "--no-server")
    assert code == 1
    assert statuses["database"] == "FAIL" and statuses["migrations"] == "skip", output
    assert "hunter2" not in output


def test_a_missing_sqlite_file_fails_and_is_not_created(instance):
    (instance / "facilitator.db").unlink()
    fails_only(instance, "database")
    assert not (instance / "facilitator.db").exists()


def test_an_unreachable_redis_fails(instance):
    fails_only(instance, "redis", REDIS_URL=f"redis://:hunter2@127.0.0.1:{free_port()}/0")


@pytest.mark.redis
def test_a_reachable_redis_passes(instance, redis_client):
    env = env_for(instance, REDIS_URL=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    assert doctor(env, "--no-server")[1]["redis"] == "ok"


def test_several_processes_without_redis_fail(instance):
    output = fails_only(instance, "redis", "--processes", "2")
    assert "REDIS_URL" in line_of(output, "redis")
    assert line_of(output, "database").startswith("warn")  # and SQLite is a poor fit


def test_no_backup_fails(instance):
    shutil.rmtree(instance / "backups")
    fails_only(instance, "backup")


def test_a_day_old_backup_fails_and_a_longer_limit_accepts_it(instance, tmp_path):
    backups = tmp_path / "elsewhere"
    backups.mkdir()
    old = backups / "facilitator-20261205T030000Z.sqlite3"
    old.write_bytes(b"backup")
    day_and_a_bit = time.time() - 27 * 3600
    os.utime(old, (day_and_a_bit, day_and_a_bit))
    (backups / "unrelated-today.txt").write_text("not a backup")
    output = fails_only(instance, "backup", FACILITATOR_BACKUP_DIR=str(backups))
    assert "27.0 hours old" in line_of(output, "backup")
    code, statuses, _ = doctor(env_for(instance, FACILITATOR_BACKUP_DIR=str(backups)),
                               "--no-server", "--max-backup-age", "30")
    assert code == 0 and statuses["backup"] == "ok"


def test_low_disk_space_fails_then_warns(instance):
    # The SQLite file lives in the instance folder: both lines judge the same disk.
    output = fails_only(instance, {"disk-instance", "disk-database"},
                        "--disk-fail-below", str(1 << 40), "--disk-warn-below", str(1 << 40))
    assert f"below {1 << 40} MiB" in line_of(output, "disk-instance")
    code, statuses, output = doctor(env_for(instance), "--no-server", "--disk-fail-below", "1",
                                    "--disk-warn-below", str(1 << 40))
    assert code == 0 and statuses["disk-instance"] == "warn", output


def test_a_malformed_trusted_proxy_count_fails(instance):
    code, _statuses, output = doctor(env_for(instance, FACILITATOR_TRUSTED_PROXIES="one"))
    assert code == 1 and output.startswith("FAIL  configuration"), output


def test_an_unreachable_server_fails(instance):
    code, statuses, output = doctor(env_for(instance), "--url", f"http://127.0.0.1:{free_port()}")
    assert code == 1 and statuses["server"] == "FAIL", output
    assert statuses["trusted-proxies"] == "skip"


# --- trusted proxies, through a real reverse proxy ----------------------------------------------

@contextmanager
def app_on(origin: str, settings: Settings) -> Iterator[str]:
    """The app in a thread on a free port, configured for the public ``origin``; yields its URL."""
    server = make_server("127.0.0.1", 0, create_app(settings.with_(public_origin=origin)),
                         threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def caddy(port: int, upstream: str, home: Path) -> Iterator[str]:
    """Debian's Caddy on ``port`` as a plain-HTTP reverse proxy to ``upstream``; yields its URL."""
    if shutil.which("caddy") is None:
        need_service("caddy is not installed")
    config = home / "Caddyfile"
    config.write_text("{\n\tadmin off\n\tauto_https off\n}\n"
                      f"http://127.0.0.1:{port} {{\n\treverse_proxy {upstream}\n}}\n")
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home),
           "XDG_DATA_HOME": str(home)}
    proxy = subprocess.Popen(["caddy", "run", "--config", str(config), "--adapter", "caddyfile"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/ops/forwarded", timeout=2).close()  # noqa: S310
                break
            except OSError:
                assert proxy.poll() is None, "caddy stopped"
                time.sleep(0.1)
        yield url
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def test_trusted_proxies_must_match_the_proxies_in_front(instance, settings, tmp_path):
    public = f"http://127.0.0.1:{free_port()}"  # Caddy's address: what people open
    with app_on(public, settings) as direct, caddy(int(public.rsplit(":", 1)[1]), direct,
                                                   tmp_path) as proxied:
        env = env_for(instance, FACILITATOR_PUBLIC_ORIGIN=proxied)
        code, statuses, output = doctor(env)
        assert code == 1 and statuses["trusted-proxies"] == "FAIL", output
        assert "set FACILITATOR_TRUSTED_PROXIES=1" in line_of(output, "trusted-proxies")

        env["FACILITATOR_TRUSTED_PROXIES"] = "1"
        code, statuses, output = doctor(env)
        assert statuses["server"] == "ok" and statuses["trusted-proxies"] == "ok", output
        assert code == 0, output

        # Trusting a proxy the request did not pass lets any client forge its address.
        code, statuses, output = doctor(env, "--url", direct)
        assert statuses["server"] == "ok", output
        assert code == 1 and statuses["trusted-proxies"] == "FAIL", output
        assert "forged X-Forwarded-For" in output
