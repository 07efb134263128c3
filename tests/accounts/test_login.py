"""Sign-in with password and TOTP, the per-account throttle, sessions and their timeouts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from facilitator.accounts.models import LoginSession
from facilitator.extensions import db
from tests.conftest import csrf_token, post_form


def password_step(client, username, password):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


def code_step(client, code):
    return client.post(
        "/login/code", data={"code": code, "csrf_token": csrf_token(client, "/login/code")}
    )


def age_sessions(app, column, seconds):
    """Move every login session's ``column`` timestamp ``seconds`` into the past."""
    with app.app_context():
        for row in db.session.scalars(select(LoginSession)):
            setattr(row, column, getattr(row, column) - timedelta(seconds=seconds))
        db.session.commit()


def test_password_then_code_signs_in(client, make_member):
    member = make_member("facilitator")
    assert client.get("/").status_code == 302
    response = password_step(client, member.username, member.password)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert client.get("/").status_code == 302, "a password alone must not sign in"
    assert code_step(client, member.code()).status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert member.username in home.get_data(as_text=True)


def test_wrong_password_is_refused_with_a_clear_message(client, make_member):
    member = make_member()
    response = password_step(client, member.username, "not the password at all")
    assert response.status_code == 401
    assert "username or password is not correct" in response.get_data(as_text=True)
    assert client.get("/login/code").status_code == 302


def test_unknown_user_gets_the_same_answer(client, make_member):
    make_member()
    response = password_step(client, "nobody-here", "whatever password 123")
    assert response.status_code == 401


def test_wrong_code_is_refused(client, make_member):
    member = make_member()
    password_step(client, member.username, member.password)
    wrong = "000000" if member.code() != "000000" else "111111"
    assert code_step(client, wrong).status_code == 401
    assert client.get("/").status_code == 302


def test_a_totp_code_is_accepted_only_once(client, sign_in, make_member):
    member = make_member()
    sign_in(member)
    code = member.code()
    post_form(client, "/logout", {})
    password_step(client, member.username, member.password)
    response = code_step(client, code)
    assert response.status_code == 401
    assert "already used" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_an_older_code_is_refused_after_a_newer_one(client, sign_in, make_member):
    member = make_member()
    password_step(client, member.username, member.password)
    assert code_step(client, member.code(offset_steps=1)).status_code == 302
    post_form(client, "/logout", {})
    password_step(client, member.username, member.password)
    assert code_step(client, member.code()).status_code == 401


def test_throttle_is_per_account_and_applies_before_the_password_check(client, app, make_member):
    target = make_member(username="target")
    bystander = make_member(username="bystander")
    for _ in range(5):
        assert password_step(client, target.username, "wrong password guess").status_code == 401
    # Even the right password is not looked at once the account is throttled.
    blocked = password_step(client, target.username, target.password)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    # Another account is not affected: the throttle is not global.
    assert password_step(client, bystander.username, bystander.password).status_code == 302


def test_successful_attempts_do_not_count_towards_the_throttle(client, make_member):
    member = make_member()
    for _ in range(7):
        assert password_step(client, member.username, member.password).status_code == 302


def test_session_is_regenerated_at_sign_in(client, sign_in, make_member):
    member = make_member()
    client.get("/login")
    before = client.get_cookie("facilitator_session").value
    old_csrf = csrf_token(client)
    sign_in(member)
    after = client.get_cookie("facilitator_session").value
    assert after != before
    # The pre-sign-in CSRF token is dead: the session it belonged to was replaced.
    response = client.post("/logout", data={"csrf_token": old_csrf})
    assert response.status_code == 400
    # Replaying the pre-sign-in cookie gives no access.
    client.set_cookie("facilitator_session", before)
    assert client.get("/").status_code == 302


def test_idle_timeout_ends_the_session(client, app, sign_in, make_member):
    member = make_member()
    sign_in(member)
    settings = app.extensions["facilitator.settings"]
    age_sessions(app, "last_seen_at", settings.idle_timeout_s + 5)
    assert client.get("/").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(LoginSession)).all() == []


def test_absolute_timeout_ends_an_active_session(client, app, sign_in, make_member):
    member = make_member()
    sign_in(member)
    settings = app.extensions["facilitator.settings"]
    age_sessions(app, "created_at", settings.absolute_timeout_s + 5)
    assert client.get("/").status_code == 302


def test_activity_within_the_idle_window_keeps_the_session(client, app, sign_in, make_member):
    member = make_member()
    sign_in(member)
    settings = app.extensions["facilitator.settings"]
    age_sessions(app, "last_seen_at", settings.idle_timeout_s - 60)
    assert client.get("/").status_code == 200
    with app.app_context():
        row = db.session.scalars(select(LoginSession)).one()
        assert row.last_seen_at > row.created_at


def test_logout_ends_only_this_session(app, make_member, sign_in, client):
    member = make_member()
    other = app.test_client()
    other.environ_base["HTTP_ORIGIN"] = "http://localhost"
    sign_in(member)
    _sign_in_with(other, member, offset_steps=1)
    assert post_form(client, "/logout", {}).status_code == 302
    assert client.get("/").status_code == 302
    assert other.get("/").status_code == 200


def test_logout_everywhere_ends_every_session_of_the_account(app, make_member, sign_in, client):
    member = make_member()
    colleague = make_member()
    other = app.test_client()
    other.environ_base["HTTP_ORIGIN"] = "http://localhost"
    third = app.test_client()
    third.environ_base["HTTP_ORIGIN"] = "http://localhost"
    sign_in(member)
    _sign_in_with(other, member, offset_steps=1)
    _sign_in_with(third, colleague)
    assert post_form(client, "/logout-everywhere", {}, page="/account").status_code == 302
    assert client.get("/").status_code == 302
    assert other.get("/").status_code == 302
    assert third.get("/").status_code == 200, "another account's sessions are untouched"


def _sign_in_with(test_client, member, offset_steps=0):
    assert password_step(test_client, member.username, member.password).status_code == 302
    assert code_step(test_client, member.code(offset_steps)).status_code == 302


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EXTENDED_ARABIC_INDIC = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.parametrize("digits", [ARABIC_INDIC, EXTENDED_ARABIC_INDIC])
def test_a_code_typed_in_other_digits_is_read_as_the_same_code(client, make_member, digits):
    """Arabic, Persian and Urdu keyboards type their own digits: the code is the same code."""
    member = make_member()
    assert password_step(client, member.username, member.password).status_code == 302
    assert code_step(client, member.code().translate(digits)).status_code == 302
    assert client.get("/").status_code == 200


def test_a_wrong_code_in_other_digits_is_refused_not_a_failure(client, make_member):
    member = make_member()
    assert password_step(client, member.username, member.password).status_code == 302
    wrong = "000000" if member.code() != "000000" else "111111"
    assert code_step(client, wrong.translate(ARABIC_INDIC)).status_code == 401
