"""An agenda item's facilitator guidance: sealed under the team key inside its ``meta``
document, so only the mediator team opens it (docs/dialogue-content.md)."""

from __future__ import annotations

from typing import Any

from facilitator import td2
from facilitator.client import content, epochs
from facilitator.client.keyring import Connection, KeyRing
from facilitator.client.sealing import NO_AUTHOR, team_channel_id
from facilitator.client.transport import ApiError

b64e = td2.b64u_encode
b64d = td2.b64u_decode

# The key of an agenda item's sealed guidance in its document.
GUIDANCE = "guidance_sealed"


def _aad(ring: KeyRing, epoch: int, document_id: str) -> bytes:
    """The guidance of one document: the team channel, the document's id as message id, and no
    author (the document's envelope names who wrote it)."""
    channel = team_channel_id(ring.dialogue_id)
    return td2.build_aad("meta", ring.dialogue_id, channel, epoch, b64d(document_id), NO_AUTHOR)


def seal_guidance(
    ring: KeyRing, epoch: int, key: bytes, document_id: str, texts: dict[str, str]
) -> dict[str, Any]:
    aad = _aad(ring, epoch, document_id)
    return {"epoch": epoch, "blob": b64e(td2.seal_json(key, aad, texts))}


def open_guidance(
    ring: KeyRing, keys: dict[int, bytes], document: dict[str, Any]
) -> dict[str, str]:
    sealed = document[GUIDANCE]
    key = keys.get(sealed["epoch"])
    if key is None:
        raise td2.Td2DecryptError(f"no team key for epoch {sealed['epoch']}")
    aad = _aad(ring, sealed["epoch"], document["id"])
    texts: dict[str, str] = td2.open_json(key, aad, b64d(sealed["blob"]))  # type: ignore[assignment]
    return texts


def write_agenda_item(
    conn: Connection,
    dialogue_id: str,
    item: dict[str, Any],
    guidance: dict[str, str] | None = None,
    replaces: str | None = None,
) -> str:
    """An ``agenda_item`` document; its guidance (texts) sealed under the current epoch's team
    key, so only the mediator team opens it."""
    ring = conn.keyrings[dialogue_id]
    document = {"type": "agenda_item", "id": b64e(td2.random_id()), **item}
    document.pop(GUIDANCE, None)
    document.pop("guidance", None)
    if guidance:
        epoch, key = epochs.current_team_key(conn, dialogue_id)
        document[GUIDANCE] = seal_guidance(ring, epoch, key, document["id"], guidance)
    return content.write_meta(conn, dialogue_id, document, replaces=replaces)


def read_guidance(
    conn: Connection, dialogue_id: str, document: dict[str, Any]
) -> dict[str, str] | None:
    """The guidance of an agenda item, for a member of the mediator team; anyone else holds no
    team key (``Td2DecryptError``)."""
    if GUIDANCE not in document:
        return None
    try:
        keys = epochs.team_keys(conn, dialogue_id)
    except ApiError as error:
        if error.status != 403:
            raise
        keys = {}
    return open_guidance(conn.keyrings[dialogue_id], keys, document)
