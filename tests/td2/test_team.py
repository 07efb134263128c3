"""The team channel's secret, wraps and key (docs/protocol.md, "Team channel")."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from facilitator import td2
from facilitator.td2.checker import check_vectors

VECTOR_FILE = Path(__file__).resolve().parents[1] / "vectors" / "td2v1.json"


def _context() -> tuple[bytes, bytes, bytes, bytes]:
    return td2.random_id(), td2.random_id(), td2.random_secret(), td2.random_secret()


def test_team_wrap_round_trip_and_layout() -> None:
    dialogue, handle, record_hash, secret = _context()
    private, public = td2.generate_member_keypair()
    wrap = td2.wrap_team_secret(public, dialogue, 4, handle, record_hash, secret)
    assert len(wrap) == td2.WRAP_LENGTH == 80
    assert td2.unwrap_team_secret(private, dialogue, 4, handle, record_hash, wrap) == secret
    info = td2.team_wrap_info(dialogue, 4, handle, record_hash)
    assert info == b"td2/v1/team-wrap" + dialogue + td2.u32(4) + handle + record_hash


def test_team_and_epoch_wraps_never_open_as_each_other() -> None:
    dialogue, handle, record_hash, secret = _context()
    private, public = td2.generate_member_keypair()
    team_wrap = td2.wrap_team_secret(public, dialogue, 1, handle, record_hash, secret)
    epoch_wrap = td2.wrap_epoch_secret(public, dialogue, 1, handle, record_hash, secret)
    with pytest.raises(td2.Td2DecryptError):
        td2.unwrap_epoch_secret(private, dialogue, 1, handle, record_hash, team_wrap)
    with pytest.raises(td2.Td2DecryptError):
        td2.unwrap_team_secret(private, dialogue, 1, handle, record_hash, epoch_wrap)


@pytest.mark.parametrize("field", ["epoch", "handle", "record_hash", "dialogue", "recipient"])
def test_a_team_wrap_is_bound_to_its_context(field: str) -> None:
    dialogue, handle, record_hash, secret = _context()
    private, public = td2.generate_member_keypair()
    wrap = td2.wrap_team_secret(public, dialogue, 2, handle, record_hash, secret)
    args: dict[str, object] = {
        "recipient_private": private,
        "dialogue_id": dialogue,
        "epoch": 2,
        "member_handle": handle,
        "record_hash": record_hash,
    }
    changed = {
        "epoch": ("epoch", 3),
        "handle": ("member_handle", td2.random_id()),
        "record_hash": ("record_hash", td2.random_secret()),
        "dialogue": ("dialogue_id", td2.random_id()),
        "recipient": ("recipient_private", td2.generate_member_keypair()[0]),
    }[field]
    args[changed[0]] = changed[1]
    with pytest.raises(td2.Td2DecryptError):
        td2.unwrap_team_secret(wrap=wrap, **args)  # type: ignore[arg-type]


def test_no_team_wrap_to_a_low_order_key() -> None:
    dialogue, handle, record_hash, secret = _context()
    with pytest.raises(td2.Td2KeyError):
        td2.wrap_team_secret(bytes(32), dialogue, 0, handle, record_hash, secret)


def test_the_team_key_is_apart_from_every_epoch_subkey() -> None:
    dialogue, _handle, record_hash, secret = _context()
    team = td2.derive_team_key(secret, dialogue, 5, record_hash)
    assert len(team) == 32
    assert team == td2.derive_team_key(secret, dialogue, 5, record_hash)
    assert team != td2.derive_team_key(secret, dialogue, 6, record_hash)
    assert team != td2.derive_team_key(secret, dialogue, 5, td2.random_secret())
    for label in td2.LABELS:  # even with the team secret fed in as an epoch secret
        assert team != td2.derive_subkey(secret, dialogue, 5, record_hash, label)


def test_a_team_message_does_not_open_with_the_rooms_key() -> None:
    dialogue, handle, record_hash, team_secret = _context()
    epoch_secret = td2.random_secret()
    aad = td2.build_aad("msg", dialogue, td2.random_id(), 1, td2.random_id(), handle)
    blob = td2.seal_json(td2.derive_team_key(team_secret, dialogue, 1, record_hash), aad, {"t": 1})
    with pytest.raises(td2.Td2DecryptError):
        td2.open_json(td2.derive_subkey(epoch_secret, dialogue, 1, record_hash, "msg"), aad, blob)
    opened = td2.open_json(td2.derive_team_key(team_secret, dialogue, 1, record_hash), aad, blob)
    assert opened == {"t": 1}


def test_team_roles_are_the_mediator_team() -> None:
    assert {"convener", "facilitator", "interpreter", "rapporteur"} == td2.TEAM_CHANNEL_ROLES
    assert "participant" not in td2.TEAM_CHANNEL_ROLES
    assert "observer" not in td2.TEAM_CHANNEL_ROLES


def test_a_vector_file_without_the_extension_sections_still_checks() -> None:
    data = json.loads(VECTOR_FILE.read_text(encoding="utf-8"))
    brief_only = copy.deepcopy(data)
    for section in ("team_subkeys", "team_wrap"):
        brief_only.pop(section)
    report = check_vectors(brief_only)
    assert report.ok, report.failure
    assert "team_wrap" not in report.counts
    assert check_vectors(data).counts["team_wrap"] == len(data["team_wrap"]) >= 3
