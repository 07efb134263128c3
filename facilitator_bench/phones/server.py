"""The server the client benchmark measures, and the Python side of its rooms.

One ``facilitator serve`` process (gevent) on 127.0.0.1 with a temporary SQLite file, as the
live benchmark starts it. The convener and the other members are Python clients
(``facilitator.client``): they make what a browser would, sealed the same way, much faster, so
that the browser only does what is measured.
"""

from __future__ import annotations

import itertools
import json
import secrets
import sqlite3
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from facilitator import td2
from facilitator.accounts import service
from facilitator.app import create_app
from facilitator.client import DialogueClient, HttpTransport, content, epochs, trust
from facilitator.client.agenda import GUIDANCE
from facilitator.client.client import well_known_channel_id
from facilitator.core.db import commit_boundary
from facilitator.extensions import db
from facilitator.serve import GEVENT_ENTRY
from facilitator.settings import Settings, totp_key_from_file
from facilitator_bench.live import _free_port, _processes

PASSWORD = "benchmark passphrase 1234"  # noqa: S105 - throwaway local accounts
THREADS = 8
TEXT = "A message of ordinary length, as people write them in the room: a sentence or two. "


@dataclass(frozen=True)
class Server:
    origin: str
    database: Path
    totp_key_file: Path

    def account(self, username: str, role: str) -> str:
        """An active team account; returns its TOTP secret."""
        key = totp_key_from_file(self.totp_key_file)
        url = f"sqlite:///{self.database}"
        app: Flask = create_app(Settings(secret_key="k" * 32, database_url=url, totp_key=key))
        with app.app_context():
            with commit_boundary():
                account = service.create_convener(db.session, username, PASSWORD, totp_key=key)
                account.role = role
                account.activated_at = account.created_at
                totp = service.totp_secret(account, key)
            db.engine.dispose()
        return totp


