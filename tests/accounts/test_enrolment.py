"""First convener by one-time link or command line; team members by a convener's invitation."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from datetime import timedelta

import pyotp
from sqlalchemy import func, select

from facilitator.accounts import service
from facilitator.accounts.models import Account, OneTimeLink
from facilitator.core.db import commit_boundary
from facilitator.extensions import db
from tests.conftest import csrf_token, post_form


def setup_link(app):
    with app.app_context(), commit_boundary():
        return service.create_setup_link(db.session, 3600)


def account_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Account))


def enrol(client, link, username="samira", password="a long enough passphrase", confirm=None):
    """Submit the enrolment form of ``link`` (``/setup#<token>``) as its page's script does:
    the token from the fragment goes in the body; the request's address carries none."""
    path, _, token = link.partition("#")
    return client.post(
        path,
        data={
            "token": token,
            "username": username,
            "password": password,
            "confirm": password if confirm is None else confirm,
            "csrf_token": csrf_token(client, path),
        },
    )


def confirm_totp(client, code=None):
    page = client.get("/enrol/totp").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    code = code or pyotp.TOTP(secret).now()
    return client.post(
        "/enrol/totp", data={"code": code, "csrf_token": csrf_token(client, "/enrol/totp")}
    )


def test_first_convener_via_one_time_link(app, client):
    token = setup_link(app)
    assert client.get("/setup").status_code == 200
    assert enrol(client, f"/setup#{token}").location.endswith("/enrol/totp")
    assert client.get("/").status_code == 302, "not signed in before TOTP is confirmed"
    page = client.get("/enrol/totp").get_data(as_text=True)
    assert 'data-uri="otpauth://totp/' in page
    assert confirm_totp(client).status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and "samira" in home.get_data(as_text=True)
    with app.app_context():
        account = db.session.scalar(select(Account))
        assert account.role == "convener" and account.is_active
        assert account.password_hash.startswith("$argon2id$")


def test_setup_link_is_single_use_and_closes_after_the_first_convener(app, client):
    token = setup_link(app)
    enrol(client, f"/setup#{token}")
    confirm_totp(client)
    other = app.test_client()
    other.environ_base["HTTP_ORIGIN"] = "http://localhost"
    response = enrol(other, f"/setup#{token}", username="intruder")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)
    with app.app_context():
        try:
            service.create_setup_link(db.session, 3600)
            raise AssertionError("a second setup link must be refused")
        except service.SetupClosedError:
            pass


def test_expired_setup_link_fails_clearly(app, client):
    token = setup_link(app)
    with app.app_context():
        link = db.session.scalar(select(OneTimeLink))
        link.expires_at = link.created_at - timedelta(seconds=1)
        db.session.commit()
    response = enrol(client, f"/setup#{token}")
    assert response.status_code == 404
    assert "expired" in response.get_data(as_text=True)
    assert account_count(app) == 0


def test_bad_enrolment_input_changes_nothing(app, client):
    token = setup_link(app)
    path = f"/setup#{token}"
    short = enrol(client, path, password="too short")
    assert short.status_code == 400 and "at least 12" in short.get_data(as_text=True)
    mismatch = enrol(client, path, confirm="a different passphrase")
    assert mismatch.status_code == 400
    bad_name = enrol(client, path, username="<script>alert(1)</script>")
    assert bad_name.status_code == 400
    assert "<script>alert(1)</script>" not in bad_name.get_data(as_text=True)
    assert account_count(app) == 0
    long_ok = enrol(client, path, password="p" * 128)
    assert long_ok.status_code == 302, "128-character passwords are accepted"


def test_wrong_totp_at_enrolment_keeps_account_inactive(app, client):
    token = setup_link(app)
    enrol(client, f"/setup#{token}")
    assert confirm_totp(client, code="000000").status_code == 401
    with app.app_context():
        account = db.session.scalar(select(Account))
        assert not account.is_active


