"""Live messages: stored, acknowledged, broadcast in seq order; catch-up after a drop; every
event checks who is calling; bad input gets an error event and the connection survives."""

from __future__ import annotations

import pytest

from facilitator import td2
from facilitator.extensions import socketio

ROOM = td2.random_id()


def connect(app, api):
    live = socketio.test_client(app, flask_test_client=api.transport.client)
    assert live.is_connected()
    return live


def events(live, name):
    return [e["args"][0] for e in live.get_received() if e["name"] == name]


def send(live, api, dialogue_id, text, **overrides):
    envelope = api.seal_message(dialogue_id, ROOM, {"text": text, "lang": "ar"})
    envelope.update(overrides)
    return live.emit("send_message", {"dialogue_id": dialogue_id, "envelope": envelope},
                     callback=True)


def test_messages_are_acknowledged_broadcast_and_decrypted(app, workshop):
    d = workshop.dialogue_id
    facilitator, participant = workshop.clients["facilitator"], workshop.clients["participant"]
    f_live, p_live = connect(app, facilitator), connect(app, participant)
    assert f_live.emit("join_dialogue", {"dialogue_id": d}, callback=True)["messages"] == []
    p_live.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    first = send(p_live, participant, d, "في صيف 2019 لم يصل إلينا سوى 40٪")
    second = send(f_live, facilitator, d, "Let's hear from Lower Vell")
    assert second["seq"] > first["seq"]
    received = events(f_live, "message_posted")
    assert [m["seq"] for m in received] == [first["seq"], second["seq"]]
    texts = [facilitator.open_message(d, m)["text"] for m in received]
    assert texts == ["في صيف 2019 لم يصل إلينا سوى 40٪", "Let's hear from Lower Vell"]


def test_reconnecting_client_catches_up_exactly_once(app, workshop):
    d = workshop.dialogue_id
    facilitator, observer = workshop.clients["facilitator"], workshop.clients["observer"]
    f_live = connect(app, facilitator)
    f_live.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    seen = send(f_live, facilitator, d, "before the drop")["seq"]
    o_live = connect(app, observer)
    o_live.emit("join_dialogue", {"dialogue_id": d, "after_seq": 0}, callback=True)
    o_live.disconnect()  # the observer's network drops
    sent = [send(f_live, facilitator, d, f"while away {i}")["seq"] for i in range(3)]
    o_live = connect(app, observer)
    page = o_live.emit("join_dialogue", {"dialogue_id": d, "after_seq": seen}, callback=True)
    assert [m["seq"] for m in page["messages"]] == sent and page["more"] is False
    assert [observer.open_message(d, m)["text"] for m in page["messages"]] == [
        "while away 0", "while away 1", "while away 2"]


@pytest.mark.parametrize("who", ["stranger", "anonymous"])
def test_outsiders_cannot_join_or_send(app, workshop, client_for, who):
    d = workshop.dialogue_id
    api = workshop.clients.get(who) or client_for(None)
    live = socketio.test_client(app, flask_test_client=api.transport.client)
    if who == "anonymous":
        assert not live.is_connected()
        return
    assert not live.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    assert events(live, "error_occurred")[0]["error"] == "dialogue_not_found"
    envelope = workshop.clients["facilitator"].seal_message(d, ROOM, {"text": "x"})
    live.emit("send_message", {"dialogue_id": d, "envelope": envelope}, callback=True)
    assert events(live, "error_occurred")[0]["error"] == "dialogue_not_found"
    assert live.is_connected()


