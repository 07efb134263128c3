"""Start real ``facilitator serve`` processes (gevent) for tests that need them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    origin: str
    output: str
    process: subprocess.Popen[str]


@contextmanager
def serving(
    env_overrides: dict[str, str], instance: Path, port: int | None = None,
    launcher: Sequence[str] = (),
) -> Iterator[Server]:
    """Run ``facilitator serve`` until the block ends (or the test kills it).

    ``launcher`` is a command that starts the server, for tests that run it under a
    restriction (it gets the server's command line as its arguments).
    """
    port = port or free_port()
    env = {**os.environ, "FACILITATOR_INSTANCE": str(instance), "FACILITATOR_PORT": str(port),
           **env_overrides}
    command = [*launcher, str(Path(sys.executable).parent / "facilitator"), "serve"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                break
            lines.append(line)
            if line.startswith("Serving on"):
                break
        output = "".join(lines)
        assert "Serving on" in output, output
        origin = f"http://127.0.0.1:{port}"
        _wait_for(origin)
        yield Server(origin, output, server)
    finally:
        if server.poll() is None:
            server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout:
            server.stdout.close()


def _wait_for(origin: str) -> None:
    """Until the server answers at all: an error status is an answer too (a server whose public
    origin is another name refuses the loopback ``Host`` with 400)."""
    import urllib.error
    import urllib.request

    for _ in range(100):
        try:
            with urllib.request.urlopen(origin + "/login", timeout=2):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{origin} did not answer")
