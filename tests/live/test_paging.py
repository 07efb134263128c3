"""Pages of the live log going back: ``latest`` or ``before_seq`` asks for the newest envelopes
of a range, answered in ``seq`` order, ``more`` saying older ones wait. They cover the log
exactly as forward pages do, to the same people: the team channel to the team only, a retracted
message to no one, nothing to a member who was removed; bad bounds are invalid input."""

from __future__ import annotations

import pytest

from facilitator import td2
from facilitator.extensions import socketio
from tests.dialogues.test_api_authz import snapshot
from tests.live.test_messages import connect, events, send
from tests.live.test_team_channel import team_channel

MAX_SEQ = 2**63 - 1


def team_send(live, api, dialogue_id, text, ctr):
    envelope = api.seal_team_message(dialogue_id, {"type": "text", "text": text, "sender_ctr": ctr})
    return live.emit(
        "send_message", {"dialogue_id": dialogue_id, "envelope": envelope}, callback=True
    )


def retract(api, dialogue_id, message_id):
    response = api.transport.request(
        "DELETE", f"/api/v1/dialogues/{dialogue_id}/envelopes/{message_id}"
    )
    assert response[0] < 300, response


@pytest.fixture
def log(app, workshop):
    """A room with messages of two authors, team messages between them and one retraction."""
    d = workshop.dialogue_id
    facilitator, participant = workshop.clients["facilitator"], workshop.clients["participant"]
    f_live, p_live = connect(app, facilitator), connect(app, participant)
    for live in (f_live, p_live):
        live.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    retracted = None
    for i in range(8):
        send(p_live, participant, d, f"room {i}")
        if i % 2:
            team_send(f_live, facilitator, d, f"team {i}", i)
        else:
            ack = send(f_live, facilitator, d, f"facilitator {i}")
            retracted = retracted or ack["message_id"]
    retract(facilitator, d, retracted)
    return d


def forward(live, d, **extra):
    page = live.emit("catch_up", {"dialogue_id": d, **extra}, callback=True)
    assert page["more"] is False
    return page["messages"]


def backward(live, d, limit, **extra):
    """Every page from the newest back, as a device fetches them."""
    pages = [
        live.emit(
            "join_dialogue",
            {"dialogue_id": d, "latest": True, "limit": limit, **extra},
            callback=True,
        )
    ]
    while pages[-1]["more"]:
        before = pages[-1]["messages"][0]["seq"]
        pages.append(
            live.emit(
                "catch_up",
                {"dialogue_id": d, "before_seq": before, "limit": limit, **extra},
                callback=True,
            )
        )
    return [[m["seq"] for m in page["messages"]] for page in pages]