def test_convener_invites_a_team_member_who_joins_with_that_role(app, client, sign_in, make_member):
    convener = make_member("convener")
    sign_in(convener)
    response = post_form(client, "/team/invitations", {"role": "interpreter"}, page="/team")
    assert response.status_code == 201
    link = re.search(r'id="new-invitation-link">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert re.fullmatch(r"http://localhost/join-team#[\w-]{40,}", link)
    path = link.replace("http://localhost", "")
    invitee = app.test_client()
    invitee.environ_base["HTTP_ORIGIN"] = "http://localhost"
    assert invitee.get("/join-team").status_code == 200
    assert enrol(invitee, path, username="helene").status_code == 302
    assert confirm_totp(invitee).status_code == 302
    assert invitee.get("/").status_code == 200
    with app.app_context():
        helene = db.session.scalar(select(Account).where(Account.username == "helene"))
        assert helene.role == "interpreter" and helene.is_active
    # The link was single use.
    again = app.test_client()
    again.environ_base["HTTP_ORIGIN"] = "http://localhost"
    assert enrol(again, path, username="mallory").status_code == 404


def test_revoked_invitation_fails(app, client, sign_in, make_member):
    convener = make_member("convener")
    sign_in(convener)
    response = post_form(client, "/team/invitations", {"role": "rapporteur"}, page="/team")
    link = re.search(r'id="new-invitation-link">([^<]+)<', response.get_data(as_text=True)).group(1)
    with app.app_context():
        link_id = db.session.scalar(select(OneTimeLink.id))
    assert post_form(client, f"/team/invitations/{link_id}/revoke", {}, "/team").status_code == 302
    revoked = app.test_client()
    revoked.environ_base["HTTP_ORIGIN"] = "http://localhost"
    assert enrol(revoked, link.replace("http://localhost", "")).status_code == 404


def test_only_conveners_invite(app, client, sign_in, make_member):
    sign_in(make_member("facilitator"))
    response = post_form(client, "/team/invitations", {"role": "convener"}, page="/team")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OneTimeLink)) == 0


def test_unknown_role_is_refused(app, client, sign_in, make_member):
    sign_in(make_member("convener"))
    response = post_form(client, "/team/invitations", {"role": "dictator"}, page="/team")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OneTimeLink)) == 0


def test_create_convener_on_the_terminal(settings, app, tmp_path):
    """The real command, in a subprocess, answering its prompts as a person would."""
    key_file = tmp_path / "totp_key"
    key_file.write_text(base64.urlsafe_b64encode(settings.totp_key).decode())
    env = {
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": settings.secret_key,
        "FACILITATOR_TOTP_KEY_FILE": str(key_file),
        "PATH": "/usr/bin:/bin",
    }
    command = [sys.executable, "-m", "facilitator.cli", "create-convener", "--username", "Karim"]
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=env,
    )
    assert process.stdin and process.stdout
    process.stdin.write("a long enough passphrase\na long enough passphrase\n")
    process.stdin.flush()
    secret = None
    for line in process.stdout:
        if "key:" in line:
            secret = line.split("key:")[1].strip()
            process.stdin.write(pyotp.TOTP(secret).now() + "\n")
            process.stdin.flush()
            break
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    assert "Convener 'karim' created." in output
    with app.app_context():
        karim = db.session.scalar(select(Account).where(Account.username == "karim"))
        assert karim.is_active and karim.role == "convener" and service.totp_secret(karim, settings.totp_key) == secret


def test_a_link_without_its_token_enrols_nobody(app, client):
    setup_link(app)
    assert enrol(client, "/setup").status_code == 404
    assert account_count(app) == 0


def test_path_style_links_are_gone(app, client):
    """A token in the path would reach every access log on the way: such addresses answer 404,
    and the enrolment pages themselves show no token."""
    token = setup_link(app)
    assert client.get(f"/setup/{token}").status_code == 404
    assert client.post(f"/setup/{token}", data={}).status_code == 404
    assert client.get(f"/join-team/{token}").status_code == 404
    assert token not in client.get("/setup").get_data(as_text=True)
