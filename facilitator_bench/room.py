"""Setting up the benchmark's room through the real API: a convener (a member of the room too)
and participants admitted in one epoch, each with a device session (its cookie)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from facilitator import td2
from facilitator.accounts import service
from facilitator.app import create_app
from facilitator.client import DialogueClient, HttpTransport
from facilitator.core.db import commit_boundary
from facilitator.extensions import db
from facilitator.settings import Settings, totp_key_from_file

PASSWORD = "benchmark passphrase 1234"  # noqa: S105 - a throwaway local account
SETUP_THREADS = 8


@dataclass(frozen=True)
class Room:
    dialogue_id: str
    channel_id: str
    epoch: int
    record_hash: bytes
    epoch_secret: bytes
    seats: list[tuple[str, str]]  # (cookie header, member handle)


def _convener(database_url: str, totp_key_file: Path) -> str:
    key = totp_key_from_file(totp_key_file)
    app: Flask = create_app(Settings(secret_key="k" * 32, database_url=database_url, totp_key=key))
    with app.app_context():
        with commit_boundary():
            account = service.create_convener(db.session, "bench", PASSWORD, totp_key=key)
            account.activated_at = account.created_at
            totp = service.totp_secret(account, key)
        db.engine.dispose()
    return totp


def _cookie(person: DialogueClient) -> str:
    transport = person.transport
    assert isinstance(transport, HttpTransport)
    return "; ".join(f"{c.name}={c.value}" for c in transport.cookies)


def app_room(
    origins: list[str],
    database_url: str,
    members: int,
    totp_key_file: Path,
    transport: Callable[[str], HttpTransport] = HttpTransport,
) -> Room:
    """A dialogue of ``members``: the convener (signed in) and participants (device sessions);
    member i connects to ``origins[i % n]`` (through ``transport``, made for an origin); the
    servers share ``totp_key_file``."""
    convener = DialogueClient(transport(origins[0]))
    convener.sign_in("bench", PASSWORD, _convener(database_url, totp_key_file))
    dialogue_id = convener.create_dialogue({"title": {"en": "Benchmark"}})
    links = [convener.invite_participant(dialogue_id) for _ in range(members - 1)]
    people = [DialogueClient(transport(origins[i % len(origins)])) for i in range(1, members)]
    with ThreadPoolExecutor(SETUP_THREADS) as pool:
        list(pool.map(lambda pair: pair[0].knock(pair[1]), zip(people, links, strict=True)))
    if people:
        convener.approve(dialogue_id, convener.pending_knocks(dialogue_id))
    with ThreadPoolExecutor(SETUP_THREADS) as pool:
        list(pool.map(lambda person: person.open_device_session(dialogue_id), people))
    seats = [
        (_cookie(person), td2.b64u_encode(person.keyrings[dialogue_id].handle))
        for person in [convener, *people]
    ]
    state = convener.epochs(dialogue_id)[-1]
    return Room(
        dialogue_id,
        td2.b64u_encode(td2.random_id()),
        state.number,
        state.record_hash,
        state.secret,
        seats,
    )


def bare_room(members: int) -> Room:
    """The same shape for the bare server, which checks nothing: random ids and keys."""
    return Room(
        td2.b64u_encode(td2.random_id()),
        td2.b64u_encode(td2.random_id()),
        0,
        td2.random_secret(),
        td2.random_secret(),
        [("", td2.b64u_encode(td2.random_id())) for _ in range(members)],
    )
