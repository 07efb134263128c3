"""The live benchmark's figures: what the load generators saw, summed and ranked, and the table
the command prints, so a run's numbers are computed the same way whatever scenario made them."""

from __future__ import annotations

import math
from typing import Any

from facilitator_bench.load import Result


def _merged(counts: list[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for each in counts:
        for key, n in each.items():
            total[key] = total.get(key, 0) + n
    return total


def _quantile(ordered: list[float], q: float) -> float:
    """Nearest-rank quantile of an ascending list."""
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def figures(results: list[Result], members: int, server_cpu: float) -> dict[str, Any]:
    sent_at: dict[str, int] = {}
    sent_via: dict[str, int] = {}
    for r in results:
        sent_at.update(r.sent_at)
        sent_via.update(r.sent_via)
    copies: dict[str, int] = {}
    latencies: list[float] = []
    relayed: list[float] = []  # copies delivered by another server process than the sender's
    unexpected = 0
    last = 0
    for r in results:
        for mid, times in r.received_at.items():
            copies[mid] = copies.get(mid, 0) + len(times)
            sent = sent_at.get(mid)
            if sent is None:
                unexpected += len(times)
                continue
            latencies.extend((t - sent) / 1e6 for t in times)
            relayed.extend(
                (t - sent) / 1e6
                for t, via in zip(times, r.received_via[mid], strict=True)
                if via != sent_via[mid]
            )
            last = max(last, *times)
    latencies.sort()
    relayed.sort()
    delivered = sum(copies.values())
    first = min(sent_at.values(), default=0)
    span = (last - first) / 1e9 if last > first else float("nan")
    lags = sorted(lag for r in results for lag in r.send_lag_ms)
    return {
        "members": members,
        "sent": len(sent_at),
        "acked": sum(r.acked for r in results),
        "errors": sum(r.errors for r in results),
        "error_codes": _merged([r.error_codes for r in results]),
        "deliveries": delivered,
        "deliveries_per_s": delivered / span if delivered else 0.0,
        "lost": sum(members - copies.get(mid, 0) for mid in sent_at),
        "duplicated": sum(r.duplicated for r in results),
        "unexpected": unexpected,
        "reordered": sum(r.reordered for r in results),
        "disconnects": sum(r.disconnects for r in results),
        "connect_failures": sum(r.connect_failures for r in results),
        "opened": sum(r.opened for r in results),
        "open_failures": sum(r.open_failures for r in results),
        "p50_ms": _quantile(latencies, 0.50),
        "p95_ms": _quantile(latencies, 0.95),
        "p99_ms": _quantile(latencies, 0.99),
        "max_ms": latencies[-1] if latencies else float("nan"),
        "relayed": len(relayed),
        "relayed_p50_ms": _quantile(relayed, 0.50),
        "relayed_p99_ms": _quantile(relayed, 0.99),
        "send_lag_p99_ms": _quantile(lags, 0.99),
        "server_cpu_s": server_cpu,
        "client_cpu_s": sum(r.cpu_s for r in results),
        "cpu_us_per_delivery": 1e6 * server_cpu / delivered if delivered else 0.0,
    }


ROWS = [
    "deliveries_per_s",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
    "relayed",
    "relayed_p50_ms",
    "relayed_p99_ms",
    "lost",
    "duplicated",
    "disconnects",
    "connect_failures",
    "errors",
    "unexpected",
    "reordered",
    "opened",
    "open_failures",
    "cpu_us_per_delivery",
    "cpu_us_per_delivery_all",
    "server_cpu_s",
    "database_cpu_s",
    "redis_cpu_s",
    "proxy_cpu_s",
    "proxy_us_per_delivery",
    "client_cpu_s",
    "other_cpu_s",
    "wall_s",
    "send_lag_p99_ms",
    "sent",
    "acked",
    "deliveries",
]


def report(figures: dict[str, dict[str, Any]]) -> str:
    app, bare = figures["facilitator"], figures["bare"]
    lines = [f"{'':24}{'facilitator':>14}{'bare':>14}"]
    for row in ROWS:
        a, b = app[row], bare[row]
        if isinstance(a, float):
            lines.append(f"{row:24}{a:>14.2f}{b:>14.2f}")
        else:
            lines.append(f"{row:24}{a:>14}{b:>14}")
    for name, figures_of in (("facilitator", app), ("bare", bare)):
        if figures_of["error_codes"]:
            codes = ", ".join(f"{k} {v}" for k, v in sorted(figures_of["error_codes"].items()))
            lines.append(f"{'errors by code (' + name + ')':24}  {codes}")
    # CPU time is counted in clock ticks (10 ms): a tiny run may show none ("nan").
    for label, row in (
        ("cpu ratio (app / bare)", "cpu_us_per_delivery"),
        ("cpu ratio, with db+redis", "cpu_us_per_delivery_all"),
    ):
        ratio = app[row] / bare[row] if bare[row] else float("nan")
        lines.append(f"{label:24}{ratio:>14.2f}")
    return "\n".join(lines)
