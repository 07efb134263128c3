"""Group commit: messages that arrive while a room's transaction is being written are stored
together in the next one, each with its own outcome; a refused message takes no ``seq`` and
leaves no gap."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from facilitator import td2
from facilitator.app import create_app
from facilitator.dialogues.models import Dialogue, Envelope
from facilitator.extensions import db
from facilitator.live import store
from facilitator.live.group_commit import GroupCommit, Pending
from facilitator.live.schemas import LiveEnvelope
from facilitator.live.seats import Seat
from facilitator.live.store import Outgoing, store_batch
from tests.conftest import migrate_to_head

ROOM = td2.random_id()


def test_messages_arriving_during_a_write_form_the_next_batch():
    group: GroupCommit[str] = GroupCommit()
    batches: list[list[str]] = []
    first_started, release_first = threading.Event(), threading.Event()

    def write(batch: list[Pending[str]]) -> None:
        batches.append([each.item for each in batch])
        if len(batches) == 1:
            first_started.set()
            release_first.wait(10)
        for each in batch:
            if each.item == "bad":
                each.error = ValueError(each.item)
            else:
                each.seq = 100 + len(batches) * 10 + batch.index(each)

    outcomes: dict[str, Pending[str]] = {}

    def send(item: str) -> None:
        outcomes[item] = group.submit("room", item, write)

    leader = threading.Thread(target=send, args=("first",))
    leader.start()
    assert first_started.wait(10)
    others = [threading.Thread(target=send, args=(item,)) for item in ("a", "bad", "b")]
    for thread in others:
        thread.start()
    while len(group._waiting.get("room", [])) < 3:  # all three queued behind the first write
        threading.Event().wait(0.01)
    release_first.set()
    for thread in [leader, *others]:
        thread.join(10)
    assert batches[0] == ["first"]
    assert sorted(batches[1]) == ["a", "b", "bad"] and len(batches) == 2
    assert outcomes["first"].seq == 110
    assert isinstance(outcomes["bad"].error, ValueError) and outcomes["bad"].seq is None
    assert {outcomes["a"].seq, outcomes["b"].seq} <= {120, 121, 122}


def test_a_failed_write_is_every_waiting_message_s_error():
    group: GroupCommit[str] = GroupCommit()

    def write(batch: list[Pending[str]]) -> None:
        raise RuntimeError("the database went away")

    outcome = group.submit("room", "m", write)
    assert outcome.done and outcome.seq is None
    assert isinstance(outcome.error, RuntimeError)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def settings(request, settings):
    """The batch is stored one statement at a time on SQLite and in psycopg's pipeline mode on
    PostgreSQL (``live.store``): both are tested."""
    if request.param == "sqlite":
        return settings
    on_postgres = replace(settings, database_url=request.getfixturevalue("fresh_postgres_database"))
    migrate_to_head(create_app(on_postgres))
    return on_postgres


def _sealer(workshop):
    d = workshop.dialogue_id
    facilitator = workshop.clients["facilitator"]
    seat = Seat(dialogue_id=d, member_id=0, in_team=True,
                handle=td2.b64u_encode(facilitator.keyrings[d].handle))

    def message(text: str, **overrides) -> Pending[Outgoing]:
        envelope = facilitator.seal_message(d, ROOM, {"type": "text", "text": text})
        envelope.update(overrides)
        return Pending(Outgoing(seat, LiveEnvelope(**envelope)))

    def opened(each: Pending[Outgoing]) -> str:
        return facilitator.open_message(d, {"seq": each.seq, "kind": "msg",
                                            **each.item.envelope.model_dump()})["text"]

    return message, opened


def _stored(d: str, after: int) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Envelope.seq, Envelope.message_id)
        .where(Envelope.dialogue_id == d, Envelope.seq > after).order_by(Envelope.seq)).all()
    return [tuple(row) for row in rows]


def test_a_batch_stores_what_passes_and_refuses_the_rest_alone(app, workshop):
    d = workshop.dialogue_id
    message, opened = _sealer(workshop)
    earlier = message("stored before")
    with app.app_context():
        store_batch(db.engine, d, [earlier])
        before = db.session.get(Dialogue, d).last_seq
        current_epoch = db.session.get(Dialogue, d).current_epoch
    assert current_epoch >= 1
    first = message("one")
    batch = [
        first,
        message("replayed id", message_id=earlier.item.envelope.message_id),
        message("two"),
        message("same id in the batch", message_id=first.item.envelope.message_id),
        message("old epoch", epoch=99),
        message("bad size", blob="A" * 400),
        message("three"),
        message("previous epoch, just rotated", epoch=current_epoch - 1),
    ]
    with app.app_context():
        store_batch(db.engine, d, batch)
        stored = _stored(d, before)
        last_seq = db.session.get(Dialogue, d).last_seq
    errors = [type(each.error).__name__ if each.error else None for each in batch]
    assert errors == [None, "DuplicateIdError", None, "DuplicateIdError",
                      "EnvelopeRejectedError", "EnvelopeRejectedError", None, None]
    assert batch[4].error.params == {"reason": "epoch", "current_epoch": current_epoch}
    accepted = [batch[0], batch[2], batch[6]]
    assert [each.seq for each in [*accepted, batch[7]]] == [before + n for n in range(1, 5)]
    assert stored == [(each.seq, each.item.envelope.message_id) for each in [*accepted, batch[7]]]
    assert last_seq == before + 4, "refused messages leave no gap in seq"
    assert [opened(each) for each in accepted] == ["one", "two", "three"]


def test_a_batch_to_an_unknown_dialogue_is_refused_and_the_connection_stays_usable(app, workshop):
    d = workshop.dialogue_id
    message, _opened = _sealer(workshop)
    lost = message("lost room")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Envelope))
        store_batch(db.engine, td2.random_id(), [lost])
        assert type(lost.error).__name__ == "DialogueNotFoundError" and lost.seq is None
        assert db.session.scalar(select(func.count()).select_from(Envelope)) == before
        kept = message("next batch")
        store_batch(db.engine, d, [kept])  # the pooled connection was left clean
        assert kept.error is None
        assert db.session.get(Dialogue, d).last_seq == kept.seq


@pytest.fixture
def fast_path(monkeypatch):
    """What each batch's ``store_at_epoch`` answered (True: stored in one statement)."""
    answers: list[bool] = []
    original = store._Statements.store_at_epoch

    def observed(self, dialogue_id, batch):
        answers.append(original(self, dialogue_id, batch))
        return answers[-1]

    monkeypatch.setattr(store._Statements, "store_at_epoch", observed)
    return answers


