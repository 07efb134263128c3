"""Fixtures of the adversarial suite: the malicious-server cases' dialogue, and the dialogue
fixtures (a workshop with every role admitted) reused by the sweep and the fuzzer."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from facilitator import td2
from facilitator.client import DialogueClient, FlaskTransport
from tests.conftest import ORIGIN, Member
from tests.dialogues.conftest import SCENARIO_DIALOGUE, client_for, workshop

__all__ = ["Room", "client_for", "room", "workshop"]


@dataclass
class Room:
    """A dialogue with a convener, a facilitator seated as a key steward and a participant let
    in by a link."""

    dialogue_id: str
    clients: dict[str, DialogueClient] = field(default_factory=dict)
    handles: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def room(app, make_member) -> Room:
    def client(member: Member | None = None) -> DialogueClient:
        api = DialogueClient(FlaskTransport(app.test_client(), ORIGIN))
        if member is not None:
            api.sign_in(member.username, member.password, member.totp_secret)
        return api

    convener = client(make_member("convener", username="samira"))
    dialogue_id = convener.create_dialogue(SCENARIO_DIALOGUE)
    facilitator = client(make_member("facilitator", username="oleksandr"))
    seat_id = convener.add_team_seat(dialogue_id, "oleksandr", "facilitator", steward=True)
    seat = facilitator.knock(seat_id, steward=True)
    convener.approve(dialogue_id, convener.pending_knocks(dialogue_id))
    participant = client()
    joined = participant.knock(convener.invite_participant(dialogue_id))
    convener.approve(dialogue_id, convener.pending_knocks(dialogue_id))
    participant.open_device_session(dialogue_id)
    return Room(
        dialogue_id,
        {"convener": convener, "facilitator": facilitator, "participant": participant},
        {
            "convener": td2.b64u_encode(convener.keyrings[dialogue_id].handle),
            "facilitator": seat["handle"],
            "participant": joined["handle"],
        },
    )
