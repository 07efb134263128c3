"""The archive key: every epoch secret wrapped to it as to one more member, so a convener can
export the dialogue later (docs/export.md)."""

from __future__ import annotations

from typing import Any

from facilitator import td2
from facilitator.client import content, epochs, trust
from facilitator.client.keyring import ARCHIVE_HANDLE, Connection, EpochState, KeyRing

b64e = td2.b64u_encode


def archive_wrap(ring: KeyRing, state: EpochState, archive_public: bytes) -> bytes:
    return td2.wrap_epoch_secret(
        archive_public,
        ring.dialogue_id,
        state.number,
        ARCHIVE_HANDLE,
        state.record_hash,
        state.secret,
    )


def register_archive_key(
    conn: Connection, dialogue_id: str, archive_public: bytes
) -> dict[str, Any]:
    """Wrap every epoch secret this device holds to the archive key, register it, and announce
    it in a sealed ``archive_key`` document, signed with this convener's steward key (only a
    convener may name it), so stewards wrap later epochs to it."""
    ring = conn.keyrings[dialogue_id]
    steward_private = ring.ed25519_private
    if steward_private is None:
        raise trust.ArchiveKeyError("only a convener who holds a steward key names it")
    wraps = [
        {"epoch": state.number, "wrap": b64e(archive_wrap(ring, state, archive_public))}
        for state in epochs.states(conn, dialogue_id)
    ]
    body = {"x25519_public": b64e(archive_public), "wraps": wraps}
    result: dict[str, Any] = conn.call("PUT", f"/api/v1/dialogues/{dialogue_id}/archive-key", body)
    older = [d for d in content.read_meta(conn, dialogue_id) if d.get("type") == "archive_key"]
    signature = td2.sign_archive_key(steward_private, ring.dialogue_id, archive_public)
    content.write_meta(
        conn,
        dialogue_id,
        {
            "type": "archive_key",
            "x25519_public": b64e(archive_public),
            "signer": b64e(ring.handle),
            "signature": b64e(signature),
        },
        replaces=older[-1]["_message_id"] if older else None,
    )
    return result
