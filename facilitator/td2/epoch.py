"""Epoch records: build, parse, hash, sign and verify.

``record = "td2/v1/epoch" || dialogue_id(16) || u32(n) || prev_hash(32) ||
roster_hash(32) || creator_handle(16) || u64(unix_ms)`` (120 bytes).
"""

import hashlib
from dataclasses import dataclass

from facilitator.td2.encoding import HASH_LENGTH, ID_LENGTH, require_bytes, u32, u64
from facilitator.td2.errors import Td2FormatError
from facilitator.td2.keys import load_ed25519_private, verify_ed25519

RECORD_PREFIX = b"td2/v1/epoch"
RECORD_LENGTH = len(RECORD_PREFIX) + ID_LENGTH + 4 + 2 * HASH_LENGTH + ID_LENGTH + 8  # 120
GENESIS_PREV_HASH = bytes(HASH_LENGTH)


@dataclass(frozen=True)
class EpochRecord:
    """The fields of an epoch record, plus its bytes and hash."""

    dialogue_id: bytes
    epoch: int
    prev_hash: bytes
    roster_hash: bytes
    creator_handle: bytes
    unix_ms: int
    record: bytes
    record_hash: bytes

    @property
    def is_genesis(self) -> bool:
        """True for the first record of a dialogue (all-zero ``prev_hash``)."""
        return self.prev_hash == GENESIS_PREV_HASH


def build_epoch_record(
    dialogue_id: bytes,
    epoch: int,
    prev_hash: bytes,
    roster_hash: bytes,
    creator_handle: bytes,
    unix_ms: int,
) -> bytes:
    """Serialise an epoch record (120 bytes)."""
    return b"".join(
        (
            RECORD_PREFIX,
            require_bytes("dialogue_id", dialogue_id, ID_LENGTH),
            u32(epoch),
            require_bytes("prev_hash", prev_hash, HASH_LENGTH),
            require_bytes("roster_hash", roster_hash, HASH_LENGTH),
            require_bytes("creator_handle", creator_handle, ID_LENGTH),
            u64(unix_ms),
        )
    )


def record_hash(record: bytes) -> bytes:
    """``SHA-256(record)``."""
    return hashlib.sha256(require_bytes("record", record)).digest()


def parse_epoch_record(record: bytes) -> EpochRecord:
    """Parse a serialised record; raises :class:`Td2FormatError`."""
    data = require_bytes("record", record, RECORD_LENGTH)
    if not data.startswith(RECORD_PREFIX):
        raise Td2FormatError("record does not start with 'td2/v1/epoch'")
    pos = len(RECORD_PREFIX)
    fields = []
    for size in (ID_LENGTH, 4, HASH_LENGTH, HASH_LENGTH, ID_LENGTH, 8):
        fields.append(data[pos : pos + size])
        pos += size
    return EpochRecord(
        dialogue_id=fields[0],
        epoch=int.from_bytes(fields[1], "big"),
        prev_hash=fields[2],
        roster_hash=fields[3],
        creator_handle=fields[4],
        unix_ms=int.from_bytes(fields[5], "big"),
        record=data,
        record_hash=record_hash(data),
    )


def sign_epoch_record(steward_private: bytes, record: bytes) -> bytes:
    """Ed25519 signature (64 bytes) of a steward over the record bytes."""
    parse_epoch_record(record)
    return load_ed25519_private(steward_private).sign(record)


def verify_epoch_signature(steward_public: bytes, record: bytes, signature: bytes) -> None:
    """Raise :class:`Td2SignatureError` unless ``signature`` is the steward's over ``record``."""
    verify_ed25519(
        steward_public, require_bytes("record", record), signature, "epoch record signature"
    )
