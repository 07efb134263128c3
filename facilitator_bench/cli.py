"""The ``facilitator-bench`` command (or ``python -m facilitator_bench``): benchmarks that print
figures, loopback only and bounded in time. A tool run beside the server, never part of it."""

from __future__ import annotations

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
