"""Negative vectors: blobs and wraps that every implementation must refuse.

Content entries keep the brief's shape ``{what, key, aad, blob}``.  Wrap
entries add ``"primitive": "wrap"``: ``key`` is then the recipient's raw
X25519 private key, ``aad`` the HPKE ``info`` and ``blob`` the 80-byte wrap.
"""

from collections.abc import Callable
from typing import Any

from facilitator.td2.aad import build_aad
from facilitator.td2.aead import gcm_encrypt
from facilitator.td2.content import seal_blob_with_nonce
from facilitator.td2.encoding import b64u_encode as b64
from facilitator.td2.encoding import u32
from facilitator.td2.hpke_fixed import seal_fixed
from facilitator.td2.keys import x25519_public_from_private
from facilitator.td2.subkeys import derive_subkey
from facilitator.td2.team import derive_team_key, team_wrap_info
from facilitator.td2.wrap import wrap_info

Det = Callable[..., bytes]
Entry = dict[str, Any]

# X25519 points of small order: DH with any private key gives all zeros.
LOW_ORDER_POINTS = {
    "the all-zero public key": bytes(32),
    "the low-order point u=1": (1).to_bytes(32, "little"),
    "a low-order point of order 8": bytes.fromhex(
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"
    ),
}


def _flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


def _entry(what: str, key: bytes, aad: bytes, blob: bytes, primitive: str = "seal") -> Entry:
    entry: Entry = {"what": what, "key": b64(key), "aad": b64(aad), "blob": b64(blob)}
    if primitive != "seal":
        entry["primitive"] = primitive
    return entry


def _content_entries(det: Det) -> list[Entry]:
    secret, dialogue, channel = det("neg/secret"), det("neg/dialogue", 16), det("neg/channel", 16)
    message, author, rh = det("neg/message", 16), det("neg/author", 16), det("neg/record_hash")
    epoch = 5
    key = derive_subkey(secret, dialogue, epoch, rh, "msg")
    fields: dict[str, Any] = {
        "kind": "msg",
        "dialogue_id": dialogue,
        "channel_id": channel,
        "epoch": epoch,
        "message_id": message,
        "author_handle": author,
    }
    aad = build_aad(**fields)
    nonce = det("neg/nonce", 12)
    plaintext = b'{"sender_ctr":9,"last_seq_seen":41,"text":"not for you"}'
    blob = seal_blob_with_nonce(key, aad, plaintext, nonce)
    out: list[Entry] = []

    changes: dict[str, Any] = {
        "kind": "note",
        "dialogue_id": det("neg/other-dialogue", 16),
        "channel_id": det("neg/other-channel", 16),
        "epoch": epoch + 1,
        "message_id": det("neg/other-message", 16),
        "author_handle": det("neg/other-author", 16),
    }
    for name, value in changes.items():
        altered = build_aad(**{**fields, name: value})
        out.append(_entry(f"aad field {name} altered", key, altered, blob))

    next_key = derive_subkey(secret, dialogue, epoch + 1, rh, "msg")
    next_aad = build_aad(**{**fields, "epoch": epoch + 1})
    out.append(_entry("wrong epoch: key and aad of the next epoch", next_key, next_aad, blob))
    other_rh = derive_subkey(secret, dialogue, epoch, det("neg/other-record-hash"), "msg")
    out.append(_entry("wrong record hash: key derived from another record", other_rh, aad, blob))
    note_key = derive_subkey(secret, dialogue, epoch, rh, "note")
    out.append(_entry("wrong key: the note key used on a message", note_key, aad, blob))
    out.append(_entry("wrong key: unrelated random key", det("neg/random-key"), aad, blob))

    framed = u32(len(plaintext)) + plaintext
    padding = bytes(256 - len(framed))
    bad_frames = {
        "bad padding: a non-zero padding byte": framed + padding[:-1] + b"\x01",
        "bad padding: length field too large": u32(253) + framed[4:] + padding,
        "bad padding: length field larger than the blob": u32(1000) + framed[4:] + padding,
        "bad padding: a whole extra block of padding": framed + padding + bytes(256),
        "bad padding: size not a multiple of 256": framed + padding[:-1],
    }
    for i, (what, padded) in enumerate(bad_frames.items()):
        n = det(f"neg/frame-nonce/{i}", 12)
        out.append(_entry(what, key, aad, n + gcm_encrypt(key, n, padded, aad)))

    out.append(_entry("truncated blob: last byte removed", key, aad, blob[:-1]))
    out.append(_entry("truncated blob: nonce and tag only", key, aad, blob[:12] + blob[-16:]))
    out.append(_entry("truncated blob: empty", key, aad, b""))
    out.append(_entry("bit flipped in the nonce", key, aad, _flip(blob, 3)))
    out.append(_entry("bit flipped in the ciphertext", key, aad, _flip(blob, 40)))
    out.append(_entry("bit flipped in the tag", key, aad, _flip(blob, len(blob) - 1)))
    out.append(_entry("blob extended by one byte", key, aad, blob + b"\x00"))
    return out


