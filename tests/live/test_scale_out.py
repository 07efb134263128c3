"""Two server processes share a Redis message queue and one PostgreSQL database: members
connected to different processes are in one room, and ``seq`` comes from the database."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import socketio

from facilitator import td2
from facilitator.accounts import service
from facilitator.app import create_app
from facilitator.client import DialogueClient, HttpTransport
from facilitator.core.db import commit_boundary
from facilitator.extensions import db
from facilitator.settings import Settings, totp_key_from_file
from tests.conftest import PASSWORD, REDIS_URL, migrate_to_head
from tests.servers import serving

ROOM = td2.random_id()


def make_account(database_url: str, username: str, totp_key_file: Path) -> str:
    """An active convener; the servers must be given ``FACILITATOR_TOTP_KEY_FILE=totp_key_file``."""
    key = totp_key_from_file(totp_key_file)
    app = create_app(Settings(secret_key="k" * 32, database_url=database_url, totp_key=key))
    with app.app_context(), commit_boundary():
        account = service.create_convener(db.session, username, PASSWORD, totp_key=key)
        account.activated_at = account.created_at
        secret = service.totp_secret(account, key)
    with app.app_context():
        db.engine.dispose()
    return secret


class LiveSocket:
    """A python-socketio client on the websocket transport, with the HTTP client's cookies."""

    def __init__(self, transport: HttpTransport) -> None:
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("message_posted", self._posted)
        cookie = "; ".join(f"{c.name}={c.value}" for c in transport.cookies)
        # websocket-client sends the Origin of the URL it connects to, as a browser would.
        self.client.connect(transport.origin, headers={"Cookie": cookie},
                            transports=["websocket"], wait_timeout=10)

    def _posted(self, data: dict) -> None:
        with self.lock:
            self.received.append(data)

    def close(self) -> None:
        """Disconnect, and close the websocket even when the server died under it."""
        self.client.disconnect()
        ws = getattr(self.client.eio, "ws", None)
        if ws is not None:
            ws.close()
        sock = getattr(ws, "sock", None)
        if sock is not None:
            sock.close()

    def seqs(self) -> list[int]:
        with self.lock:
            return [m["seq"] for m in self.received]


@pytest.mark.postgres
@pytest.mark.redis
def test_members_on_two_processes_share_one_room(fresh_postgres_database, tmp_path, redis_client):
    database_url = fresh_postgres_database
    migrate_to_head(create_app(Settings(secret_key="k" * 32, database_url=database_url)))
    convener_totp = make_account(database_url, "samira", tmp_path / "totp_key")
    env = {"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SECRET_KEY": "shared-" + "s" * 40,
           "FACILITATOR_TOTP_KEY_FILE": str(tmp_path / "totp_key")}
    with serving(env, tmp_path / "a") as server_a, serving(env, tmp_path / "b") as server_b:
        origin_a, origin_b = server_a.origin, server_b.origin
        convener = DialogueClient(HttpTransport(origin_a))
        convener.sign_in("samira", PASSWORD, convener_totp)
        dialogue_id = convener.create_dialogue({"title": {"en": "Scale-out"}})
        participant = DialogueClient(HttpTransport(origin_b))
        knock = participant.knock(convener.invite_participant(dialogue_id))
        convener.approve(dialogue_id, [k for k in convener.pending_knocks(dialogue_id)
                                       if k["knock_id"] == knock["knock_id"]])
        participant.open_device_session(dialogue_id)

        on_a, on_b = LiveSocket(convener.transport), LiveSocket(participant.transport)
        try:
            for live in (on_a, on_b):
                live.client.call("join_dialogue", {"dialogue_id": dialogue_id}, timeout=10)
            acks = []
            for i in range(10):
                api, live = (convener, on_a) if i % 2 == 0 else (participant, on_b)
                envelope = api.seal_message(dialogue_id, ROOM, {"text": f"m{i}", "sender_ctr": i})
                acks.append(live.client.call(
                    "send_message", {"dialogue_id": dialogue_id, "envelope": envelope},
                    timeout=10)["seq"])
            assert acks == sorted(acks) and len(set(acks)) == 10, "seq comes from the database"
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and (
                len(on_a.received) < 10 or len(on_b.received) < 10
            ):
                time.sleep(0.05)
            assert on_a.seqs() == acks and on_b.seqs() == acks, "every message reached both"
            texts = [participant.open_message(dialogue_id, m)["text"] for m in on_b.received]
            assert texts == [f"m{i}" for i in range(10)]
        finally:
            on_a.close()
            on_b.close()
