"""The team backchannel on the server: team wraps go to the mediator team only, and team-channel
envelopes are stored for, sent to and broadcast to the mediator team only. A participant or an
observer asking for the channel, or posting to it, gets an error event and nothing is stored.
(The key they never receive is the real barrier; this is the second line.)"""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from facilitator import td2
from facilitator.client.client import team_channel_id
from facilitator.dialogues import models
from facilitator.extensions import db, socketio
from tests.dialogues.test_api_authz import snapshot

TEAM = ["convener", "facilitator", "interpreter", "rapporteur"]
OUTSIDE = ["participant", "observer"]
ROOM = td2.random_id()
b64e, b64d = td2.b64u_encode, td2.b64u_decode


def connect(app, api):
    live = socketio.test_client(app, flask_test_client=api.transport.client)
    assert live.is_connected()
    return live


def events(live, name):
    return [e["args"][0] for e in live.get_received() if e["name"] == name]


def envelope_count(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(models.Envelope)) or 0)


def handle(workshop, role: str) -> str:
    return b64e(workshop.clients[role].keyrings[workshop.dialogue_id].handle)


def team_channel(workshop) -> str:
    return b64e(team_channel_id(b64d(workshop.dialogue_id)))


# --- team wraps --------------------------------------------------------------------------------


def test_every_team_member_and_no_one_else_holds_team_wraps(app, workshop):
    d = workshop.dialogue_id
    for role in TEAM:
        api = workshop.clients[role]
        keys = api.team_keys(d)
        current = api.epochs(d)[-1].number
        assert current in keys and len(keys[current]) == 32, role
    for role in OUTSIDE:
        status, body, _ = workshop.clients[role].transport.request(
            "GET", f"/api/v1/dialogues/{d}/team-wraps"
        )
        assert status == 403 and body["error"] == "permission_denied", role
    with app.app_context():
        holders = set(db.session.scalars(select(models.TeamWrap.member_handle)))
    assert holders == {handle(workshop, role) for role in TEAM}
    assert not holders & {handle(workshop, role) for role in OUTSIDE}


def _next_epoch(workshop):
    convener = workshop.clients["convener"]
    d = workshop.dialogue_id
    ring = convener.keyrings[d]
    current = convener.epochs(d)[-1]
    body, state = convener._epoch_body(
        ring, current.number + 1, current.record_hash, current.roster, td2.random_secret()
    )
    body["reseal"] = []
    return body, state


def _forged_team_wrap(workshop, body, state, role):
    member = next(m for m in state.roster if b64e(m.handle) == handle(workshop, role))
    wrap = td2.wrap_team_secret(
        member.x25519_public,
        b64d(workshop.dialogue_id),
        state.number,
        member.handle,
        state.record_hash,
        state.team_secret,
    )
    return {"handle": handle(workshop, role), "wrap": b64e(wrap)}


@pytest.mark.parametrize(
    "change",
    [
        "to the participant",
        "to the observer",
        "an interpreter left out",
        "none at all",
        "one twice",
        "to a stranger's handle",
    ],
)
def test_an_epoch_with_wrong_team_wraps_is_refused_and_nothing_changes(app, workshop, change):
    convener = workshop.clients["convener"]
    body, state = _next_epoch(workshop)
    wraps = body["team_wraps"]
    if change == "to the participant":
        wraps.append(_forged_team_wrap(workshop, body, state, "participant"))
    elif change == "to the observer":
        wraps.append(_forged_team_wrap(workshop, body, state, "observer"))
    elif change == "an interpreter left out":
        body["team_wraps"] = [w for w in wraps if w["handle"] != handle(workshop, "interpreter")]
    elif change == "none at all":
        body.pop("team_wraps")
    elif change == "one twice":
        wraps.append(copy.deepcopy(wraps[0]))
    else:
        wraps.append({"handle": b64e(td2.random_id()), "wrap": wraps[0]["wrap"]})
    before = snapshot(app)
    status, answer, _ = convener.transport.request(
        "POST", f"/api/v1/dialogues/{workshop.dialogue_id}/epochs", json_body=body
    )
    assert status == 400, answer
    assert answer["error"] == "epoch_invalid" and answer["params"]["reason"] == "team_wraps"
    assert snapshot(app) == before


