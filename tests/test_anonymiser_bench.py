"""The anonymiser benchmark runs end to end at a small size: it prints the held-out figures and
the review's time in Python and in Chromium, with identical findings (never asserted on time)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.browser.conftest import _require_chromium

pytestmark = pytest.mark.browser


def test_the_anonymiser_bench_prints_both_figures():
    _require_chromium()
    # A process of its own: the benchmark drives Playwright's sync API, which cannot start in a
    # process where the browser tests' Playwright already runs.
    command = [sys.executable, "-m", "facilitator_bench", "anonymiser"]
    command += ["--notes", "6", "--people", "5", "--chars", "2000", "--runs", "2"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"held-out notes: \d+/\d+ flags caught \([0-9.]+%\)", output), output
    assert re.search(r"trap set: \d+ false alarm", output), output
    assert "Python and JS (Node) findings identical: yes" in output
    assert "review of 6 notes" in output
    for side in ("Python", "Chromium"):
        found = re.search(
            rf"{side}: median [0-9.]+ ms over 2 runs(, CPU [0-9.]+ ms)? \(first run [0-9.]+ ms(, CPU [0-9.]+ ms)?\), (\d+)",
            output,
        )
        assert found and int(found.group(3)) > 0, output
    assert "Python and Chromium findings identical: yes" in output