@pytest.mark.parametrize("role", ["participant", "facilitator"])
def test_pages_back_cover_the_log_exactly_once(app, workshop, log, role):
    live = connect(app, workshop.clients[role])
    everything = [m["seq"] for m in forward(live, log)]
    for limit in (1, 3, 4, len(everything), 500):
        pages = backward(live, log, limit)
        for page in pages:
            assert page == sorted(page) and 0 < len(page) <= limit
        assert all(len(page) == limit for page in pages[:-1])
        assert [seq for page in reversed(pages) for seq in page] == everything
        assert len(pages) == -(-len(everything) // limit)


def test_pages_back_are_what_forward_pages_are(app, workshop, log):
    """The same envelopes, byte for byte: no team envelope outside the team, the retraction
    and not the message it retracts."""
    for role in ("participant", "facilitator"):
        live = connect(app, workshop.clients[role])
        everything = forward(live, log)
        page = live.emit("join_dialogue", {"dialogue_id": log, "latest": True}, callback=True)
        assert page == {"messages": everything, "more": False}
    participant = connect(app, workshop.clients["participant"])
    seen = forward(participant, log)
    assert {m["channel_id"] for m in seen} == {seen[0]["channel_id"]}
    assert team_channel(workshop) not in {m["channel_id"] for m in seen}
    kinds = [m["kind"] for m in seen]
    assert kinds.count("retract") == 1
    gone = next(m["replaces"] for m in seen if m["kind"] == "retract")
    assert gone not in {m["message_id"] for m in seen}
    team = connect(app, workshop.clients["facilitator"])
    only = backward(team, log, 2, channel_id=team_channel(workshop))
    assert [s for page in reversed(only) for s in page] == [
        m["seq"] for m in forward(team, log, channel_id=team_channel(workshop))
    ]
    assert len([s for page in only for s in page]) == 4


def test_bounds_of_a_page_back(app, workshop, log):
    live = connect(app, workshop.clients["facilitator"])
    seqs = [m["seq"] for m in forward(live, log)]

    def ask(**bounds):
        page = live.emit("catch_up", {"dialogue_id": log, **bounds}, callback=True)
        return [m["seq"] for m in page["messages"]], page["more"]

    # before_seq is exclusive, after_seq too; `more` speaks of older ones in the range only.
    assert ask(before_seq=seqs[5], limit=2) == (seqs[3:5], True)
    assert ask(before_seq=seqs[5] + 1, limit=2) == (seqs[4:6], True)
    assert ask(before_seq=seqs[5], after_seq=seqs[2], limit=2) == (seqs[3:5], False)
    assert ask(before_seq=seqs[5], after_seq=seqs[3], limit=2) == (seqs[4:5], False)
    assert ask(before_seq=seqs[0]) == ([], False)
    assert ask(before_seq=seqs[0], after_seq=seqs[0] - 1) == ([], False)
    assert ask(latest=True, after_seq=seqs[-3]) == (seqs[-2:], False)
    assert ask(latest=True, after_seq=seqs[-4], limit=2) == (seqs[-2:], True)
    assert ask(latest=True, after_seq=seqs[-1]) == ([], False)
    assert ask(before_seq=MAX_SEQ) == (seqs, False)
    assert ask(before_seq=MAX_SEQ, after_seq=MAX_SEQ - 1) == ([], False)


def test_joining_at_the_newest_page_joins_the_room(app, workshop, log):
    d = log
    reader = connect(app, workshop.clients["observer"])
    page = reader.emit(
        "join_dialogue", {"dialogue_id": d, "latest": True, "limit": 2}, callback=True
    )
    assert len(page["messages"]) == 2 and page["more"] is True
    participant = workshop.clients["participant"]
    ack = send(connect(app, participant), participant, d, "and now")
    assert [m["seq"] for m in events(reader, "message_posted")] == [ack["seq"]]


BOUNDS = [{"latest": True}, {"before_seq": MAX_SEQ}, {"before_seq": 5, "after_seq": 1}]


def test_outsiders_get_no_page_back(app, workshop, log):
    live = connect(app, workshop.clients["stranger"])
    for bounds in BOUNDS:
        for event in ("join_dialogue", "catch_up"):
            assert not live.emit(event, {"dialogue_id": log, **bounds}, callback=True)
            errors = [e["error"] for e in events(live, "error_occurred")]
            assert errors == ["dialogue_not_found"], (event, bounds)
    assert live.is_connected()


def test_no_team_channel_page_back_outside_the_team(app, workshop, log):
    before = snapshot(app)
    for who in ("participant", "observer"):
        live = connect(app, workshop.clients[who])
        for bounds in BOUNDS:
            for event in ("join_dialogue", "catch_up"):
                payload = {"dialogue_id": log, "channel_id": team_channel(workshop), **bounds}
                assert not live.emit(event, payload, callback=True)
                errors = [e["error"] for e in events(live, "error_occurred")]
                assert errors == ["permission_denied"], (who, event, bounds)
        assert events(live, "message_posted") == []
    assert snapshot(app) == before


@pytest.mark.parametrize("who", ["participant", "interpreter"])
def test_a_removed_member_pages_back_no_more(app, workshop, log, who):
    """Refused as a forward page is: a device's session ends with its membership (no socket at
    all); an account's socket asks and is told the dialogue is not found, for every page."""
    api = workshop.clients[who]
    handle = td2.b64u_encode(api.keyrings[log].handle)
    workshop.clients["convener"].remove(log, [handle])
    live = socketio.test_client(app, flask_test_client=api.transport.client)
    if who == "participant":
        assert not live.is_connected()
        return
    answers = []
    for payload in ({}, *BOUNDS):
        for event in ("catch_up", "join_dialogue"):
            assert not live.emit(event, {"dialogue_id": log, **payload}, callback=True)
            answers.append(tuple(e["error"] for e in events(live, "error_occurred")))
    assert set(answers) == {("dialogue_not_found",)}
    assert events(live, "message_posted") == []


BAD_BOUNDS = [
    {"before_seq": -1},
    {"before_seq": 2**63},
    {"before_seq": 2**64},
    {"before_seq": "5"},
    {"before_seq": 1.5},
    {"before_seq": True},
    {"latest": "yes"},
    {"latest": 1},
    {"latest": None},
    {"latest": True, "before_seq": 9},
    {"after_seq": 5, "before_seq": 5},
    {"after_seq": 5, "before_seq": 3},
    {"after_seq": 0, "before_seq": 0},
    {"before_seq": 9, "limit": 0},
    {"latest": True, "limit": 501},
]


def test_bad_bounds_are_invalid_input(app, workshop, log):
    live = connect(app, workshop.clients["facilitator"])
    before = snapshot(app)
    for bounds in BAD_BOUNDS:
        for event in ("join_dialogue", "catch_up"):
            assert not live.emit(event, {"dialogue_id": log, **bounds}, callback=True)
            errors = [e["error"] for e in events(live, "error_occurred")]
            assert errors == ["invalid_input"], (event, bounds)
    assert snapshot(app) == before
    assert live.is_connected()
    # Refused, the join did not join the room.
    participant = workshop.clients["participant"]
    send(connect(app, participant), participant, log, "after the refusal")
    assert events(live, "message_posted") == []
