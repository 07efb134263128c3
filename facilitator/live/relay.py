"""The Redis queue that several server processes share, publishing in the background.

python-socketio's ``RedisManager`` sends a room's copies to this process's members at once, then
publishes the message for the other processes and waits for Redis to answer. The live room
broadcasts a stored batch while it still holds the room (so batches go out in ``seq`` order),
and under load that answer waits for a turn of the event loop: the room was held for about as
long again as the batch took to store. Here ``_publish`` only queues the message; one task per
process publishes whatever is queued, in order, in one pipelined round trip. The channel and
message format are python-socketio's, so the other processes' listeners are its own, and a
message that fails is published by python-socketio's ``_publish``, which retries once and then
logs.
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
            self._publish_now(batch)  # raises nothing: every failure is logged there

    def _publish_now(self, batch: list[dict[str, Any]]) -> None:
        """Publish ``batch``: several in one pipelined round trip; a single message, or each of
        a batch whose pipeline failed, with python-socketio's own ``_publish`` (two attempts,
        failures logged, never raised)."""
        if len(batch) > 1:
            try:
                if not self.connected:
                    self._redis_connect()
                pipeline = self.redis.pipeline(transaction=False)
                for data in batch:
                    pipeline.publish(self.channel, self.json.dumps(data))
                pipeline.execute()
                return
            except Exception as error:  # reconnect, and send them one by one
                self.connected = False
                self._get_logger().error(
                    "Redis pipeline of %d messages failed (%s)", len(batch), type(error).__name__
                )
        for data in batch:
            super()._publish(data)

    def disconnect_room(self, room: str, namespace: str) -> None:
        """Close every connection in ``room``, in this process and (through Redis) the others.

        python-socketio's own ``close_room`` message reaches every process but only empties
        the room; this one carries ``disconnect``, and ``_handle_close_room`` closes the
        room's connections before it empties it. A process that does not know the flag (an
        older one) still empties the room, so it sends the room nothing more."""
        message = {
            "method": "close_room",
            "room": room,
            "namespace": namespace,
            "host_id": self.host_id,
            "disconnect": True,
        }
        self._handle_close_room(message)
        self._publish(message)

    def _handle_close_room(self, message: dict[str, Any]) -> None:
        if message.get("disconnect"):
            namespace = message.get("namespace") or "/"
            for sid, _eio_sid in list(self.get_participants(namespace, message.get("room"))):
                self.server.disconnect(sid, namespace=namespace, ignore_queue=True)
        super()._handle_close_room(message)
