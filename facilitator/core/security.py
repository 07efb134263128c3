"""Security headers on every response and the Origin check on state-changing calls."""

from __future__ import annotations

from flask import Flask, Response, request

from facilitator.core.errors import OriginRejectedError
from facilitator.core.hosts import allowed_origins

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

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if secure_cookies:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if not request.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
