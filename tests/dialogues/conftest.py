"""A dialogue with one member of every role, built through the API by the Python client."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from facilitator.client import DialogueClient, FlaskTransport
from tests.conftest import ORIGIN, Member

SCENARIO_DIALOGUE = {
    "title": {"en": "Vell River water-sharing dialogue, round 3 CANARY-7f3a9c-VELL-TITLE"},
    "languages": ["en", "ar", "fr", "ru", "fa"],
    "timezone": "Asia/Amman",
    "track": "II",
    "confidentiality_default": "chatham_house",
}


@pytest.fixture
def client_for(app) -> Callable[[Member | None], DialogueClient]:
    """A Python client on its own cookie jar; signed in when given a team member."""

    def make(member: Member | None = None) -> DialogueClient:
        test_client = app.test_client()
        api = DialogueClient(FlaskTransport(test_client, ORIGIN))
        if member is not None:
            api.sign_in(member.username, member.password, member.totp_secret)
        return api

    return make


@dataclass
class Workshop:
    dialogue_id: str
    clients: dict[str, DialogueClient] = field(default_factory=dict)
    handles: dict[str, str] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)


def admit(convener: DialogueClient, dialogue_id: str, newcomer: DialogueClient, how: str) -> str:
    knock = newcomer.knock(how)
    pending = convener.pending_knocks(dialogue_id)
    assert [k["fingerprint"] for k in pending] == [knock["fingerprint"]]
    assert pending[0]["proof_ok"]
    convener.approve(dialogue_id, pending)
    return str(knock["handle"])


@pytest.fixture
def workshop(make_member, client_for) -> Workshop:
    """Convener, facilitator, interpreter, rapporteur, observer (team seats) and a participant
    device (invitation link), all admitted; plus a signed-in stranger with no seat."""
    convener_member = make_member("convener", username="samira")
    convener = client_for(convener_member)
    dialogue_id = convener.create_dialogue(SCENARIO_DIALOGUE)
    result = Workshop(dialogue_id, {"convener": convener}, members={"convener": convener_member})
    result.handles["convener"] = next(iter(convener.keyrings.values())).handle.hex()
    for role in ["facilitator", "interpreter", "rapporteur", "observer"]:
        member = make_member(role)
        api = client_for(member)
        seat = convener.add_team_seat(dialogue_id, member.username, role)
        result.handles[role] = admit(convener, dialogue_id, api, seat)
        result.clients[role] = api
    participant = client_for(None)
    link = convener.invite_participant(dialogue_id)
    result.handles["participant"] = admit(convener, dialogue_id, participant, link)
    participant.open_device_session(dialogue_id)
    result.clients["participant"] = participant
    result.clients["stranger"] = client_for(make_member("convener", username="stranger"))
    return result