def test_a_clean_batch_at_the_epoch_last_seen_is_one_statement_on_postgresql(
        app, workshop, fast_path):
    d = workshop.dialogue_id
    message, opened = _sealer(workshop)
    with app.app_context():
        store_batch(db.engine, d, [message("learns the epoch")])
        before = db.session.get(Dialogue, d).last_seq
        batch = [message("one"), message("two"), message("three")]
        store_batch(db.engine, d, batch)
        assert _stored(d, before) == [(before + n, each.item.envelope.message_id)
                                      for n, each in enumerate(batch, 1)]
        assert db.session.get(Dialogue, d).last_seq == before + 3
        on_postgres = db.engine.dialect.name == "postgresql"
    assert [each.error for each in batch] == [None, None, None]
    assert [each.seq for each in batch] == [before + 1, before + 2, before + 3]
    assert [opened(each) for each in batch] == ["one", "two", "three"]
    assert fast_path == [False, on_postgres], "the first batch learns the epoch the full way"


def test_an_id_used_before_rolls_the_one_statement_back_and_takes_the_full_way(
        app, workshop, fast_path):
    d = workshop.dialogue_id
    message, _opened = _sealer(workshop)
    earlier = message("stored before")
    with app.app_context():
        store_batch(db.engine, d, [earlier])
        before = db.session.get(Dialogue, d).last_seq
        batch = [message("new"), message("replayed", message_id=earlier.item.envelope.message_id),
                 message("also new")]
        store_batch(db.engine, d, batch)
        assert _stored(d, before) == [(before + 1, batch[0].item.envelope.message_id),
                                      (before + 2, batch[2].item.envelope.message_id)]
        assert db.session.get(Dialogue, d).last_seq == before + 2, "no gap, nothing twice"
    assert [type(each.error).__name__ if each.error else None for each in batch] == [
        None, "DuplicateIdError", None]
    assert fast_path == [False, False]


def test_a_stale_epoch_guess_stores_nothing_and_the_full_way_decides(app, workshop, fast_path):
    d = workshop.dialogue_id
    message, _opened = _sealer(workshop)
    with app.app_context():
        store_batch(db.engine, d, [message("learns the epoch")])
        dialogue = db.session.get(Dialogue, d)
        before, current = dialogue.last_seq, dialogue.current_epoch
        store._current_epochs[d] = current - 1  # as if this process missed a rotation
        batch = [message("sent just before the rotation", epoch=current - 1),
                 message("also", epoch=current - 1)]
        store_batch(db.engine, d, batch)
        assert _stored(d, before) == [(before + n, each.item.envelope.message_id)
                                      for n, each in enumerate(batch, 1)]
        db.session.expire_all()
        assert db.session.get(Dialogue, d).last_seq == before + 2
    assert [each.error for each in batch] == [None, None], "within the rotation grace"
    assert fast_path == [False, False]
    assert store._current_epochs[d] == current, "the guess is corrected"
