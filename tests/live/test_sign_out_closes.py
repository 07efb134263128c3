"""Ending a session closes the live connections opened with it at once: sign out (that session's
only), "sign out everywhere" (every session of the account), a device ending its session. With
two server processes sharing Redis, a connection on the other process closes too, as does a
removed member's."""

from __future__ import annotations

import time

import pytest

from facilitator.app import create_app
from facilitator.client import DialogueClient, HttpTransport
from facilitator.extensions import socketio
from facilitator.settings import Settings
from tests.conftest import ORIGIN, PASSWORD, REDIS_URL, csrf_token, migrate_to_head
from tests.live.test_scale_out import LiveSocket, make_account
from tests.servers import serving


@pytest.fixture
def signed_in(app):
    """A new test client signed in as ``member``: each sign-in of the same account uses the
    next TOTP step's code (a code is accepted once)."""
    steps: dict[str, int] = {}

    def sign_in(member):
        client = app.test_client()
        client.environ_base["HTTP_ORIGIN"] = ORIGIN
        form = {"username": member.username, "password": member.password,
                "csrf_token": csrf_token(client)}
        assert client.post("/login", data=form).status_code == 302
        steps[member.username] = step = steps.get(member.username, -2) + 1
        code = {"code": member.code(offset_steps=step),
                "csrf_token": csrf_token(client, "/login/code")}
        assert client.post("/login/code", data=code).status_code == 302
        return client

    return sign_in


def test_sign_out_everywhere_closes_every_connection_of_the_account(app, make_member, signed_in):
    member, bystander = make_member(), make_member()
    laptop, phone = signed_in(member), signed_in(member)
    other = signed_in(bystander)
    on_laptop = socketio.test_client(app, flask_test_client=laptop)
    on_phone = socketio.test_client(app, flask_test_client=phone)
    on_other = socketio.test_client(app, flask_test_client=other)
    assert on_laptop.is_connected() and on_phone.is_connected()
    response = phone.post("/logout-everywhere", data={"csrf_token": csrf_token(phone, "/")})
    assert response.status_code == 302
    assert not on_laptop.is_connected() and not on_phone.is_connected()
    assert on_other.is_connected(), "another account's connection stays"
    again = socketio.test_client(app, flask_test_client=laptop)
    assert not again.is_connected(), "the ended session cannot connect again"


def test_sign_out_closes_only_that_sessions_connections(app, make_member, signed_in):
    member = make_member()
    laptop, phone = signed_in(member), signed_in(member)
    on_laptop = socketio.test_client(app, flask_test_client=laptop)
    on_phone = socketio.test_client(app, flask_test_client=phone)
    assert phone.post("/logout", data={"csrf_token": csrf_token(phone, "/")}).status_code == 302
    assert not on_phone.is_connected()
    assert on_laptop.is_connected()


def test_a_device_ending_its_session_closes_its_connections(app, workshop):
    participant = workshop.clients["participant"]
    live = socketio.test_client(app, flask_test_client=participant.transport.client)
    observer = socketio.test_client(app, flask_test_client=workshop.clients["observer"]
                                    .transport.client)
    assert live.is_connected()
    status, _body, _ = participant.transport.request("DELETE", "/api/v1/device-sessions/current")
    assert status == 200
    assert not live.is_connected()
    assert observer.is_connected()


def wait_until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)
    return condition()


@pytest.mark.postgres
@pytest.mark.redis
def test_sign_out_closes_connections_on_the_other_process(fresh_postgres_database, tmp_path,
                                                          redis_client):
    database_url = fresh_postgres_database
    migrate_to_head(create_app(Settings(secret_key="k" * 32, database_url=database_url)))
    totp = make_account(database_url, "samira", tmp_path / "totp_key")
    env = {"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SECRET_KEY": "shared-" + "s" * 40,
           "FACILITATOR_TOTP_KEY_FILE": str(tmp_path / "totp_key")}
    with serving(env, tmp_path / "a") as server_a, serving(env, tmp_path / "b") as server_b:
        convener = DialogueClient(HttpTransport(server_a.origin))
        convener.sign_in("samira", PASSWORD, totp)
        dialogue_id = convener.create_dialogue({"title": {"en": "Sign-out"}})
        participant = DialogueClient(HttpTransport(server_b.origin))
        knock = participant.knock(convener.invite_participant(dialogue_id))
        convener.approve(dialogue_id, [k for k in convener.pending_knocks(dialogue_id)
                                       if k["knock_id"] == knock["knock_id"]])
        participant.open_device_session(dialogue_id)
        removed = DialogueClient(HttpTransport(server_b.origin))
        knock = removed.knock(convener.invite_participant(dialogue_id))
        convener.approve(dialogue_id, [k for k in convener.pending_knocks(dialogue_id)
                                       if k["knock_id"] == knock["knock_id"]])
        removed.open_device_session(dialogue_id)
        # The convener's and the participant's sessions, used from process B as well.
        convener_b, device_a = HttpTransport(server_b.origin), HttpTransport(server_a.origin)
        for source, copy in [(convener.transport, convener_b), (participant.transport, device_a)]:
            for cookie in source.cookies:
                copy.cookies.set_cookie(cookie)
        convener_on_b = LiveSocket(convener_b)
        participant_on_b = LiveSocket(participant.transport)
        removed_on_b = LiveSocket(removed.transport)
        try:
            assert convener_on_b.client.connected and participant_on_b.client.connected
            # A removal made on process A closes the removed member's connection on B.
            convener.remove(dialogue_id, [knock["handle"]])
            assert wait_until(lambda: not removed_on_b.client.connected)
            assert participant_on_b.client.connected and convener_on_b.client.connected
            status, _body, _ = convener.transport.request("POST", "/logout-everywhere")
            assert status == 302
            assert wait_until(lambda: not convener_on_b.client.connected)
            assert participant_on_b.client.connected
            status, _body, _ = device_a.request("DELETE", "/api/v1/device-sessions/current")
            assert status == 200
            assert wait_until(lambda: not participant_on_b.client.connected)
        finally:
            convener_on_b.close()
            participant_on_b.close()
            removed_on_b.close()
