"""The sign-in throttle's three budgets (per account, per client address, for the whole server),
one budget for both steps of a sign-in, no lockout by name alone, a pending sign-in good for one
sign-in only, and Argon2id hashing off the event loop."""

from __future__ import annotations

import gevent
import pytest

from facilitator.accounts import credentials
from facilitator.app import create_app
from facilitator.core import offload
from facilitator.extensions import db
from tests.accounts.test_login import code_step, password_step
from tests.conftest import ORIGIN, csrf_token


@pytest.fixture
def tight_app(settings):
    """The app with budgets small enough to reach in a test."""
    application = create_app(settings.with_(
        login_attempts_per_address="3 per 15 minutes", login_attempts_global="5 per minute"))
    yield application
    with application.app_context():
        db.engine.dispose()


def client_at(app, address):
    client = app.test_client()
    client.environ_base.update({"HTTP_ORIGIN": ORIGIN, "REMOTE_ADDR": address})
    return client


def wrong(code):
    return "000000" if code != "000000" else "111111"


def test_failed_passwords_are_limited_per_client_address(tight_app, make_member):
    member = make_member()
    attacker = client_at(tight_app, "198.51.100.1")
    for n in range(3):
        assert password_step(attacker, f"guess{n}", "not the password 123").status_code == 401
    blocked = password_step(attacker, member.username, member.password)
    assert blocked.status_code == 429, "not even the right password is checked from there"
    elsewhere = client_at(tight_app, "198.51.100.2")
    assert password_step(elsewhere, member.username, member.password).status_code == 302


def test_failed_passwords_are_limited_for_the_whole_server(tight_app, make_member):
    member = make_member()
    for n in range(5):
        client = client_at(tight_app, f"198.51.100.{10 + n}")
        assert password_step(client, f"guess{n}", "not the password 123").status_code == 401
    fresh = client_at(tight_app, "203.0.113.9")
    assert password_step(fresh, member.username, member.password).status_code == 429


def test_successful_sign_ins_spend_no_budget(tight_app, make_member):
    members = [make_member() for _ in range(4)]
    for member in members:
        client = client_at(tight_app, "198.51.100.50")
        assert password_step(client, member.username, member.password).status_code == 302
        assert code_step(client, member.code()).status_code == 302


def test_password_and_code_steps_share_one_budget(client, make_member):
    member = make_member()
    for _ in range(3):
        assert password_step(client, member.username, "not the password 123").status_code == 401
    assert password_step(client, member.username, member.password).status_code == 302
    for _ in range(2):
        assert code_step(client, wrong(member.code())).status_code == 401
    refused = code_step(client, member.code())
    assert refused.status_code == 429, "five failures in all, whichever the step"
    assert client.get("/").status_code == 302


def test_codes_without_a_password_step_lock_nobody_out(client, app, make_member):
    victim = make_member(username="victim")
    attacker = client_at(app, "198.51.100.7")
    for _ in range(8):
        response = attacker.post("/login/code", data={
            "username": victim.username, "code": "123456",
            "csrf_token": csrf_token(attacker)})
        assert response.status_code == 401
    assert password_step(client, victim.username, victim.password).status_code == 302
    assert code_step(client, victim.code()).status_code == 302
    assert client.get("/").status_code == 200


def test_the_pending_sign_in_is_good_for_one_sign_in(app, make_member):
    member = make_member()
    first = client_at(app, "127.0.0.1")
    assert password_step(first, member.username, member.password).status_code == 302
    copied = first.get_cookie("facilitator_session").value
    assert code_step(first, member.code()).status_code == 302
    replay = client_at(app, "127.0.0.1")
    replay.set_cookie("facilitator_session", copied)
    response = replay.post("/login/code", data={
        "code": member.code(offset_steps=1), "csrf_token": csrf_token(replay)})
    assert response.status_code == 401
    assert replay.get("/").status_code == 302, "the replayed cookie signs nobody in"


def test_hashing_leaves_the_event_loop_free(monkeypatch):
    """Under gevent, a greenlet keeps running while a password is checked: it is counted how
    many turns it gets during the check (none when the hash holds the loop)."""
    monkeypatch.setattr(offload, "loop_is_gevent", lambda: True)
    stored = credentials.hash_password("a long enough password")
    turns = 0
    checking = True

    def other_greenlet():
        nonlocal turns
        while checking:
            turns += 1
            gevent.sleep(0.001)

    ticker = gevent.spawn(other_greenlet)
    gevent.sleep(0)
    before = turns
    check = gevent.spawn(credentials.verify_password, stored, "a long enough password")
    assert check.get() is True
    during = turns - before
    checking = False
    ticker.join()
    assert during >= 3, during


def test_the_throttle_stores_no_client_address(tight_app):
    from facilitator.extensions import limiter

    attacker = client_at(tight_app, "198.51.100.1")
    assert password_step(attacker, "someone", "not the password 123").status_code == 401
    with tight_app.app_context():
        storage = limiter.storage
        keys = list(getattr(storage, "storage", {})) + list(getattr(storage, "events", {}))
    assert any("address:" in key for key in keys)
    assert not any("198.51.100.1" in key for key in keys)


def test_an_ipv6_client_cannot_leave_its_address_budget_by_changing_address(tight_app):
    """One machine has a whole /64 of IPv6 addresses to choose from: the budget is its /64's,
    and an IPv4 address is the same client whether or not it is written IPv4-mapped."""
    for n in range(3):
        attacker = client_at(tight_app, f"2001:db8:1:2::{n + 1:x}")
        assert password_step(attacker, f"guess{n}", "not the password 123").status_code == 401
    next_door = client_at(tight_app, "2001:db8:1:2:ffff:ffff:ffff:fff0")
    assert password_step(next_door, "guess", "not the password 123").status_code == 429
    other_network = client_at(tight_app, "2001:db8:1:3::1")
    assert password_step(other_network, "guess", "not the password 123").status_code == 401


