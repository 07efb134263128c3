"""How long the convener waits for the review of a summary: the Python anonymiser (the command
line's) and the browser's module in Debian's Chromium, each the median of several runs after a
first one that warms caches and compiles, on the same summary and roster."""

from __future__ import annotations

import functools
import http.server
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from facilitator.export.anonymise import review
from facilitator_bench.phones.phone import CHROMIUM, CHROMIUM_ARGS

STATIC = Path(__file__).resolve().parents[2] / "static"

IN_PAGE = """async ([summary, context, runs]) => {
    const { review } = await import("/js/export/anonymise.js");
    const first = performance.now();
    const findings = review(summary, context);
    const cold = performance.now() - first;
    const times = [];
    for (let run = 0; run < runs; run += 1) {
        const start = performance.now();
        review(summary, context);
        times.push(performance.now() - start);
    }
    return { cold, times, findings };
}"""


def python_ms(summary: dict[str, Any], context: dict[str, Any], runs: int) -> dict[str, Any]:
    """The first review's time and the median of ``runs`` more, in milliseconds; ``cpu`` is the
    median of the process's CPU time, which other work on a shared machine does not inflate."""
    start = time.perf_counter()
    findings = review(summary, context)
    cold = (time.perf_counter() - start) * 1000
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        review(summary, context)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {
        "cold": cold,
        "median": statistics.median(times),
        "cpu": statistics.median(cpu),
        "findings": findings,
    }


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def _static_server() -> Iterator[str]:
    """``static/`` on 127.0.0.1, where the page imports the browser's module from."""
    handler = functools.partial(_Quiet, directory=str(STATIC))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chromium_ms(summary: dict[str, Any], context: dict[str, Any], runs: int) -> dict[str, Any]:
    """The same figures for static/js/export/anonymise.js in Chromium (no CPU slow-down)."""
    from playwright.sync_api import sync_playwright

    with _static_server() as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(origin + "/")
            result: dict[str, Any] = page.evaluate(IN_PAGE, [summary, context, runs])
        finally:
            browser.close()
    return {
        "cold": result["cold"],
        "median": statistics.median(result["times"]),
        "findings": result["findings"],
    }
