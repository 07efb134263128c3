"""Socket fuzzer against a real ``facilitator serve`` process: a hostile member of the dialogue
sends malformed, oversize, deeply nested and unknown events, broken Socket.IO packets and a
flood, while two other members talk. The server stays up, keeps answering, refuses every bad
event with an error event that names the problem (never ``internal_error``), stores none of it,
and the others keep receiving each other's messages.

Bounded: a fixed list of payloads, a flood of ``FLOOD`` events, and every wait has a timeout.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
import socketio

from facilitator import td2
from facilitator.app import create_app
from facilitator.client import DialogueClient, HttpTransport
from facilitator.settings import Settings
from tests.conftest import PASSWORD, migrate_to_head
from tests.live.test_scale_out import make_account
from tests.servers import serving

ROOM = td2.random_id()
FLOOD = 300
WAIT_S = 15.0


class Member:
    """A member's live connection: python-socketio on the websocket transport, with the HTTP
    client's cookies; it records what the server sends it."""

    def __init__(self, api: DialogueClient, dialogue_id: str) -> None:
        self.api, self.dialogue_id = api, dialogue_id
        self.posted: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("message_posted", lambda data: self._keep(self.posted, data))
        self.client.on("error_occurred", lambda data: self._keep(self.errors, data))
        transport = api.transport
        assert isinstance(transport, HttpTransport)
        cookie = "; ".join(f"{c.name}={c.value}" for c in transport.cookies)
        self.client.connect(transport.origin, headers={"Cookie": cookie},
                            transports=["websocket"], wait_timeout=10)
        self.client.call("join_dialogue", {"dialogue_id": dialogue_id}, timeout=WAIT_S)

    def _keep(self, into: list[dict[str, Any]], data: Any) -> None:
        with self.lock:
            into.append(data)

    def send(self, text: str) -> int:
        envelope = self.api.seal_message(self.dialogue_id, ROOM, {"text": text})
        ack = self.client.call("send_message", {"dialogue_id": self.dialogue_id,
                                                "envelope": envelope}, timeout=WAIT_S)
        return int(ack["seq"])

    def texts(self) -> list[str]:
        with self.lock:
            return [self.api.open_message(self.dialogue_id, m)["text"] for m in self.posted]

    def close(self) -> None:
        self.client.disconnect()


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def deep(depth: int) -> str:
    """JSON nested ``depth`` deep, as a hostile client writes it by hand."""
    return "[" * depth + '"x"' + "]" * depth


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def bad_payloads(dialogue_id: str, good: dict[str, Any]) -> list[Any]:
    """Malformed, wrongly typed, oversize and deeply nested payloads for the room's events."""
    envelope = good["envelope"]
    return [
        "", "join", 0, -1, 2**64, 1.5, True, [], [dialogue_id], {},
        {"dialogue_id": None}, {"dialogue_id": 7}, {"dialogue_id": ["a"]},
        {"dialogue_id": "not an id"}, {"dialogue_id": "A" * 100_000},
        {"dialogue_id": dialogue_id, "after_seq": -1},
        {"dialogue_id": dialogue_id, "after_seq": "²"},
        {"dialogue_id": dialogue_id, "limit": 10**9},
        {"dialogue_id": dialogue_id, "channel_id": "../../etc"},
        {"dialogue_id": dialogue_id, "envelope": None},
        {"dialogue_id": dialogue_id, "envelope": {**envelope, "blob": "A" * 300_000}},
        {"dialogue_id": dialogue_id, "envelope": {**envelope, "blob": "!" * 400}},
        {"dialogue_id": dialogue_id, "envelope": {**envelope, "epoch": 2**40}},
        {"dialogue_id": dialogue_id, "envelope": {**envelope, "author_handle": "A" * 22}},
        {"dialogue_id": dialogue_id, "envelope": {**envelope, "extra": 1}},
        {"dialogue_id": dialogue_id, "envelope": nested(200)},
        {str(i): i for i in range(5_000)},
    ]


BROKEN_PACKETS = [
    "", "2", "2[", "2[]", "2{}", '2["send_message"', '2["send_message",', "2[1,2,3]",
    '2["join_dialogue",{"dialogue_id":', "9", "2-1[]", "21" * 10_000, '2/other,["x"]',
    "4", "6", '2["' + "e" * 50_000 + '"]',
    '2["join_dialogue",' + deep(10_000) + "]",
    '2["send_message",{"dialogue_id":' + deep(100_000) + "}]",
    "2" + deep(50_000),
]
UNKNOWN_EVENTS = ["drop_tables", "connect", "disconnect", "message", "ملف", "x" * 10_000,
                  "error_occurred", "message_posted"]


def server_answers(origin: str) -> bool:
    with urllib.request.urlopen(origin + "/login", timeout=5) as page:  # noqa: S310
        return bool(page.status == 200)


def talk(convener: Member, participant: Member, label: str) -> None:
    """The two other members exchange a message each and both receive both."""
    first = convener.send(f"{label}: from the convener")
    second = participant.send(f"{label}: from the participant")
    assert second > first
    for member in (convener, participant):
        wait_until(lambda m=member: {f"{label}: from the convener",
                                     f"{label}: from the participant"} <= set(m.texts()),
                   f"{label} to reach every member")


