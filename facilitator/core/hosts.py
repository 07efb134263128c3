"""Where a request came from and which address it was sent to, decided once for HTTP and the
Socket.IO handshake alike.

**Client address.** Behind ``FACILITATOR_TRUSTED_PROXIES`` reverse proxies, Werkzeug's
``ProxyFix`` takes the client's address and scheme from the hops those proxies appended to
``X-Forwarded-For`` and ``X-Forwarded-Proto``; entries a client wrote itself sit further left
and are never read. With no trusted proxy, forwarded headers are ignored entirely and the
address is the socket's. The sign-in throttle and every limit keyed by address read
``request.remote_addr``, so they count real clients. ``X-Forwarded-Host`` and
``X-Forwarded-Port`` are never believed: the proxy passes the ``Host`` the browser sent, and that
is what the allow-list below checks.

**Host allow-list.** Links, redirects and the Origin check must not follow a ``Host`` a client
chose, and a name an attacker points at this server (DNS rebinding) must not reach it. A request
whose ``Host`` is not ``FACILITATOR_PUBLIC_ORIGIN``'s ``host[:port]`` is answered 400 by the
app's own error page (or JSON error), before any view, Socket.IO handler or session write runs.
Werkzeug's ``TRUSTED_HOSTS`` is not used: it ignores the port and Flask applies it only to
routed requests, not to ``/socket.io/``.

Both wrap ``app.wsgi_app`` outside Flask-SocketIO's middleware, which ``socketio.init_app``
installs there, so ``/socket.io/`` passes through them too.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

from facilitator.core.errors import HostRejectedError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
DEFAULT_PORTS = {"http": 80, "https": 443}
REFUSED = "facilitator.host_refused"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _authorities(public_origin: str) -> tuple[str, list[str]]:
    """The origin's scheme and every ``host[:port]`` it answers to (loopback has aliases)."""
    parts = urlsplit(public_origin)
    scheme = parts.scheme
    hostname = (parts.hostname or "").lower()
    if ":" in hostname:  # an IPv6 literal, which browsers send in its shortest form
        name = f"[{ipaddress.IPv6Address(hostname).compressed}]"
    else:  # browsers send an internationalised name in its ASCII (punycode) form
        name = hostname.encode("idna").decode("ascii") if hostname else ""
    names = list(LOOPBACK_NAMES) if name in LOOPBACK_NAMES else [name]
    port = parts.port
    suffix = f":{port}" if port is not None and port != DEFAULT_PORTS.get(scheme) else ""
    return scheme, [f"{each}{suffix}" for each in names]


def allowed_hosts(public_origin: str) -> frozenset[str]:
    """``Host`` values (as Werkzeug normalises them: default port left out) this site answers."""
    return frozenset(_authorities(public_origin)[1])


def allowed_origins(public_origin: str) -> list[str]:
    """``Origin`` values of this site: the public origin, and its loopback aliases."""
    scheme, authorities = _authorities(public_origin)
    return [f"{scheme}://{authority}" for authority in authorities]


class HostGuard:
    """Passes requests for an allowed ``Host`` to ``app``; sends any other to ``refuse``.

    A refused request reaches ``refuse`` with ``own_host`` as its ``Host``: its answer is built
    for this site, and a foreign name that is not even a valid one (an empty or overlong
    label, broken punycode), which Flask's URL building cannot parse, is never parsed.
    """

    def __init__(self, app: WSGIApp, refuse: WSGIApp, hosts: frozenset[str], own_host: str) -> None:
        self.app = app
        self.refuse = refuse
        self.hosts = hosts
        self.own_host = own_host

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if get_host(environ).lower() in self.hosts:
            return self.app(environ, start_response)
        environ[REFUSED] = True
        environ["HTTP_HOST"] = self.own_host
        return self.refuse(environ, start_response)


def host_refused() -> bool:
    return bool(request.environ.get(REFUSED))


def init_hosts(app: Flask, public_origin: str, trusted_proxies: int) -> None:
    """Wrap the app (Socket.IO included) in the Host allow-list and, behind proxies, ProxyFix.

    Call after ``socketio.init_app``. The refusal is the first ``before_request`` hook, ahead of
    those the extensions registered (CSRF, rate limits), so a refused request counts nowhere.
    """

    def refuse_foreign_host() -> None:
        if host_refused():
            raise HostRejectedError()

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_foreign_host)

    # Refused requests skip Flask-SocketIO and go to Flask itself, whose error handlers speak
    # the caller's language and whose after_request hooks add the security headers.
    flask_only = partial(type(app).wsgi_app, app)
    own_host = _authorities(public_origin)[1][0]
    guarded: WSGIApp = HostGuard(app.wsgi_app, flask_only, allowed_hosts(public_origin), own_host)
    if trusted_proxies > 0:
        n = trusted_proxies
        guarded = ProxyFix(guarded, x_for=n, x_proto=n, x_host=0, x_port=0, x_prefix=0)
    app.wsgi_app = guarded  # type: ignore[method-assign,assignment]
