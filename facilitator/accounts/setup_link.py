"""The one-time link that creates the first convener, offered by ``facilitator setup-link`` and
printed by ``facilitator serve`` while the installation has no convener yet."""

from __future__ import annotations

from flask import current_app

from facilitator.accounts import service
from facilitator.accounts.errors import SetupClosedError
from facilitator.core.db import commit_boundary
from facilitator.extensions import db


def setup_link_or_none() -> str | None:
    """A fresh one-time link to create the first convener, or None once one exists."""
    settings = current_app.extensions["facilitator.settings"]
    try:
        with commit_boundary():
            token = service.create_setup_link(db.session, settings.setup_token_ttl_s)
    except SetupClosedError:
        return None
    return f"{settings.public_origin}/setup#{token}"
