"""The queue the server processes share publishes in the background (``live.relay``): every
message reaches Redis once and in order, in python-socketio's own format; a Redis that
cannot be reached costs the messages of that moment, logged, never the publishing task; and
one that stops answering holds broadcasts back instead of filling memory."""

from __future__ import annotations

import json
import logging
import secrets
import socket
import threading
import time
from typing import Any

import pytest
import socketio

from facilitator.live import relay
from facilitator.live.relay import BackgroundRedisManager
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.redis
# Not python-socketio's logger, whose handler keeps the stream pytest closes after each test:
# the publishing task may still report on the last messages then.
LOGGER = logging.getLogger("tests.relay")


def listening(redis_client: Any, channel: str) -> Any:
    pubsub = redis_client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel)
    assert pubsub.get_message(timeout=5) is None  # the subscription is confirmed
    return pubsub


def published(pubsub: Any, count: int) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while len(messages) < count and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.5)
        if message is not None:
            messages.append(json.loads(message["data"]))
    return messages


def server_with(manager: BackgroundRedisManager) -> socketio.Server:
    return socketio.Server(async_mode="threading", client_manager=manager)


def test_every_message_is_published_once_in_order(redis_client):
    channel = "relay-test-" + secrets.token_hex(8)
    pubsub = listening(redis_client, channel)
    manager = BackgroundRedisManager(REDIS_URL, channel=channel)
    server = server_with(manager)
    for seq in range(1, 501):  # faster than one round trip each: several go in one pipeline
        server.emit("message_posted", {"seq": seq}, to="dialogue:d1")
    messages = published(pubsub, 500)
    assert [m["data"] for m in messages] == [[{"seq": seq}] for seq in range(1, 501)]
    assert {(m["method"], m["event"], m["room"], m["namespace"], m["host_id"]) for m in messages} \
        == {("emit", "message_posted", "dialogue:d1", "/", manager.host_id)}
    assert pubsub.get_message(timeout=0.5) is None, "nothing twice"
    pubsub.close()


def test_an_unreachable_redis_is_logged_and_publishing_goes_on(redis_client, caplog):
    channel = "relay-test-" + secrets.token_hex(8)
    pubsub = listening(redis_client, channel)
    manager = BackgroundRedisManager("redis://127.0.0.1:1/0", channel=channel, logger=LOGGER)
    server = server_with(manager)
    with caplog.at_level(logging.ERROR):
        server.emit("message_posted", {"seq": 1}, to="dialogue:d1")  # does not raise
        deadline = time.monotonic() + 30
        while "giving up" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "Cannot publish to redis... retrying" in caplog.text
    assert "Cannot publish to redis... giving up" in caplog.text
    manager.redis_url, manager.connected = REDIS_URL, False  # Redis is back
    server.emit("message_posted", {"seq": 2}, to="dialogue:d1")
    assert [m["data"] for m in published(pubsub, 1)] == [[{"seq": 2}]]
    pubsub.close()


def test_a_redis_that_stops_answering_holds_broadcasts_back(monkeypatch, caplog):
    monkeypatch.setattr(relay, "MAX_QUEUED", 3)
    silent = socket.socket()  # takes connections, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    manager = BackgroundRedisManager(
        f"redis://127.0.0.1:{port}/0", channel="relay-test", logger=LOGGER
    )
    server = server_with(manager)
    emitted: list[int] = []

    def broadcast() -> None:
        for seq in range(1, 21):
            server.emit("message_posted", {"seq": seq}, to="dialogue:d1")
            emitted.append(seq)

    broadcaster = threading.Thread(target=broadcast, daemon=True)
    with caplog.at_level(logging.ERROR):
        broadcaster.start()
        broadcaster.join(timeout=1)
        assert broadcaster.is_alive() and len(emitted) < 20, "held back by the full queue"
        silent.close()  # the server goes away: publishing fails, is logged, and moves on
        broadcaster.join(timeout=30)
        deadline = time.monotonic() + 30
        while not manager._outbox.empty() and time.monotonic() < deadline:
            time.sleep(0.05)  # let the task go through the rest while the log is watched
    assert emitted == list(range(1, 21))
    assert "Cannot publish to redis... giving up" in caplog.text
