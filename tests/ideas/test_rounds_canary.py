"""A whole round with canaries in every statement, translation, option and claimed side, and
every vote: none of it reaches the database, the logs or Redis, and neither does any vote as it
is sealed."""

from __future__ import annotations

import logging
import os

import pytest

from tests.conftest import REDIS_URL
from tests.dialogues.conftest import admit

CANARIES = {
    "statement": "CANARY-statement-share-by-need",
    "translation": "CANARY-translation-ar",
    "question": "CANARY-round-question",
    "option": "CANARY-option-rota",
    "side": "CANARY-side-for-ballots",
}
# Each vote as it is sealed (compact JSON), so a vote stored in the clear would show.
VOTES = [b'"vote":"agree"', b'"vote":"disagree"', b'"vote":"pass"', b'"choice":"block"',
         b'"choice":"stand_aside"', b'"ranking":[', b'"dots":{']


@pytest.fixture
def settings(settings, redis_client):
    return settings.with_(redis_url=REDIS_URL)


def _stored(settings) -> bytes:
    database = settings.database_url.removeprefix("sqlite:///")
    stored = b""
    for suffix in ("", "-wal", "-journal"):
        if os.path.exists(database + suffix):
            with open(database + suffix, "rb") as handle_file:
                stored += handle_file.read()
    return stored


@pytest.mark.redis
def test_statements_and_votes_never_reach_the_server(app, settings, make_member, client_for,
                                                     redis_client, caplog):
    caplog.set_level(logging.DEBUG)
    before = set(redis_client.keys("*"))
    convener = client_for(make_member("convener"))
    d = convener.create_dialogue({"title": {"en": "rounds"}, "languages": ["en", "ar"]})
    devices = []
    for _ in range(3):
        device = client_for(None)
        handle = admit(convener, d, device, convener.invite_participant(d))
        device.open_device_session(d)
        convener.write_meta(d, {"type": "person", "handle": handle, "side": CANARIES["side"]})
        devices.append(device)
    statements = convener.open_round(d, "statements", {"title": {"en": CANARIES["question"]}})
    shared = devices[0].write_statement(d, statements, CANARIES["statement"], "en")
    devices[1].translate_statement(d, statements, shared, CANARIES["translation"], "ar")
    for device, vote in zip(devices, ("agree", "disagree", "pass"), strict=True):
        device.vote(d, statements, shared, {"vote": vote})
    consent = convener.open_round(d, "consent", {"title": {"en": CANARIES["question"]}})
    ranked = convener.open_round(d, "ranked", {"options": [CANARIES["option"], "other"]})
    dots = convener.open_round(d, "dots", {"options": [CANARIES["option"], "other"], "dots": 2})
    for device, choice in zip(devices, ("block", "stand_aside", "agree"), strict=True):
        device.vote(d, consent, None, {"choice": choice})
        device.vote(d, ranked, None, {"ranking": [CANARIES["option"]]})
        device.vote(d, dots, None, {"dots": {CANARIES["option"]: 2}})
    for round_id in (statements, consent, ranked, dots):
        convener.close_round(d, round_id)
        convener.tally_and_publish(d, round_id)
    seen = devices[2].read_round(d, statements)
    assert seen["statements"][0]["translations"] == {"ar": CANARIES["translation"]}
    assert seen["result"]["result"]["statements"][shared]["sides"][CANARIES["side"]]["agree"] == 1

    stored = _stored(settings)
    assert d.encode() in stored and statements.encode() in stored, "the scan reads the database"
    new_keys = set(redis_client.keys("*")) - before
    in_redis = b"".join(new_keys) + b"".join(redis_client.dump(key) or b"" for key in new_keys)
    for name, canary in CANARIES.items():
        assert canary.encode() not in stored, f"{name} reached the database"
        assert canary not in caplog.text, f"{name} reached the logs"
        assert canary.encode() not in in_redis, f"{name} reached Redis"
    for vote in VOTES:
        assert vote not in stored, f"{vote!r} reached the database"
        assert vote.decode() not in caplog.text, f"{vote!r} reached the logs"
        assert vote not in in_redis, f"{vote!r} reached Redis"
