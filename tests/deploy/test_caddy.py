"""The shipped Caddy configurations (``deploy/caddy/``): each passes ``caddy validate``, and the
venue configuration, run as shipped in front of a stand-in upstream that records what reaches it,
does what its comments promise: forwarded headers are Caddy's own, never a client's; only the
site's name reaches the app; no ``Server`` header; oversized bodies stop at the proxy; the error
log keeps no client address and no path."""

from __future__ import annotations

import http.client
import http.server
import json
import re
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from facilitator_bench.proxy import (
    CADDY_DIR,
    TEST_NAME,
    Certificates,
    free_port,
    running_caddy,
    venue_env,
)

pytestmark = pytest.mark.caddy

CONFIGURATIONS = ["Caddyfile", "venue.Caddyfile", "onion.Caddyfile"]


def validate(caddy: str, config: Path, env: dict[str, str], tmp_path: Path) -> str:
    state = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
             "XDG_DATA_HOME": str(tmp_path / "d"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [caddy, "validate", "--adapter", "caddyfile", "--config", str(config)],
        env={**state, **env}, capture_output=True, text=True, timeout=60,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Valid configuration" in output
    return output


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_shipped_configuration_is_valid_and_formatted(caddy, certificates, tmp_path, name):
    env = {
        "FACILITATOR_DOMAIN": "dialogue.example.org",
        "FACILITATOR_TLS_CERT": str(certificates.cert),
        "FACILITATOR_TLS_KEY": str(certificates.key),
    }
    output = validate(caddy, CADDY_DIR / name, env, tmp_path)
    assert "not formatted" not in output, output


def test_public_configuration_with_the_onion_listener_is_valid(caddy, certificates, tmp_path):
    """Caddyfile's documented way to add the onion service: copy onion.caddy, remove one `#`."""
    folder = tmp_path / "etc-caddy"
    folder.mkdir()
    for snippet in CADDY_DIR.glob("*.caddy"):
        (folder / snippet.name).write_text(snippet.read_text())
    public = (CADDY_DIR / "Caddyfile").read_text()
    assert "\n# import onion.caddy\n" in public
    (folder / "Caddyfile").write_text(public.replace("\n# import onion.caddy\n",
                                                     "\nimport onion.caddy\n"))
    validate(caddy, folder / "Caddyfile", {"FACILITATOR_DOMAIN": "dialogue.example.org"},
             tmp_path)

    # One set of processes answers one origin: beside the public site, the onion listener
    # forwards to processes of its own, and the public site keeps its own.
    env = {"FACILITATOR_DOMAIN": "dialogue.example.org", "HOME": str(tmp_path),
           "FACILITATOR_ONION_UPSTREAMS": "127.0.0.1:5101", "PATH": "/usr/bin:/bin"}
    adapted = subprocess.run(
        [caddy, "adapt", "--adapter", "caddyfile", "--config", str(folder / "Caddyfile")],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    servers = json.loads(adapted)["apps"]["http"]["servers"]
    dials = {}
    for server in servers.values():
        found = re.findall(r'"dial":\s*"([^"]+)"', json.dumps(server))
        dials[tuple(server["listen"])] = sorted(found)
    onion = [d for listen, d in dials.items() if any("8080" in a for a in listen)]
    public = [d for listen, d in dials.items() if not any("8080" in a for a in listen)]
    assert onion == [["127.0.0.1:5101"]], dials
    assert public and all(d == ["127.0.0.1:5001", "127.0.0.1:5002"] for d in public), dials


# --- the venue configuration, running ------------------------------------------------------


@dataclass
class Upstream:
    """A stand-in app process: answers every request with the headers it received."""

    port: int
    seen: list[dict[str, Any]] = field(default_factory=list)


def _recording_handler(upstream: Upstream) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            received = len(self.rfile.read(length)) if length else 0
            upstream.seen.append({"path": self.path, "headers": dict(self.headers),
                                  "body_bytes": received})
            body = json.dumps(dict(self.headers)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    recorder = Upstream(0)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _recording_handler(recorder))
    recorder.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()


@dataclass
class Proxy:
    port: int
    certificates: Certificates
    log: Any  # the running Caddy's output, read on demand


@pytest.fixture
def proxy(caddy, certificates, upstream, tmp_path) -> Iterator[Proxy]:
    port = free_port()
    env = venue_env(certificates, [f"127.0.0.1:{upstream.port}"], port, free_port())
    with running_caddy(CADDY_DIR / "venue.Caddyfile", env, tmp_path / "caddy",
                       ("127.0.0.1", port)) as running:
        yield Proxy(port, certificates, running.output)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    client_port: int  # the port our end of the connection had: what a log would record


def request(proxy: Proxy, method: str, path: str, headers: dict[str, str] | None = None,
            body: bytes | None = None) -> Answer:
    """One HTTPS request to the proxy on 127.0.0.1 for ``dialogue.test``, trusting only the test
    authority."""
    context = ssl.create_default_context(cafile=str(proxy.certificates.ca))
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=30)
    client_port = sock.getsockname()[1]
    connection = http.client.HTTPSConnection(TEST_NAME, proxy.port, context=context, timeout=30)
    connection.sock = context.wrap_socket(sock, server_hostname=TEST_NAME)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read(), client_port)
    finally:
        connection.close()


