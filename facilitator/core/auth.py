"""Deny-by-default: every endpoint needs a signed-in, active account unless its view is marked
``@public`` (or ``@devices_allowed``, open to participant devices as well).

Who is calling is resolved by a feature that knows accounts and devices (``facilitator.identity``),
handed in by the app (``init_auth``); this module only applies the rule to what it resolved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from flask import Flask, g, redirect, request, url_for
from werkzeug.wrappers import Response

from facilitator.core.errors import NotAuthenticatedError

F = TypeVar("F", bound=Callable[..., Any])


class Caller(Protocol):
    """Who is calling: a signed-in team account, a participant device, either, both or none."""

    @property
    def account(self) -> object | None: ...

    @property
    def device(self) -> object | None: ...


def public(view: F) -> F:
    """Mark a view as reachable without signing in."""
    view._public = True  # type: ignore[attr-defined]
    return view


def devices_allowed(view: F) -> F:
    """Mark a view as open to participant devices as well as to team accounts."""
    view._devices = True  # type: ignore[attr-defined]
    return view


def init_auth(app: Flask, resolve_caller: Callable[[], Caller]) -> None:
    """Resolve the caller of every request with ``resolve_caller``; kept as ``g.account`` and
    ``g.device``, which the features read with their own typed accessors."""

    @app.before_request
    def _authenticate() -> Response | None:
        caller = resolve_caller()
        g.account, g.device = caller.account, caller.device
        view = app.view_functions.get(request.endpoint or "")
        if view is None or request.endpoint == "static" or getattr(view, "_public", False):
            return None
        if g.account is not None:
            return None
        if g.device is not None and getattr(view, "_devices", False):
            return None
        if request.method == "GET" and not request.path.startswith("/api/"):
            return redirect(url_for("accounts.login"))
        raise NotAuthenticatedError()

    @app.context_processor
    def _inject_account() -> dict[str, Any]:
        return {"account": g.get("account")}
