"""``facilitator-bench live``: the live room under load, against a bare broadcast server.

Both servers run in gevent mode on 127.0.0.1 (one process, or several sharing Redis); the same
simulated members (``bench.load``: real TD2 sealing and opening, several client processes) send
the same schedule with the same payload sizes to each. Figures: deliveries per second, delivery
latency percentiles, lost and duplicated copies, disconnects, and server CPU time per delivery,
with the ratio of the two servers.

With ``through_proxy``, both servers run behind Caddy on the shipped
``deploy/caddy/venue.Caddyfile`` (TLS under a throwaway certificate authority, ``bench.proxy``):
the members connect over ``wss`` to one name, Caddy spreads them over the server processes, and
Caddy's own CPU time is counted apart (``proxy_cpu_s``, ``proxy_us_per_delivery``).
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

from facilitator.client import HttpTransport
from facilitator.serve import GEVENT_ENTRY as APP_ENTRY
from facilitator_bench.bare_server import GEVENT_ENTRY as BARE_ENTRY
from facilitator_bench.figures import figures
from facilitator_bench.load import Plan, Result, run_worker
from facilitator_bench.proxy import (
    CADDY_DIR,
    TEST_NAME,
    Certificates,
    LoopbackTransport,
    make_certificates,
    running_caddy,
    venue_env,
)
from facilitator_bench.room import Room, app_room, bare_room
from facilitator_bench.usage import Helpers, cpu_seconds, machine_busy_seconds

READY_TIMEOUT_S = 600


@dataclass(frozen=True)
class Scenario:
    """One benchmark run. Exactly one of ``rate``, ``room_rate`` and ``burst`` is set."""

    members: int
    rate: float = 0.0
    room_rate: float = 0.0
    burst: int = 0
    seconds: float = 10.0
    workers: int = 2
    processes: int = 1  # server processes; more than one share ``redis_url``
    database_url: str = ""  # empty: a temporary SQLite file; else a scratch database there
    redis_url: str = ""
    drain: float = 15.0
    through_proxy: bool = False  # behind Caddy (TLS), as deployed

    def describe(self) -> str:
        if self.burst:
            load = f"{self.burst} messages each at once"
        elif self.room_rate:
            load = f"{self.room_rate:g} messages/s in the room for {self.seconds:g} s"
        else:
            load = f"{self.rate:g} messages/s each for {self.seconds:g} s"
        database = make_url(self.database_url).get_backend_name() if self.database_url else "sqlite"
        servers = f"{self.processes} server process{'es' if self.processes > 1 else ''}"
        queue = " on Redis" if self.redis_url else ""
        proxy = " behind Caddy (TLS)" if self.through_proxy else ""
        return (
            f"{self.members} members, {load}; {servers}{queue}{proxy}, {database}; "
            f"{self.workers} client processes"
        )


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(args: list[str], env: dict[str, str], log: Path, ready: str) -> subprocess.Popen[bytes]:
    """Start a server whose output goes to ``log``; return once it printed ``ready``."""
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry points
            [sys.executable, "-c", *args],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while ready not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"server did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    time.sleep(0.5)
    return process


@contextmanager
def _processes(starts: list[tuple[list[str], dict[str, str], Path, str]]) -> Iterator[list[int]]:
    """Start servers one after the other (the first migrates the schema); stop them all."""
    running: list[subprocess.Popen[bytes]] = []
    try:
        for args, env, log, ready in starts:
            running.append(_start(args, env, log, ready))
        yield [p.pid for p in running]
    finally:
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def _database(scenario: Scenario, tmp: Path) -> Iterator[str]:
    """A temporary SQLite file, or a scratch PostgreSQL database dropped afterwards."""
    if not scenario.database_url:
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    admin_url = make_url(scenario.database_url)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"facilitator_bench_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class _Proxy:
    """Where Caddy will listen, chosen before the servers start (their public origin)."""

    certificates: Certificates
    port: int

    @property
    def origin(self) -> str:
        return f"https://{TEST_NAME}:{self.port}"


@contextmanager
def _front(
    proxy: _Proxy | None, origins: list[str], tmp: Path
) -> Iterator[tuple[list[str], list[int]]]:
    """The origins the members use and the proxy's pids: the servers' own origins and none, or
    Caddy's one origin in front of them all and its pid."""
    if proxy is None:
        yield origins, []
        return
    upstreams = [origin.removeprefix("http://") for origin in origins]
    env = venue_env(proxy.certificates, upstreams, proxy.port, _free_port())
    with running_caddy(CADDY_DIR / "venue.Caddyfile", env, tmp, ("127.0.0.1", proxy.port)) as caddy:
        yield [proxy.origin], [caddy.process.pid]


def _plan(
    scenario: Scenario, origins: list[str], room: Room, out_dir: Path, proxy: _Proxy | None
) -> Plan:
    return Plan(
        origins=origins,
        dialogue_id=room.dialogue_id,
        channel_id=room.channel_id,
        epoch=room.epoch,
        record_hash=room.record_hash,
        epoch_secret=room.epoch_secret,
        members=len(room.seats),
        seats=[],
        rate=scenario.rate,
        room_rate=scenario.room_rate,
        burst=scenario.burst,
        seconds=scenario.seconds,
        drain=scenario.drain,
        out_dir=str(out_dir),
        ca_file=str(proxy.certificates.ca) if proxy else "",
        address="127.0.0.1" if proxy else "",
    )