@pytest.mark.parametrize(
    "bad",
    [
        {"handle": "short", "wrap": "A" * 107},
        {"handle": "A" * 22, "wrap": "A" * 20},
        {"handle": "A" * 22},
        "not an object",
    ],
)
def test_malformed_team_wraps_are_invalid_input(app, workshop, bad):
    body, _state = _next_epoch(workshop)
    body["team_wraps"] = [bad]
    before = snapshot(app)
    status, answer, _ = workshop.clients["convener"].transport.request(
        "POST", f"/api/v1/dialogues/{workshop.dialogue_id}/epochs", json_body=body
    )
    assert status == 400 and answer["error"] == "invalid_input", answer
    assert snapshot(app) == before


def test_a_new_epoch_gives_the_team_a_new_team_key(workshop):
    d = workshop.dialogue_id
    facilitator = workshop.clients["facilitator"]
    before = facilitator.team_keys(d)
    workshop.clients["convener"].remove(d, [handle(workshop, "observer")])
    after = facilitator.team_keys(d)
    newest = max(after)
    assert newest not in before and after[newest] not in before.values()


# --- the live channel --------------------------------------------------------------------------


def test_team_messages_reach_the_team_only(app, workshop):
    d = workshop.dialogue_id
    sockets = {role: connect(app, workshop.clients[role]) for role in TEAM + OUTSIDE}
    for live in sockets.values():
        live.emit("join_dialogue", {"dialogue_id": d}, callback=True)
        live.get_received()
    facilitator = workshop.clients["facilitator"]
    envelope = facilitator.seal_team_message(
        d, {"type": "text", "text": "Upper Vell will not move on the figures", "sender_ctr": 0}
    )
    ack = sockets["facilitator"].emit(
        "send_message", {"dialogue_id": d, "envelope": envelope}, callback=True
    )
    assert ack["seq"] > 0
    room = workshop.clients["participant"].seal_message(d, ROOM, {"type": "text", "text": "hi"})
    room_ack = sockets["participant"].emit(
        "send_message", {"dialogue_id": d, "envelope": room}, callback=True
    )
    for role in TEAM:
        posted = events(sockets[role], "message_posted")
        assert [m["seq"] for m in posted] == [ack["seq"], room_ack["seq"]], role
        opened = workshop.clients[role].open_team_message(d, posted[0])
        assert opened["text"] == "Upper Vell will not move on the figures"
    for role in OUTSIDE:
        posted = events(sockets[role], "message_posted")
        assert [m["seq"] for m in posted] == [room_ack["seq"]], role
    # Pages of the room: the team gets both channels, the others the room only.
    for role in TEAM:
        page = sockets[role].emit("catch_up", {"dialogue_id": d}, callback=True)
        assert [m["seq"] for m in page["messages"]] == [ack["seq"], room_ack["seq"]]
        only = sockets[role].emit(
            "catch_up", {"dialogue_id": d, "channel_id": team_channel(workshop)}, callback=True
        )
        assert [m["seq"] for m in only["messages"]] == [ack["seq"]]
    for role in OUTSIDE:
        page = sockets[role].emit("catch_up", {"dialogue_id": d}, callback=True)
        assert [m["seq"] for m in page["messages"]] == [room_ack["seq"]]
        joined = connect(app, workshop.clients[role])
        again = joined.emit("join_dialogue", {"dialogue_id": d}, callback=True)
        assert [m["seq"] for m in again["messages"]] == [room_ack["seq"]]
    # The team channel does not open with the room's key.
    with pytest.raises(td2.Td2DecryptError):
        facilitator.open_message(d, events_of_seq(envelope, ack["seq"]))


def events_of_seq(envelope, seq):
    return {"seq": seq, "kind": "msg", **envelope}


