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

LOAD = """async ([summary, context]) => {
    const { review } = await import("/js/export/anonymise.js");
    window.bench = { review, summary, context };
}"""
# One review of the loaded summary: its wall time, and its findings the first time.
RUN = """(keep) => {
    const { review, summary, context } = window.bench;
    const start = performance.now();
    const findings = review(summary, context);
    return { ms: performance.now() - start, findings: keep ? findings : null };
}"""


def python_ms(summary: dict[str, Any], context: dict[str, Any], runs: int) -> dict[str, Any]:
    """The first review's time and the median of ``runs`` more, in milliseconds; ``cpu`` is the
    median of the process's CPU time, which other work on a shared machine does not inflate."""
    start, start_cpu = time.perf_counter(), time.process_time()
    findings = review(summary, context)
    cold = (time.perf_counter() - start) * 1000
    cold_cpu = (time.process_time() - start_cpu) * 1000
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        review(summary, context)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {
        "cold": cold,
        "cold_cpu": cold_cpu,
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
    """The same figures for static/js/export/anonymise.js in Chromium (no CPU slow-down); ``cpu``
    and ``cold_cpu`` are the page's main thread's CPU time (the DevTools protocol's
    ``ThreadTime``), which other work on a shared machine does not inflate."""
    from playwright.sync_api import sync_playwright

    with _static_server() as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(origin + "/")
            devtools = page.context.new_cdp_session(page)
            devtools.send("Performance.enable")

            def thread_ms() -> float:
                metrics = devtools.send("Performance.getMetrics")["metrics"]
                return 1000 * float(next(m["value"] for m in metrics if m["name"] == "ThreadTime"))

            page.evaluate(LOAD, [summary, context])
            results, cpu = [], []
            for run in range(runs + 1):
                before = thread_ms()
                results.append(page.evaluate(RUN, run == 0))
                cpu.append(thread_ms() - before)
        finally:
            browser.close()
    return {
        "cold": results[0]["ms"],
        "cold_cpu": cpu[0],
        "median": statistics.median(r["ms"] for r in results[1:]),
        "cpu": statistics.median(cpu[1:]),
        "findings": results[0]["findings"],
    }