def test_an_ipv4_mapped_address_shares_its_ipv4_budget(tight_app):
    for n in range(3):
        attacker = client_at(tight_app, "198.51.100.77")
        assert password_step(attacker, f"guess{n}", "not the password 123").status_code == 401
    mapped = client_at(tight_app, "::ffff:198.51.100.77")
    assert password_step(mapped, "guess", "not the password 123").status_code == 429


def test_one_code_completes_one_sign_in_when_two_check_it_at_once(app, make_member):
    """Two sign-ins of one account (a copied pending sign-in, two devices) that check the same
    code at the same moment: each read the account's last accepted step before either stored
    its own. The second to store it is refused, as it would be had it come later."""
    from sqlalchemy.orm import Session

    from facilitator.accounts import service
    from facilitator.accounts.errors import TotpRejectedError
    from facilitator.accounts.models import Account

    member = make_member()
    key = app.extensions["facilitator.settings"].totp_key
    code = member.code()
    with app.app_context():
        first = db.session.get(Account, member.id)
        assert first is not None and first.totp_last_step == 0
        with Session(db.engine) as second_session:
            second = second_session.get(Account, member.id)
            service.accept_totp(second_session, second, code, totp_key=key)
            second_session.commit()
        with pytest.raises(TotpRejectedError):
            service.accept_totp(db.session, first, code, totp_key=key)
        db.session.rollback()


def test_sign_ins_sent_together_cannot_check_more_passwords_than_the_budget(
    app, make_member, monkeypatch
):
    """Eight wrong passwords for one account sent at once, from eight addresses: each one held
    inside its password check until all eight have either reached a check or been refused. A
    budget that is only looked at before the check, and counted after it, lets all eight be
    checked; the budget is five."""
    import threading

    from facilitator.accounts import service

    member = make_member()
    real_verify = credentials.verify_password
    reached = []
    release = threading.Event()

    def held_verify(password_hash, password):
        reached.append(password)
        release.wait(timeout=20)
        return real_verify(password_hash, password)

    monkeypatch.setattr(service.credentials, "verify_password", held_verify)
    clients = [client_at(app, f"198.51.100.{60 + n}") for n in range(8)]
    tokens = [csrf_token(each) for each in clients]
    statuses = []

    def attempt(client, token, n):
        response = client.post("/login", data={
            "username": member.username, "password": f"wrong password {n}", "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(c, t, n))
               for n, (c, t) in enumerate(zip(clients, tokens, strict=True))]
    for thread in threads:
        thread.start()
    for _ in range(2000):  # until every attempt is inside a check or answered
        if len(reached) + len(statuses) >= len(threads):
            break
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(reached) == 5, "passwords checked"
    assert sorted(statuses) == [401] * 5 + [429] * 3


def signed_in_once(app, member, address):
    """A browser that has completed a sign-in to ``member`` and signed out again."""
    browser = client_at(app, address)
    assert password_step(browser, member.username, member.password).status_code == 302
    assert code_step(browser, member.code()).status_code == 302
    assert browser.get_cookie("facilitator_device", path="/login") is not None
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")})
    assert browser.get("/").status_code == 302
    return browser


def test_a_known_device_signs_in_while_its_account_is_locked_for_others(app, make_member):
    victim = make_member(username="victim")
    own = signed_in_once(app, victim, "192.0.2.10")
    attacker = client_at(app, "198.51.100.7")
    for _ in range(5):
        assert password_step(attacker, "victim", "not the password 123").status_code == 401
    assert password_step(attacker, "victim", "not the password 123").status_code == 429
    new_browser = client_at(app, "192.0.2.11")
    assert password_step(new_browser, "victim", victim.password).status_code == 429, (
        "a browser the owner never used shares the locked budget")
    assert password_step(own, "victim", victim.password).status_code == 302
    assert code_step(own, victim.code(offset_steps=1)).status_code == 302
    assert own.get("/").status_code == 200


def test_a_known_device_is_not_locked_out_by_its_shared_address(tight_app, make_member):
    """A venue network, or every onion visitor (all from the proxy's 127.0.0.1), is one
    address: someone there spending its budget does not lock out the team's own browsers."""
    member = make_member()
    own = signed_in_once(tight_app, member, "127.0.0.1")
    neighbour = client_at(tight_app, "127.0.0.1")
    for n in range(3):
        assert password_step(neighbour, f"guess{n}", "not the password 123").status_code == 401
    assert password_step(neighbour, member.username, member.password).status_code == 429
    assert password_step(own, member.username, member.password).status_code == 302


def test_a_device_cookie_counts_only_for_its_own_account_and_unaltered(app, make_member):
    victim, other = make_member(username="victim"), make_member(username="other")
    own = signed_in_once(app, other, "192.0.2.20")
    nonce, _, proof = own.get_cookie("facilitator_device", path="/login").value.partition(".")
    attacker = client_at(app, "198.51.100.8")
    for _ in range(5):
        assert password_step(attacker, "victim", "not the password 123").status_code == 401
    assert password_step(own, "victim", victim.password).status_code == 429, (
        "a cookie given for another account is worth nothing here")
    forged = client_at(app, "192.0.2.21")
    forged.set_cookie("facilitator_device", f"{nonce}.{'0' * len(proof)}", path="/login")
    assert password_step(forged, "victim", victim.password).status_code == 429
    assert b"victim" not in own.get_cookie("facilitator_device", path="/login").value.encode()
