"""The gevent WSGI server that ``facilitator serve`` and the benchmark's bare server run on.

Nagle's algorithm is off on every connection it accepts. The live room writes many small
websocket frames to each connection (a message's copy is about 600 bytes); with Nagle's
algorithm a small write made while an earlier one is still unacknowledged waits for that
acknowledgement, and the receiving end delays its acknowledgements by up to 40 ms. Browsers,
asyncio, psycopg and redis-py turn it off on their own sockets; gevent's server leaves the
kernel's default. At 50 members sending 5 messages a second each, turning it off took the
copies' p99 latency from 56 ms to 14 to 16 ms on PostgreSQL (``docs/performance.md``).

No access log: requests are not logged (paths carry dialogue ids and tokens).
"""

from __future__ import annotations

import socket
from typing import Any

from gevent import pywsgi


class NoDelayHandler(pywsgi.WSGIHandler):  # type: ignore[misc]
    """gevent's handler, with ``TCP_NODELAY`` set on the connection before anything is read."""

    def __init__(self, sock: socket.socket, address: Any, server: Any, rfile: Any = None):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, address, server, rfile)


def wsgi_server(app: Any, host: str, port: int) -> pywsgi.WSGIServer:
    """A server for ``app`` on ``host:port``; ``serve_forever()`` runs it."""
    return pywsgi.WSGIServer((host, port), app, handler_class=NoDelayHandler, log=None)
