"""The team account signed in on this request, and where its session token is kept."""

from __future__ import annotations

from flask import g

from facilitator.accounts.models import Account

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - a session key name, not a secret


def current_account() -> Account | None:
    """The account ``facilitator.identity`` resolved for this request (``core.auth``)."""
    account: Account | None = g.get("account")
    return account
