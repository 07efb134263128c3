"""The server is killed (SIGKILL) while a client sends; after a restart every acknowledged
message is present exactly once, in order, and the client catches up."""

from __future__ import annotations

import threading
import time

import socketio

from facilitator import td2
from facilitator.app import create_app
from facilitator.client import DialogueClient, HttpTransport
from facilitator.live.events import FLOOD_LIMIT, FLOOD_WINDOW_S
from facilitator.settings import Settings
from tests.conftest import PASSWORD, migrate_to_head
from tests.live.test_scale_out import LiveSocket, make_account
from tests.servers import free_port, serving

ROOM = td2.random_id()
# The sender waits for each acknowledgement and stays under the live room's flood limit.
PACE_S = 1.2 * FLOOD_WINDOW_S / FLOOD_LIMIT


def test_acknowledged_messages_survive_a_sigkill(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'fault.db'}"
    migrate_to_head(create_app(Settings(secret_key="k" * 32, database_url=database_url)))
    totp = make_account(database_url, "samira", tmp_path / "totp_key")
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "fault-" + "s" * 40,
           "FACILITATOR_TOTP_KEY_FILE": str(tmp_path / "totp_key")}
    port = free_port()
    acknowledged: list[int] = []
    with serving(env, tmp_path, port) as server:
        api = DialogueClient(HttpTransport(server.origin))
        api.sign_in("samira", PASSWORD, totp)
        dialogue_id = api.create_dialogue({"title": {"en": "Fault"}})
        envelopes = [api.seal_message(dialogue_id, ROOM, {"text": f"m{i}", "sender_ctr": i})
                     for i in range(400)]
        live = LiveSocket(api.transport)
        live.client.call("join_dialogue", {"dialogue_id": dialogue_id}, timeout=10)
        killed = threading.Event()
        refused: list[object] = []

        def send_all() -> None:
            for envelope in envelopes:
                try:
                    ack = live.client.call(
                        "send_message", {"dialogue_id": dialogue_id, "envelope": envelope},
                        timeout=5)
                except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError,
                        socketio.exceptions.SocketIOError):
                    return
                if not (ack and "seq" in ack):  # never refused: paced under the flood limit
                    refused.append(ack)
                    return
                acknowledged.append(ack["seq"])
                if len(acknowledged) == 50:
                    server.process.kill()  # SIGKILL, mid-stream
                    killed.set()
                time.sleep(PACE_S)

        sender = threading.Thread(target=send_all)
        sender.start()
        sender.join(timeout=120)
        assert not refused
        assert killed.is_set() and not sender.is_alive()
        live.close()
    assert len(acknowledged) >= 50
    with serving(env, tmp_path, port) as restarted:
        assert restarted.origin == api.transport.origin
        again = LiveSocket(api.transport)
        try:
            seqs: list[int] = []
            after, more = 0, True
            while more:
                page = again.client.call(
                    "catch_up" if seqs else "join_dialogue",
                    {"dialogue_id": dialogue_id, "after_seq": after}, timeout=10)
                seqs += [m["seq"] for m in page["messages"]]
                after, more = (seqs[-1] if seqs else 0), page["more"]
                texts = [api.open_message(dialogue_id, m)["text"] for m in page["messages"]]
                assert all(t.startswith("m") for t in texts)
        finally:
            again.close()
    assert len(seqs) == len(set(seqs)), "nothing twice"
    assert seqs == sorted(seqs)
    assert set(acknowledged) <= set(seqs), "every acknowledged message survived"
