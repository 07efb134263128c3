"""Removing a member cuts their live connection at once and ends their device session."""

from __future__ import annotations

from facilitator import td2
from facilitator.extensions import socketio


def test_removed_participant_is_disconnected_at_once(app, workshop):
    participant = workshop.clients["participant"]
    observer = workshop.clients["observer"]
    live = socketio.test_client(app, flask_test_client=participant.transport.client)
    watcher = socketio.test_client(app, flask_test_client=observer.transport.client)
    assert live.is_connected() and watcher.is_connected()
    handle = td2.b64u_encode(participant.keyrings[workshop.dialogue_id].handle)
    workshop.clients["convener"].remove(workshop.dialogue_id, [handle])
    assert not live.is_connected(), "the removed member's connection is closed"
    assert watcher.is_connected(), "other members stay connected"
    again = socketio.test_client(app, flask_test_client=participant.transport.client)
    assert not again.is_connected(), "and cannot reconnect"
    watcher.disconnect()


def test_removed_team_member_loses_the_dialogue_but_keeps_the_account(app, workshop):
    interpreter = workshop.clients["interpreter"]
    handle = td2.b64u_encode(interpreter.keyrings[workshop.dialogue_id].handle)
    workshop.clients["convener"].remove(workshop.dialogue_id, [handle])
    assert interpreter.call("GET", "/api/v1/dialogues") == []
    live = socketio.test_client(app, flask_test_client=interpreter.transport.client)
    assert live.is_connected(), "still a team member, just not in this dialogue"
    live.disconnect()
