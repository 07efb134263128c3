"""The ``facilitator-bench`` command (or ``python -m facilitator_bench``): benchmarks that print
figures, loopback only and bounded in time. A tool run beside the server, never part of it."""

from __future__ import annotations

import os

import click

from facilitator_bench.figures import report
from facilitator_bench.live import Scenario, run


@click.group()
def main() -> None:
    """Benchmarks of Facilitator that print figures (loopback only, bounded in time)."""


@main.command("live")
@click.option("--participants", default=50, show_default=True, help="simulated members")
@click.option("--rate", default=5.0, show_default=True, help="messages per second per member")
@click.option(
    "--room-rate", type=float, default=None, help="messages per second for the whole room instead"
)
@click.option(
    "--burst", type=int, default=None, help="every member sends this many messages at once instead"
)
@click.option("--seconds", default=10.0, show_default=True, help="how long members send")
@click.option("--workers", default=2, show_default=True, help="load-generator processes")
@click.option("--processes", default=1, show_default=True, help="server processes (Redis)")
@click.option(
    "--database-url",
    default="",
    help="PostgreSQL server to create a scratch database on (default: a temporary SQLite file)",
)
@click.option("--redis-url", default="", help="Redis message queue shared by the processes")
@click.option("--drain", default=15.0, show_default=True, help="longest wait for the last copies")
@click.option(
    "--through-proxy",
    is_flag=True,
    help="behind Caddy (deploy/caddy/venue.Caddyfile, TLS under a throwaway test authority)",
)
def live_command(
    participants: int,
    rate: float,
    room_rate: float | None,
    burst: int | None,
    seconds: float,
    workers: int,
    processes: int,
    database_url: str,
    redis_url: str,
    drain: float,
    through_proxy: bool,
) -> None:
    """The live room against a bare Flask-SocketIO broadcast server, same clients and load."""

    scenario = Scenario(
        members=participants,
        rate=0.0 if room_rate or burst else rate,
        room_rate=room_rate or 0.0,
        burst=burst or 0,
        seconds=seconds,
        workers=workers,
        processes=processes,
        database_url=database_url,
        redis_url=redis_url,
        drain=drain,
        through_proxy=through_proxy,
    )
    click.echo(scenario.describe())
    click.echo(report(run(scenario)))


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())


@main.command("client")
@click.option(
    "--only",
    default="",
    help="comma-separated scenarios (default: all): pages, static, history, latency, epochs, "
    "idle, steward",
)
@click.option("--sizes", default="500,2000,10000", show_default=True, help="messages in the room")
@click.option(
    "--rooms", default="20,100,300", show_default=True, help="members, for steward and idle"
)
@click.option("--epochs", default=300, show_default=True, help="admissions one at a time")
@click.option("--runs", default=3, show_default=True, help="runs of each figure (median shown)")
@click.option("--samples", default=20, show_default=True, help="messages timed per room size")
@click.option("--idle-seconds", default=30.0, show_default=True, help="idle sample window")
def client_command(
    only: str,
    sizes: str,
    rooms: str,
    epochs: int,
    runs: int,
    samples: int,
    idle_seconds: float,
) -> None:
    """What a participant's phone waits for: Debian's Chromium (Playwright, /usr/bin/chromium),
    CPU slowed 4x and the network shaped through CDP (slow 4G: 150 ms, 1.6 Mbit/s down,
    750 kbit/s up; 3G-like: 300 ms, 400 kbit/s), against a server started on 127.0.0.1.

    \b
    ready (live page): #live-status has data-state="live" (joined and caught up);
    ready (home): #loading hidden and #content shown;
    first / latest message shown: "#messages li.message:not(.pending) .message-text" exists
    (for the latest, in li.message[data-seq=<latest seq>]);
    sent -> shown: from the click on the composer's send button on one phone to the text in
    #messages on another. Times are from the start of the navigation (performance.now()).
    Bytes: HTTP responses as received (headers included, 304s too) and websocket frames received.
    Each value is also printed on stderr as it is measured.
    """
    from facilitator_bench.phones.run import run

    chosen = tuple(name.strip() for name in only.split(",") if name.strip())
    click.echo(
        run(
            only=chosen,
            sizes=_numbers(sizes),
            rooms=_numbers(rooms),
            epochs=epochs,
            runs=runs,
            samples=samples,
            idle_seconds=idle_seconds,
            echo=lambda line: click.echo(line, err=True),
        )
    )


@main.command("anonymiser")
@click.option("--notes", default=50, show_default=True, help="notes in the timed summary")
@click.option("--people", default=20, show_default=True, help="people on the roster (at most 20)")
@click.option("--chars", default=20_000, show_default=True, help="characters of note text")
@click.option("--runs", default=9, show_default=True, help="timed reviews (median shown)")
@click.option("--no-browser", is_flag=True, help="time Python only (no Chromium)")
def anonymiser_command(notes: int, people: int, chars: int, runs: int, no_browser: bool) -> None:
    """The export anonymiser: the held-out evaluation (tests/export/anonymiser_holdout.json:
    flags caught, false alarms on the trap set, Python and JS findings identical, JS run by
    Node), then how long `review` takes on a summary of NOTES notes (about CHARS characters,
    PEOPLE on the roster) in Python and in Debian's Chromium (/usr/bin/chromium, no CPU
    slow-down): the first run, and the median of RUNS more (for Python also of its CPU time,
    which a busy machine does not inflate)."""
    from facilitator_bench.anonymiser import holdout, summary, timing

    click.echo(holdout.evaluate().report())
    built, context = summary.summary(notes, people, chars), summary.context(people)
    count, length = summary.size(built)
    load = os.getloadavg()[0]
    click.echo(
        f"review of {count} notes, {length} characters, {people} people on the roster "
        f"(load average {load:.1f} on {os.cpu_count()} cores):"
    )
    sides = [("Python", timing.python_ms)]
    if not no_browser:
        sides.append(("Chromium", timing.chromium_ms))
    found = []
    for name, measure in sides:
        result = measure(built, context, runs)
        found.append(result["findings"])
        cpu = f", CPU {result['cpu']:.1f} ms" if "cpu" in result else ""
        cold_cpu = f", CPU {result['cold_cpu']:.1f} ms" if "cold_cpu" in result else ""
        click.echo(
            f"  {name}: median {result['median']:.1f} ms over {runs} runs{cpu} "
            f"(first run {result['cold']:.1f} ms{cold_cpu}), {len(result['findings'])} findings"
        )
    if len(found) > 1:
        same = all(other == found[0] for other in found[1:])
        click.echo("  Python and Chromium findings identical: " + ("yes" if same else "NO"))
