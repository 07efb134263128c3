"""Deleting what has expired: sessions, one-time links, invitations, knocks and key challenges.

Nothing here is needed once it has lapsed, and every row kept is one more thing a copy of the
database reveals (who was invited when, which devices knocked). ``purge_expired`` deletes rows
past their end by more than ``GRACE``: the grace keeps a used or refused invitation visible to
its steward for a while, lets a device that knocked learn the outcome, and absorbs clock
differences between processes.

Every statement is a plain ``DELETE … WHERE`` on times: running it twice, or from several
processes at once, deletes each row once and changes nothing else. ``facilitator serve`` runs
it at start and every ``INTERVAL_S`` (``run_periodically``); ``facilitator purge`` runs it once,
for cron or a systemd timer.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import and_, delete, exists, or_, select

from facilitator.accounts.models import Account, LoginSession, OneTimeLink, utcnow
from facilitator.core.db import DbSession, commit_boundary
from facilitator.dialogues.models import (
    DeviceChallenge,
    DeviceSession,
    Invitation,
    Knock,
    Member,
)
from facilitator.extensions import db

GRACE = timedelta(days=7)
INTERVAL_S = 60 * 60
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    """How many rows of each kind one purge deleted."""

    login_sessions: int = 0
    device_sessions: int = 0
    device_challenges: int = 0
    pending_accounts: int = 0
    links: int = 0
    invitations: int = 0
    knocks: int = 0

    def total(self) -> int:
        return sum(asdict(self).values())


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def purge_expired(
    db: DbSession,
    idle_timeout_s: int,
    absolute_timeout_s: int,
    now: datetime | None = None,
    grace: timedelta = GRACE,
) -> Purged:
    """Delete every row that lapsed more than ``grace`` before ``now``; flushes, commits nothing."""
    now = now or utcnow()
    cutoff = now - grace
    idle = timedelta(seconds=idle_timeout_s)
    absolute = timedelta(seconds=absolute_timeout_s)

    login_sessions = db.execute(
        delete(LoginSession).where(
            or_(
                LoginSession.last_seen_at < cutoff - idle,
                LoginSession.created_at < cutoff - absolute,
            )
        )
    )
    removed_member = exists().where(
        Member.id == DeviceSession.member_id, Member.removed_epoch.is_not(None)
    )
    device_sessions = db.execute(
        delete(DeviceSession).where(or_(DeviceSession.last_seen_at < cutoff - idle, removed_member))
    )
    challenges = db.execute(delete(DeviceChallenge).where(DeviceChallenge.expires_at < cutoff))

    # An account that never finished enrolling is usable only through the link it claimed:
    # once no usable link holds it, it only keeps its username from others.
    usable_claim = exists().where(
        OneTimeLink.claimed_by_id == Account.id,
        OneTimeLink.used_at.is_(None),
        OneTimeLink.revoked_at.is_(None),
        OneTimeLink.expires_at > now,
    )
    pending_accounts = db.execute(
        delete(Account).where(
            Account.activated_at.is_(None), Account.created_at < cutoff, ~usable_claim
        )
    )
    links = db.execute(
        delete(OneTimeLink).where(
            or_(
                OneTimeLink.used_at < cutoff,
                OneTimeLink.revoked_at < cutoff,
                OneTimeLink.expires_at < cutoff,
            )
        )
    )

    # Knocks go with their invitation; a refused one earlier, once its device had time to ask.
    ended_invitation = or_(
        Invitation.used_at < cutoff,
        Invitation.revoked_at < cutoff,
        Invitation.expires_at < cutoff,
    )
    knocks = db.execute(
        delete(Knock).where(
            or_(
                and_(Knock.status == "refused", Knock.created_at < cutoff),
                Knock.invitation_id.in_(select(Invitation.id).where(ended_invitation)),
            )
        )
    )
    invitations = db.execute(delete(Invitation).where(ended_invitation))
    db.flush()
    return Purged(
        login_sessions=_count(login_sessions),
        device_sessions=_count(device_sessions),
        device_challenges=_count(challenges),
        pending_accounts=_count(pending_accounts),
        links=_count(links),
        invitations=_count(invitations),
        knocks=_count(knocks),
    )


def purge_now(app: Flask) -> Purged:
    """One purge in its own transaction, with ``app``'s session timeouts."""
    settings = app.extensions["facilitator.settings"]
    with app.app_context(), commit_boundary():
        return purge_expired(db.session, settings.idle_timeout_s, settings.absolute_timeout_s)


def run_periodically(
    app: Flask, sleep: Callable[[float], Any], interval_s: float = INTERVAL_S
) -> None:
    """Purge now, then every ``interval_s`` (± a quarter, so processes started together spread
    out), for as long as the process runs: a server restarted more often than hourly still
    purges. A failed purge is logged by its kind and tried next time."""
    while True:
        try:
            purged = purge_now(app)
        except Exception as error:  # the next round tries again
            log.warning("purge failed (%s)", type(error).__name__)
        else:
            if purged.total():
                log.info("purged %d expired rows", purged.total())
        sleep(interval_s * random.uniform(0.75, 1.25))  # noqa: S311 - spacing, not a secret


def start_periodic_purge(
    app: Flask, spawn: Callable[..., Any], sleep: Callable[[float], Any]
) -> bool:
    """Start ``run_periodically`` once per app (so once per server process); False if it was
    already running."""
    if app.extensions.get("facilitator.purge_started"):
        return False
    app.extensions["facilitator.purge_started"] = True
    spawn(run_periodically, app, sleep)
    return True
