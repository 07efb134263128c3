"""The server keeps garbage out of steward certificates: an epoch that admits a key steward
carries exactly one certificate for the key that steward registered, signed by the calling
steward for this epoch, and nothing else; anything else is a clear 400 that changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator import td2
from facilitator.client import DialogueClient, FlaskTransport
from tests.conftest import ORIGIN
from tests.dialogues.conftest import SCENARIO_DIALOGUE
from tests.dialogues.test_api_authz import snapshot

b64e, b64d = td2.b64u_encode, td2.b64u_decode


@pytest.fixture
def steward_knock(app, make_member):
    def client(member: Any) -> DialogueClient:
        api = DialogueClient(FlaskTransport(app.test_client(), ORIGIN))
        api.sign_in(member.username, member.password, member.totp_secret)
        return api

    convener = client(make_member("convener", username="samira"))
    dialogue_id = convener.create_dialogue(SCENARIO_DIALOGUE)
    lead = client(make_member("facilitator", username="oleksandr"))
    lead.knock(convener.add_team_seat(dialogue_id, "oleksandr", "facilitator", steward=True),
               steward=True)
    (knock,) = convener.pending_knocks(dialogue_id)
    return convener, dialogue_id, knock


def epoch_body(convener: DialogueClient, dialogue_id: str, knock: dict[str, Any]) -> tuple:
    ring = convener.keyrings[dialogue_id]
    current = convener.epochs(dialogue_id)[-1]
    newcomer = td2.RosterMember(b64d(knock["handle"]), b64d(knock["x25519_public"]), knock["role"])
    body, state = convener._epoch_body(ring, current.number + 1, current.record_hash,
                                       [*current.roster, newcomer], td2.random_secret())
    body["approve"] = [knock["knock_id"]]
    return body, state.number


def cert(private: bytes, dialogue_id: str, epoch: int, handle: str, key: str) -> dict[str, str]:
    signature = td2.sign_steward_cert(private, b64d(dialogue_id), epoch, b64d(handle), b64d(key))
    return {"handle": handle, "ed25519_public": key, "signature": b64e(signature)}


def bad_certificates(convener, dialogue_id, knock, epoch):
    mine = convener.keyrings[dialogue_id].ed25519_private
    handle, key = knock["handle"], knock["ed25519_public"]
    other_key = b64e(td2.generate_steward_keypair()[1])
    stranger = td2.generate_steward_keypair()[0]
    good = cert(mine, dialogue_id, epoch, handle, key)
    yield "none for a steward newcomer", []
    yield "signed by a key that is not the caller's", [cert(stranger, dialogue_id, epoch, handle,
                                                            key)]
    yield "for another key than the one registered", [cert(mine, dialogue_id, epoch, handle,
                                                           other_key)]
    yield "for another epoch", [cert(mine, dialogue_id, epoch + 1, handle, key)]
    yield "for a handle that is not a newcomer", [good, cert(
        mine, dialogue_id, epoch, b64e(td2.random_id()), other_key)]
    yield "twice for the newcomer", [good, good]
    yield "with a signature of the wrong length", [{**good, "signature": good["signature"][:40]}]


def test_bad_steward_certificates_are_refused_and_change_nothing(app, steward_knock):
    convener, dialogue_id, knock = steward_knock
    path = f"/api/v1/dialogues/{dialogue_id}/epochs"
    before = snapshot(app)
    body, epoch = epoch_body(convener, dialogue_id, knock)
    for what, certificates in bad_certificates(convener, dialogue_id, knock, epoch):
        status, data, _ = convener.transport.request(
            "POST", path, json_body={**body, "steward_certs": certificates})
        assert status == 400, what
        assert data["error"] in {"epoch_invalid", "invalid_input"}, what
        assert snapshot(app) == before, what
    mine = convener.keyrings[dialogue_id].ed25519_private
    good = cert(mine, dialogue_id, epoch, knock["handle"], knock["ed25519_public"])
    status, _, _ = convener.transport.request(
        "POST", path, json_body={**body, "steward_certs": [good]})
    assert status == 201
    (stored,) = [e for e in convener.call("GET", path) if e["epoch"] == epoch]
    assert stored["steward_certs"] == [good]


def test_a_genesis_certifies_no_steward(app, make_member):
    api = DialogueClient(FlaskTransport(app.test_client(), ORIGIN))
    member = make_member("convener", username="samira")
    api.sign_in(member.username, member.password, member.totp_secret)
    dialogue_id, handle = td2.random_id(), td2.random_id()
    x_private, x_public = td2.generate_member_keypair()
    e_private, e_public = td2.generate_steward_keypair()
    from facilitator.client.client import KeyRing

    ring = KeyRing(dialogue_id, handle, x_private, x_public, e_private, e_public)
    genesis, _ = api._epoch_body(ring, 0, td2.GENESIS_PREV_HASH,
                                 [td2.RosterMember(handle, x_public, "convener")],
                                 td2.random_secret())
    genesis["steward_certs"] = [cert(e_private, b64e(dialogue_id), 0, b64e(handle),
                                     b64e(e_public))]
    before = snapshot(app)
    status, data, _ = api.transport.request("POST", "/api/v1/dialogues", json_body={
        "dialogue_id": b64e(dialogue_id),
        "member": {"handle": b64e(handle), "x25519_public": b64e(x_public),
                   "ed25519_public": b64e(e_public)},
        "genesis": genesis,
    })
    assert status == 400 and data["error"] == "epoch_invalid"
    assert snapshot(app) == before
