"""The gevent WSGI server that ``facilitator serve`` and the benchmark's bare server run on.

Nagle's algorithm is off on every connection it accepts. The live room writes many small
websocket frames to each connection (a message's copy is about 600 bytes); with Nagle's
algorithm a small write made while an earlier one is still unacknowledged waits for that
acknowledgement, and the receiving end delays its acknowledgements by up to 40 ms. Browsers,
asyncio, psycopg and redis-py turn it off on their own sockets; gevent's server leaves the
kernel's default. At 50 members sending 5 messages a second each, turning it off took the
copies' p99 latency from 56 ms to 14 to 16 ms on PostgreSQL (``docs/performance.md``).

No access log: requests are not logged (paths carry dialogue ids and tokens). gevent's error
log names the client's address and quotes the request line, and an application failure prints
the request's environ and the exception's message: here its messages say only what kind of thing
failed, an application failure is logged as ``core.private_logs.describe_failure`` logs one, and
an environ printed for an exit is printed with every key hidden.
"""

from __future__ import annotations

import socket
from typing import Any

from gevent import GreenletExit, get_hub, pywsgi

from facilitator.core.private_logs import describe_failure


class NoDelayHandler(pywsgi.WSGIHandler):  # type: ignore[misc]
    """gevent's handler, with ``TCP_NODELAY`` set on the connection before anything is read,
    and error lines that name neither the client nor the request."""

    def __init__(self, sock: socket.socket, address: Any, server: Any, rfile: Any = None):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, address, server, rfile)

    def log_error(self, msg: str, *args: Any) -> None:
        """gevent calls this only for a malformed request, answered 400; its lines start with
        the socket (both addresses) and quote the client's address and request line."""
        self.server.error_log.write("pywsgi: a malformed request was refused (400)\n")

    def _log_error(self, t: type[BaseException], v: BaseException, tb: Any) -> None:
        """An application's failure that reached the server (answered 500), logged as
        ``describe_failure`` logs one: gevent's hub would print the exception's message, which
        can quote a path or an identifier. Exits and interrupts still go to the hub."""
        if issubclass(t, get_hub().SYSTEM_ERROR) or issubclass(t, GreenletExit):
            super()._log_error(t, v, tb)
            return
        self.server.error_log.write(f"pywsgi: the application failed: {describe_failure(v)}\n")


class HiddenEnviron(pywsgi.SecureEnviron):  # type: ignore[misc]
    """The environ as gevent prints it beside an application's failure: keys counted, none
    shown (gevent's default shows the client's address and port)."""

    default_whitelist_keys = ()
    default_print_masked_keys = False


class PrivateWSGIServer(pywsgi.WSGIServer):  # type: ignore[misc]
    secure_environ_class = HiddenEnviron


def wsgi_server(app: Any, host: str, port: int) -> pywsgi.WSGIServer:
    """A server for ``app`` on ``host:port``; ``serve_forever()`` runs it."""
    return PrivateWSGIServer((host, port), app, handler_class=NoDelayHandler, log=None)
