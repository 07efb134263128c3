"""A server under an attacker's control: the database edits of the shared malicious-server cases
(``server_cases.json``), applied through the app's own models so the Python and browser tests
run the same edits on their own databases."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import delete, select

from facilitator import td2
from facilitator.dialogues.models import Dialogue, Epoch, Member, TeamWrap, Wrap
from facilitator.extensions import db

CASES = json.loads((Path(__file__).parent / "server_cases.json").read_text())["cases"]
b64e, b64d = td2.b64u_encode, td2.b64u_decode


@dataclass
class Attacker:
    """What the server's operator holds: a signing key of its own and a member key it adds."""

    dialogue_id: str
    creator_handle: str
    participant_handle: str
    facilitator_handle: str = ""
    # The facilitator's real steward key, for the case where a removed steward colludes.
    facilitator_private: bytes = b""
    signing: tuple[bytes, bytes] = field(default_factory=td2.generate_steward_keypair)
    member: tuple[bytes, bytes] = field(default_factory=td2.generate_member_keypair)
    signer_handle: str = ""
    # The creator's real steward key, read before any edit.
    real_creator_key: bytes = b""
    # The epoch secret the attacker made for a forged epoch: what it would read with.
    forged_secret: bytes | None = None


def _latest(dialogue_id: str) -> Epoch:
    return db.session.scalars(
        select(Epoch).where(Epoch.dialogue_id == dialogue_id).order_by(Epoch.number.desc())
    ).first()


def _member(dialogue_id: str, handle: str) -> Member:
    return db.session.scalars(
        select(Member).where(Member.dialogue_id == dialogue_id, Member.handle == handle)
    ).one()


def server_key_for_creator(attacker: Attacker) -> None:
    _member(attacker.dialogue_id, attacker.creator_handle).ed25519_public = b64e(
        attacker.signing[1]
    )
    attacker.signer_handle = attacker.creator_handle


def server_key_for_participant(attacker: Attacker) -> None:
    row = _member(attacker.dialogue_id, attacker.participant_handle)
    row.ed25519_public, row.is_steward = b64e(attacker.signing[1]), True
    attacker.signer_handle = attacker.participant_handle


def server_key_for_facilitator(attacker: Attacker) -> None:
    """The server swaps the steward key of a facilitator who is a key steward."""
    row = _member(attacker.dialogue_id, attacker.facilitator_handle)
    row.ed25519_public = b64e(attacker.signing[1])
    attacker.signer_handle = attacker.facilitator_handle


def removed_facilitator_signs(attacker: Attacker) -> None:
    """A steward removed from the roster signs with their real key, the server serving it."""
    attacker.signing = (
        attacker.facilitator_private,
        td2.ed25519_public_from_private(attacker.facilitator_private),
    )
    attacker.signer_handle = attacker.facilitator_handle


def resign_every_epoch(attacker: Attacker) -> None:
    for row in db.session.scalars(select(Epoch).where(Epoch.dialogue_id == attacker.dialogue_id)):
        row.signature = b64e(td2.sign_epoch_record(attacker.signing[0], b64d(row.record)))


def phantom_row_with_real_key(attacker: Attacker) -> None:
    """A member row that carries the creator's real key, under a handle in no roster."""
    real = attacker.real_creator_key
    db.session.add(
        Member(
            dialogue_id=attacker.dialogue_id,
            handle=b64e(td2.random_id()),
            x25519_public=b64e(td2.generate_member_keypair()[1]),
            ed25519_public=b64e(real),
            role="convener",
            is_steward=True,
            joined_epoch=_latest(attacker.dialogue_id).number,
        )
    )


def remember_real_key(attacker: Attacker) -> None:
    row = _member(attacker.dialogue_id, attacker.creator_handle)
    attacker.real_creator_key = b64d(row.ed25519_public or "")


