"""The participant device signed in on this request, and where its session token is kept."""

from __future__ import annotations

from flask import g

from facilitator.accounts.current import current_account
from facilitator.dialogues.access import Caller
from facilitator.dialogues.models import Member

DEVICE_TOKEN_KEY = "device"  # noqa: S105 - a session key name, not a secret


def current_device() -> Member | None:
    """The participant device (its member row) signed in by answering a key challenge, as
    ``facilitator.identity`` resolved it for this request (``core.auth``)."""
    device: Member | None = g.get("device")
    return device


def current_caller() -> Caller:
    """The account and the device of this request, as the dialogue services take them."""
    return Caller(account=current_account(), device=current_device())
