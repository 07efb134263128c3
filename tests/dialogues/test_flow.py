"""The workspace flows through the API: create, seat, invite, knock, approve, read, remove."""

from __future__ import annotations

import pytest

from facilitator import td2
from facilitator.client import ApiError
from tests.dialogues.conftest import SCENARIO_DIALOGUE


def test_everyone_admitted_reads_the_dialogue_document(workshop):
    for role in ["convener", "facilitator", "interpreter", "rapporteur", "observer", "participant"]:
        api = workshop.clients[role]
        documents = api.read_meta(workshop.dialogue_id)
        dialogue = [d for d in documents if d["type"] == "dialogue"]
        assert dialogue and dialogue[0]["title"] == SCENARIO_DIALOGUE["title"], role


def test_stranger_sees_nothing(workshop):
    stranger = workshop.clients["stranger"]
    with pytest.raises(ApiError) as error:
        stranger.call("GET", f"/api/v1/dialogues/{workshop.dialogue_id}/envelopes")
    assert error.value.status == 404
    assert stranger.call("GET", "/api/v1/dialogues") == []


def test_removed_participant_is_cut_off_from_everything(workshop):
    convener, participant = workshop.clients["convener"], workshop.clients["participant"]
    handle = td2.b64u_encode(next(iter(participant.keyrings.values())).handle)
    convener.remove(workshop.dialogue_id, [handle])
    for path in ["", "/epochs", "/wraps", "/envelopes"]:
        with pytest.raises(ApiError) as error:
            participant.call("GET", f"/api/v1/dialogues/{workshop.dialogue_id}{path}")
        assert error.value.status in (401, 404), path
    # The rest still read, under the new epoch that leaves the participant out.
    convener.write_meta(workshop.dialogue_id, {"type": "session", "title": {"en": "Day 2"}})
    titles = [d.get("title") for d in workshop.clients["observer"].read_meta(workshop.dialogue_id)]
    assert {"en": "Day 2"} in titles


def test_device_challenges_are_limited_per_member_not_per_address(workshop, client_for):
    """Participants at a venue share one address: one member's retries never lock out another."""
    d = workshop.dialogue_id
    venue = client_for(None)  # every request below comes from the same address
    participant = td2.b64u_encode(workshop.clients["participant"].keyrings[d].handle)
    observer = td2.b64u_encode(workshop.clients["observer"].keyrings[d].handle)

    def challenge(handle):
        status, body, _ = venue.transport.request(
            "POST", "/api/v1/device-challenges", json_body={"dialogue_id": d, "handle": handle})
        return status, body

    statuses = [challenge(participant)[0] for _ in range(31)]
    # 30 an hour per member; the fixture's own sign-in already used one.
    assert statuses == [201] * 29 + [429] * 2
    status, body = challenge(participant)
    assert status == 429 and body["error"] == "rate_limited"
    assert challenge(observer)[0] == 201


def test_a_lead_facilitator_seated_as_steward_admits_and_removes(make_member, client_for):
    from tests.dialogues.conftest import SCENARIO_DIALOGUE, admit

    convener = client_for(make_member("convener"))
    dialogue_id = convener.create_dialogue(SCENARIO_DIALOGUE)
    lead_member = make_member("facilitator")
    lead = client_for(lead_member)
    seat = convener.add_team_seat(dialogue_id, lead_member.username, "facilitator", steward=True)
    assert [s["steward"] for s in lead.call("GET", "/api/v1/team-seats")] == [True]
    lead.knock(seat, steward=True)  # the knock carries the lead's signing key
    convener.approve(dialogue_id, convener.pending_knocks(dialogue_id))
    assert lead.call("GET", f"/api/v1/dialogues/{dialogue_id}")["me"]["is_steward"] is True
    # The lead lets a participant in, then removes them: both epochs are signed by the lead.
    participant = client_for(None)
    handle = admit(lead, dialogue_id, participant, lead.invite_participant(dialogue_id))
    participant.open_device_session(dialogue_id)
    assert participant.read_meta(dialogue_id)[0]["type"] == "dialogue"
    lead.remove(dialogue_id, [handle])
    titles = [d.get("title") for d in convener.read_meta(dialogue_id)]
    assert SCENARIO_DIALOGUE["title"] in titles
