"""Steward certificates: an existing steward introduces a newcomer's signing key
(an extension, docs/protocol.md "Steward certificates").

The brief's records and rosters carry no Ed25519 key, so without this the keys of stewards added
after the genesis would be whatever the server announces. The steward who cuts the epoch that
admits a steward signs::

    statement = "td2/v1/steward" || dialogue_id (16) || u32(epoch) || handle (16)
                || ed25519_public (32)                                    # 84 bytes
    signature = Ed25519(key of the epoch's creator, statement)            # 64 bytes

``epoch`` is the epoch whose roster first lists ``handle``; the signer is that epoch record's
creator, under the key the chain already trusts for them. A verifier follows the chain from the
pinned genesis key, so the chain alone says who may sign; a steward left out of a roster signs
nothing more.
"""

from facilitator.td2.encoding import ID_LENGTH, require_bytes, u32
from facilitator.td2.keys import load_ed25519_private, verify_ed25519

STEWARD_CERT_PREFIX = b"td2/v1/steward"


def steward_cert_statement(
    dialogue_id: bytes, epoch: int, handle: bytes, ed25519_public: bytes
) -> bytes:
    """``"td2/v1/steward" || dialogue_id || u32(epoch) || handle || ed25519_public``."""
    return b"".join(
        (
            STEWARD_CERT_PREFIX,
            require_bytes("dialogue_id", dialogue_id, ID_LENGTH),
            u32(epoch),
            require_bytes("handle", handle, ID_LENGTH),
            require_bytes("ed25519_public", ed25519_public, 32),
        )
    )


def sign_steward_cert(
    steward_private: bytes, dialogue_id: bytes, epoch: int, handle: bytes, ed25519_public: bytes
) -> bytes:
    """The certifying steward's Ed25519 signature (64 bytes) over the statement."""
    statement = steward_cert_statement(dialogue_id, epoch, handle, ed25519_public)
    return load_ed25519_private(steward_private).sign(statement)


def verify_steward_cert(
    steward_public: bytes,
    dialogue_id: bytes,
    epoch: int,
    handle: bytes,
    ed25519_public: bytes,
    signature: bytes,
) -> None:
    """Raise :class:`Td2SignatureError` unless ``steward_public`` certified this key."""
    statement = steward_cert_statement(dialogue_id, epoch, handle, ed25519_public)
    verify_ed25519(steward_public, statement, signature, "steward certificate")
