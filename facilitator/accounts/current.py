"""The team account signed in on this request, and where its session token is kept."""

from __future__ import annotations

from flask import g

from facilitator.accounts.models import Account
from facilitator.core.errors import NotAuthenticatedError

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - a session key name, not a secret


def current_account() -> Account | None:
    """The account ``facilitator.identity`` resolved for this request (``core.auth``)."""
    account: Account | None = g.get("account")
    return account


def signed_in_account() -> Account:
    """The account of a view only team accounts reach (``core.auth`` turns others away)."""
    account = current_account()
    if account is None:
        raise NotAuthenticatedError()
    return account
