"""The load generator: simulated members on real websockets, sealing and opening every message.

Runs in several processes (``multiprocessing``, spawn) so the generator is not the bottleneck;
each process drives its share of members with python-socketio clients.
"""

from __future__ import annotations

import heapq
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import socketio

from facilitator import td2

b64e, b64d = td2.b64u_encode, td2.b64u_decode


@dataclass(frozen=True)
class Plan:
    origin: str
    dialogue_id: str
    channel_id: str
    epoch: int
    record_hash: bytes
    epoch_secret: bytes
    seats: list[tuple[str, str]]  # (cookie header, member handle)
    rate: float  # messages per second per member
    seconds: float
    text_bytes: int = 120


@dataclass
class Result:
    sent: int = 0
    acked: int = 0
    errors: int = 0
    disconnects: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    received: dict[str, int] = field(default_factory=dict)  # message_id -> copies received

    def to_json(self) -> str:
        return json.dumps(self.__dict__)


class _Member:
    def __init__(
        self, plan: Plan, cookie: str, handle: str, key: bytes, result: Result, lock: threading.Lock
    ) -> None:
        self.plan, self.handle, self.key, self.result, self.lock = plan, handle, key, result, lock
        self.counter = 0
        self.client = socketio.Client(reconnection=False)
        self.client.on("message_posted", self._posted)
        self.client.on("disconnect", self._dropped)
        self.client.on("error_occurred", self._error)
        self.client.connect(
            plan.origin,
            headers={"Cookie": cookie} if cookie else {},
            transports=["websocket"],
            wait_timeout=30,
        )
        self.client.call("join_dialogue", {"dialogue_id": plan.dialogue_id}, timeout=30)

    def _aad(self, message_id: bytes, author: bytes) -> bytes:
        return td2.build_aad(
            "msg",
            b64d(self.plan.dialogue_id),
            b64d(self.plan.channel_id),
            self.plan.epoch,
            message_id,
            author,
        )

    def _posted(self, data: dict[str, Any]) -> None:
        now = time.time_ns()
        content = json.loads(
            td2.open_blob(
                self.key,
                self._aad(b64d(data["message_id"]), b64d(data["author_handle"])),
                b64d(data["blob"]),
            )
        )
        with self.lock:
            self.result.latencies_ms.append((now - content["t"]) / 1e6)
            mid = data["message_id"]
            self.result.received[mid] = self.result.received.get(mid, 0) + 1

    def _dropped(self, *args: Any) -> None:
        with self.lock:
            self.result.disconnects += 1

    def _error(self, data: Any) -> None:
        with self.lock:
            self.result.errors += 1

    def _acked(self, ack: Any = None) -> None:
        with self.lock:
            self.result.acked += 1

    def send(self) -> None:
        message_id = td2.random_id()
        content = {
            "type": "text",
            "text": "x" * self.plan.text_bytes,
            "lang": "en",
            "sender_ctr": self.counter,
            "t": time.time_ns(),
        }
        self.counter += 1
        blob = td2.seal_blob(
            self.key, self._aad(message_id, b64d(self.handle)), json.dumps(content).encode()
        )
        envelope = {
            "channel_id": self.plan.channel_id,
            "message_id": b64e(message_id),
            "epoch": self.plan.epoch,
            "author_handle": self.handle,
            "blob": b64e(blob),
        }
        self.client.emit(
            "send_message",
            {"dialogue_id": self.plan.dialogue_id, "envelope": envelope},
            callback=self._acked,
        )
        with self.lock:
            self.result.sent += 1


def run_worker(plan: Plan, ready: Any, go: Any, out: Any) -> None:
    """Connect this worker's members, wait for the start signal, send at the planned rate."""
    key = td2.derive_subkey(
        plan.epoch_secret, b64d(plan.dialogue_id), plan.epoch, plan.record_hash, "msg"
    )
    result, lock = Result(), threading.Lock()
    members = [_Member(plan, cookie, handle, key, result, lock) for cookie, handle in plan.seats]
    ready.put(len(members))
    go.wait()
    start = time.monotonic()
    interval = 1.0 / plan.rate
    # Each member sends every ``interval`` seconds, members spread evenly over the interval.
    schedule = [(start + interval * i / len(members), i) for i in range(len(members))]
    heapq.heapify(schedule)
    while schedule:
        when, index = heapq.heappop(schedule)
        if when - start >= plan.seconds:
            continue
        delay = when - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        members[index].send()
        heapq.heappush(schedule, (when + interval, index))
    time.sleep(3.0)  # let the last broadcasts arrive
    with lock:
        out.put(result.to_json())
    for member in members:
        member.client.disconnect()
