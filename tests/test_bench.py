"""The benchmark runs end to end at a tiny scale (its figures are printed, never asserted on
time): both servers relay every message to every member exactly once, the members' clients open
what they receive, and the report has every row for both servers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator_bench.cli import main
from facilitator_bench.figures import ROWS
from facilitator_bench.proxy import CADDY
from tests.conftest import need_service


def run_bench(*options: str) -> dict[str, list[str]]:
    result = CliRunner().invoke(main, ["live", "--participants", "3", "--seconds", "1",
                                       "--workers", "2", "--drain", "10", *options])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("3 members, ")
    assert ("behind Caddy (TLS)" in lines[0]) == ("--through-proxy" in options)
    assert lines[1].split() == ["facilitator", "bare"]
    table = {line[:24].strip(): line[24:].split() for line in lines[2:] if line.strip()}
    assert set(ROWS) <= set(table)
    assert len(table["cpu ratio (app / bare)"]) == 1
    return table


def assert_everything_delivered_once(table: dict[str, list[str]], per_member: int) -> None:
    for row in ("lost", "duplicated", "disconnects", "connect_failures", "errors", "unexpected",
                "open_failures"):
        assert table[row] == ["0", "0"], row
    sent = [int(n) for n in table["sent"]]
    assert sent == [per_member * 3] * 2
    assert [int(n) for n in table["acked"]] == sent
    assert [int(n) for n in table["deliveries"]] == [s * 3 for s in sent]
    # One member per client process opens every message it receives.
    assert [int(n) for n in table["opened"]] == [s * 2 for s in sent]


def test_bench_live_at_a_steady_rate():
    assert_everything_delivered_once(run_bench("--rate", "2"), per_member=2)


def test_bench_live_burst():
    assert_everything_delivered_once(run_bench("--burst", "4"), per_member=4)


@pytest.mark.caddy
def test_bench_live_through_the_tls_proxy():
    """Members reach the servers over wss through Caddy (the shipped venue.Caddyfile); Caddy's
    CPU time has its own rows."""
    if not Path(CADDY).exists():
        need_service("caddy not installed (Debian package 'caddy')")
    table = run_bench("--rate", "2", "--through-proxy")
    assert_everything_delivered_once(table, per_member=2)
    assert len(table["proxy_cpu_s"]) == 2


def test_copies_relayed_by_the_other_process_are_counted_apart():
    from facilitator_bench.figures import figures
    from facilitator_bench.load import Result

    ms = 1_000_000
    # Two members on server 0 and two on server 1; "a" is sent through 0, "b" through 1.
    sender_side = Result(sent_at={"a": 0, "b": 0}, sent_via={"a": 0, "b": 1})
    on_0 = Result(received_at={"a": [1 * ms, 2 * ms], "b": [30 * ms, 40 * ms]},
                  received_via={"a": [0, 0], "b": [0, 0]})
    on_1 = Result(received_at={"a": [10 * ms, 20 * ms], "b": [3 * ms, 4 * ms]},
                  received_via={"a": [1, 1], "b": [1, 1]})
    table = figures([sender_side, on_0, on_1], members=4, server_cpu=1.0)
    assert table["deliveries"] == 8 and table["lost"] == 0
    assert table["relayed"] == 4
    assert (table["relayed_p50_ms"], table["relayed_p99_ms"]) == (20.0, 40.0)
    assert table["p50_ms"] == 4.0
