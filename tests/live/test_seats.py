"""A live connection keeps its sender's seat for a second at most: after a sign-out, or a
removal that another server process handled (so this connection was not closed), the next
message past that second is refused and nothing is stored. The clock is the cache's own,
moved forward here instead of waiting. Past the second, one query confirms a seat that still
stands (``still_seated``); anything else sends it to the full resolution."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from facilitator import td2
from facilitator.accounts.models import LoginSession, utcnow
from facilitator.dialogues import models
from facilitator.extensions import db, socketio
from facilitator.live import events as live_events
from facilitator.live.seats import RECHECK_S, Seat, SeatCache, still_seated

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


def test_the_cache_rechecks_after_a_second_and_forgets_unused_seats():
    now = [100.0]
    cache = SeatCache(recheck_s=0.5, clock=lambda: now[0], forget_s=5.0)
    seat = Seat(dialogue_id="d", member_id=1, handle="h", in_team=False)
    cache.put("sid", seat)
    assert cache.get("sid", "d") == seat
    assert cache.get("sid", "other") is None and cache.get("other", "d") is None
    now[0] += 0.5
    assert cache.get("sid", "d") is None, "past the recheck, a seat is checked again"
    now[0] += 4.5
    cache.put("sid-2", Seat(dialogue_id="d", member_id=2, handle="h2", in_team=False))
    assert list(cache._seats) == [("sid-2", "d")], "seats unused past forget_s are dropped"


def test_past_the_recheck_a_seat_is_confirmed_or_resolved_in_full():
    now = [100.0]
    cache = SeatCache(recheck_s=1.0, clock=lambda: now[0])
    first = Seat(dialogue_id="d", member_id=1, handle="h", in_team=False, role="participant")
    again = Seat(dialogue_id="d", member_id=1, handle="h", in_team=True, role="facilitator")
    resolved: list[Seat] = []
    confirmed: list[Seat] = []

    def resolve(seat: Seat):
        return lambda: resolved.append(seat) or seat

    def confirm(answer: bool):
        return lambda seat: confirmed.append(seat) or answer

    assert cache.seat("sid", "d", resolve(first), confirm(True)) == first
    assert resolved == [first] and confirmed == [], "a new connection is resolved in full"
    now[0] += 0.9
    assert cache.seat("sid", "d", resolve(again), confirm(True)) == first
    assert resolved == [first] and confirmed == [], "within the second, nothing is checked"
    now[0] += 0.2
    assert cache.seat("sid", "d", resolve(again), confirm(True)) == first
    assert resolved == [first] and confirmed == [first], "past it, one confirmation"
    now[0] += 1.1
    assert cache.seat("sid", "d", resolve(again), confirm(False)) == again
    assert resolved == [first, again], "a seat that no longer stands is resolved in full"


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


def seat_of(app, client, dialogue_id):
    """The seat the live room resolves for ``client`` (its own cookie, its own tokens)."""
    cookie = "facilitator_session=" + client.transport.client.get_cookie("facilitator_session").value
    with app.test_request_context("/socket.io/", headers={"Cookie": cookie}):
        return live_events._seat(f"sid-{secrets.token_hex(4)}", dialogue_id)


def confirmed(app, seat) -> bool:
    settings = app.extensions["facilitator.settings"]
    with app.app_context(), db.engine.connect() as connection:
        return still_seated(connection, seat, settings.idle_timeout_s,
                            settings.absolute_timeout_s)


def test_a_device_seat_is_confirmed_until_its_session_or_membership_changes(app, workshop):
    d = workshop.dialogue_id
    seat = seat_of(app, workshop.clients["participant"], d)
    assert seat.proof is not None and seat.proof[0] == "device"
    assert confirmed(app, seat)
    table = models.DeviceSession
    with app.app_context():
        db.session.execute(update(table).values(last_seen_at=utcnow() - timedelta(seconds=61)))
        db.session.commit()
    assert not confirmed(app, seat), "last_seen_at is due: resolved in full, which writes it"
    assert seat_of(app, workshop.clients["participant"], d) == seat
    assert confirmed(app, seat)
    with app.app_context():
        db.session.execute(update(models.Member).where(models.Member.id == seat.member_id)
                           .values(role="facilitator"))
        db.session.commit()
    assert not confirmed(app, seat), "a changed role is resolved in full"
    with app.app_context():
        db.session.execute(update(models.Member).where(models.Member.id == seat.member_id)
                           .values(role=seat.role, removed_epoch=99))
        db.session.commit()
    assert not confirmed(app, seat), "a removed member"
    with app.app_context():
        db.session.execute(update(models.Member).where(models.Member.id == seat.member_id)
                           .values(removed_epoch=None))
        db.session.execute(delete(table))
        db.session.commit()
    assert not confirmed(app, seat), "a closed device session"


def test_an_account_seat_is_confirmed_until_sign_out_or_time_out(app, workshop):
    d = workshop.dialogue_id
    facilitator = workshop.clients["facilitator"]
    seat = seat_of(app, facilitator, d)
    assert seat.proof is not None and seat.proof[0] == "account" and seat.in_team
    assert confirmed(app, seat)
    assert not confirmed(app, replace(seat, member_id=seat.member_id + 1)), "someone else's"
    table = LoginSession
    with app.app_context():
        db.session.execute(update(table).values(created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    assert not confirmed(app, seat), "past the absolute time-out"
    with app.app_context():
        db.session.execute(update(table).values(created_at=utcnow()))
        db.session.commit()
    assert confirmed(app, seat)
    status, _body, _headers = facilitator.transport.request("POST", "/logout", form={})
    assert status == 302
    assert not confirmed(app, seat), "signed out"
