"""Canary strings typed into every content field appear nowhere on the server side: not in the
database file, not in the log output, not in Redis."""

from __future__ import annotations

import logging
import os
import secrets

import pytest

from tests.conftest import REDIS_URL
from tests.dialogues.conftest import admit

CANARIES = {
    "title": "CANARY-7f3a9c-VELL-TITLE",
    "display_name": "CANARY-display-Yusuf-Al-Mansour",
    "side": "CANARY-side-Upper-Vell",
    "affiliation": "CANARY-affiliation-Farmers-Union",
    "session": "CANARY-session-Day-1",
    "agenda": "CANARY-agenda-dry-season",
    "guidance": "CANARY-guidance-for-facilitators",
}


@pytest.fixture
def settings(settings, redis_client):
    """The app with Redis behind the Socket.IO queue and the sign-in throttle, as in production.
    The scan below looks at the keys this test adds and at what the app publishes."""
    return settings.with_(redis_url=REDIS_URL)


@pytest.mark.redis
def test_canaries_never_reach_the_server(app, settings, make_member, client_for, redis_client,
                                         caplog):
    caplog.set_level(logging.DEBUG)
    before = set(redis_client.keys("*"))
    convener = client_for(make_member("convener"))
    dialogue_id = convener.create_dialogue({"title": {"en": CANARIES["title"]},
                                            "languages": ["en", "ar"], "timezone": "Asia/Amman",
                                            "track": "II", "confidentiality_default": "on_record"})
    session_id = secrets.token_hex(8)
    convener.write_meta(dialogue_id, {"type": "session", "id": session_id,
                                      "title": {"en": CANARIES["session"]}})
    convener.write_meta(dialogue_id, {"type": "agenda_item", "session": session_id,
                                      "title": {"ar": CANARIES["agenda"]},
                                      "guidance": {"en": CANARIES["guidance"]}})
    participant = client_for(None)
    handle = admit(convener, dialogue_id, participant, convener.invite_participant(dialogue_id))
    convener.write_meta(dialogue_id, {"type": "person", "handle": handle,
                                      "display_name": CANARIES["display_name"],
                                      "side": CANARIES["side"],
                                      "affiliation": CANARIES["affiliation"]})
    participant.open_device_session(dialogue_id)
    assert any(d.get("display_name") == CANARIES["display_name"]
               for d in participant.read_meta(dialogue_id)), "the canaries were really sent"

    database = settings.database_url.removeprefix("sqlite:///")
    stored = b""
    for suffix in ("", "-wal", "-journal"):
        if os.path.exists(database + suffix):
            with open(database + suffix, "rb") as handle_file:
                stored += handle_file.read()
    new_keys = set(redis_client.keys("*")) - before
    in_redis = b"".join(new_keys) + b"".join(
        redis_client.dump(key) or b"" for key in new_keys)
    for name, canary in CANARIES.items():
        assert canary.encode() not in stored, f"{name} reached the database"
        assert canary not in caplog.text, f"{name} reached the logs"
        assert canary.encode() not in in_redis, f"{name} reached Redis"
