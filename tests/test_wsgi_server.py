"""The server ``facilitator serve`` runs on turns Nagle's algorithm off on every connection."""

from __future__ import annotations

import socket
from typing import Any

import gevent
from gevent import socket as gsocket

from facilitator.wsgi_server import wsgi_server


def test_every_accepted_connection_has_nagle_off():
    seen: list[int] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        # Where the websocket library takes the connection from (simple_websocket.Server).
        connection = environ["wsgi.input"].rfile.raw._sock
        seen.append(connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = wsgi_server(app, "127.0.0.1", 0)
    server.start()
    try:
        for _ in range(2):
            client = gsocket.create_connection(server.address, timeout=5)
            with client:
                client.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
                response = b""
                while chunk := client.recv(4096):
                    response += chunk
            assert response.startswith(b"HTTP/1.1 200") and response.endswith(b"ok")
    finally:
        server.stop(timeout=1)
        gevent.sleep(0)
    assert len(seen) == 2 and all(seen)
