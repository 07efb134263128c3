"""Vectors of whole envelopes: the channel id, the key, the AAD and the blob agree.

Each section checks one primitive; these tie them together as a client does when it posts an
envelope (docs/dialogue-content.md, "Envelopes"), so that the Python client, the browser and the
server derive the same ``channel_id`` and open the same ``blob``. ``channel`` entries are
``{name, dialogue_id, channel_id}``; an ``envelope`` entry holds the secret (``key_name`` a
subkey label, or ``team`` for K_team), the channel's name, the nonce and plaintext, and the
envelope as posted.
"""

import json
from collections.abc import Callable
from typing import Any

from facilitator.td2.aad import build_aad
from facilitator.td2.channels import channel_id
from facilitator.td2.content import seal_blob_with_nonce
from facilitator.td2.encoding import b64u_encode as b64
from facilitator.td2.subkeys import derive_subkey
from facilitator.td2.team import derive_team_key

Entry = dict[str, Any]
Det = Callable[..., bytes]


def channel_entries(det: Det) -> list[Entry]:
    """Channel ids, one per well-known name, and a non-ASCII name to pin its UTF-8 encoding."""
    names = ["meta", "live", "team", "notes", "ملاحظات"]
    out = []
    for i, name in enumerate(names):
        dialogue = det(f"channel/{i}/dialogue", 16)
        out.append(
            {
                "name": name,
                "dialogue_id": b64(dialogue),
                "channel_id": b64(channel_id(name, dialogue)),
            }
        )
    return out


# (AAD kind, channel name, key: a subkey label or "team" for K_team, epoch, note-style author)
ENVELOPE_CASES: list[tuple[str, str, str, int, bool]] = [
    ("meta", "meta", "meta", 0, False),
    ("msg", "live", "msg", 3, False),
    ("msg", "team", "team", 5, False),
    ("note", "notes", "note", 2**32 - 1, True),
    ("note", "team", "team", 7, True),
]


def _envelope_key(secret: bytes, dialogue: bytes, epoch: int, rh: bytes, key: str) -> bytes:
    if key == "team":
        return derive_team_key(secret, dialogue, epoch, rh)
    return derive_subkey(secret, dialogue, epoch, rh, key)


def envelope_entries(det: Det) -> list[Entry]:
    """Whole envelopes, as a client posts them, on each well-known channel and kind."""
    out = []
    for i, (kind, channel, key_name, epoch, no_author) in enumerate(ENVELOPE_CASES):
        secret, dialogue = det(f"envelope/{i}/secret"), det(f"envelope/{i}/dialogue", 16)
        rh, message = det(f"envelope/{i}/record_hash"), det(f"envelope/{i}/message", 16)
        author = bytes(16) if no_author else det(f"envelope/{i}/author", 16)
        channel_bytes = channel_id(channel, dialogue)
        key = _envelope_key(secret, dialogue, epoch, rh, key_name)
        aad = build_aad(kind, dialogue, channel_bytes, epoch, message, author)
        plaintext = json.dumps(
            {"type": kind, "n": i, "text": "سلام / peace"}, ensure_ascii=False
        ).encode("utf-8")
        nonce = det(f"envelope/{i}/nonce", 12)
        out.append(
            {
                "secret": b64(secret),
                "dialogue_id": b64(dialogue),
                "record_hash": b64(rh),
                "key_name": key_name,
                "channel": channel,
                "nonce": b64(nonce),
                "plaintext": b64(plaintext),
                "envelope": {
                    "kind": kind,
                    "channel_id": b64(channel_bytes),
                    "message_id": b64(message),
                    "epoch": epoch,
                    "author_handle": b64(author),
                    "blob": b64(seal_blob_with_nonce(key, aad, plaintext, nonce)),
                },
            }
        )
    return out
