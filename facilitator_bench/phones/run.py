"""Start the server and the browser, run the chosen scenarios, return the table."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import sync_playwright

from facilitator_bench.phones.phone import CHROMIUM, CHROMIUM_ARGS, SLOW_4G, THREE_G
from facilitator_bench.phones.scenarios import SCENARIOS, Bench, Options
from facilitator_bench.phones.server import running_server


def run(
    only: tuple[str, ...],
    sizes: tuple[int, ...],
    rooms: tuple[int, ...],
    epochs: int,
    runs: int,
    samples: int,
    idle_seconds: float,
    echo: Callable[[str], None] | None = None,
) -> str:
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        raise ValueError(f"unknown scenarios: {', '.join(sorted(unknown))}")
    options = Options(only or SCENARIOS, sizes, rooms, epochs, runs, samples, idle_seconds)
    with running_server() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            bench = Bench(browser, server, options, echo)
            figures = bench.run()
        finally:
            browser.close()
    networks = "; ".join(
        f"{n.name}: {n.latency_ms:g} ms, {n.down_bps / 1e6:g} Mbit/s down, "
        f"{n.up_bps / 1e6:g} Mbit/s up"
        for n in (SLOW_4G, THREE_G)
    )
    lines = [
        f"Chromium, CPU 4x slower; {networks}; median of {runs} run(s)",
        figures.table(),
    ]
    if bench.errors:
        lines.append("page errors: " + " | ".join(bench.errors[:5]))
    return "\n".join(lines)
