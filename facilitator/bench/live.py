"""``facilitator bench live``: the live room under load, against a bare broadcast server.

Both servers run in gevent mode on 127.0.0.1; the same simulated members (real encryption,
spread over several processes) send at the same rate with the same payload sizes. Figures:
deliveries per second, delivery latency percentiles, lost and duplicated copies, disconnects,
and server CPU time per delivery, with the ratio of the two servers.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from facilitator import create_app, td2
from facilitator.accounts import service
from facilitator.bench.bare_server import GEVENT_ENTRY as BARE_ENTRY
from facilitator.bench.load import Plan, Result, run_worker
from facilitator.client import DialogueClient, HttpTransport
from facilitator.core.db import commit_boundary
from facilitator.extensions import db
from facilitator.serve import GEVENT_ENTRY as APP_ENTRY
from facilitator.settings import Settings

PASSWORD = "benchmark passphrase 1234"  # noqa: S105 - a throwaway local account
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _server(
    args: list[str], env: dict[str, str], ready_text: str
) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry points
        [sys.executable, "-c", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(ready_text):
                break
        time.sleep(0.5)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _app_plan(
    origin: str, database_url: str, members: int, rate: float, seconds: float
) -> tuple[Plan, list[tuple[str, str]]]:
    app = create_app(Settings(secret_key="k" * 32, database_url=database_url))
    with app.app_context(), commit_boundary():
        account = service.create_convener(db.session, "bench", PASSWORD)
        account.activated_at = account.created_at
        totp = account.totp_secret
    convener = DialogueClient(HttpTransport(origin))
    convener.sign_in("bench", PASSWORD, totp)
    dialogue_id = convener.create_dialogue({"title": {"en": "Benchmark"}})
    people = []
    for _ in range(members):
        person = DialogueClient(HttpTransport(origin))
        person.knock(convener.invite_participant(dialogue_id))
        people.append(person)
    convener.approve(dialogue_id, convener.pending_knocks(dialogue_id))
    seats = []
    for person in people:
        person.open_device_session(dialogue_id)
        transport = person.transport
        assert isinstance(transport, HttpTransport)
        cookie = "; ".join(f"{c.name}={c.value}" for c in transport.cookies)
        seats.append((cookie, td2.b64u_encode(person.keyrings[dialogue_id].handle)))
    state = convener.epochs(dialogue_id)[-1]
    channel = td2.b64u_encode(td2.random_id())
    return Plan(
        origin,
        dialogue_id,
        channel,
        state.number,
        state.record_hash,
        state.secret,
        [],
        rate,
        seconds,
    ), seats


def _bare_plan(
    origin: str, members: int, rate: float, seconds: float
) -> tuple[Plan, list[tuple[str, str]]]:
    seats = [("", td2.b64u_encode(td2.random_id())) for _ in range(members)]
    return Plan(
        origin,
        td2.b64u_encode(td2.random_id()),
        td2.b64u_encode(td2.random_id()),
        0,
        td2.random_secret(),
        td2.random_secret(),
        [],
        rate,
        seconds,
    ), seats


def _drive(plan: Plan, seats: list[tuple[str, str]], workers: int, pid: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    ready, out, go = context.Queue(), context.Queue(), context.Event()
    shares = [seats[i::workers] for i in range(workers)]
    processes = [
        context.Process(
            target=run_worker, args=(Plan(**{**plan.__dict__, "seats": share}), ready, go, out)
        )
        for share in shares
        if share
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=300)
    cpu_before, started = _cpu_seconds(pid), time.monotonic()
    go.set()
    results = [Result(**json.loads(out.get(timeout=plan.seconds + 120))) for _ in processes]
    cpu = _cpu_seconds(pid) - cpu_before
    elapsed = time.monotonic() - started
    for process in processes:
        process.join(timeout=30)
    return _figures(results, len(seats), cpu, elapsed, plan.seconds)


def _figures(
    results: list[Result], members: int, cpu: float, elapsed: float, seconds: float
) -> dict[str, Any]:
    latencies = sorted(ms for r in results for ms in r.latencies_ms)
    sent = sum(r.sent for r in results)
    copies: dict[str, int] = {}
    for r in results:
        for mid, n in r.received.items():
            copies[mid] = copies.get(mid, 0) + n
    delivered = sum(copies.values())
    duplicated = sum(max(0, n - members) for n in copies.values())
    expected = sent * members  # every member, the sender included, should get every message

    def quantile(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return {
        "members": members,
        "sent": sent,
        "acked": sum(r.acked for r in results),
        "errors": sum(r.errors for r in results),
        "deliveries": delivered,
        "deliveries_per_s": delivered / seconds,
        "lost": max(0, expected - (delivered - duplicated)),
        "duplicated": duplicated,
        "disconnects": sum(r.disconnects for r in results),
        "p50_ms": quantile(0.50),
        "p95_ms": quantile(0.95),
        "p99_ms": quantile(0.99),
        "mean_ms": statistics.fmean(latencies) if latencies else float("nan"),
        "server_cpu_s": cpu,
        "cpu_us_per_delivery": 1e6 * cpu / delivered if delivered else 0.0,
        "elapsed_s": elapsed,
    }


def run(members: int, rate: float, seconds: float, workers: int) -> dict[str, dict[str, Any]]:
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        port = _free_port()
        env = {
            "DATABASE_URL": database_url,
            "FACILITATOR_INSTANCE": tmp,
            "FACILITATOR_PORT": str(port),
            "SECRET_KEY": "bench-" + "k" * 40,
        }
        with _server([APP_ENTRY], env, "Serving on") as server:
            plan, seats = _app_plan(
                f"http://127.0.0.1:{port}", database_url, members, rate, seconds
            )
            figures["facilitator"] = _drive(plan, seats, workers, server.pid)
    port = _free_port()
    with _server([BARE_ENTRY, str(port)], {}, "Serving") as server:
        plan, seats = _bare_plan(f"http://127.0.0.1:{port}", members, rate, seconds)
        figures["bare"] = _drive(plan, seats, workers, server.pid)
    return figures


def report(figures: dict[str, dict[str, Any]]) -> str:
    rows = [
        "deliveries_per_s",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "lost",
        "duplicated",
        "disconnects",
        "errors",
        "cpu_us_per_delivery",
        "server_cpu_s",
        "sent",
        "acked",
        "deliveries",
    ]
    lines = [f"{'':24}{'facilitator':>14}{'bare':>14}"]
    for row in rows:
        a, b = figures["facilitator"][row], figures["bare"][row]
        lines.append(
            f"{row:24}{a:>14.2f}{b:>14.2f}" if isinstance(a, float) else f"{row:24}{a:>14}{b:>14}"
        )
    bare_cpu = figures["bare"]["cpu_us_per_delivery"]
    if bare_cpu:
        ratio = figures["facilitator"]["cpu_us_per_delivery"] / bare_cpu
        lines.append(f"{'cpu ratio (app / bare)':24}{ratio:>14.2f}")
    return "\n".join(lines)
