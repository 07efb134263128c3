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
