"""The load generator: simulated members on real websockets, sealing what they send with TD2.

Each worker process runs one asyncio loop driving its share of the members (``sio.SioClient``).
Every sent message is sealed with the TD2 reference implementation under the epoch's ``msg`` key.
One member per worker (its *reader*) opens every message it receives — AAD rebuilt from the
envelope, AES-GCM verified, padding and JSON checked — so every message is opened once in each
worker; the other members only note what arrived, when, and how often. Latency is the receipt
time minus the sender's send time, matched by ``message_id`` (one clock: loopback only).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitator import td2
from facilitator_bench.sio import SioClient

b64e, b64d = td2.b64u_encode, td2.b64u_decode
CONNECT_CONCURRENCY = 50


@dataclass(frozen=True)
class Plan:
    """What every worker does. Exactly one of ``rate``, ``room_rate`` and ``burst`` is set."""

    origins: list[str]  # server processes; member i connects to origins[i % len(origins)]
    dialogue_id: str
    channel_id: str
    epoch: int
    record_hash: bytes
    epoch_secret: bytes
    members: int  # in the whole room, over all workers
    seats: list[tuple[int, str, str]]  # this worker's (member index, cookie header, handle)
    rate: float = 0.0  # messages per second per member
    room_rate: float = 0.0  # messages per second for the whole room, members in turn
    burst: int = 0  # messages every member sends at once, at the start
    seconds: float = 10.0
    drain: float = 15.0  # longest wait for the last copies after the last send
    text_bytes: int = 120
    out_dir: str = ""
    ca_file: str = ""  # https origins: the certificate authority to trust (and only it)
    address: str = ""  # connect here instead of the origins' name (a test name on loopback)

    def sends(self) -> list[tuple[float, int]]:
        """``(offset in seconds, member index)`` of every message of the run, in time order."""
        if self.burst:
            return [(0.0, i) for _ in range(self.burst) for i in range(self.members)]
        if self.room_rate:
            count = math.ceil(self.seconds * self.room_rate)
            return [(k / self.room_rate, k % self.members) for k in range(count)]
        interval = 1.0 / self.rate
        per_member = math.ceil(self.seconds * self.rate)
        # Members spread evenly over one interval, so the room's load is smooth.
        return sorted(
            (n * interval + interval * i / self.members, i)
            for n in range(per_member)
            for i in range(self.members)
        )


@dataclass
class Result:
    sent: int = 0
    acked: int = 0
    errors: int = 0
    error_codes: dict[str, int] = field(default_factory=dict)
    disconnects: int = 0
    connect_failures: int = 0
    duplicated: int = 0
    reordered: int = 0  # copies whose seq is lower than one already received
    opened: int = 0
    open_failures: int = 0
    send_lag_ms: list[float] = field(default_factory=list)  # how late each send left
    sent_at: dict[str, int] = field(default_factory=dict)  # message_id -> send time (ns)
    sent_via: dict[str, int] = field(default_factory=dict)  # message_id -> sender's server
    received_at: dict[str, list[int]] = field(default_factory=dict)  # message_id -> receipts
    received_via: dict[str, list[int]] = field(default_factory=dict)  # their servers, in order
    cpu_s: float = 0.0

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__))

    @classmethod
    def load(cls, path: Path) -> Result:
        return cls(**json.loads(path.read_text()))


class Member:
    def __init__(self, plan: Plan, index: int, handle: str, key: bytes, result: Result) -> None:
        self.plan, self.index, self.handle, self.key, self.result = plan, index, handle, key, result
        self.reader = False
        self.counter = 0
        self.last_seq = 0
        self.seen: set[str] = set()
        self.client: SioClient | None = None
        self.origin = index % len(plan.origins)  # which server process this member uses
        self.dialogue, self.channel = b64d(plan.dialogue_id), b64d(plan.channel_id)

    async def connect(self, cookie: str, tls: ssl.SSLContext | None = None) -> None:
        self.client = await SioClient.open(
            self.plan.origins[self.origin], cookie, self._event, tls, self.plan.address
        )
        await self.client.call("join_dialogue", {"dialogue_id": self.plan.dialogue_id})

    def _aad(self, message_id: bytes, author: bytes) -> bytes:
        return td2.build_aad(
            "msg", self.dialogue, self.channel, self.plan.epoch, message_id, author
        )

    def _event(self, name: str, data: Any) -> None:
        now = time.time_ns()
        result = self.result
        if name != "message_posted":
            if name == "error_occurred":
                result.errors += 1
                code = str(data.get("error")) if isinstance(data, dict) else "?"
                result.error_codes[code] = result.error_codes.get(code, 0) + 1
            return
        mid = data["message_id"]
        if mid in self.seen:
            result.duplicated += 1
            return
        self.seen.add(mid)
        result.received_at.setdefault(mid, []).append(now)
        result.received_via.setdefault(mid, []).append(self.origin)
        if data["seq"] < self.last_seq:
            result.reordered += 1
        self.last_seq = max(self.last_seq, data["seq"])
        if self.reader:
            self._open(data)

    def _open(self, data: dict[str, Any]) -> None:
        """Open a received message as a member's device would."""
        try:
            aad = self._aad(b64d(data["message_id"]), b64d(data["author_handle"]))
            content = json.loads(td2.open_blob(self.key, aad, b64d(data["blob"])))
            if content["type"] != "text" or not isinstance(content["sender_ctr"], int):
                raise td2.Td2FormatError("not a text message")
            self.result.opened += 1
        except (td2.Td2Error, ValueError, KeyError):
            self.result.open_failures += 1

    def _acked(self, answer: Any) -> None:
        if answer:
            self.result.acked += 1

    async def send(self) -> None:
        assert self.client is not None
        message_id = td2.random_id()
        content = {
            "type": "text",
            "text": "x" * self.plan.text_bytes,
            "lang": "en",
            "sender_ctr": self.counter,
            "last_seq_seen": self.last_seq,
            "t": time.time_ns(),
        }
        self.counter += 1
        blob = td2.seal_blob(
            self.key, self._aad(message_id, b64d(self.handle)), json.dumps(content).encode()
        )
        mid = b64e(message_id)
        envelope = {
            "channel_id": self.plan.channel_id,
            "message_id": mid,
            "epoch": self.plan.epoch,
            "author_handle": self.handle,
            "blob": b64e(blob),
        }
        self.result.sent_at[mid] = time.time_ns()
        self.result.sent_via[mid] = self.origin
        self.result.sent += 1
        await self.client.emit(
            "send_message",
            {"dialogue_id": self.plan.dialogue_id, "envelope": envelope},
            self._acked,
        )


