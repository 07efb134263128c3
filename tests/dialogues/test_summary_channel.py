"""Envelopes of kind ``summary`` (drafts, approval requests and answers in members' boxes,
docs/protocol.md): any member may write one, only on the summary channel and under their own
handle; only its author deletes it; everything else is refused with a 4xx and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator import td2
from facilitator.client import epochs
from facilitator.client.sealing import meta_channel_id, seal, well_known_channel_id
from facilitator.client.transport import ApiError

b64e = td2.b64u_encode


def _summary_body(api, dialogue_id: str, *, kind: str = "summary", channel: bytes | None = None,
                  author: bytes | None = None) -> dict[str, Any]:
    ring = api.keyrings[dialogue_id]
    state = epochs.states(api, dialogue_id)[-1]
    channel = well_known_channel_id("summary", ring.dialogue_id) if channel is None else channel
    key = state.subkey(ring.dialogue_id, "meta")
    sealed = seal(key, kind, ring.dialogue_id, channel, state.number,
                  ring.handle if author is None else author, {"type": "summary_draft", "box": {}})
    return {"kind": kind, **sealed, "replaces": None}


def _listing(api, dialogue_id: str) -> list[dict[str, Any]]:
    channel = b64e(well_known_channel_id("summary", td2.b64u_decode(dialogue_id)))
    return api.call("GET", f"/api/v1/dialogues/{dialogue_id}/envelopes?channel={channel}")


@pytest.mark.parametrize("role", ["convener", "rapporteur", "interpreter", "participant"])
def test_any_member_writes_a_summary_envelope_under_their_own_handle(workshop, role):
    api = workshop.clients[role]
    d = workshop.dialogue_id
    body = _summary_body(api, d)
    api.call("POST", f"/api/v1/dialogues/{d}/envelopes", body)
    listed = _listing(workshop.clients["convener"], d)
    assert [(e["message_id"], e["kind"], e["author_handle"]) for e in listed] == [
        (body["message_id"], "summary", body["author_handle"])]


def _refused(api, d, body) -> ApiError:
    with pytest.raises(ApiError) as caught:
        api.call("POST", f"/api/v1/dialogues/{d}/envelopes", body)
    return caught.value


def test_a_summary_envelope_elsewhere_or_under_another_handle_is_refused(workshop):
    api = workshop.clients["participant"]
    d = workshop.dialogue_id
    ring = api.keyrings[d]
    other = workshop.clients["convener"].keyrings[d].handle
    cases = [
        _summary_body(api, d, channel=meta_channel_id(ring.dialogue_id)),
        _summary_body(api, d, channel=td2.random_id()),
        _summary_body(api, d, author=other),
    ]
    for body in cases:
        error = _refused(api, d, body)
        assert error.status == 400, error
    # A meta document on the summary channel is refused too, even from a convener.
    convener = workshop.clients["convener"]
    body = _summary_body(convener, d, kind="meta")
    assert _refused(convener, d, body).status == 400
    assert _listing(convener, d) == []


def test_strangers_cannot_write_or_read_the_summary_channel(workshop):
    d = workshop.dialogue_id
    body = _summary_body(workshop.clients["participant"], d)
    stranger = workshop.clients["stranger"]
    with pytest.raises(ApiError) as caught:
        stranger.call("POST", f"/api/v1/dialogues/{d}/envelopes", body)
    assert caught.value.status in {403, 404}
    with pytest.raises(ApiError) as caught:
        _listing(stranger, d)
    assert caught.value.status in {403, 404}
    assert _listing(workshop.clients["convener"], d) == []


def test_only_its_author_deletes_a_summary_envelope(workshop):
    d = workshop.dialogue_id
    participant = workshop.clients["participant"]
    body = _summary_body(participant, d)
    participant.call("POST", f"/api/v1/dialogues/{d}/envelopes", body)
    for role in ["convener", "facilitator", "rapporteur"]:
        with pytest.raises(ApiError) as caught:
            workshop.clients[role].call(
                "DELETE", f"/api/v1/dialogues/{d}/envelopes/{body['message_id']}")
        assert caught.value.status == 403
    assert len(_listing(participant, d)) == 1
    participant.call("DELETE", f"/api/v1/dialogues/{d}/envelopes/{body['message_id']}")
    assert _listing(participant, d) == []