def _drive(
    plan: Plan,
    room: Room,
    workers: int,
    pids: list[int],
    helpers: Helpers,
    proxy_pids: list[int],
) -> dict[str, Any]:
    """Run the workers on one shared start time; server CPU is counted until the last copy."""
    context = multiprocessing.get_context("spawn")
    ready, go = context.Queue(), context.Queue()
    seats = [(i, cookie, handle) for i, (cookie, handle) in enumerate(room.seats)]
    processes = [
        context.Process(target=run_worker, args=(replace(plan, seats=seats[w::workers]), ready, go))
        for w in range(min(workers, len(seats)))
    ]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            ready.get(timeout=READY_TIMEOUT_S)
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        proxy_before = sum((cpu_seconds(pid) for pid in proxy_pids), 0.0)
        helpers.start()
        busy_before, started = machine_busy_seconds(), time.monotonic()
        start = time.time() + 0.5
        for _ in processes:
            go.put(start)
        bound = plan.seconds + plan.drain + READY_TIMEOUT_S
        for _ in processes:
            assert ready.get(timeout=bound) == "drained"
        cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
        proxy_cpu = sum((cpu_seconds(pid) for pid in proxy_pids), 0.0) - proxy_before
        busy = machine_busy_seconds() - busy_before
        wall = time.monotonic() - started
        database_cpu, queue_cpu = helpers.stop()
        for _ in processes:
            assert ready.get(timeout=READY_TIMEOUT_S) == "done"
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    results = [Result.load(path) for path in sorted(Path(plan.out_dir).glob("worker-*.json"))]
    for path in Path(plan.out_dir).glob("worker-*.json"):
        path.unlink()
    result = figures(results, plan.members, cpu)
    # What else ran on the machine meanwhile: the figures mean little when this is large.
    result["database_cpu_s"], result["redis_cpu_s"] = database_cpu, queue_cpu
    result["proxy_cpu_s"] = proxy_cpu
    result["proxy_us_per_delivery"] = 1e6 * proxy_cpu / max(1, result["deliveries"])
    helped = cpu + database_cpu + queue_cpu + proxy_cpu
    result["cpu_us_per_delivery_all"] = 1e6 * helped / max(1, result["deliveries"])
    result["other_cpu_s"] = max(0.0, busy - helped - result["client_cpu_s"])
    result["wall_s"] = wall
    return result


def _app_servers(
    scenario: Scenario, database_url: str, tmp: Path, proxy: _Proxy | None
) -> tuple[list[str], list[tuple[list[str], dict[str, str], Path, str]]]:
    secret = "bench-" + secrets.token_hex(24)
    origins: list[str] = []
    starts: list[tuple[list[str], dict[str, str], Path, str]] = []
    for n in range(scenario.processes):
        port = _free_port()
        instance = tmp / f"app-{n}"
        instance.mkdir()
        env = {
            "DATABASE_URL": database_url,
            "FACILITATOR_INSTANCE": str(instance),
            "FACILITATOR_PORT": str(port),
            "SECRET_KEY": secret,
            "FACILITATOR_TOTP_KEY_FILE": str(tmp / "totp_key"),
            "REDIS_URL": scenario.redis_url,
        }
        if proxy is not None:
            env["FACILITATOR_PUBLIC_ORIGIN"] = proxy.origin
            env["FACILITATOR_SECURE_COOKIES"] = "1"
            env["FACILITATOR_TRUSTED_PROXIES"] = "1"
        origins.append(f"http://127.0.0.1:{port}")
        starts.append(([APP_ENTRY], env, tmp / f"app-{n}.log", "Serving on"))
    return origins, starts


def _bare_servers(
    scenario: Scenario, tmp: Path
) -> tuple[list[str], list[tuple[list[str], dict[str, str], Path, str]]]:
    origins: list[str] = []
    starts: list[tuple[list[str], dict[str, str], Path, str]] = []
    for n in range(scenario.processes):
        port = _free_port()
        origins.append(f"http://127.0.0.1:{port}")
        args = [BARE_ENTRY, str(port), scenario.redis_url]
        starts.append((args, {}, tmp / f"bare-{n}.log", "Serving"))
    return origins, starts


def run(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Measure the live room, then the bare server, under the same load."""
    if scenario.processes > 1 and not scenario.redis_url:
        raise ValueError("several server processes share a room only through Redis")
    results = {}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        certificates = make_certificates(tmp / "tls") if scenario.through_proxy else None
        proxy = _Proxy(certificates, _free_port()) if certificates else None
        with _database(scenario, tmp) as database_url:
            origins, starts = _app_servers(scenario, database_url, tmp, proxy)
            with _processes(starts) as pids, _front(proxy, origins, tmp / "caddy-app") as front:
                members_use, proxy_pids = front
                transport = partial(LoopbackTransport, ca=proxy.certificates.ca) if proxy else None
                room = app_room(
                    members_use,
                    database_url,
                    scenario.members,
                    tmp / "totp_key",
                    transport or HttpTransport,
                )
                plan = _plan(scenario, members_use, room, tmp, proxy)
                helpers = Helpers(database_url, scenario.redis_url)
                results["facilitator"] = _drive(
                    plan, room, scenario.workers, pids, helpers, proxy_pids
                )
        proxy = _Proxy(certificates, _free_port()) if certificates else None
        origins, starts = _bare_servers(scenario, tmp)
        with _processes(starts) as pids, _front(proxy, origins, tmp / "caddy-bare") as front:
            members_use, proxy_pids = front
            room = bare_room(scenario.members)
            plan = _plan(scenario, members_use, room, tmp, proxy)
            helpers = Helpers("", scenario.redis_url)
            results["bare"] = _drive(plan, room, scenario.workers, pids, helpers, proxy_pids)
    return results
