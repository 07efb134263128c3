"""One envelope sealed or opened: every routing field (kind, dialogue, channel, epoch, message
id, author) is in the AAD, so a server that moves an envelope makes it fail to open."""

from __future__ import annotations

import json
from typing import Any

from facilitator import td2

b64e = td2.b64u_encode
b64d = td2.b64u_decode

# Notes carry no author (docs/notes.md): the all-zero handle stands in the AAD.
NO_AUTHOR = bytes(16)


def well_known_channel_id(name: str, dialogue_id: bytes) -> bytes:
    """``SHA-256("td2/v1/channel/" || name || "/" || dialogue_id)[:16]``, from td2."""
    return td2.channel_id(name, dialogue_id)


def meta_channel_id(dialogue_id: bytes) -> bytes:
    """``SHA-256("td2/v1/channel/meta/" || dialogue_id)[:16]`` (docs/dialogue-content.md)."""
    return well_known_channel_id("meta", dialogue_id)


def team_channel_id(dialogue_id: bytes) -> bytes:
    """The team backchannel: ``channel_id("team")`` (docs/protocol.md, "Team channel")."""
    return well_known_channel_id("team", dialogue_id)


def seal(
    key: bytes,
    kind: str,
    dialogue_id: bytes,
    channel: bytes,
    epoch: int,
    author: bytes,
    content: Any,
) -> dict[str, Any]:
    """The routing fields and sealed blob of a fresh envelope (a new random message id)."""
    message_id = td2.random_id()
    aad = td2.build_aad(kind, dialogue_id, channel, epoch, message_id, author)
    return {
        "channel_id": b64e(channel),
        "message_id": b64e(message_id),
        "epoch": epoch,
        "author_handle": b64e(author),
        "blob": b64e(td2.seal_blob(key, aad, json.dumps(content).encode())),
    }


def open_envelope(
    key: bytes, kind: str, dialogue_id: bytes, envelope: dict[str, Any]
) -> dict[str, Any]:
    """The content of an envelope as the server returned it; ``Td2Error`` if it does not open
    under ``key`` with the routing fields it carries."""
    aad = td2.build_aad(
        kind,
        dialogue_id,
        b64d(envelope["channel_id"]),
        envelope["epoch"],
        b64d(envelope["message_id"]),
        b64d(envelope["author_handle"]),
    )
    content: dict[str, Any] = json.loads(td2.open_blob(key, aad, b64d(envelope["blob"])))
    return content
