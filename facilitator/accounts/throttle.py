"""Per-account sign-in throttle, checked before any password or code is looked at.

Attempts are counted per username (not per address, not globally), and only failed attempts
count. The password step and the code step share one counter.
"""

from __future__ import annotations

from flask import current_app, request, session
from flask.wrappers import Response

from facilitator.accounts import credentials
from facilitator.core.errors import InvalidInputError

PENDING_LOGIN_KEY = "pending_login"


def attempts_allowed() -> str:
    return str(current_app.extensions["facilitator.settings"].login_attempts_per_account)


def account_key() -> str:
    pending = session.get(PENDING_LOGIN_KEY)
    if request.endpoint == "accounts.login_code" and isinstance(pending, dict):
        return f"login:{pending.get('username', '')}"
    try:
        return "login:" + credentials.normalise_username(request.form.get("username", ""))
    except InvalidInputError:
        return "login:"


def attempt_failed(response: Response) -> bool:
    return response.status_code == 401
