"""The archive key statement: a convener's signature naming a dialogue's archive key
(an extension, docs/protocol.md "Archive key statement").

Any member who writes ``meta`` could seal an ``archive_key`` document, and a steward who cuts an
epoch seals every document again under their own handle, so the envelope's author cannot say who
named the key. The document therefore carries a signature by a convener's steward key::

    statement = "td2/v1/archive-key" || dialogue_id (16) || x25519_public (32)
    signature = Ed25519(convener_steward_private, statement)          # 64 bytes
"""

from facilitator.td2.encoding import ID_LENGTH, require_bytes
from facilitator.td2.keys import load_ed25519_private, verify_ed25519

ARCHIVE_KEY_PREFIX = b"td2/v1/archive-key"


def archive_key_statement(dialogue_id: bytes, archive_public: bytes) -> bytes:
    """``"td2/v1/archive-key" || dialogue_id || x25519_public`` (66 bytes)."""
    return (
        ARCHIVE_KEY_PREFIX
        + require_bytes("dialogue_id", dialogue_id, ID_LENGTH)
        + require_bytes("x25519_public", archive_public, 32)
    )


def sign_archive_key(steward_private: bytes, dialogue_id: bytes, archive_public: bytes) -> bytes:
    """A convener's Ed25519 signature over the archive key statement."""
    statement = archive_key_statement(dialogue_id, archive_public)
    return load_ed25519_private(steward_private).sign(statement)


def verify_archive_key(
    steward_public: bytes, dialogue_id: bytes, archive_public: bytes, signature: bytes
) -> None:
    """Raise :class:`Td2SignatureError` unless the steward signed this archive key."""
    statement = archive_key_statement(dialogue_id, archive_public)
    verify_ed25519(steward_public, statement, signature, "archive key signature")