@pytest.fixture
def served_room(tmp_path):
    """A real server with a dialogue: a convener, a participant and a hostile participant."""
    database_url = f"sqlite:///{tmp_path / 'facilitator.db'}"
    migrate_to_head(create_app(Settings(secret_key="k" * 32, database_url=database_url)))
    totp = make_account(database_url, "samira", tmp_path / "totp_key")
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "fuzz-" + "s" * 40,
           "FACILITATOR_TOTP_KEY_FILE": str(tmp_path / "totp_key")}
    with serving(env, tmp_path / "instance") as server:
        log: list[str] = []
        reader = threading.Thread(target=lambda: log.extend(iter(server.process.stdout.readline, "")),
                                  daemon=True)
        reader.start()
        convener = DialogueClient(HttpTransport(server.origin))
        convener.sign_in("samira", PASSWORD, totp)
        dialogue_id = convener.create_dialogue({"title": {"en": "Fuzzed"}})
        devices = []
        for _ in range(2):
            device = DialogueClient(HttpTransport(server.origin))
            knock = device.knock(convener.invite_participant(dialogue_id))
            convener.approve(dialogue_id, [k for k in convener.pending_knocks(dialogue_id)
                                           if k["knock_id"] == knock["knock_id"]])
            device.open_device_session(dialogue_id)
            devices.append(device)
        yield server, dialogue_id, convener, devices, log


def test_a_hostile_member_cannot_break_the_room(served_room):
    server, dialogue_id, convener_api, (participant_api, hostile_api), log = served_room
    convener = Member(convener_api, dialogue_id)
    participant = Member(participant_api, dialogue_id)
    hostile = Member(hostile_api, dialogue_id)
    try:
        talk(convener, participant, "before")
        good = {"dialogue_id": dialogue_id,
                "envelope": hostile_api.seal_message(dialogue_id, ROOM, {"text": "x"})}

        # Malformed, wrongly typed, oversize and deeply nested payloads, for every event.
        refused = 0
        for event in ("join_dialogue", "catch_up", "send_message"):
            for payload in bad_payloads(dialogue_id, good):
                if not hostile.client.connected:
                    hostile = Member(hostile_api, dialogue_id)
                hostile.client.emit(event, payload)
                refused += 1
                time.sleep(0.11)  # below the flood limit: each is refused for what it is
        wait_until(lambda: len(hostile.errors) >= refused // 2 or not hostile.client.connected,
                   "the refusals")
        assert server.process.poll() is None and server_answers(server.origin)
        talk(convener, participant, "after bad payloads")

        # Unknown events and broken Socket.IO packets.
        if not hostile.client.connected:
            hostile = Member(hostile_api, dialogue_id)
        for name in UNKNOWN_EVENTS:
            hostile.client.emit(name, {"dialogue_id": dialogue_id})
        for raw in BROKEN_PACKETS:
            if not hostile.client.connected:
                hostile = Member(hostile_api, dialogue_id)
            hostile.client.eio.send(raw)
        assert server.process.poll() is None and server_answers(server.origin)
        talk(convener, participant, "after broken packets")

        # A flood: the sender is slowed down, the room is not.
        if not hostile.client.connected:
            hostile = Member(hostile_api, dialogue_id)
        hostile.errors.clear()
        for i in range(FLOOD):
            envelope = hostile_api.seal_message(dialogue_id, ROOM, {"text": f"flood {i}"})
            hostile.client.emit("send_message", {"dialogue_id": dialogue_id,
                                                 "envelope": envelope})
        talk(convener, participant, "during the flood")
        wait_until(lambda: any(e.get("error") == "rate_limited" for e in hostile.errors),
                   "the flood to be limited")
        assert server.process.poll() is None and server_answers(server.origin)
        talk(convener, participant, "after the flood")

        errors = [e.get("error") for e in hostile.errors]
        assert "internal_error" not in errors, errors
        # Nothing the hostile member sent outside the flood limit was stored: only the flood's
        # first messages in each second and the others' messages are in the log.
        stored = convener_api.call("GET", f"/api/v1/dialogues/{dialogue_id}/envelopes")
        texts = [convener_api.open_message(dialogue_id, e)["text"] for e in stored
                 if e["kind"] == "msg"]
        flood = [t for t in texts if t.startswith("flood ")]
        assert len(flood) < FLOOD
        assert not [t for t in texts if t == "x"]
    finally:
        for member in (convener, participant, hostile):
            member.close()
    assert server.process.poll() is None
    output = "".join(log)
    assert "Traceback" not in output, output


@pytest.mark.parametrize("payload", [None, {"after_seq": 2**63}, {"after_seq": 10**30}])
def test_events_without_a_payload_or_past_the_last_seq_are_invalid_input(app, workshop, payload):
    from facilitator.extensions import socketio as server

    api = workshop.clients["participant"]
    live = server.test_client(app, flask_test_client=api.transport.client)
    for event in ("join_dialogue", "catch_up", "send_message"):
        args = [] if payload is None else [{"dialogue_id": workshop.dialogue_id, **payload}]
        live.emit(event, *args)
        refusals = [e["args"][0] for e in live.get_received() if e["name"] == "error_occurred"]
        assert [r["error"] for r in refusals] == ["invalid_input"], (event, refusals)
        assert live.is_connected()
