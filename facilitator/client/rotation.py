"""A dialogue's epochs as a steward makes them: the genesis with a new dialogue, and each later
epoch with its roster, certificates, archive wrap and the ``meta`` documents sealed again."""

from __future__ import annotations

from typing import Any

from facilitator import td2
from facilitator.client import content, epochs, trust
from facilitator.client.agenda import GUIDANCE, open_guidance, seal_guidance
from facilitator.client.archive import archive_wrap
from facilitator.client.keyring import Connection, KeyRing

b64e = td2.b64u_encode
b64d = td2.b64u_decode


def create_dialogue(conn: Connection, document: dict[str, Any]) -> str:
    """Make the dialogue's keys and genesis epoch, then seal its ``dialogue`` document."""
    dialogue_id, handle = td2.random_id(), td2.random_id()
    x_private, x_public = td2.generate_member_keypair()
    e_private, e_public = td2.generate_steward_keypair()
    ring = KeyRing(
        dialogue_id, handle, x_private, x_public, e_private, e_public, td2.fingerprint(e_public)
    )
    roster = [td2.RosterMember(handle, x_public, "convener")]
    genesis, state = epochs.epoch_body(ring, 0, td2.GENESIS_PREV_HASH, roster, td2.random_secret())
    ring.seen = trust.Seen(0, state.record_hash)
    conn.call(
        "POST",
        "/api/v1/dialogues",
        {
            "dialogue_id": b64e(dialogue_id),
            "member": {
                "handle": b64e(handle),
                "x25519_public": b64e(x_public),
                "ed25519_public": b64e(e_public),
            },
            "genesis": genesis,
        },
    )
    conn.keyrings[b64e(dialogue_id)] = ring
    content.write_meta(conn, b64e(dialogue_id), {"type": "dialogue", **document})
    return b64e(dialogue_id)


def cut_epoch(
    conn: Connection,
    dialogue_id: str,
    roster: list[td2.RosterMember],
    approve: list[str] | None = None,
    stewards: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Sign and post the next epoch; ``stewards`` (handle -> Ed25519 key, base64url) are
    newcomers whose steward keys this steward certifies with it."""
    ring = conn.keyrings[dialogue_id]
    current = epochs.states(conn, dialogue_id)[-1]
    documents = content.read_meta(conn, dialogue_id)
    body, state = epochs.epoch_body(
        ring, current.number + 1, current.record_hash, roster, td2.random_secret()
    )
    body["approve"] = approve or []
    body["steward_certs"] = epochs.steward_certs(ring, state.number, stewards or {})
    conveners = epochs.conveners(conn, dialogue_id)
    archive = trust.archive_public(documents, ring.dialogue_id, conveners)
    if archive is not None:
        body["archive_wrap"] = b64e(archive_wrap(ring, state, archive))
    # Seal the current meta documents again under the new epoch (docs/dialogue-content.md),
    # their team-only guidance under the new epoch's team key.
    team_keys = epochs.team_keys(conn, dialogue_id) if any(GUIDANCE in d for d in documents) else {}
    assert state.team_secret is not None
    new_team_key = td2.derive_team_key(
        state.team_secret, ring.dialogue_id, state.number, state.record_hash
    )
    for document in documents:
        if GUIDANCE in document:
            texts = open_guidance(ring, team_keys, document)
            document[GUIDANCE] = seal_guidance(
                ring, state.number, new_team_key, document["id"], texts
            )
    body["reseal"] = [
        content.meta_envelope(ring, state, document, replaces=document.pop("_message_id"))
        for document in documents
    ]
    result: dict[str, Any] = conn.call("POST", f"/api/v1/dialogues/{dialogue_id}/epochs", body)
    # The epoch this device made is the newest it knows: never seal under an older one.
    ring.seen = trust.Seen(state.number, state.record_hash)
    return result


def remove(conn: Connection, dialogue_id: str, handles: list[str]) -> dict[str, Any]:
    gone = {b64d(h) for h in handles}
    keep = [m for m in epochs.roster(conn, dialogue_id) if m.handle not in gone]
    return cut_epoch(conn, dialogue_id, keep)
