"""A dialogue's content as this device writes and reads it: ``meta`` documents, notes and live
messages, each sealed under its epoch's subkey or the team key (docs/dialogue-content.md,
docs/notes.md)."""

from __future__ import annotations

from typing import Any

from facilitator import td2
from facilitator.client import epochs
from facilitator.client.keyring import Connection, EpochState, KeyRing
from facilitator.client.sealing import (
    NO_AUTHOR,
    meta_channel_id,
    open_envelope,
    seal,
    team_channel_id,
    well_known_channel_id,
)

b64e = td2.b64u_encode


def meta_envelope(
    ring: KeyRing, state: EpochState, document: dict[str, Any], replaces: str | None
) -> dict[str, Any]:
    """A ``meta`` document sealed under ``state``, ready to post (or to reseal with an epoch)."""
    channel = meta_channel_id(ring.dialogue_id)
    key = state.subkey(ring.dialogue_id, "meta")
    sealed = seal(key, "meta", ring.dialogue_id, channel, state.number, ring.handle, document)
    return {"kind": "meta", **sealed, "replaces": replaces}


def write_meta(
    conn: Connection, dialogue_id: str, document: dict[str, Any], replaces: str | None = None
) -> str:
    ring = conn.keyrings[dialogue_id]
    current = epochs.states(conn, dialogue_id)[-1]
    body = meta_envelope(ring, current, {"id": b64e(td2.random_id()), **document}, replaces)
    conn.call("POST", f"/api/v1/dialogues/{dialogue_id}/envelopes", body)
    return str(body["message_id"])


def open_sealed(
    conn: Connection,
    dialogue_id: str,
    states: dict[int, EpochState],
    kind: str,
    envelope: dict[str, Any],
) -> dict[str, Any]:
    """Open one envelope with its epoch's subkey."""
    state = states.get(envelope["epoch"])
    if state is None:
        raise td2.Td2DecryptError(f"no key for epoch {envelope['epoch']}")
    ring = conn.keyrings[dialogue_id]
    return open_envelope(state.subkey(ring.dialogue_id, kind), kind, ring.dialogue_id, envelope)


def read_meta(conn: Connection, dialogue_id: str) -> list[dict[str, Any]]:
    """Every current ``meta`` document; one that does not open raises ``Td2Error``."""
    ring = conn.keyrings[dialogue_id]
    states = epochs.by_number(conn, dialogue_id)
    channel = b64e(meta_channel_id(ring.dialogue_id))
    envelopes = conn.call("GET", f"/api/v1/dialogues/{dialogue_id}/envelopes?channel={channel}")
    return [
        {
            **open_sealed(conn, dialogue_id, states, "meta", envelope),
            "_message_id": envelope["message_id"],
        }
        for envelope in envelopes
    ]


def seal_message(
    conn: Connection, dialogue_id: str, channel_id: bytes, content: dict[str, Any]
) -> dict[str, Any]:
    """A sealed ``msg`` envelope for ``send_message`` (content: text, lang, counters…)."""
    ring = conn.keyrings[dialogue_id]
    state = epochs.states(conn, dialogue_id)[-1]
    key = state.subkey(ring.dialogue_id, "msg")
    return seal(key, "msg", ring.dialogue_id, channel_id, state.number, ring.handle, content)


def open_message(conn: Connection, dialogue_id: str, envelope: dict[str, Any]) -> dict[str, Any]:
    return open_sealed(conn, dialogue_id, epochs.by_number(conn, dialogue_id), "msg", envelope)


def seal_team_message(
    conn: Connection, dialogue_id: str, content: dict[str, Any]
) -> dict[str, Any]:
    """A ``msg`` envelope on the team channel, sealed under the current epoch's ``K_team``."""
    ring = conn.keyrings[dialogue_id]
    epoch, key = epochs.current_team_key(conn, dialogue_id)
    channel = team_channel_id(ring.dialogue_id)
    return seal(key, "msg", ring.dialogue_id, channel, epoch, ring.handle, content)


def open_team_message(
    conn: Connection, dialogue_id: str, envelope: dict[str, Any]
) -> dict[str, Any]:
    ring = conn.keyrings[dialogue_id]
    key = epochs.team_keys(conn, dialogue_id).get(envelope["epoch"])
    if key is None:
        raise td2.Td2DecryptError(f"no team key for epoch {envelope['epoch']}")
    return open_envelope(key, "msg", ring.dialogue_id, envelope)


def write_note(
    conn: Connection, dialogue_id: str, note: dict[str, Any], replaces: str | None = None
) -> str:
    """Seal a note (docs/notes.md) under the ``note`` key with the all-zero author handle."""
    ring = conn.keyrings[dialogue_id]
    state = epochs.states(conn, dialogue_id)[-1]
    channel = well_known_channel_id("notes", ring.dialogue_id)
    key = state.subkey(ring.dialogue_id, "note")
    return _post_note(conn, dialogue_id, key, channel, state.number, note, replaces)


def write_team_note(
    conn: Connection, dialogue_id: str, note: dict[str, Any], replaces: str | None = None
) -> str:
    """Seal an off-the-record note (docs/notes.md) under the current epoch's ``K_team`` in the
    team channel, with the all-zero author handle: the team's alone, never exported."""
    ring = conn.keyrings[dialogue_id]
    epoch, key = epochs.current_team_key(conn, dialogue_id)
    channel = team_channel_id(ring.dialogue_id)
    return _post_note(conn, dialogue_id, key, channel, epoch, note, replaces)


def _post_note(
    conn: Connection,
    dialogue_id: str,
    key: bytes,
    channel: bytes,
    epoch: int,
    note: dict[str, Any],
    replaces: str | None,
) -> str:
    dialogue = conn.keyrings[dialogue_id].dialogue_id
    sealed = seal(key, "note", dialogue, channel, epoch, NO_AUTHOR, {"type": "note", **note})
    body = {"kind": "note", **sealed, "replaces": replaces}
    conn.call("POST", f"/api/v1/dialogues/{dialogue_id}/envelopes", body)
    return str(sealed["message_id"])
