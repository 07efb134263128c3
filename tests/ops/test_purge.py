"""The purge: rows past their end (and the grace) are deleted, live ones stay; the command, the
server's periodic task, and two purges at once on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from facilitator import td2
from facilitator.accounts.models import Account, LoginSession, OneTimeLink, utcnow
from facilitator.cli import purge_command
from facilitator.core.db import commit_boundary
from facilitator.dialogues.models import (
    DeviceChallenge,
    DeviceSession,
    Dialogue,
    Invitation,
    Knock,
    Member,
)
from facilitator.extensions import db
from facilitator.ops import purge

LONG_AGO = purge.GRACE + timedelta(days=30)
RECENTLY = timedelta(minutes=5)


def b64_id() -> str:
    return td2.b64u_encode(td2.random_id())


def seed(app, make_member, tag: str, age: timedelta, *, removed: bool = False) -> dict[str, object]:
    """One row of every purged kind, ``age`` past its creation (and, when old, its end)."""
    active_id = make_member("convener", username=f"active-{tag}").id
    pending_id = make_member("observer", username=f"pending-{tag}").id
    with app.app_context(), commit_boundary():
        return _seed_rows(db.session, active_id, pending_id, age, removed)


def _seed_rows(session, active_id: int, pending_id: int, age: timedelta, removed: bool):
    then = utcnow() - age
    account, pending = session.get(Account, active_id), session.get(Account, pending_id)
    account.created_at = account.activated_at = then
    pending.created_at, pending.activated_at = then, None  # never finished enrolling
    dialogue = Dialogue(id=b64_id())
    session.add(dialogue)
    session.flush()
    member = Member(
        dialogue_id=dialogue.id, handle=b64_id(), x25519_public="k" * 43, role="participant",
        joined_epoch=0, removed_epoch=1 if removed else None,
    )
    session.add(member)
    session.flush()
    lifetime = timedelta(hours=1)
    used_invitation = Invitation(
        id=b64_id(), dialogue_id=dialogue.id, secret_hash="h" * 43, role="participant",
        created_at=then, expires_at=then + lifetime, used_at=then,
    )
    open_invitation = Invitation(
        id=b64_id(), dialogue_id=dialogue.id, secret_hash="h" * 43, role="participant",
        created_at=then, expires_at=then + lifetime,
    )
    session.add_all([used_invitation, open_invitation])
    session.flush()

    def knock(invitation: Invitation, status: str) -> Knock:
        return Knock(
            id=b64_id(), dialogue_id=dialogue.id, invitation_id=invitation.id, handle=b64_id(),
            x25519_public="k" * 43, role="participant", status=status, created_at=then,
        )

    rows: dict[str, object] = {
        "login_session": LoginSession(
            token_hash=b64_id().ljust(64, "0"), account_id=account.id, created_at=then,
            last_seen_at=then,
        ),
        "device_session": DeviceSession(
            token_hash=b64_id().ljust(64, "0"), member_id=member.id, created_at=then,
            last_seen_at=then,
        ),
        "device_challenge": DeviceChallenge(
            id=b64_id(), member_id=member.id, nonce_hash="n" * 64,
            expires_at=then + timedelta(minutes=2),
        ),
        "setup_link": OneTimeLink(
            token_hash=b64_id().ljust(64, "0"), purpose="setup", role="convener",
            created_at=then, expires_at=then + lifetime,
        ),
        "used_link": OneTimeLink(
            token_hash=b64_id().ljust(64, "0"), purpose="invite", role="observer",
            created_at=then, expires_at=then + timedelta(days=400), used_at=then,
        ),
        "claimed_link": OneTimeLink(
            token_hash=b64_id().ljust(64, "0"), purpose="invite", role="observer",
            created_at=then, expires_at=then + lifetime, claimed_by_id=pending.id,
        ),
        "approved_knock": knock(used_invitation, "approved"),
        "refused_knock": knock(open_invitation, "refused"),
    }
    session.add_all(rows.values())
    session.flush()
    keys = {name: getattr(row, "token_hash", None) or row.id for name, row in rows.items()}
    keys |= {
        "pending_account": pending.id,
        "active_account": account.id,
        "used_invitation": used_invitation.id,
        "open_invitation": open_invitation.id,
    }
    return keys


MODELS = {
    "login_session": LoginSession,
    "device_session": DeviceSession,
    "device_challenge": DeviceChallenge,
    "setup_link": OneTimeLink,
    "used_link": OneTimeLink,
    "claimed_link": OneTimeLink,
    "approved_knock": Knock,
    "refused_knock": Knock,
    "pending_account": Account,
    "active_account": Account,
    "used_invitation": Invitation,
    "open_invitation": Invitation,
}


def still_there(session, keys) -> set[str]:
    found = set()
    for name, key in keys.items():
        model = MODELS[name]
        if model is OneTimeLink:
            present = session.scalar(select(OneTimeLink.id).where(OneTimeLink.token_hash == key))
        else:
            present = session.get(model, key)
        if present is not None:
            found.add(name)
    return found


@pytest.fixture
def seeded(app, make_member):
    return seed(app, make_member, "old", LONG_AGO), seed(app, make_member, "live", RECENTLY)


# Everything old lapsed (the "open" invitation expired long ago) but the activated account.
LAPSED = set(MODELS) - {"active_account"}


def test_purge_deletes_rows_past_their_end_and_keeps_live_ones(app, seeded, settings):
    old, live = seeded
    with app.app_context(), commit_boundary():
        purged = purge.purge_expired(
            db.session, settings.idle_timeout_s, settings.absolute_timeout_s
        )
    assert purged.total() > 0
    with app.app_context():
        assert still_there(db.session, old) == set(MODELS) - LAPSED
        assert still_there(db.session, live) == set(MODELS)


def test_nothing_within_the_grace_is_deleted(app, make_member, settings):
    """A session that lapsed a minute ago, a link used a minute ago: kept for the grace."""
    recent = seed(app, make_member, "recent", purge.GRACE - timedelta(hours=2))
    with app.app_context(), commit_boundary():
        purge.purge_expired(db.session, settings.idle_timeout_s, settings.absolute_timeout_s)
    with app.app_context():
        assert still_there(db.session, recent) == set(MODELS)


def test_device_sessions_of_removed_members_are_deleted_at_once(app, make_member, settings):
    removed = seed(app, make_member, "removed", RECENTLY, removed=True)
    with app.app_context(), commit_boundary():
        purge.purge_expired(db.session, settings.idle_timeout_s, settings.absolute_timeout_s)
    with app.app_context():
        assert still_there(db.session, removed) == set(MODELS) - {"device_session"}


def test_a_pending_account_with_a_usable_link_stays(app, make_member, settings):
    keys = seed(app, make_member, "claim", LONG_AGO)
    with app.app_context(), commit_boundary():
        link = db.session.scalar(
            select(OneTimeLink).where(OneTimeLink.token_hash == keys["claimed_link"])
        )
        link.expires_at = utcnow() + timedelta(hours=1)
    with app.app_context(), commit_boundary():
        purge.purge_expired(db.session, settings.idle_timeout_s, settings.absolute_timeout_s)
    with app.app_context():
        assert {"pending_account", "claimed_link"} <= still_there(db.session, keys)


def test_purge_command_reports_what_it_deleted(app, seeded):
    old, live = seeded
    result = app.test_cli_runner().invoke(purge_command)
    assert result.exit_code == 0, result.output
    assert "login sessions: 1" in result.output
    assert "knocks: 2" in result.output
    with app.app_context():
        assert still_there(db.session, old) == set(MODELS) - LAPSED
        assert still_there(db.session, live) == set(MODELS)


class Stop(Exception):
    pass


def test_the_server_starts_one_periodic_purge_per_process(app, seeded):
    old, _live = seeded
    started: list[tuple[object, ...]] = []
    assert purge.start_periodic_purge(app, lambda *args: started.append(args), lambda s: None)
    assert not purge.start_periodic_purge(app, lambda *args: started.append(args), lambda s: None)
    assert len(started) == 1
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        """The first purge ran before the first nap."""
        with app.app_context():
            assert still_there(db.session, old) == set(MODELS) - LAPSED
        naps.append(seconds)
        if len(naps) == 2:
            raise Stop()

    with pytest.raises(Stop):
        purge.run_periodically(app, sleep, interval_s=100)
    assert all(75 <= nap <= 125 for nap in naps)


def test_a_failed_purge_is_tried_again(app, seeded, monkeypatch):
    old, _live = seeded
    calls: list[int] = []
    real = purge.purge_now

    def flaky(app_):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database away")
        return real(app_)

    monkeypatch.setattr(purge, "purge_now", flaky)

    def sleep(seconds: float) -> None:
        if len(calls) == 2:
            raise Stop()

    with pytest.raises(Stop):
        purge.run_periodically(app, sleep, interval_s=1)
    with app.app_context():
        assert still_there(db.session, old) == set(MODELS) - LAPSED