@contextmanager
def running_server() -> Iterator[Server]:
    """The real server on a free loopback port, stopped and its files removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="facilitator-client-bench-") as name:
        tmp = Path(name)
        port = _free_port()
        (tmp / "instance").mkdir()
        env = {
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
            "FACILITATOR_INSTANCE": str(tmp / "instance"),
            "FACILITATOR_PORT": str(port),
            "SECRET_KEY": "bench-" + secrets.token_hex(24),
            "FACILITATOR_TOTP_KEY_FILE": str(tmp / "totp_key"),
        }
        with _processes([([GEVENT_ENTRY], env, tmp / "server.log", "Serving on")]):
            yield Server(f"http://127.0.0.1:{port}", tmp / "bench.db", tmp / "totp_key")


class PythonRoom:
    """A dialogue run by a Python convener: invitations, approvals, other members, messages."""

    rooms = itertools.count(1)

    def __init__(self, server: Server) -> None:
        username = f"convener{next(self.rooms)}"
        self.server = server
        self.convener = DialogueClient(HttpTransport(server.origin))
        self.convener.sign_in(username, PASSWORD, server.account(username, "convener"))
        self.dialogue_id = self.convener.create_dialogue({"title": {"en": "Client benchmark"}})
        self.members = 1
        self.messages = 0

    def link(self) -> str:
        """An invitation link (path and fragment) for one participant."""
        return self.convener.invite_participant(self.dialogue_id)

    def approve_pending(self, expected: int) -> None:
        """Approve the ``expected`` knocks waiting, in one epoch."""
        knocks = self.convener.pending_knocks(self.dialogue_id)
        if len(knocks) != expected or not all(k["proof_ok"] for k in knocks):
            raise RuntimeError(f"expected {expected} valid knocks, found {knocks}")
        self.convener.approve(self.dialogue_id, knocks)
        self.members += expected

    def add_members(self, count: int, one_at_a_time: bool = False) -> None:
        """``count`` Python participants: admitted together (one epoch) or one per epoch."""
        if count <= 0:
            return
        links = [self.link() for _ in range(count)]
        people = [DialogueClient(HttpTransport(self.server.origin)) for _ in links]
        if one_at_a_time:
            self.admit_one_at_a_time(people, links)
            return
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(lambda pair: pair[0].knock(pair[1]), zip(people, links, strict=True)))
        self.approve_pending(count)

    def admit_one_at_a_time(self, people: list[DialogueClient], links: list[str]) -> None:
        """One epoch per newcomer, as a steward's device cuts them, but verifying the chain
        once: ``DialogueClient.approve`` verifies the whole chain from the genesis (several
        times) for each epoch, which makes building a room of hundreds of epochs take hours.
        Each epoch is signed, wrapped and has the ``meta`` documents sealed again exactly as
        ``rotation.cut_epoch`` does; only the convener's own re-verification is left out."""
        convener, dialogue_id = self.convener, self.dialogue_id
        ring = convener.keyrings[dialogue_id]
        current = convener.epochs(dialogue_id)[-1]
        documents = convener.read_meta(dialogue_id)
        if any(GUIDANCE in document for document in documents):
            for person, link in zip(people, links, strict=True):  # guidance needs team keys
                person.knock(link)
                self.approve_pending(1)
            return
        replaces = {document["id"]: document.pop("_message_id") for document in documents}
        roster = list(current.roster)
        for person, link in zip(people, links, strict=True):
            person.knock(link)
            (knock,) = convener.pending_knocks(dialogue_id)
            if not knock["proof_ok"] or knock.get("ed25519_public"):
                raise RuntimeError(f"expected one participant's valid knock, found {knock}")
            roster.append(
                td2.RosterMember(
                    td2.b64u_decode(knock["handle"]),
                    td2.b64u_decode(knock["x25519_public"]),
                    knock["role"],
                )
            )
            body, state = epochs.epoch_body(
                ring, current.number + 1, current.record_hash, roster, td2.random_secret()
            )
            body["approve"] = [knock["knock_id"]]
            body["steward_certs"] = []
            body["reseal"] = []
            for document in documents:
                envelope = content.meta_envelope(ring, state, document, replaces[document["id"]])
                replaces[document["id"]] = envelope["message_id"]
                body["reseal"].append(envelope)
            convener.call("POST", f"/api/v1/dialogues/{dialogue_id}/epochs", body)
            ring.seen = trust.Seen(state.number, state.record_hash)
            current = state
            self.members += 1

    def knock(self, link: str) -> DialogueClient:
        """A Python participant who knocks with ``link`` and waits (for a steward)."""
        person = DialogueClient(HttpTransport(self.server.origin))
        person.knock(link)
        return person

    def seed(self, total: int) -> int:
        """Fill the live room up to ``total`` messages written by the convener; returns the
        ``seq`` of the latest. The envelopes are sealed as a device seals them (TD2, current
        epoch) and inserted straight into the server's store in one transaction, ``seq`` in
        order, as the live room's batches store them: sending thousands through the socket
        would only measure the seeding."""
        ring = self.convener.keyrings[self.dialogue_id]
        state = self.convener.epochs(self.dialogue_id)[-1]
        key = td2.derive_subkey(
            state.secret, ring.dialogue_id, state.number, state.record_hash, "msg"
        )
        channel = well_known_channel_id("live", ring.dialogue_id)
        author = td2.b64u_encode(ring.handle)
        with sqlite3.connect(self.server.database) as connection:
            (last,) = connection.execute(
                "SELECT last_seq FROM dialogue WHERE id = ?", (self.dialogue_id,)
            ).fetchone()
            rows = []
            for n in range(self.messages, total):
                last += 1
                message_id = td2.random_id()
                content = {
                    "type": "text",
                    "text": f"{TEXT}({n + 1})",
                    "lang": "en",
                    "sender_ctr": n,
                    "last_seq_seen": last - 1,
                }
                aad = td2.build_aad(
                    "msg", ring.dialogue_id, channel, state.number, message_id, ring.handle
                )
                blob = td2.seal_blob(key, aad, json.dumps(content).encode())
                rows.append(
                    (
                        self.dialogue_id,
                        last,
                        "msg",
                        td2.b64u_encode(channel),
                        td2.b64u_encode(message_id),
                        state.number,
                        author,
                        td2.b64u_encode(blob),
                    )
                )
            connection.executemany(
                "INSERT INTO envelope (dialogue_id, seq, kind, channel_id, message_id, epoch,"
                " author_handle, blob, superseded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                rows,
            )
            connection.execute(
                "UPDATE dialogue SET last_seq = ? WHERE id = ?", (last, self.dialogue_id)
            )
        self.messages = max(self.messages, total)
        return int(last)

    def latest_text(self) -> str:
        return f"{TEXT}({self.messages})"
