"""The server works under the unit's ``MemoryDenyWriteExecute=yes``.

Two ``facilitator serve`` processes on PostgreSQL and Redis run with writable-and-executable
memory refused (tests/deploy/wx_denied.py): the first convener's enrolment through the
one-time link (Argon2, TOTP), a dialogue made and joined, and a message relayed between the
processes over websockets all work. A library that generated code at run time (a JIT, or a
cffi callback on an old libffi) would crash here.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pyotp
import pytest

from facilitator.app import create_app
from facilitator.client import DialogueClient, HttpTransport
from facilitator.settings import Settings
from tests.conftest import PASSWORD, REDIS_URL, migrate_to_head, need_service
from tests.live.test_scale_out import ROOM, LiveSocket
from tests.servers import serving

LAUNCHER = [sys.executable, str(Path(__file__).with_name("wx_denied.py"))]


def test_the_launcher_refuses_writable_executable_memory():
    probe = (
        "import mmap; mmap.mmap(-1, mmap.PAGESIZE, "
        "prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)"
    )
    result = subprocess.run(
        [*LAUNCHER, sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    if result.returncode == 3:
        need_service(result.stdout.strip())
    assert result.returncode != 0 and "PermissionError" in result.stderr
    free = subprocess.run([sys.executable, "-c", probe], check=False)
    assert free.returncode == 0, "without the launcher the same mapping is allowed"


def enrol_first_convener(origin: str, output: str) -> HttpTransport:
    """Enrol through the link the server printed, as a person would; signed in afterwards."""
    token = re.search(r"/setup#([\w-]+)", output).group(1)  # type: ignore[union-attr]
    transport = HttpTransport(origin)
    form = {"token": token, "username": "samira", "password": PASSWORD, "confirm": PASSWORD}
    status, body, _ = transport.request("POST", "/setup", form=form)
    assert status == 302, body
    status, page, _ = transport.request("GET", "/enrol/totp")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    status, body, _ = transport.request(
        "POST", "/enrol/totp", form={"code": pyotp.TOTP(secret).now()}
    )
    assert status == 302, body
    return transport


@pytest.mark.postgres
@pytest.mark.redis
def test_two_servers_run_a_room_without_writable_executable_memory(
    fresh_postgres_database, tmp_path, redis_client
):
    test_the_launcher_refuses_writable_executable_memory()
    database_url = fresh_postgres_database
    migrate_to_head(create_app(Settings(secret_key="k" * 32, database_url=database_url)))
    # Both processes share one instance folder, as under the units (one key file for all).
    env = {"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL}
    with (
        serving(env, tmp_path, launcher=LAUNCHER) as server_a,
        serving(env, tmp_path, launcher=LAUNCHER) as server_b,
    ):
        # Each process made a one-time link as it started; the last one made is the valid one.
        convener = DialogueClient(enrol_first_convener(server_a.origin, server_b.output))
        dialogue_id = convener.create_dialogue({"title": {"en": "Confined"}})
        participant = DialogueClient(HttpTransport(server_b.origin))
        knock = participant.knock(convener.invite_participant(dialogue_id))
        convener.approve(
            dialogue_id,
            [k for k in convener.pending_knocks(dialogue_id) if k["knock_id"] == knock["knock_id"]],
        )
        participant.open_device_session(dialogue_id)
        on_a, on_b = LiveSocket(convener.transport), LiveSocket(participant.transport)
        try:
            for live in (on_a, on_b):
                live.client.call("join_dialogue", {"dialogue_id": dialogue_id}, timeout=10)
            envelope = convener.seal_message(dialogue_id, ROOM, {"text": "hi", "sender_ctr": 0})
            ack = on_a.client.call(
                "send_message", {"dialogue_id": dialogue_id, "envelope": envelope}, timeout=10
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not on_b.received:
                time.sleep(0.05)
            assert on_b.seqs() == [ack["seq"]], "relayed from one confined process to the other"
            assert participant.open_message(dialogue_id, on_b.received[0])["text"] == "hi"
        finally:
            on_a.close()
            on_b.close()
        for server in (server_a, server_b):
            assert server.process.poll() is None, "still running"
