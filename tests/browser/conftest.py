"""Real-browser fixtures: Debian's Chromium driven by Playwright.

Never a downloaded browser. Where Chromium is absent the browser tests skip with a clear reason,
except on CI (``CI=true``), where a missing browser is an error.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The benchmark's phones wait up to 30 minutes for a 10,000-message room; the tests' rooms are
# small, so five minutes is a failure, not a slow page.
os.environ.setdefault("FACILITATOR_BENCH_WAIT_MS", "300000")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' package)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[object]:
    """One headless Chromium for the whole run; tests open their own contexts."""
    _require_chromium()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@pytest.fixture(scope="session")
def static_server() -> Iterator[str]:
    """Serves the repository's ``static/`` folder on 127.0.0.1 (a secure context for WebCrypto).

    ``/`` is ``static/`` (a directory listing: a same-origin page to import modules from).
    """
    handler = functools.partial(_QuietHandler, directory=str(ROOT / "static"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def origin(app, live_app):  # type: ignore[no-untyped-def]
    """The live server's origin. ``app`` (which ``make_member`` uses) is made first on purpose:
    the Socket.IO extension is one object, bound to the app made last, and the live server must
    be that one or its events find no session ("we don't have record of this client")."""
    return live_app.config["LIVE_ORIGIN"]
