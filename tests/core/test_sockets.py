"""The Socket.IO handshake needs a signed-in account."""

from __future__ import annotations

from facilitator.extensions import socketio


def test_stranger_cannot_connect(app, client):
    socket = socketio.test_client(app, flask_test_client=client)
    assert not socket.is_connected()


def test_signed_in_member_connects(app, client, sign_in, make_member):
    sign_in(make_member("observer"))
    socket = socketio.test_client(app, flask_test_client=client)
    assert socket.is_connected()
    socket.disconnect()


def test_signed_out_session_cannot_connect(app, client, sign_in, make_member):
    from tests.conftest import post_form

    sign_in(make_member())
    post_form(client, "/logout", {})
    socket = socketio.test_client(app, flask_test_client=client)
    assert not socket.is_connected()
