"""A live connection keeps its sender's seat for a second at most: after a sign-out, or a
removal that another server process handled (so this connection was not closed), the next
message past that second is refused and nothing is stored. The clock is the cache's own,
moved forward here instead of waiting."""

from __future__ import annotations

from sqlalchemy import func, select, update

from facilitator import td2
from facilitator.dialogues import models
from facilitator.extensions import db, socketio
from facilitator.live import events as live_events
from facilitator.live.seats import RECHECK_S, Seat, SeatCache

ROOM = td2.random_id()


def connect(app, api):
    live = socketio.test_client(app, flask_test_client=api.transport.client)
    assert live.is_connected()
    return live


def send(live, dialogue_id, envelope):
    return live.emit("send_message", {"dialogue_id": dialogue_id, "envelope": envelope},
                     callback=True)


def stored(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(models.Envelope)) or 0)


def later(monkeypatch, seconds: float) -> None:
    """Move the seat cache's clock forward by ``seconds``."""
    cache = live_events._seats
    now = cache.clock()
    monkeypatch.setattr(cache, "clock", lambda: now + seconds)


def test_a_signed_out_account_sends_nothing_after_the_recheck(app, workshop, monkeypatch):
    d = workshop.dialogue_id
    facilitator = workshop.clients["facilitator"]
    live = connect(app, facilitator)
    assert send(live, d, facilitator.seal_message(d, ROOM, {"text": "before"}))["seq"] > 0
    envelope = facilitator.seal_message(d, ROOM, {"text": "after signing out"})
    status, _body, _headers = facilitator.transport.request("POST", "/logout", form={})
    assert status == 302
    before = stored(app)
    later(monkeypatch, RECHECK_S)
    assert not send(live, d, envelope)
    errors = [e["args"][0] for e in live.get_received() if e["name"] == "error_occurred"]
    assert [e["error"] for e in errors] == ["dialogue_not_found"]
    assert stored(app) == before


def test_a_member_removed_elsewhere_sends_nothing_after_the_recheck(app, workshop, monkeypatch):
    d = workshop.dialogue_id
    participant = workshop.clients["participant"]
    live = connect(app, participant)
    assert send(live, d, participant.seal_message(d, ROOM, {"text": "before"}))["seq"] > 0
    envelope = participant.seal_message(d, ROOM, {"text": "after the removal"})
    handle = td2.b64u_encode(participant.keyrings[d].handle)
    with app.app_context():  # what another process's removal leaves in the database
        db.session.execute(update(models.Member).where(models.Member.handle == handle)
                           .values(removed_epoch=99))
        db.session.commit()
    assert live.is_connected()
    before = stored(app)
    later(monkeypatch, RECHECK_S)
    assert not send(live, d, envelope)
    errors = [e["args"][0] for e in live.get_received() if e["name"] == "error_occurred"]
    assert [e["error"] for e in errors] == ["dialogue_not_found"]
    assert stored(app) == before


def test_the_cache_forgets_seats_older_than_the_recheck():
    now = [100.0]
    cache = SeatCache(recheck_s=0.5, clock=lambda: now[0])
    seat = Seat(dialogue_id="d", member_id=1, handle="h", in_team=False)
    cache.put("sid", seat)
    assert cache.get("sid", "d") == seat
    assert cache.get("sid", "other") is None and cache.get("other", "d") is None
    now[0] += 0.5
    assert cache.get("sid", "d") is None
    cache.put("sid-2", Seat(dialogue_id="d", member_id=2, handle="h2", in_team=False))
    assert list(cache._seats) == [("sid-2", "d")], "expired seats are dropped"


def test_messages_sent_at_once_check_the_seat_once():
    import threading

    cache = SeatCache()
    calls: list[int] = []
    entered, release = threading.Event(), threading.Event()

    def resolve() -> Seat:
        calls.append(1)
        entered.set()
        release.wait(10)
        return Seat(dialogue_id="d", member_id=1, handle="h", in_team=False)

    seats: list[Seat] = []
    threads = [threading.Thread(target=lambda: seats.append(cache.seat("sid", "d", resolve)))
               for _ in range(10)]
    threads[0].start()
    assert entered.wait(10)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1 and len(seats) == 10 and len(set(seats)) == 1