@pytest.mark.parametrize("who", OUTSIDE)
@pytest.mark.parametrize("event", ["join_dialogue", "catch_up"])
def test_asking_for_the_team_channel_outside_the_team_is_refused(app, workshop, who, event):
    d = workshop.dialogue_id
    facilitator = workshop.clients["facilitator"]
    f_live = connect(app, facilitator)
    envelope = facilitator.seal_team_message(d, {"type": "text", "text": "x", "sender_ctr": 0})
    f_live.emit("send_message", {"dialogue_id": d, "envelope": envelope}, callback=True)
    live = connect(app, workshop.clients[who])
    before = snapshot(app)
    answer = live.emit(
        event, {"dialogue_id": d, "channel_id": team_channel(workshop)}, callback=True
    )
    assert not answer
    assert [e["error"] for e in events(live, "error_occurred")] == ["permission_denied"]
    assert snapshot(app) == before
    assert live.is_connected()
    # Refused, it did not join the room either: a later team message does not reach it.
    envelope = facilitator.seal_team_message(d, {"type": "text", "text": "y", "sender_ctr": 1})
    f_live.emit("send_message", {"dialogue_id": d, "envelope": envelope}, callback=True)
    assert events(live, "message_posted") == []


@pytest.mark.parametrize("who", OUTSIDE)
def test_posting_to_the_team_channel_outside_the_team_is_refused(app, workshop, who):
    d = workshop.dialogue_id
    api = workshop.clients[who]
    live = connect(app, api)
    live.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    team = team_channel_id(b64d(d))
    envelope = api.seal_message(d, team, {"type": "text", "text": "let me in", "sender_ctr": 0})
    before = envelope_count(app)
    answer = live.emit("send_message", {"dialogue_id": d, "envelope": envelope}, callback=True)
    assert not answer
    assert [e["error"] for e in events(live, "error_occurred")] == ["permission_denied"]
    assert envelope_count(app) == before
    assert live.is_connected()


@pytest.mark.parametrize(
    "payload",
    [
        {"channel_id": "short"},
        {"channel_id": 7},
        {"limit": 0},
        {"limit": 501},
        {"limit": "10"},
        {"limit": True},
        {"after_seq": -1},
        {"channels": ["team"]},
    ],
)
def test_bad_join_and_catch_up_payloads_get_invalid_input(app, workshop, payload):
    d = workshop.dialogue_id
    live = connect(app, workshop.clients["interpreter"])
    before = snapshot(app)
    for event in ("join_dialogue", "catch_up"):
        assert not live.emit(event, {"dialogue_id": d, **payload}, callback=True)
        assert events(live, "error_occurred")[0]["error"] == "invalid_input", (event, payload)
    assert snapshot(app) == before
    assert live.is_connected()


def test_history_comes_in_pages_of_the_asked_size(app, workshop):
    d = workshop.dialogue_id
    facilitator = workshop.clients["facilitator"]
    live = connect(app, facilitator)
    seqs = []
    for i in range(7):
        envelope = facilitator.seal_message(d, ROOM, {"type": "text", "text": str(i)})
        seqs.append(
            live.emit("send_message", {"dialogue_id": d, "envelope": envelope}, callback=True)[
                "seq"
            ]
        )
    reader = connect(app, workshop.clients["participant"])
    cursor, pages = 0, []
    page = reader.emit("join_dialogue", {"dialogue_id": d, "limit": 3}, callback=True)
    while True:
        pages.append([m["seq"] for m in page["messages"]])
        if not page["more"]:
            break
        cursor = pages[-1][-1]
        page = reader.emit(
            "catch_up", {"dialogue_id": d, "after_seq": cursor, "limit": 3}, callback=True
        )
    assert pages == [seqs[0:3], seqs[3:6], seqs[6:7]]


@pytest.mark.parametrize("bad", ["short", "A" * 23, "%00", "AAAAAAAAAAAAAAAAAAAAAB"])
def test_team_wraps_of_a_malformed_or_unknown_dialogue_are_not_found(app, workshop, bad):
    before = snapshot(app)
    status, body, _ = workshop.clients["facilitator"].transport.request(
        "GET", f"/api/v1/dialogues/{bad}/team-wraps"
    )
    assert status == 404 and body["error"] == "dialogue_not_found", (bad, status, body)
    assert snapshot(app) == before
