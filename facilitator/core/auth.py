"""Who is calling: the signed-in account behind the session cookie, and deny-by-default.

Every endpoint needs a signed-in, active account unless its view is marked ``@public``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from facilitator.accounts import service
from facilitator.accounts.models import Account
from facilitator.core.errors import NotAuthenticatedError
from facilitator.dialogues import devices
from facilitator.dialogues.models import Member
from facilitator.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
SESSION_TOKEN_KEY = "sid"  # noqa: S105 - session key names, not secrets
DEVICE_TOKEN_KEY = "device"  # noqa: S105


def public(view: F) -> F:
    """Mark a view as reachable without signing in."""
    view._public = True  # type: ignore[attr-defined]
    return view


def current_device() -> Member | None:
    """The participant device (its member row) signed in by answering a key challenge."""
    device: Member | None = g.get("device")
    return device


def _load_device() -> Member | None:
    token = session.get(DEVICE_TOKEN_KEY)
    if not isinstance(token, str):
        return None
    settings = current_app.extensions["facilitator.settings"]
    member = devices.resolve_device(db.session, token, settings.idle_timeout_s)
    if member is None:
        session.pop(DEVICE_TOKEN_KEY, None)
    return member


def devices_allowed(view: F) -> F:
    """Mark a view as open to participant devices as well as to team accounts."""
    view._devices = True  # type: ignore[attr-defined]
    return view


def current_account() -> Account | None:
    account: Account | None = g.get("account")
    return account


def _load_account() -> Account | None:
    token = session.get(SESSION_TOKEN_KEY)
    if not isinstance(token, str):
        return None
    settings = current_app.extensions["facilitator.settings"]
    account = service.resolve_login_session(
        db.session, token, settings.idle_timeout_s, settings.absolute_timeout_s
    )
    if account is None:
        session.pop(SESSION_TOKEN_KEY, None)
    return account


def init_auth(app: Flask) -> None:
    @app.before_request
    def _authenticate() -> Response | None:
        g.account = _load_account()
        g.device = _load_device()
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
