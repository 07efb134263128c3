"""A live connection keeps its sender's seat for a second at most: after a sign-out, or a
removal that another server process handled (so this connection was not closed), the next
message past that second is refused and nothing is stored. The clock is the cache's own,
moved forward here instead of waiting. Past the second, one query confirms a seat that still
stands (``still_seated``); anything else sends it to the full resolution."""

from __future__ import annotations

import secrets
import time
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


def later(app, monkeypatch, seconds: float) -> None:
    """Move the seat cache's clock forward by ``seconds``."""
    cache = live_events.seat_cache(app)
    now = cache.clock()
    monkeypatch.setattr(cache, "clock", lambda: now + seconds)


def test_a_signed_out_account_sends_nothing_after_the_recheck(app, workshop, monkeypatch):
    """A session that ended without its connections being closed (it timed out; a process
    stopped before it could tell the others): the recheck refuses the next message. Signing
    out closes them at once (``test_sign_out_closes``)."""
    d = workshop.dialogue_id
    facilitator = workshop.clients["facilitator"]
    live = connect(app, facilitator)
    assert send(live, d, facilitator.seal_message(d, ROOM, {"text": "before"}))["seq"] > 0
    envelope = facilitator.seal_message(d, ROOM, {"text": "after signing out"})
    with app.app_context():
        db.session.execute(delete(LoginSession))
        db.session.commit()
    assert live.is_connected()
    before = stored(app)
    later(app, monkeypatch, RECHECK_S)
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
    later(app, monkeypatch, RECHECK_S)
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
        [answer] = still_seated(connection, [seat], settings.idle_timeout_s,
                                settings.absolute_timeout_s)
        return answer


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


def proven(member_id: int, role: str = "participant") -> Seat:
    token = secrets.token_hex(8)
    return Seat(dialogue_id="d", member_id=member_id, handle=f"h{member_id}", in_team=False,
                role=role, proof=("device", token))


def test_the_keeper_confirms_the_seats_in_use_at_once_and_drops_those_that_fell():
    now = [100.0]
    cache = SeatCache(recheck_s=1.0, clock=lambda: now[0], keep_s=10.0)
    staying, leaving, idle, fresh = proven(1), proven(2), proven(3), proven(4)
    unproven = Seat(dialogue_id="d", member_id=5, handle="h5", in_team=False)
    for sid, seat in [("a", staying), ("b", leaving), ("c", idle), ("e", unproven)]:
        cache.put(sid, seat)
    now[0] += 10.0
    cache.put("f", fresh)  # checked just now
    for sid in ("a", "b", "c", "e"):
        cache.put(sid, cache._seats[(sid, "d")][0], checked_at=now[0] - 0.6)  # checked again
    for sid in ("a", "b", "e"):
        cache.get(sid, "d")  # and used since: in use
    asked: list[list[Seat]] = []

    def confirm(seats):
        asked.append(list(seats))
        return [seat is not leaving for seat in seats]

    assert cache.keep(confirm) == 2
    assert asked == [[staying, leaving]], "only seats used since, past half the recheck, with proof"
    assert cache.keep(confirm) == 0, "just confirmed: not due again"
    now[0] += 0.9
    assert cache.get("a", "d") == staying, "confirmed ahead: trusted a second from the check"
    assert ("b", "d") not in cache._seats, "a seat that fell is resolved in full when next used"
    assert cache.get("c", "d") is None, "a seat not used since its check is left to the next message"


def test_the_keeper_leaves_a_seat_checked_again_meanwhile():
    now = [100.0]
    cache = SeatCache(recheck_s=1.0, clock=lambda: now[0])
    first, again = proven(1), proven(1, role="facilitator")
    cache.put("a", first, checked_at=now[0] - 0.6)
    cache.get("a", "d")

    def confirm(seats):
        cache.put("a", again)  # the message path resolved it while the query ran
        return [False]

    assert cache.keep(confirm) == 1
    assert cache.get("a", "d") == again


def test_the_keeper_runs_while_seats_are_used_and_survives_a_failed_query():
    now = [100.0]
    cache = SeatCache(recheck_s=1.0, clock=lambda: now[0], keep_s=2.0)
    cache.put("a", proven(1))
    now[0] += 0.1
    assert cache.get("a", "d") is not None  # used from the cache
    assert cache.claim_keeper() and not cache.claim_keeper(), "one keeper at a time"
    passes: list[int] = []
    failures: list[Exception] = []

    def confirm(seats):
        passes.append(len(seats))
        if len(passes) == 1:
            raise OSError("database restarting")
        return [True] * len(seats)

    def sleep(seconds: float) -> None:
        now[0] += seconds

    cache.run_keeper(confirm, sleep, failures.append)
    assert [type(e) for e in failures] == [OSError]
    assert len(passes) >= 2, "the keeper went on after the failure"
    assert now[0] - 100.0 >= 2.0, "it stopped once no seat had been used for keep_s"
    assert cache.claim_keeper(), "and the next message starts another"


def test_many_seats_are_confirmed_in_chunks_each_on_its_own(app, workshop, monkeypatch):
    from facilitator.identity import confirm as confirm_module

    d = workshop.dialogue_id
    participant = seat_of(app, workshop.clients["participant"], d)
    facilitator = seat_of(app, workshop.clients["facilitator"], d)
    stranger = replace(participant, member_id=facilitator.member_id)
    demoted = replace(facilitator, role="participant")
    seats = [participant, facilitator, stranger, demoted]
    settings = app.extensions["facilitator.settings"]
    for chunk in (500, 1):
        monkeypatch.setattr(confirm_module, "CONFIRM_CHUNK", chunk)
        with app.app_context(), db.engine.connect() as connection:
            answers = still_seated(connection, seats, settings.idle_timeout_s,
                                   settings.absolute_timeout_s)
        assert answers == [True, True, False, False], chunk


def test_the_keeper_refuses_a_removed_member_within_the_second(app, workshop, monkeypatch):
    d = workshop.dialogue_id
    participant = workshop.clients["participant"]
    live = connect(app, participant)
    for text in ("resolved in full", "taken from the cache: in use"):
        assert send(live, d, participant.seal_message(d, ROOM, {"text": text}))["seq"] > 0
    envelope = participant.seal_message(d, ROOM, {"text": "after the removal"})
    cache = live_events.seat_cache(app)
    [key] = [key for key in list(cache._seats) if key[1] == d]
    handle = td2.b64u_encode(participant.keyrings[d].handle)
    with app.app_context():  # what another process's removal leaves in the database
        db.session.execute(update(models.Member).where(models.Member.handle == handle)
                           .values(removed_epoch=99))
        db.session.commit()
    later(app, monkeypatch, 0.6)  # past half the recheck: the keeper confirms it now
    deadline = time.monotonic() + 10
    while key in cache._seats and time.monotonic() < deadline:
        time.sleep(0.05)
    assert key not in cache._seats, "the keeper dropped the seat before the second was out"
    before = stored(app)
    assert not send(live, d, envelope)
    errors = [e["args"][0] for e in live.get_received() if e["name"] == "error_occurred"]
    assert [e["error"] for e in errors] == ["dialogue_not_found"]
    assert stored(app) == before
