"""The benchmark runs end to end at a tiny scale (its figures are printed, never asserted on
time): both servers relay every message to every member, once."""

from __future__ import annotations

from click.testing import CliRunner

from facilitator.cli import main


def test_bench_live_runs_and_reports_both_servers():
    result = CliRunner().invoke(
        main, ["bench", "live", "--participants", "3", "--rate", "2", "--seconds", "1",
               "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[2:]
             if line.strip()}
    assert lines["lost"] == ["0", "0"]
    assert lines["duplicated"] == ["0", "0"]
    assert lines["errors"] == ["0", "0"]
    sent = [int(n) for n in lines["sent"]]
    assert sent[0] > 0 and sent == [int(n) for n in lines["acked"]]
    assert [int(n) for n in lines["deliveries"]] == [s * 3 for s in sent]
    assert "cpu" in result.output
