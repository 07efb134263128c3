"""A server (or anyone with the database) that moves, swaps or forges ciphertext or epoch records
is caught by the client: an error, never content."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitator import td2
from facilitator.dialogues.models import Envelope, Epoch
from facilitator.extensions import db
from tests.dialogues.conftest import SCENARIO_DIALOGUE


def envelopes(app, dialogue_id):
    with app.app_context():
        rows = db.session.scalars(
            select(Envelope).where(Envelope.dialogue_id == dialogue_id, ~Envelope.superseded)
            .order_by(Envelope.seq))
        return [(row.id, row.message_id, row.blob, row.epoch) for row in rows]


def set_envelope(app, row_id, **values):
    with app.app_context():
        row = db.session.get(Envelope, row_id)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


@pytest.fixture
def two_items(workshop):
    convener = workshop.clients["convener"]
    convener.write_meta(workshop.dialogue_id, {"type": "agenda_item", "title": {"en": "One"}})
    convener.write_meta(workshop.dialogue_id, {"type": "agenda_item", "title": {"en": "Two"}})
    return workshop


def test_untouched_content_opens(app, two_items):
    titles = [d.get("title") for d in two_items.clients["observer"].read_meta(
        two_items.dialogue_id)]
    assert {"en": "One"} in titles and {"en": "Two"} in titles


def test_blob_moved_between_items_is_detected(app, two_items):
    rows = envelopes(app, two_items.dialogue_id)
    (first, _, blob_a, _), (second, _, blob_b, _) = rows[-2], rows[-1]
    set_envelope(app, first, blob=blob_b)
    set_envelope(app, second, blob=blob_a)
    with pytest.raises(td2.Td2DecryptError):
        two_items.clients["observer"].read_meta(two_items.dialogue_id)


def test_blob_moved_between_dialogues_is_detected(app, two_items):
    convener = two_items.clients["convener"]
    other = convener.create_dialogue({**SCENARIO_DIALOGUE, "title": {"en": "Other"}})
    foreign = envelopes(app, other)[0][2]
    target = envelopes(app, two_items.dialogue_id)[-1][0]
    set_envelope(app, target, blob=foreign)
    with pytest.raises(td2.Td2DecryptError):
        convener.read_meta(two_items.dialogue_id)


def test_envelope_relabelled_to_another_epoch_is_detected(app, two_items):
    convener = two_items.clients["convener"]
    target = envelopes(app, two_items.dialogue_id)[-1][0]
    set_envelope(app, target, epoch=1)
    with pytest.raises(td2.Td2Error):
        convener.read_meta(two_items.dialogue_id)


def test_forged_epoch_record_is_detected(app, two_items):
    convener = two_items.clients["convener"]
    with app.app_context():
        latest = db.session.scalars(select(Epoch).where(
            Epoch.dialogue_id == two_items.dialogue_id).order_by(Epoch.number.desc())).first()
        record = bytearray(td2.b64u_decode(latest.record))
        record[-1] ^= 0x01  # the timestamp: the signature no longer covers it
        latest.record = td2.b64u_encode(bytes(record))
        db.session.commit()
    with pytest.raises(td2.Td2ChainError):
        convener.read_meta(two_items.dialogue_id)


def test_roster_silently_extended_by_the_server_is_detected(app, two_items):
    import json

    observer = two_items.clients["observer"]
    with app.app_context():
        latest = db.session.scalars(select(Epoch).where(
            Epoch.dialogue_id == two_items.dialogue_id).order_by(Epoch.number.desc())).first()
        roster = json.loads(latest.roster)
        roster.append({"handle": td2.b64u_encode(td2.random_id()),
                       "x25519_public": td2.b64u_encode(td2.generate_member_keypair()[1]),
                       "role": "participant"})
        latest.roster = json.dumps(roster)
        db.session.commit()
    with pytest.raises(td2.Td2ChainError):
        observer.read_meta(two_items.dialogue_id)
