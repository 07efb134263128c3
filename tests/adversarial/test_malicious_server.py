"""The malicious-server cases (``server_cases.json``) against the Python client: a server that
edits its database between steps is refused, and nothing is sealed where it could read it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from facilitator import td2
from facilitator.client import trust
from facilitator.client.client import GUIDANCE
from facilitator.dialogues.models import Envelope, Epoch
from facilitator.extensions import db
from tests.adversarial.conftest import Room
from tests.adversarial.steps import SECRET_GUIDANCE, facilitator_names_archive_key
from tests.adversarial.tamper import CASES, Attacker, apply

ARCHIVE = td2.generate_member_keypair()
REFUSALS: dict[str, type[Exception]] = {
    "signature": td2.Td2ChainError,
    "creator": td2.Td2ChainError,
    "rollback": trust.RollbackError,
    "archive_key": trust.ArchiveKeyError,
    "no_team_key": td2.Td2DecryptError,
}


def newest_epoch(app: Flask, dialogue_id: str) -> int:
    with app.app_context():
        return int(
            db.session.scalars(
                select(Epoch.number)
                .where(Epoch.dialogue_id == dialogue_id)
                .order_by(Epoch.number.desc())
            ).first()
        )


def sealed_epochs(app: Flask, dialogue_id: str) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(select(Envelope.epoch).where(Envelope.dialogue_id == dialogue_id))
        )


def run_before(room: Room, step: str) -> None:
    convener, facilitator = room.clients["convener"], room.clients["facilitator"]
    dialogue_id = room.dialogue_id
    if step == "convener_removes_facilitator":
        convener.remove(dialogue_id, [room.handles["facilitator"]])
    elif step == "convener_registers_archive_key":
        convener.register_archive_key(dialogue_id, ARCHIVE[1])
    elif step == "facilitator_names_archive_key":
        facilitator_names_archive_key(facilitator, dialogue_id, room.handles["convener"])
    elif step == "convener_writes_guidance":
        convener.write_agenda_item(
            dialogue_id,
            {"title": {"en": "Opening"}, "phase": "opening", "minutes": 20, "position": 0},
            guidance={"en": SECRET_GUIDANCE},
        )
    else:
        raise AssertionError(f"unknown step {step}")


def victim_does(room: Room, victim: str, action: str) -> Any:
    api, dialogue_id = room.clients[victim], room.dialogue_id
    if action == "open":
        return api.read_meta(dialogue_id)
    if action == "seal":
        return api.write_meta(dialogue_id, {"type": "session", "title": {"en": "Day 2"}})
    if action == "rotate":
        return api.cut_epoch(dialogue_id, api.roster(dialogue_id))
    if action == "read_guidance":
        documents = api.read_meta(dialogue_id)
        assert SECRET_GUIDANCE not in repr(documents)
        (item,) = [d for d in documents if d.get("type") == "agenda_item"]
        return api.guidance(dialogue_id, item)
    raise AssertionError(f"unknown action {action}")


@pytest.mark.parametrize(
    ("case", "victim"),
    [(case, victim) for case in CASES for victim in case["victims"]],
    ids=[f"{case['id']}-{victim}" for case in CASES for victim in case["victims"]],
)
def test_malicious_server_case(app, room, case, victim):
    for step in case["before"]:
        run_before(room, step)
    attacker = Attacker(
        room.dialogue_id,
        room.handles["convener"],
        room.handles["participant"],
        room.handles["facilitator"],
        room.clients["facilitator"].keyrings[room.dialogue_id].ed25519_private or b"",
    )
    apply(app, attacker, case["tamper"])
    head = newest_epoch(app, room.dialogue_id)
    sealed_before = sealed_epochs(app, room.dialogue_id)
    with pytest.raises(REFUSALS[case["refused"]]) as refused:
        victim_does(room, victim, case["then"])
    if case["refused"] in ("signature", "creator"):
        assert not isinstance(refused.value, trust.RollbackError)
    # Refused means nothing was sealed or signed on the victim's behalf.
    assert newest_epoch(app, room.dialogue_id) == head
    assert sealed_epochs(app, room.dialogue_id) == sealed_before


def test_untouched_dialogue_passes_every_action(app, room):
    """The same steps without the edits work: the refusals above come from the edits."""
    convener, facilitator = room.clients["convener"], room.clients["facilitator"]
    run_before(room, "convener_writes_guidance")
    (item,) = [d for d in facilitator.read_meta(room.dialogue_id) if d.get("type") == "agenda_item"]
    assert GUIDANCE in item and "guidance" not in item
    assert facilitator.guidance(room.dialogue_id, item) == {"en": SECRET_GUIDANCE}
    run_before(room, "convener_registers_archive_key")
    convener.cut_epoch(room.dialogue_id, convener.roster(room.dialogue_id))
    # The guidance was sealed again under the new epoch's team key, still the team's alone.
    (item,) = [d for d in facilitator.read_meta(room.dialogue_id) if d.get("type") == "agenda_item"]
    assert item[GUIDANCE]["epoch"] == newest_epoch(app, room.dialogue_id)
    assert facilitator.guidance(room.dialogue_id, item) == {"en": SECRET_GUIDANCE}
    assert room.clients["participant"].read_meta(room.dialogue_id)
    # The facilitator's certified steward key signs an epoch everyone accepts.
    facilitator.cut_epoch(room.dialogue_id, facilitator.roster(room.dialogue_id))
    assert room.clients["participant"].read_meta(room.dialogue_id)
    convener.remove(room.dialogue_id, [room.handles["facilitator"]])
    convener.write_meta(room.dialogue_id, {"type": "session", "title": {"en": "Day 2"}})


def test_second_certificate_for_a_steward_is_refused(app, room):
    """The steward who admitted a facilitator, colluding with the server, certifies another key
    for that handle in place of the first: a device that verified the first refuses."""
    import json

    participant = room.clients["participant"]
    participant.read_meta(room.dialogue_id)
    convener = room.clients["convener"]
    ring = convener.keyrings[room.dialogue_id]
    assert ring.ed25519_private is not None
    handle = room.handles["facilitator"]
    with app.app_context():
        row = db.session.scalars(select(Epoch).where(
            Epoch.dialogue_id == room.dialogue_id, Epoch.steward_certs.contains(handle))).one()
        other = td2.generate_steward_keypair()[1]
        signature = td2.sign_steward_cert(
            ring.ed25519_private, ring.dialogue_id, row.number, td2.b64u_decode(handle), other)
        row.steward_certs = json.dumps([{"handle": handle, "ed25519_public": td2.b64u_encode(other),
                                         "signature": td2.b64u_encode(signature)}])
        db.session.commit()
    with pytest.raises(td2.Td2ChainError, match="differs"):
        participant.read_meta(room.dialogue_id)