def test_bad_messages_get_an_error_event_and_store_nothing(app, workshop):
    d = workshop.dialogue_id
    facilitator = workshop.clients["facilitator"]
    live = connect(app, facilitator)
    live.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    other_handle = td2.b64u_encode(workshop.clients["observer"].keyrings[d].handle)
    bad = [
        {"author_handle": other_handle},  # forged author
        {"epoch": 99},  # wrong epoch
        {"blob": "!!!not-base64!!!" * 30},  # malformed base64
        {"blob": "A" * 30_000},  # oversize
        {"message_id": "short"},
    ]
    for overrides in bad:
        assert not send(live, facilitator, d, "x", **overrides), overrides
        errors = events(live, "error_occurred")
        assert len(errors) == 1 and errors[0]["error"] in {
            "envelope_rejected", "invalid_input"}, (overrides, errors)
        assert errors[0]["event"] == "send_message"  # which request it answers
    live = connect(app, facilitator)  # a fresh connection: the rate limit is per connection
    for payload in [None, "text", [], {"dialogue_id": d}, {"dialogue_id": "x", "envelope": {}}]:
        assert not live.emit("send_message", payload, callback=True)
        assert events(live, "error_occurred")[0]["error"] == "invalid_input"
    unknown = td2.b64u_encode(td2.random_id())
    envelope = facilitator.seal_message(d, ROOM, {"text": "x"})
    live = connect(app, facilitator)
    live.emit("send_message", {"dialogue_id": unknown, "envelope": envelope}, callback=True)
    assert events(live, "error_occurred")[0]["error"] == "dialogue_not_found"
    assert live.is_connected()
    assert live.emit("catch_up", {"dialogue_id": d}, callback=True)["messages"] == []


def test_replayed_message_id_is_refused(app, workshop):
    d = workshop.dialogue_id
    facilitator = workshop.clients["facilitator"]
    live = connect(app, facilitator)
    envelope = facilitator.seal_message(d, ROOM, {"text": "once"})
    body = {"dialogue_id": d, "envelope": envelope}
    assert live.emit("send_message", body, callback=True)["seq"] > 0
    assert not live.emit("send_message", body, callback=True)
    assert events(live, "error_occurred")[-1]["error"] == "duplicate_id"


def test_flood_beyond_the_rate_limit_is_refused_but_the_connection_survives(app, workshop):
    d = workshop.dialogue_id
    facilitator = workshop.clients["facilitator"]
    live = connect(app, facilitator)
    envelopes = [facilitator.seal_message(d, ROOM, {"text": str(i)}) for i in range(25)]
    acks = [live.emit("send_message", {"dialogue_id": d, "envelope": e}, callback=True)
            for e in envelopes]
    accepted = [a for a in acks if a]
    assert 0 < len(accepted) < 25
    assert {e["error"] for e in events(live, "error_occurred")} == {"rate_limited"}
    assert live.is_connected()


def test_removed_member_receives_nothing_more(app, workshop):
    d = workshop.dialogue_id
    facilitator, participant = workshop.clients["facilitator"], workshop.clients["participant"]
    p_live, f_live = connect(app, participant), connect(app, facilitator)
    p_live.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    f_live.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    handle = td2.b64u_encode(participant.keyrings[d].handle)
    workshop.clients["convener"].remove(d, [handle])
    assert not p_live.is_connected()
    send(f_live, facilitator, d, "after the removal")
    assert events(f_live, "message_posted")


@pytest.mark.parametrize("event", ["join_dialogue", "catch_up", "send_message"])
def test_an_event_without_a_payload_is_invalid_input(app, workshop, event):
    live = connect(app, workshop.clients["facilitator"])
    assert not live.emit(event, callback=True)
    assert [e["error"] for e in events(live, "error_occurred")] == ["invalid_input"]
    assert live.is_connected()


@pytest.mark.parametrize("after_seq", [2**63, 2**64, -1, "1", 1.5, True])
def test_after_seq_out_of_range_is_invalid_input(app, workshop, after_seq):
    """The socket's ``after_seq`` takes the bounds of the HTTP query's ``after``."""
    live = connect(app, workshop.clients["facilitator"])
    payload = {"dialogue_id": workshop.dialogue_id, "after_seq": after_seq}
    assert not live.emit("join_dialogue", payload, callback=True)
    assert [e["error"] for e in events(live, "error_occurred")] == ["invalid_input"]
    page = live.emit("catch_up", {**payload, "after_seq": 2**63 - 1}, callback=True)
    assert page == {"messages": [], "more": False}


@pytest.mark.parametrize("event", ["join_dialogue", "catch_up", "send_message"])
def test_an_event_with_more_than_one_argument_is_invalid_input(app, workshop, event, caplog):
    """Extra arguments are the sender's mistake (or a probe): invalid input, not a failure of
    the server that is logged as one."""
    live = connect(app, workshop.clients["facilitator"])
    payload = {"dialogue_id": workshop.dialogue_id}
    assert not live.emit(event, payload, {"more": 1}, callback=True)
    assert [e["error"] for e in events(live, "error_occurred")] == ["invalid_input"]
    assert "failed" not in caplog.text
    assert live.is_connected()
