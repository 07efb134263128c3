"""Retracting a live message: only its author, or a moderator (convener, facilitator), may; the
retraction is an entry of the log that every device receives, and the message's ciphertext is
gone. Anyone else is refused and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitator import td2
from facilitator.dialogues.models import Envelope
from facilitator.extensions import db
from tests.dialogues.test_api_authz import snapshot
from tests.live.test_messages import connect, events, send


def stored(app):
    with app.app_context():
        rows = db.session.scalars(select(Envelope).order_by(Envelope.seq))
        return [(e.seq, e.kind, e.message_id, e.blob, e.superseded, e.replaces) for e in rows]


def retract(api, dialogue_id, message_id):
    return api.transport.request(
        "DELETE", f"/api/v1/dialogues/{dialogue_id}/envelopes/{message_id}")


def posted(app, workshop, author):
    """A message from ``author`` in the room; its ``message_id`` and the room's listeners."""
    d = workshop.dialogue_id
    api = workshop.clients[author]
    live = connect(app, api)
    live.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    ack = send(live, api, d, "We never agreed to that quota")
    assert ack["seq"]
    return ack["message_id"]


@pytest.mark.parametrize(("author", "other"), [
    ("participant", "observer"), ("facilitator", "participant"), ("participant", "interpreter"),
    ("convener", "rapporteur"), ("facilitator", "stranger"),
])
def test_others_cannot_retract_a_message(app, workshop, author, other):
    message_id = posted(app, workshop, author)
    before, rows = snapshot(app), stored(app)
    status, data, _ = retract(workshop.clients[other], workshop.dialogue_id, message_id)
    assert status in (403, 404) and data["error"] in {"permission_denied", "dialogue_not_found"}
    assert (status == 404) == (other == "stranger")
    assert snapshot(app) == before and stored(app) == rows


@pytest.mark.parametrize(("author", "retracter"), [
    ("participant", "participant"), ("observer", "observer"), ("participant", "facilitator"),
    ("interpreter", "convener"),
])
def test_the_author_or_a_moderator_retracts_and_the_log_says_so(app, workshop, author, retracter):
    d = workshop.dialogue_id
    message_id = posted(app, workshop, author)
    listener = connect(app, workshop.clients["rapporteur"])
    listener.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    listener.get_received()
    status, _data, _ = retract(workshop.clients[retracter], d, message_id)
    assert status == 200
    broadcast = events(listener, "message_posted")
    assert len(broadcast) == 1 and broadcast[0]["kind"] == "retract"
    assert broadcast[0]["replaces"] == message_id and broadcast[0]["blob"] == ""
    assert broadcast[0]["author_handle"] == td2.b64u_encode(bytes(16)), "no author recorded"
    page = listener.emit("join_dialogue", {"dialogue_id": d}, callback=True)
    assert [(m["kind"], m.get("replaces")) for m in page["messages"]] == [("retract", message_id)]
    assert page["messages"][0]["seq"] == broadcast[0]["seq"]
    original = next(row for row in stored(app) if row[2] == message_id)
    assert original[3] == "" and original[4] is True, "the ciphertext is gone"
    status, _data, _ = retract(workshop.clients[retracter], d, message_id)
    assert status == 404, "a retracted message cannot be retracted again"
    retraction_id = broadcast[0]["message_id"]
    assert retract(workshop.clients["convener"], d, retraction_id)[0] == 404


def test_retractions_stay_out_of_the_document_listing(app, workshop):
    d = workshop.dialogue_id
    message_id = posted(app, workshop, "participant")
    assert retract(workshop.clients["participant"], d, message_id)[0] == 200
    status, listing, _ = workshop.clients["convener"].transport.request(
        "GET", f"/api/v1/dialogues/{d}/envelopes")
    assert status == 200 and all(e["kind"] in {"note", "meta"} for e in listing)
