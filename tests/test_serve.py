"""``facilitator serve`` (what ``make run`` starts): migrates, prints the first-convener link,
and serves the app with gevent."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_prints_a_working_setup_link_and_serves(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "FACILITATOR_INSTANCE": str(tmp_path), "FACILITATOR_PORT": str(port)}
    env.pop("DATABASE_URL", None)
    command = [str(Path(sys.executable).parent / "facilitator"), "serve"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        assert server.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            lines.append(line)
            if line.startswith("Serving on"):
                break
        output = "".join(lines)
        assert "MonkeyPatchWarning" not in output
        link = re.search(r"(http://127\.0\.0\.1:\d+/setup/[\w-]+)", output).group(1)
        for _ in range(50):
            try:
                with urllib.request.urlopen(link, timeout=5) as page:  # noqa: S310
                    body = page.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "Create the first convener account" in body
        assert (tmp_path / "facilitator.db").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()
