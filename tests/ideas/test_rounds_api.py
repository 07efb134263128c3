"""Rounds over the API, driven by the Python client: a whole round of statements and a consent
poll, and who may do what, when, with what (docs/ideas.md, "Rounds and ballots")."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from facilitator import td2
from facilitator.client.rounds import RoundRefusedError
from facilitator.client.transport import ApiError
from facilitator.dialogues import models
from facilitator.extensions import db
from facilitator.ideas.ballot import POLL_SLOT, seal_ballot
from tests.dialogues.test_api_authz import snapshot
from tests.ideas.conftest import SIDES

b64e, b64d = td2.b64u_encode, td2.b64u_decode
UPPER = ("upper1", "upper2", "upper3")
LOWER = ("lower1", "lower2", "lower3")


def ballots_stored(app, round_id):
    with app.app_context():
        return db.session.scalars(
            select(models.Ballot).where(models.Ballot.round_id == round_id)).all()


def status_of(api, method, path, body=None):
    status, data, _ = api.transport.request(method, path, json_body=body)
    return status, data


def rounds_path(d, round_id="", tail=""):
    return f"/api/v1/dialogues/{d}/rounds" + (f"/{round_id}" if round_id else "") + tail


def test_a_whole_round_of_statements(app, voters):
    w, d = voters.workshop, voters.dialogue_id
    facilitator = w.clients["facilitator"]
    round_id = facilitator.open_round(d, "statements", {"title": {"en": "Sharing the dry season"}})
    shared = voters.devices["upper1"].write_statement(d, round_id, "Share the water by need", "en")
    split = voters.devices["lower1"].write_statement(d, round_id, "Towns come first", "en")
    off = w.clients["participant"].write_statement(d, round_id, "Lunch was late", "en")
    w.clients["interpreter"].translate_statement(d, round_id, shared, "تقاسم المياه حسب الحاجة",
                                                 "ar")
    facilitator.act_on_statements(d, round_id, {"action": "hide", "id": off,
                                                "reason": "off topic"})
    # lower3 first disagrees, then changes their mind: one ballot, the last one.
    voters.devices["lower3"].vote(d, round_id, shared, {"vote": "disagree"})
    for name in UPPER + LOWER:
        voters.devices[name].vote(d, round_id, shared, {"vote": "agree"})
        voters.devices[name].vote(d, round_id, split,
                                  {"vote": "disagree" if name in UPPER else "agree"})
    w.clients["convener"].vote(d, round_id, shared, {"vote": "pass"})  # no side: not counted
    for name in UPPER:
        voters.devices[name].vote(d, round_id, off, {"vote": "agree"})  # hidden: not counted
    assert len(ballots_stored(app, round_id)) == 16, "a changed vote replaces, never adds"

    facilitator.close_round(d, round_id)
    published = facilitator.tally_and_publish(d, round_id)
    assert published["without_side"] == 1
    seen = voters.devices["lower2"].read_round(d, round_id)
    assert seen["result"]["result"] == published["result"]
    ranking = seen["result"]["result"]
    assert [e["statement"] for e in ranking["ranked"]] == [shared]
    assert ranking["ranked"][0]["common_ground"] is True
    assert [e["statement"] for e in ranking["divisive"]] == [split]
    assert ranking["statements"][shared]["sides"][SIDES["lower"]]["agree"] == 3
    assert off not in ranking["statements"]
    by_id = {s["id"]: s for s in seen["statements"]}
    assert by_id[shared]["translations"] == {"ar": "تقاسم المياه حسب الحاجة"}
    assert by_id[off]["hidden"] == "off topic"
    assert by_id[split]["text"] == "Towns come first"
    rows = w.clients["participant"].call("GET", rounds_path(d, round_id, "/statements"))
    assert {r["author_handle"] for r in rows} == {b64e(bytes(16))}, "statements name no author"
    assert all(r["kind"] == "idea" for r in rows)


def test_a_consent_poll_with_one_block(app, voters):
    w, d = voters.workshop, voters.dialogue_id
    convener = w.clients["convener"]
    round_id = convener.open_round(d, "consent", {"title": {"en": "Adopt the rota"}})
    choices = {"upper1": "agree", "upper2": "block", "upper3": "agree", "lower1": "agree",
               "lower2": "stand_aside", "lower3": "agree"}
    for name, choice in choices.items():
        voters.devices[name].vote(d, round_id, None, {"choice": choice})
    convener.close_round(d, round_id)
    hands = [{"side": SIDES["lower"], "agree": 2, "stand_aside": 0, "block": 0}]
    result = convener.tally_and_publish(d, round_id, hands)["result"]
    assert result["blocked"] is True
    assert result["counts"] == {"agree": 6, "stand_aside": 1, "block": 1}
    assert result["hands"] == 2
    assert voters.devices["upper1"].read_round(d, round_id)["result"]["hands_counted"] is True


def test_ranked_and_dot_polls(voters):
    w, d = voters.workshop, voters.dialogue_id
    facilitator = w.clients["facilitator"]
    ranked = facilitator.open_round(d, "ranked", {"options": ["a", "b", "c"]})
    dots = facilitator.open_round(d, "dots", {"options": ["a", "b"], "dots": 3})
    for name in UPPER + LOWER:
        voters.devices[name].vote(d, ranked, None, {"ranking": ["b", "a"]})
        voters.devices[name].vote(d, dots, None, {"dots": {"a": 1, "b": 2}})
    for round_id in (ranked, dots):
        facilitator.close_round(d, round_id)
    assert facilitator.tally_and_publish(d, ranked)["result"]["winner"] == "b"
    assert facilitator.tally_and_publish(d, dots)["result"]["leaders"] == ["b"]


@pytest.fixture
def open_round(workshop):
    """A round of statements the facilitator owns, with one statement by the participant."""
    d = workshop.dialogue_id
    round_id = workshop.clients["facilitator"].open_round(d, "statements", {"title": {"en": "q"}})
    statement = workshop.clients["participant"].write_statement(d, round_id, "A statement", "en")
    return round_id, statement


def _ballot(workshop, round_id, slot, vote="agree"):
    record = workshop.clients["facilitator"].call("GET", rounds_path(workshop.dialogue_id))[0]
    sealed = seal_ballot(b64d(record["tally_public"]), b64d(workshop.dialogue_id),
                         b64d(round_id), b64d(slot), {"vote": vote, "side": None})
    return {"slot": slot, "sealed": b64e(sealed)}


def test_double_ballots_replace(app, workshop, open_round):
    round_id, statement = open_round
    d, participant = workshop.dialogue_id, workshop.clients["participant"]
    first, second = _ballot(workshop, round_id, statement), _ballot(workshop, round_id, statement)
    assert status_of(participant, "POST", rounds_path(d, round_id, "/ballots"), first)[0] == 200
    assert status_of(participant, "POST", rounds_path(d, round_id, "/ballots"), second)[0] == 200
    stored = ballots_stored(app, round_id)
    assert [b.sealed for b in stored] == [second["sealed"]]
    assert not hasattr(models.Ballot, "handle") and not hasattr(models.Ballot, "member_id")


def test_after_close_nothing_more_is_taken(app, workshop, open_round):
    round_id, statement = open_round
    d = workshop.dialogue_id
    workshop.clients["facilitator"].close_round(d, round_id)
    before = snapshot(app)
    participant = workshop.clients["participant"]
    status, data = status_of(participant, "POST", rounds_path(d, round_id, "/ballots"),
                             _ballot(workshop, round_id, statement))
    assert (status, data["error"]) == (409, "round_closed")
    with pytest.raises(ApiError) as error:
        participant.write_statement(d, round_id, "late", "en")
    assert (error.value.status, error.value.code) == (409, "round_closed")
    status, data = status_of(workshop.clients["facilitator"], "POST",
                             rounds_path(d, round_id, "/close"))
    assert (status, data["error"]) == (409, "round_closed")
    assert snapshot(app) == before


def test_who_may_not_vote_or_write(app, workshop, open_round):
    round_id, statement = open_round
    d = workshop.dialogue_id
    body = _ballot(workshop, round_id, statement)
    before = snapshot(app)
    for who, expected in (("observer", 403), ("stranger", 404)):
        api = workshop.clients[who]
        assert status_of(api, "POST", rounds_path(d, round_id, "/ballots"), body)[0] == expected
        entry = {"message_id": b64e(td2.random_id()), "epoch": 0, "blob": "A" * 379}
        assert status_of(api, "POST", rounds_path(d, round_id, "/statements"), entry)[0] == (
            expected)
    for who in ("participant", "interpreter", "rapporteur", "observer"):
        new = {"id": b64e(td2.random_id()), "kind": "consent",
               "tally_public": b64e(td2.generate_member_keypair()[1])}
        assert status_of(workshop.clients[who], "POST", rounds_path(d), new)[0] == 403, who
    assert snapshot(app) == before


def test_removed_members_are_refused(app, workshop, open_round):
    round_id, statement = open_round
    d = workshop.dialogue_id
    participant = workshop.clients["participant"]
    body = _ballot(workshop, round_id, statement)
    workshop.clients["convener"].remove(d, [workshop.handles["participant"]])
    before = snapshot(app)
    assert status_of(participant, "POST", rounds_path(d, round_id, "/ballots"), body)[0] in (
        401, 403, 404)
    assert snapshot(app) == before


def test_only_the_owner_closes_and_lists_after_close(app, workshop, open_round):
    round_id, statement = open_round
    d = workshop.dialogue_id
    facilitator, convener = workshop.clients["facilitator"], workshop.clients["convener"]
    status_of(workshop.clients["participant"], "POST", rounds_path(d, round_id, "/ballots"),
              _ballot(workshop, round_id, statement))
    status, data = status_of(facilitator, "GET", rounds_path(d, round_id, "/ballots"))
    assert (status, data["error"]) == (409, "round_open"), "no ballot leaves before close"
    before = snapshot(app)
    for who in ("convener", "participant", "observer"):
        api = workshop.clients[who]
        assert status_of(api, "POST", rounds_path(d, round_id, "/close"))[0] == 403, who
    assert snapshot(app) == before
    facilitator.close_round(d, round_id)
    for who in ("convener", "participant", "interpreter"):
        api = workshop.clients[who]
        assert status_of(api, "GET", rounds_path(d, round_id, "/ballots"))[0] == 403, who
    assert status_of(workshop.clients["stranger"], "GET",
                     rounds_path(d, round_id, "/ballots"))[0] == 404
    status, listed = status_of(facilitator, "GET", rounds_path(d, round_id, "/ballots"))
    assert status == 200 and [set(b) for b in listed] == [{"slot", "sealed"}]
    assert convener.call("GET", rounds_path(d))[0]["state"] == "closed"


def test_a_tally_key_the_server_changed_is_refused(app, workshop, open_round):
    round_id, statement = open_round
    d = workshop.dialogue_id
    with app.app_context():
        db.session.execute(update(models.IdeaRound).where(models.IdeaRound.id == round_id)
                           .values(tally_public=b64e(td2.generate_member_keypair()[1])))
        db.session.commit()
    with pytest.raises(RoundRefusedError, match="forged tally key"):
        workshop.clients["participant"].vote(d, round_id, statement, {"vote": "agree"})
    assert ballots_stored(app, round_id) == []


def test_a_round_document_by_a_participant_is_refused(app, workshop, open_round):
    """A server that makes a participant's key the round's and slips in a ``round`` document the
    participant sealed (the API refuses it from them) gets no ballot."""
    round_id, statement = open_round
    d = workshop.dialogue_id
    participant = workshop.clients["participant"]
    ring = participant.keyrings[d]
    forged_public = td2.generate_member_keypair()[1]
    document = {"type": "round", "id": b64e(td2.random_id()), "round": round_id,
                "kind": "statements", "tally_public": b64e(forged_public)}
    envelope = participant._meta_envelope(ring, participant.epochs(d)[-1], document, None)
    with app.app_context():
        dialogue = db.session.get(models.Dialogue, d)
        dialogue.last_seq += 1
        db.session.add(models.Envelope(dialogue_id=d, seq=dialogue.last_seq, kind="meta",
                                       channel_id=envelope["channel_id"],
                                       message_id=envelope["message_id"],
                                       epoch=envelope["epoch"],
                                       author_handle=envelope["author_handle"],
                                       blob=envelope["blob"]))
        db.session.execute(update(models.IdeaRound).where(models.IdeaRound.id == round_id)
                           .values(tally_public=b64e(forged_public),
                                   owner_handle=b64e(ring.handle)))
        db.session.commit()
    with pytest.raises(RoundRefusedError, match="forged tally key"):
        workshop.clients["participant"].vote(d, round_id, statement, {"vote": "agree"})
    assert ballots_stored(app, round_id) == []


def test_bad_input_is_refused_and_changes_nothing(app, workshop, open_round):
    round_id, statement = open_round
    d = workshop.dialogue_id
    participant, facilitator = workshop.clients["participant"], workshop.clients["facilitator"]
    good = _ballot(workshop, round_id, statement)
    raw = b64d(good["sealed"])
    ballots = rounds_path(d, round_id, "/ballots")
    statements = rounds_path(d, round_id, "/statements")
    key = b64e(td2.generate_member_keypair()[1])
    epoch = participant.epochs(d)[-1].number
    cases = [
        (participant, ballots, {**good, "slot": "not-an-id"}, 400),
        (participant, ballots, {**good, "slot": b64e(POLL_SLOT)}, 400),  # no such statement
        (participant, ballots, {**good, "slot": b64e(td2.random_id())}, 400),
        (participant, ballots, {**good, "sealed": b64e(raw[:-1])}, 400),
        (participant, ballots, {**good, "sealed": b64e(raw + bytes(256 * 20))}, 400),
        (participant, ballots, {**good, "sealed": "!" * 500}, 400),
        (participant, ballots, {"slot": statement}, 400),
        (participant, statements, {"message_id": statement, "epoch": epoch, "blob": "A" * 379},
         409),
        (participant, statements, {"message_id": b64e(td2.random_id()), "epoch": epoch + 5,
                                   "blob": "A" * 379}, 400),
        (participant, statements, {"message_id": b64e(td2.random_id()), "epoch": epoch,
                                   "blob": "A" * 400}, 400),
        (facilitator, rounds_path(d), {"id": round_id, "kind": "consent", "tally_public": key},
         409),
        (facilitator, rounds_path(d), {"id": b64e(td2.random_id()), "kind": "vote",
                                       "tally_public": key}, 400),
        (facilitator, rounds_path(d), {"id": b64e(td2.random_id()), "kind": "consent",
                                       "tally_public": b64e(bytes(32))}, 400),
        (facilitator, rounds_path(d), ["not", "an", "object"], 400),
        (participant, rounds_path(d, "not-a-round", "/ballots"), good, 404),
        (participant, rounds_path(d, b64e(td2.random_id()), "/statements"), None, 404),
    ]
    before = snapshot(app)
    for api, path, body, expected in cases:
        method = "GET" if body is None else "POST"
        status, data = status_of(api, method, path, body)
        assert status == expected, (path, body, status, data)
        assert data["error"]
    assert snapshot(app) == before


def test_statements_are_neither_listed_with_other_envelopes_nor_deleted(app, workshop,
                                                                       open_round):
    _round_id, statement = open_round
    d = workshop.dialogue_id
    convener = workshop.clients["convener"]
    listed = convener.call("GET", f"/api/v1/dialogues/{d}/envelopes")
    assert statement not in {e["message_id"] for e in listed}
    for who in ("convener", "participant"):
        status, _ = status_of(workshop.clients[who], "DELETE",
                              f"/api/v1/dialogues/{d}/envelopes/{statement}")
        assert status == 403
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(models.Envelope)
                                  .where(models.Envelope.message_id == statement))
    assert count == 1
