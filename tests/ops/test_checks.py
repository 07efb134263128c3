"""The doctor's judgements for facts a test machine cannot produce (clock, owners, proxies)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from facilitator.ops.checks import (
    MIB,
    DiskThresholds,
    Forwarded,
    Status,
    check_clock,
    check_disk,
    check_secret_file,
    check_trusted_proxies,
    is_loopback,
)
from facilitator.ops.probes import redact


@pytest.mark.parametrize(
    ("ntp", "skew", "loopback", "status"),
    [
        (True, None, True, Status.OK),
        (False, 0.0, False, Status.FAIL),
        (None, None, False, Status.WARN),
        (None, 0.4, True, Status.WARN),  # the same clock proves nothing
        (None, 0.4, False, Status.OK),
        (None, -12.0, False, Status.WARN),
        (None, 95.0, False, Status.FAIL),
        (None, -95.0, True, Status.FAIL),
    ],
)
def test_clock(ntp, skew, loopback, status):
    assert check_clock(ntp, skew, loopback).status is status


def test_a_key_file_of_another_user_fails(tmp_path):
    key = tmp_path / "secret_key"
    key.write_text("k")
    key.chmod(0o600)
    assert check_secret_file("secret-key", key, os.geteuid(), True).status is Status.OK
    other = check_secret_file("secret-key", key, os.geteuid() + 1, True)
    assert other.status is Status.FAIL and "chown" in other.fix


def test_an_https_origin_the_app_sees_as_http_warns():
    seen = Forwarded(forwarded_for=1, https=False)
    result = check_trusted_proxies(1, seen, "https://dialogue.example.org", "https://x")
    assert result.status is Status.WARN and "X-Forwarded-Proto" in result.fix
    seen = Forwarded(forwarded_for=1, https=True)
    assert check_trusted_proxies(1, seen, "https://d.example.org", "https://x").status is Status.OK


def test_two_proxies_need_two_trusted():
    result = check_trusted_proxies(1, Forwarded(2, True), "https://d.example.org", "https://x")
    assert result.status is Status.FAIL and result.fix == "set FACILITATOR_TRUSTED_PROXIES=2"


def test_a_nearly_full_large_disk_warns_by_share():
    limits = DiskThresholds()
    assert check_disk("d", Path("/"), 40 * 1024 * MIB,
                      1000 * 1024 * MIB, limits).status is Status.WARN
    assert check_disk("d", Path("/"), 400 * 1024 * MIB, 1000 * 1024 * MIB, limits).status is Status.OK


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.9.1", True), ("[::1]", True), ("localhost", True),
     ("app.localhost", True), ("192.168.1.20", False), ("localhost.example.org", False),
     ("x.onion", False)],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_passwords_never_reach_the_output():
    assert redact("redis://:hunter2@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0"
    assert "hunter2" not in redact("postgresql+psycopg://app:hunter2@db/facilitator")
    assert redact("sqlite:////srv/facilitator.db") == "sqlite:////srv/facilitator.db"