def _forge_epoch(attacker: Attacker) -> None:
    """Epoch n+1 that adds the attacker's device, signed with the server's key in the name of
    ``signer_handle``, wrapped to every member so every client would use it."""
    latest = _latest(attacker.dialogue_id)
    roster = json.loads(latest.roster)
    newcomer = {
        "handle": b64e(td2.random_id()),
        "x25519_public": b64e(attacker.member[1]),
        "role": "participant",
    }
    roster.append(newcomer)
    members = [
        td2.RosterMember(b64d(e["handle"]), b64d(e["x25519_public"]), e["role"]) for e in roster
    ]
    dialogue = b64d(attacker.dialogue_id)
    number = latest.number + 1
    record = td2.build_epoch_record(
        dialogue,
        number,
        b64d(latest.record_hash),
        td2.roster_hash(members),
        b64d(attacker.signer_handle),
        int(time.time() * 1000),
    )
    digest = td2.record_hash(record)
    secret, team_secret = td2.random_secret(), td2.random_secret()
    attacker.forged_secret = secret
    db.session.add(
        Epoch(
            dialogue_id=attacker.dialogue_id,
            number=number,
            record=b64e(record),
            record_hash=b64e(digest),
            signature=b64e(td2.sign_epoch_record(attacker.signing[0], record)),
            creator_handle=attacker.signer_handle,
            roster=json.dumps(roster),
        )
    )
    for m in members:
        wrap = td2.wrap_epoch_secret(m.x25519_public, dialogue, number, m.handle, digest, secret)
        db.session.add(
            Wrap(
                dialogue_id=attacker.dialogue_id,
                epoch=number,
                member_handle=b64e(m.handle),
                wrap=b64e(wrap),
            )
        )
        if m.role in td2.TEAM_CHANNEL_ROLES:
            team = td2.wrap_team_secret(
                m.x25519_public, dialogue, number, m.handle, digest, team_secret
            )
            db.session.add(
                TeamWrap(
                    dialogue_id=attacker.dialogue_id,
                    epoch=number,
                    member_handle=b64e(m.handle),
                    wrap=b64e(team),
                )
            )
    db.session.add(
        Member(
            dialogue_id=attacker.dialogue_id,
            handle=newcomer["handle"],
            x25519_public=newcomer["x25519_public"],
            role="participant",
            joined_epoch=number,
        )
    )
    db.session.get(Dialogue, attacker.dialogue_id).current_epoch = number


forged_epoch_adds_member = _forge_epoch
forged_epoch_by_participant = _forge_epoch
forged_epoch_by_facilitator = _forge_epoch


def delete_latest_epoch(attacker: Attacker) -> None:
    """Roll back the newest epoch (a removal): its record and wraps go, the member returns."""
    latest = _latest(attacker.dialogue_id)
    number = latest.number
    for table in (Wrap, TeamWrap):
        db.session.execute(
            delete(table).where(table.dialogue_id == attacker.dialogue_id, table.epoch == number)
        )
    db.session.delete(latest)
    for row in db.session.scalars(
        select(Member).where(
            Member.dialogue_id == attacker.dialogue_id, Member.removed_epoch == number
        )
    ):
        row.removed_epoch = None
    db.session.get(Dialogue, attacker.dialogue_id).current_epoch = number - 1


EDITS: dict[str, Any] = {
    "server_key_for_creator": server_key_for_creator,
    "server_key_for_participant": server_key_for_participant,
    "server_key_for_facilitator": server_key_for_facilitator,
    "removed_facilitator_signs": removed_facilitator_signs,
    "forged_epoch_by_facilitator": forged_epoch_by_facilitator,
    "resign_every_epoch": resign_every_epoch,
    "phantom_row_with_real_key": phantom_row_with_real_key,
    "forged_epoch_adds_member": forged_epoch_adds_member,
    "forged_epoch_by_participant": forged_epoch_by_participant,
    "delete_latest_epoch": delete_latest_epoch,
}


def apply(app: Flask, attacker: Attacker, edits: list[str]) -> None:
    """Run a case's database edits in one transaction."""
    with app.app_context():
        remember_real_key(attacker)
        for name in edits:
            EDITS[name](attacker)
        db.session.commit()