async def _connect_all(
    members: list[Member], cookies: list[str], result: Result, tls: ssl.SSLContext | None
) -> None:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(member: Member, cookie: str) -> None:
        async with gate:
            try:
                await member.connect(cookie, tls)
            except Exception:
                result.connect_failures += 1

    await asyncio.gather(*(one(m, c) for m, c in zip(members, cookies, strict=True)))


async def _send_all(plan: Plan, mine: dict[int, Member], start: float, result: Result) -> None:
    """Send this worker's messages on the shared schedule (wall clock, common to all workers)."""
    for offset, index in plan.sends():
        member = mine.get(index)
        if member is None or member.client is None:
            continue
        delay = start + offset - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        result.send_lag_ms.append(max(0.0, -delay) * 1000)
        await member.send()


async def _drain(plan: Plan, members: list[Member], expected: int, result: Result) -> None:
    """Wait until every member here holds every message of the run and every message sent from
    here is answered (ack or error), or ``drain`` runs out."""
    deadline = time.monotonic() + plan.drain
    while time.monotonic() < deadline:
        answered = result.acked + result.errors >= result.sent
        if answered and all(len(m.seen) >= expected for m in members if m.client is not None):
            return
        await asyncio.sleep(0.05)


async def _run(plan: Plan, ready: Any, go: Any) -> Result:
    key = td2.derive_subkey(
        plan.epoch_secret, b64d(plan.dialogue_id), plan.epoch, plan.record_hash, "msg"
    )
    result = Result()
    members = [Member(plan, index, handle, key, result) for index, _c, handle in plan.seats]
    members[0].reader = True
    tls = ssl.create_default_context(cafile=plan.ca_file) if plan.ca_file else None
    await _connect_all(members, [cookie for _i, cookie, _h in plan.seats], result, tls)
    ready.put(len(members))
    start = await asyncio.get_running_loop().run_in_executor(None, go.get)
    cpu_before = time.process_time()
    await _send_all(plan, {m.index: m for m in members}, start, result)
    await _drain(plan, members, len(plan.sends()), result)
    result.cpu_s = time.process_time() - cpu_before
    result.disconnects = sum(
        1 for m in members if m.client is not None and m.client.closed.is_set()
    )
    ready.put("drained")
    await asyncio.gather(*(m.client.close() for m in members if m.client is not None))
    return result


def run_worker(plan: Plan, ready: Any, go: Any) -> None:
    """Entry point of a worker process: connect, wait for the start time, send, drain, report.

    Tells ``ready`` its member count once connected, ``drained`` when the last copies are in
    (or the drain ran out), and ``done`` once its figures are saved."""
    result = asyncio.run(_run(plan, ready, go))
    result.save(Path(plan.out_dir) / f"worker-{os.getpid()}.json")
    ready.put("done")