def test_forwarded_headers_are_the_proxys_own(proxy, upstream):
    forged = {
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Proto": "http",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Port": "1",
        "X-Real-IP": "203.0.113.9",
        "Forwarded": "for=203.0.113.9;proto=http",
    }
    answer = request(proxy, "GET", "/login", forged)
    assert answer.status == 200
    seen = upstream.seen[-1]["headers"]
    assert seen["X-Forwarded-For"] == "127.0.0.1", "the client's real address, and only it"
    assert seen["X-Forwarded-Proto"] == "https"
    assert seen["Host"] == f"{TEST_NAME}:{proxy.port}", "the Host the browser sent, unchanged"
    assert seen["X-Forwarded-Host"] == f"{TEST_NAME}:{proxy.port}"
    for header in ("X-Real-IP", "Forwarded", "X-Forwarded-Port"):
        assert header not in seen, header
    assert "203.0.113.9" not in json.dumps(seen)


def test_only_the_sites_name_reaches_the_app(proxy, upstream):
    answer = request(proxy, "GET", "/login", {"Host": "evil.example"})
    assert b"evil.example" not in answer.body
    assert all(s["headers"].get("Host") != "evil.example" for s in upstream.seen)
    assert upstream.seen == []


def test_no_server_header(proxy, upstream):
    answer = request(proxy, "GET", "/login")
    assert answer.status == 200
    assert upstream.seen, "the upstream answered (its own Server header included)"
    assert not {name.lower() for name in answer.headers} & {"server", "x-powered-by"}


def test_a_body_over_the_limit_stops_at_the_proxy(proxy, upstream):
    small = request(proxy, "POST", "/upload", body=b"x" * (1024 * 1024 + 1))
    assert small.status == 200
    assert upstream.seen[-1]["body_bytes"] == 1024 * 1024 + 1, "the app decides up to 2 MB"
    big = request(proxy, "POST", "/upload", body=b"x" * (3 * 1024 * 1024))
    # Caddy 2.6 answers 502 here, later versions 413 (caddyserver/caddy#5652).
    assert big.status in (413, 502)
    assert all(s["body_bytes"] < 3 * 1024 * 1024 for s in upstream.seen)


def test_the_log_keeps_no_client_address_nor_path(caddy, certificates, tmp_path):
    """An upstream that is down makes Caddy log an error with the request: the client's address
    and port, the path, and the headers are deleted from it."""
    port = free_port()
    env = venue_env(certificates, [f"127.0.0.1:{free_port()}"], port, free_port())
    with running_caddy(CADDY_DIR / "venue.Caddyfile", env, tmp_path / "down",
                       ("127.0.0.1", port)) as running:
        down = Proxy(port, certificates, running.output)
        marker = "CANARY-j-4d1f0e"
        answer = request(down, "GET", f"/j/{marker}?t={marker}", {"User-Agent": marker})
        assert answer.status == 502
        log = running.output()
    errors = [json.loads(line) for line in log.splitlines()
              if line.startswith("{") and '"http.log.error"' in line]
    assert errors, log
    assert errors[-1]["request"]["method"] == "GET", "the error is still logged"
    assert marker not in log
    assert "remote_ip" not in log and "remote_port" not in log
    assert f":{answer.client_port}" not in log and f'"{answer.client_port}"' not in log
