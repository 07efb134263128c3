"""Per-epoch content keys: ``K_label = HKDF-SHA256(epoch_secret, dialogue_id, info)``."""

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from facilitator.td2.encoding import HASH_LENGTH, ID_LENGTH, SECRET_LENGTH, require_bytes, u32
from facilitator.td2.errors import Td2FormatError

LABELS = ("msg", "note", "meta")
KEY_LENGTH = 32


def subkey_info(label: str, epoch: int, record_hash: bytes) -> bytes:
    """``"td2/v1/" || label || "/" || u32(epoch) || record_hash``."""
    if label not in LABELS:
        raise Td2FormatError(f"unknown subkey label {label!r}")
    rh = require_bytes("record_hash", record_hash, HASH_LENGTH)
    return b"td2/v1/" + label.encode("ascii") + b"/" + u32(epoch) + rh


def derive_subkey(
    epoch_secret: bytes, dialogue_id: bytes, epoch: int, record_hash: bytes, label: str
) -> bytes:
    """Derive the 32-byte AES-256-GCM key for ``label`` in epoch ``epoch``.

    The record hash is part of the info so that two members shown different
    epoch records (different rosters) derive different keys and fail loudly.
    """
    ikm = require_bytes("epoch_secret", epoch_secret, SECRET_LENGTH)
    salt = require_bytes("dialogue_id", dialogue_id, ID_LENGTH)
    info = subkey_info(label, epoch, record_hash)
    return HKDF(algorithm=SHA256(), length=KEY_LENGTH, salt=salt, info=info).derive(ikm)
