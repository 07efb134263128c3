"""The client benchmark runs end to end at a tiny scale in Chromium: every scenario prints its
figures, and they are plausible (never asserted on time)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.browser.conftest import _require_chromium

pytestmark = pytest.mark.browser
SIZE = re.compile(r"bytes(?:/min)? ([0-9.]+) (B|KB|MB)")
SCALE = {"B": 1, "KB": 1000, "MB": 1_000_000}


def test_every_scenario_prints_its_figures():
    _require_chromium()
    # A process of its own: the benchmark drives Playwright's sync API, which cannot start in a
    # process where the browser tests' Playwright already runs.
    command = [sys.executable, "-m", "facilitator_bench", "client", "--sizes", "30"]
    command += ["--rooms", "3,4", "--epochs", "3", "--runs", "1", "--samples", "2"]
    command += ["--idle-seconds", "3"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "page errors" not in output
    rows = {line.split("  ")[0]: line for line in result.stdout.splitlines()[2:]}
    expected = [
        "live page, first visit, 3G-like",
        "live page, second visit, 3G-like",
        "live page, first visit, 3G-like, text-only",
        "live page, second visit, 3G-like, text-only",
        "participant home, first visit, 3G-like",
        "participant home, second visit, 3G-like",
        "static files compressed?",
        "new device, 30 messages, slow 4G",
        "new device, 30 messages, slow 4G, text-only",
        "sent -> shown on another phone, 30 messages",
        "second visit, 5 epochs (one admission each), slow 4G",
        "steward approves a knock, 3 members",
        "steward approves a knock, 4 members",
        "idle live page, 5 members",
        "idle participant home, 5 members",
    ]
    assert set(expected) <= set(rows), output
    for name in expected[:6] + expected[10:11]:
        assert re.search(r"ready [0-9.]+ m?s", rows[name]), rows[name]
        requests = int(re.search(r"requests ([0-9]+)", rows[name]).group(1))
        assert requests >= 5, rows[name]
    for name in expected[7:9]:
        assert re.search(r"first shown [0-9.]+ m?s; latest shown [0-9.]+ m?s", rows[name])
    for name in [*expected[:6], *expected[7:9], *expected[10:11]]:
        number, unit = SIZE.search(rows[name]).groups()
        assert float(number) * SCALE[unit] > 0, rows[name]
    for name in expected[13:]:  # a few idle seconds may well cost nothing
        assert SIZE.search(rows[name]) and "scaled to a minute" in rows[name], rows[name]
    first = SIZE.search(rows[expected[0]]).groups()
    assert float(first[0]) * SCALE[first[1]] > 20_000  # the page's scripts came over the network
    assert re.search(r"p50 [0-9.]+ m?s; p95 [0-9.]+ m?s", rows[expected[9]])
    assert rows["static files compressed?"].count("Content-Encoding") == 3
    for name in expected[11:13]:
        assert re.search(r"approve [0-9.]+ m?s", rows[name])