def _recipient(det: Det, prefix: str) -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """A recipient's X25519 key pair, and the dialogue, member handle and record hash that a
    wrap to them binds, all drawn under ``prefix``."""
    private = det(f"{prefix}/recipient")
    public = x25519_public_from_private(private)
    dialogue, handle = det(f"{prefix}/dialogue", 16), det(f"{prefix}/handle", 16)
    return private, public, dialogue, handle, det(f"{prefix}/record_hash")


def _wrap_entries(det: Det) -> list[Entry]:
    private, public, dialogue, handle, rh = _recipient(det, "neg/wrap")
    info = wrap_info(dialogue, 3, handle, rh)
    secret = det("neg/wrap/secret")
    wrap = seal_fixed(public, info, secret, det("neg/wrap/ephemeral"))
    out: list[Entry] = []
    for name, point in LOW_ORDER_POINTS.items():
        forged = point + det(f"neg/wrap/forged/{name}", 48)
        out.append(_entry(f"wrap whose enc is {name}", private, info, forged, "wrap"))
    other = det("neg/wrap/other-recipient")
    out.append(_entry("wrap opened by another recipient", other, info, wrap, "wrap"))
    wrong_infos = {
        "wrap info with another epoch": wrap_info(dialogue, 4, handle, rh),
        "wrap info with another member handle": wrap_info(dialogue, 3, det("neg/wrap/h2", 16), rh),
        "wrap info with another record hash": wrap_info(dialogue, 3, handle, det("neg/wrap/r2")),
        "wrap info with another dialogue": wrap_info(det("neg/wrap/d2", 16), 3, handle, rh),
    }
    for what, wrong in wrong_infos.items():
        out.append(_entry(what, private, wrong, wrap, "wrap"))
    out.append(_entry("wrap with a bit flipped in enc", private, info, _flip(wrap, 5), "wrap"))
    out.append(_entry("wrap with a bit flipped in ct", private, info, _flip(wrap, 40), "wrap"))
    out.append(_entry("wrap with a bit flipped in the tag", private, info, _flip(wrap, 79), "wrap"))
    out.append(_entry("truncated wrap", private, info, wrap[:-1], "wrap"))
    return out


def _team_entries(det: Det) -> list[Entry]:
    """The team channel (an extension): its wraps and key are apart from the epoch's."""
    private, public, dialogue, handle, rh = _recipient(det, "neg/team")
    team_info, epoch_info = (
        team_wrap_info(dialogue, 2, handle, rh),
        wrap_info(dialogue, 2, handle, rh),
    )
    team_wrap = seal_fixed(public, team_info, det("neg/team/secret"), det("neg/team/ephemeral"))
    epoch_wrap = seal_fixed(public, epoch_info, det("neg/team/epoch-secret"), det("neg/team/e2"))
    out = [
        _entry(
            "team wrap opened as an epoch wrap (info td2/v1/wrap)",
            private,
            epoch_info,
            team_wrap,
            "wrap",
        ),
        _entry(
            "epoch wrap opened as a team wrap (info td2/v1/team-wrap)",
            private,
            team_info,
            epoch_wrap,
            "wrap",
        ),
    ]
    secret, epoch_secret = det("neg/team/secret"), det("neg/team/epoch-secret")
    aad = build_aad(
        "msg", dialogue, det("neg/team/channel", 16), 2, det("neg/team/message", 16), handle
    )
    nonce = det("neg/team/nonce", 12)
    blob = seal_blob_with_nonce(
        derive_team_key(secret, dialogue, 2, rh), aad, b'{"type":"text","text":"team only"}', nonce
    )
    msg_key = derive_subkey(epoch_secret, dialogue, 2, rh, "msg")
    out.append(
        _entry("wrong key: the epoch's msg key on a team-channel message", msg_key, aad, blob)
    )
    return out


def negative_entries(det: Det) -> list[Entry]:
    """All negative entries, content first, then wraps, then the team channel's."""
    return _content_entries(det) + _wrap_entries(det) + _team_entries(det)
