"""Delivery of epoch secrets: HPKE (RFC 9180) base mode, single shot.

Suite: DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, empty AAD.
``wrap = enc(32) || ct(32) || tag(16)`` (80 bytes), with the HPKE ``info``
binding the wrap to its dialogue, epoch, member and epoch record.  The
library's ``Suite.encrypt`` returns exactly ``enc || ct || tag`` (checked
against RFC 9180 vectors in ``tests/td2/test_hpke.py``).
"""

from cryptography.hazmat.primitives import hpke

from facilitator.td2.encoding import HASH_LENGTH, ID_LENGTH, SECRET_LENGTH, require_bytes, u32
from facilitator.td2.errors import Td2DecryptError
from facilitator.td2.keys import load_x25519_private, load_x25519_public

ENC_LENGTH = 32
WRAP_LENGTH = ENC_LENGTH + SECRET_LENGTH + 16  # 80

_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


def member_wrap_info(
    label: bytes, dialogue_id: bytes, epoch: int, member_handle: bytes, record_hash: bytes
) -> bytes:
    """``label || dialogue_id || u32(epoch) || member_handle || record_hash``: what binds a wrap
    to one member of one epoch record. The label keeps wraps of different secrets apart."""
    return b"".join(
        (
            label,
            require_bytes("dialogue_id", dialogue_id, ID_LENGTH),
            u32(epoch),
            require_bytes("member_handle", member_handle, ID_LENGTH),
            require_bytes("record_hash", record_hash, HASH_LENGTH),
        )
    )


def wrap_info(dialogue_id: bytes, epoch: int, member_handle: bytes, record_hash: bytes) -> bytes:
    """``"td2/v1/wrap" || dialogue_id || u32(epoch) || member_handle || record_hash``."""
    return member_wrap_info(b"td2/v1/wrap", dialogue_id, epoch, member_handle, record_hash)


def wrap_epoch_secret(
    recipient_public: bytes,
    dialogue_id: bytes,
    epoch: int,
    member_handle: bytes,
    record_hash: bytes,
    epoch_secret: bytes,
) -> bytes:
    """HPKE-seal ``epoch_secret`` to a member's X25519 public key (fresh ephemeral key)."""
    info = wrap_info(dialogue_id, epoch, member_handle, record_hash)
    secret = require_bytes("epoch_secret", epoch_secret, SECRET_LENGTH)
    return seal_to_public(recipient_public, info, secret)


def open_wrap(recipient_private: bytes, info: bytes, wrap: bytes) -> bytes:
    """HPKE-open a wrap under a raw ``info``; rejects low-order ``enc`` values."""
    w = require_bytes("wrap", wrap, WRAP_LENGTH)
    private = load_x25519_private(recipient_private)
    load_x25519_public(w[:ENC_LENGTH])  # Td2KeyError for the all-zero / low-order enc
    try:
        secret = _SUITE.decrypt(w, private, info=require_bytes("info", info))
    except Exception:  # InvalidTag, or ValueError from the DH step
        raise Td2DecryptError("wrap does not open (wrong recipient, info or tampered)") from None
    return secret


def unwrap_epoch_secret(
    recipient_private: bytes,
    dialogue_id: bytes,
    epoch: int,
    member_handle: bytes,
    record_hash: bytes,
    wrap: bytes,
) -> bytes:
    """Open a wrap made by :func:`wrap_epoch_secret`; returns the 32-byte epoch secret."""
    info = wrap_info(dialogue_id, epoch, member_handle, record_hash)
    return open_wrap(recipient_private, info, wrap)


def seal_to_public(recipient_public: bytes, info: bytes, secret: bytes) -> bytes:
    """HPKE-seal a 32-byte ``secret`` under a raw ``info`` (wraps and the device challenge)."""
    wrap = _SUITE.encrypt(
        require_bytes("secret", secret, SECRET_LENGTH),
        load_x25519_public(recipient_public),
        info=require_bytes("info", info),
    )
    if len(wrap) != WRAP_LENGTH:  # pragma: no cover - guards a library layout change
        raise Td2DecryptError(f"HPKE produced {len(wrap)} bytes, expected {WRAP_LENGTH}")
    return wrap
