"""The Redis queue that several server processes share, publishing in the background.

python-socketio's ``RedisManager`` sends a room's copies to this process's members at once, then
publishes the message for the other processes and waits for Redis to answer. The live room
broadcasts a stored batch while it still holds the room (so batches go out in ``seq`` order),
and under load that answer waits for a turn of the event loop: the room was held for about as
long again as the batch took to store. Here ``_publish`` only queues the message; one task per
process publishes whatever is queued, in order, in one pipelined round trip. Nothing else
changes: the same channel and message format, so the other processes' listeners are python-
socketio's own, and a failed publish is retried once and then logged, as before.
"""

from __future__ import annotations

import threading
from typing import Any

import socketio

MAX_PIPELINE = 200  # messages per round trip, so one backlog cannot hold a huge buffer
# Messages waiting for Redis at most: if it stops answering, broadcasts then wait for it, as they
# did when each one waited for its own answer, instead of the queue growing without end.
MAX_QUEUED = 10_000


class BackgroundRedisManager(socketio.RedisManager):  # type: ignore[misc]
    connected: bool  # python-socketio's: whether ``redis`` is connected

    def __init__(self, url: str, **options: Any) -> None:
        super().__init__(url, **options)
        self._start_guard = threading.Lock()
        self._outbox: Any = None

    def _publish(self, data: dict[str, Any]) -> None:
        """Queue ``data`` for the publishing task, started on first use (an HTTP request may
        emit before any websocket has made the server initialise its manager)."""
        if self._outbox is None:
            with self._start_guard:
                if self._outbox is None:
                    outbox = self.server.eio.create_queue(MAX_QUEUED)
                    self.server.start_background_task(self._publish_queued, outbox)
                    self._outbox = outbox
        self._outbox.put(data)

    def _publish_queued(self, outbox: Any) -> None:
        while True:
            batch = [outbox.get()]
            while len(batch) < MAX_PIPELINE and not outbox.empty():
                batch.append(outbox.get())
            try:
                self._publish_now(batch)
            except Exception:  # the task must outlive any one batch, or nothing more is sent
                self._get_logger().exception("Redis publish of %d messages failed", len(batch))

    def _publish_now(self, batch: list[dict[str, Any]]) -> None:
        """Publish ``batch`` in one round trip: two attempts, as python-socketio's own."""
        payloads = [self.json.dumps(data) for data in batch]
        for retries_left in (1, 0):
            try:
                if not self.connected:
                    self._redis_connect()
                if len(payloads) == 1:  # the usual case: cheaper than a pipeline of one
                    self.redis.publish(self.channel, payloads[0])
                    return
                pipeline = self.redis.pipeline(transaction=False)
                for payload in payloads:
                    pipeline.publish(self.channel, payload)
                pipeline.execute()
                return
            except Exception as error:  # any failure: reconnect once, then give up
                if retries_left:
                    self.connected = False  # reconnect for the second attempt
                self._get_logger().error(
                    "Redis publish of %d queued message(s) failed (%s)%s",
                    len(batch),
                    type(error).__name__,
                    "... retrying" if retries_left else "... giving up",
                )
