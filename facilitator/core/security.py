"""Security headers on every response (WSGI level) and the Origin check on state-changing
calls."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, request

from facilitator.core.errors import OriginRejectedError
from facilitator.core.hosts import allowed_origins

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def check_origin(public_origin: str) -> None:
    """Refuse a state-changing request that is not from this site.

    A real origin must be ours: the configured public origin (with its loopback aliases in local
    development), never one derived from the request's ``Host``. Under ``Referrer-Policy:
    no-referrer`` browsers send ``Origin: null`` on form submissions, so a ``null`` or absent
    origin is accepted only with the browser's own ``Sec-Fetch-Site: same-origin``. Non-browser
    clients (the Python client) send their ``Origin`` explicitly. Anything else is refused.
    """
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        if origin.rstrip("/") not in allowed_origins(public_origin):
            raise OriginRejectedError()
        return
    if request.headers.get("Sec-Fetch-Site") != "same-origin":
        raise OriginRejectedError()


def init_security(app: Flask, public_origin: str, secure_cookies: bool) -> None:
    @app.before_request
    def _origin_guard() -> None:
        if request.method not in SAFE_METHODS:
            check_origin(public_origin)

    app.wsgi_app = SecurityHeaders(app.wsgi_app, secure_cookies)  # type: ignore[method-assign]


class SecurityHeaders:
    """WSGI middleware that puts the security headers on every response: Flask's, and those
    engine.io answers itself under ``/socket.io/`` (its polling and handshake responses never
    pass through Flask's ``after_request``). It wraps the app outermost, around engine.io's."""

    def __init__(self, app: WSGIApplication, secure_cookies: bool) -> None:
        self.app = app
        self.fixed = [
            ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Cross-Origin-Resource-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if secure_cookies:
            self.fixed.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))

    def headers_for(self, path: str) -> list[tuple[str, str]]:
        if path.startswith("/static/"):
            return self.fixed
        return [*self.fixed, ("Cache-Control", "no-store"), ("Pragma", "no-cache")]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        added = self.headers_for(environ.get("PATH_INFO", ""))
        names = {name.lower() for name, _value in added}

        def with_headers(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            kept = [(k, v) for k, v in headers if k.lower() not in names]
            return start_response(status, kept + added, *args)

        return self.app(environ, with_headers)
