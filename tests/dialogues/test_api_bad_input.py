"""Bad input to every dialogue API endpoint that takes a body: a clear 4xx JSON error, nothing
changed, never a 500. Includes the scenario's hostile strings and other dialogues' ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator import td2
from tests.dialogues.test_api_authz import snapshot

SCENARIO_FILE = Path(__file__).resolve().parents[1] / "scenarios" / "vell-water-dialogue.json"
HOSTILE = json.loads(SCENARIO_FILE.read_text())["hostile_inputs"]
b64e = td2.b64u_encode


def endpoints(d, round_id):
    return [
        ("POST", f"/api/v1/dialogues/{d}/rounds"),
        ("POST", f"/api/v1/dialogues/{d}/rounds/{round_id}/statements"),
        ("POST", f"/api/v1/dialogues/{d}/rounds/{round_id}/ballots"),
        ("POST", "/api/v1/dialogues"),
        ("POST", f"/api/v1/dialogues/{d}/epochs"),
        ("POST", f"/api/v1/dialogues/{d}/envelopes"),
        ("POST", f"/api/v1/dialogues/{d}/invitations"),
        ("PUT", f"/api/v1/dialogues/{d}/archive-key"),
        ("PUT", f"/api/v1/dialogues/{d}/settings"),
        ("POST", "/api/v1/device-challenges"),
        ("POST", "/api/v1/device-sessions"),
    ]


def bad_bodies():
    yield "not json at all", "text/plain"
    yield "{broken json", "application/json"
    yield json.dumps([1, 2, 3]), "application/json"
    yield json.dumps("a string"), "application/json"
    yield json.dumps({}), "application/json"
    yield json.dumps({"dialogue_id": 5, "epoch": "one", "kind": ["meta"]}), "application/json"
    yield json.dumps({"unexpected": True}), "application/json"
    for text in HOSTILE:
        yield json.dumps({"dialogue_id": text, "invite_id": text, "role": text, "kind": text,
                          "handle": text, "challenge_id": text, "nonce": text}), "application/json"
        yield json.dumps({"id": text, "kind": text, "tally_public": text, "message_id": text,
                          "epoch": 0, "blob": text, "slot": text, "sealed": text}), (
            "application/json")


def send(api, method, path, raw, content_type):
    client = api.transport.client
    token = api.call("GET", "/api/v1/csrf")["csrf_token"]
    return client.open(path, method=method, data=raw, content_type=content_type,
                       headers={"Origin": api.transport.origin, "X-CSRFToken": token})


def test_bad_bodies_are_refused_clearly_and_change_nothing(app, workshop):
    convener = workshop.clients["convener"]
    round_id = convener.open_round(workshop.dialogue_id, "consent", {"title": {"en": "x"}})
    before = snapshot(app)
    for method, path in endpoints(workshop.dialogue_id, round_id):
        for raw, content_type in bad_bodies():
            response = send(convener, method, path, raw, content_type)
            assert 400 <= response.status_code < 500, (path, raw, response.status_code)
            body = response.get_json()
            assert body["error"] and body["message"], (path, raw)
            assert "<script>" not in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_oversize_body_is_refused(app, workshop):
    convener = workshop.clients["convener"]
    before = snapshot(app)
    huge = json.dumps({"blob": "A" * (2 * 1024 * 1024)})
    response = send(convener, "POST", f"/api/v1/dialogues/{workshop.dialogue_id}/envelopes",
                    huge, "application/json")
    assert response.status_code == 413 and response.get_json()["error"] == "payload_too_large"
    assert snapshot(app) == before


@pytest.mark.parametrize("field", ["author_handle", "epoch", "blob", "message_id", "replaces"])
def test_envelope_checks(app, workshop, field):
    convener = workshop.clients["convener"]
    d = workshop.dialogue_id
    ring = convener.keyrings[d]
    state = convener.epochs(d)[-1]
    existing = convener.write_meta(d, {"type": "x"})
    body = convener._meta_envelope(ring, state, {"type": "y"}, None)
    body[field] = {
        "author_handle": workshop.clients["facilitator"].call("GET", f"/api/v1/dialogues/{d}")[
            "me"]["handle"],
        "epoch": state.number + 5,
        "blob": "A" * 400,
        "message_id": existing,
        "replaces": b64e(td2.random_id()),
    }[field]
    before = snapshot(app)
    status, data, _ = convener.transport.request(
        "POST", f"/api/v1/dialogues/{d}/envelopes", json_body=body)
    assert status in (400, 404, 409), (field, status, data)
    assert data["error"]
    assert snapshot(app) == before


def test_stale_or_forged_epochs_are_refused(app, workshop):
    convener = workshop.clients["convener"]
    d = workshop.dialogue_id
    ring = convener.keyrings[d]
    current = convener.epochs(d)[-1]
    before = snapshot(app)
    stale, _ = convener._epoch_body(ring, current.number, current.record_hash, current.roster,
                                    td2.random_secret())
    status, data, _ = convener.transport.request("POST", f"/api/v1/dialogues/{d}/epochs",
                                                 json_body=stale)
    assert status == 409 and data["error"] == "epoch_stale"
    forged, _ = convener._epoch_body(ring, current.number + 1, bytes(32), current.roster,
                                     td2.random_secret())
    status, data, _ = convener.transport.request("POST", f"/api/v1/dialogues/{d}/epochs",
                                                 json_body=forged)
    assert status == 400 and data["error"] == "epoch_invalid"
    outsider = td2.RosterMember(td2.random_id(), td2.generate_member_keypair()[1], "participant")
    sneaky, _ = convener._epoch_body(ring, current.number + 1, current.record_hash,
                                     [*current.roster, outsider], td2.random_secret())
    status, data, _ = convener.transport.request("POST", f"/api/v1/dialogues/{d}/epochs",
                                                 json_body=sneaky)
    assert status == 400, "a member cannot be added without an approved knock"
    assert snapshot(app) == before


def test_unknown_and_used_invitations_fail_clearly(app, workshop, client_for):
    newcomer = client_for(None)
    status, data, _ = newcomer.transport.request(
        "POST", f"/api/v1/invitations/{b64e(td2.random_id())}/knocks",
        json_body={"x25519_public": b64e(td2.generate_member_keypair()[1]),
                   "proof": b64e(td2.random_secret())})
    assert status == 404 and data["error"] == "invitation_unusable"
    zero_key = {"x25519_public": b64e(bytes(32)), "proof": b64e(td2.random_secret())}
    link = workshop.clients["convener"].invite_participant(workshop.dialogue_id)
    invite_id = link.split("#")[0].removeprefix("/j/")
    status, data, _ = newcomer.transport.request(
        "POST", f"/api/v1/invitations/{invite_id}/knocks", json_body=zero_key)
    assert status == 400, "the all-zero X25519 key is refused"


def test_archive_key_checks(app, workshop):
    convener = workshop.clients["convener"]
    d = workshop.dialogue_id
    states = convener.epochs(d)
    good_public = td2.generate_member_keypair()[1]

    def wraps(epochs):
        return [{"epoch": n, "wrap": b64e(bytes(80))} for n in epochs]

    every = [s.number for s in states]
    bodies = {
        "low-order key": {"x25519_public": b64e(bytes(32)), "wraps": wraps(every)},
        "missing epochs": {"x25519_public": b64e(good_public), "wraps": wraps(every[:1])},
        "unknown epoch": {"x25519_public": b64e(good_public), "wraps": wraps([*every, 99])},
        "short wrap": {"x25519_public": b64e(good_public),
                       "wraps": [{"epoch": n, "wrap": b64e(bytes(40))} for n in every]},
        "hostile key": {"x25519_public": HOSTILE[0], "wraps": wraps(every)},
    }
    for what, body in bodies.items():
        before = snapshot(app)
        status, data, _ = convener.transport.request(
            "PUT", f"/api/v1/dialogues/{d}/archive-key", json_body=body)
        assert status == 400 and data["error"] in {"invalid_input", "epoch_invalid"}, what
        assert data["message"], what
        assert snapshot(app) == before, what


BAD_AFTER = ["\u00b2", "%C2%B2", "\u0663", "1\u00b2", "-1", " 1", "1 ", "+1", "1_0", "0x1",
             "1e3", "", "9" * 30, str(2**63), str(2**64)]


@pytest.mark.parametrize("after", BAD_AFTER)
def test_bad_after_is_refused_clearly(app, workshop, after):
    """``after`` is a seq: ASCII digits, 0 to 2^63 - 1 (the column's range). ``str.isdigit``
    takes "²", which ``int`` then refuses: that was a 500."""
    api = workshop.clients["participant"]
    d = workshop.dialogue_id
    response = api.transport.client.get(f"/api/v1/dialogues/{d}/envelopes",
                                        query_string={"after": after})
    assert response.status_code == 400, (after, response.status_code)
    assert response.get_json()["error"] == "invalid_input"


def test_after_and_channel_bounds(app, workshop):
    api = workshop.clients["participant"]
    get = api.transport.client.get
    d = workshop.dialogue_id
    assert get(f"/api/v1/dialogues/{d}/envelopes?after={2**63 - 1}").status_code == 200
    assert get(f"/api/v1/dialogues/{d}/envelopes?after=0").status_code == 200
    assert get(f"/api/v1/dialogues/{d}/epochs?after=-1").status_code == 200
    assert get(f"/api/v1/dialogues/{d}/epochs?after=-2").status_code == 400
    assert get(f"/api/v1/dialogues/{d}/epochs?after=%C2%B2").status_code == 400
    for channel in ["x", "<script>", "A" * 23, "A" * 21 + "B"]:
        response = get(f"/api/v1/dialogues/{d}/envelopes", query_string={"channel": channel})
        assert response.status_code == 400, channel
    room = b64e(td2.random_id())
    assert get(f"/api/v1/dialogues/{d}/envelopes?channel={room}").get_json() == []


def test_the_document_describes_after_and_channel(client):
    document = client.get("/api/v1/openapi.json").get_json()
    listing = document["paths"]["/dialogues/{dialogue_id}/envelopes"]["get"]
    query = {p["name"]: p for p in listing["parameters"] if p["in"] == "query"}
    assert query["after"]["schema"]["minimum"] == 0
    assert query["after"]["schema"]["maximum"] == 2**63 - 1
    assert query["after"]["schema"]["type"] == "integer"
    assert query["channel"]["schema"]["type"] == "string"
    assert "pattern" in query["channel"]["schema"] and not query["channel"]["required"]
    epochs = document["paths"]["/dialogues/{dialogue_id}/epochs"]["get"]
    assert [p["name"] for p in epochs["parameters"] if p["in"] == "query"] == ["after"]


@pytest.mark.parametrize("path", ["wraps", "team-wraps"])
def test_wraps_after_an_epoch(app, workshop, path):
    """A device that opened the older wraps fetches only those of later epochs, its own only."""
    api = workshop.clients["facilitator"]
    get = api.transport.client.get
    d = workshop.dialogue_id
    every = get(f"/api/v1/dialogues/{d}/{path}").get_json()
    epochs = [w["epoch"] for w in every]
    assert len(epochs) >= 2 and epochs == sorted(epochs)
    assert get(f"/api/v1/dialogues/{d}/{path}?after=-1").get_json() == every
    middle = epochs[len(epochs) // 2]
    later = get(f"/api/v1/dialogues/{d}/{path}?after={middle}").get_json()
    assert later == [w for w in every if w["epoch"] > middle]
    assert get(f"/api/v1/dialogues/{d}/{path}?after={epochs[-1]}").get_json() == []
    assert get(f"/api/v1/dialogues/{d}/{path}?after={2**63 - 1}").get_json() == []


@pytest.mark.parametrize("path", ["wraps", "team-wraps"])
@pytest.mark.parametrize("after", ["\u00b2", "-2", "+1", "", "9" * 30, str(2**63), "-1"])
def test_bad_wraps_after_is_refused_clearly(app, workshop, path, after):
    api = workshop.clients["facilitator"]
    before = snapshot(app)
    response = api.transport.client.get(
        f"/api/v1/dialogues/{workshop.dialogue_id}/{path}", query_string={"after": after}
    )
    if after == "-1":
        assert response.status_code == 200
    else:
        assert response.status_code == 400, (after, response.status_code)
        assert response.get_json()["error"] == "invalid_input"
    assert snapshot(app) == before


def test_wraps_after_needs_membership(app, workshop):
    """``after`` opens nothing: a stranger is refused, a participant gets no team wraps."""
    d = workshop.dialogue_id
    stranger = workshop.clients["stranger"].transport.client.get
    for path in ["wraps", "team-wraps"]:
        assert stranger(f"/api/v1/dialogues/{d}/{path}?after=0").status_code == 404
    participant = workshop.clients["participant"].transport.client.get
    assert participant(f"/api/v1/dialogues/{d}/team-wraps?after=0").status_code == 403
    mine = participant(f"/api/v1/dialogues/{d}/wraps?after=-1").get_json()
    assert mine and participant(f"/api/v1/dialogues/{d}/wraps?after=0").get_json() == [
        w for w in mine if w["epoch"] > 0
    ]
