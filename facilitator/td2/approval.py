"""Approvals of a summary (an extension, docs/protocol.md "Summary approvals").

An approver's device signs the summary's hash with an Ed25519 approval key of its own; a convener,
who learned from the approver's Auth-mode box which member sent that key, certifies it for one
side with their steward key. An export's manifest carries both signatures and no name, so anyone
holding the bundle can check them (``facilitator verify-manifest``). The browser computes the
same bytes (``static/js/td2/approval.js``)::

    approval    = "td2/v1/summary-approval" || dialogue_id (16) || content_sha256 (32)
    certificate = "td2/v1/approver" || dialogue_id (16) || content_sha256 (32)
                  || approval_public (32) || SHA-256(UTF-8 side) (32)

The certificate names the side by its digest, so a verifier never needs the side's name.
"""

import hashlib

from facilitator.td2.encoding import ID_LENGTH, require_bytes
from facilitator.td2.errors import Td2FormatError
from facilitator.td2.keys import load_ed25519_private, verify_ed25519

APPROVAL_PREFIX = b"td2/v1/summary-approval"
APPROVER_PREFIX = b"td2/v1/approver"


def approval_statement(dialogue_id: bytes, content_sha256: bytes) -> bytes:
    """``"td2/v1/summary-approval" || dialogue_id || content_sha256`` (71 bytes)."""
    return (
        APPROVAL_PREFIX
        + require_bytes("dialogue_id", dialogue_id, ID_LENGTH)
        + require_bytes("content_sha256", content_sha256, 32)
    )


def side_digest(side: str) -> bytes:
    """SHA-256 of the side's name in UTF-8: how a certificate names a side without spelling it."""
    if not isinstance(side, str):
        raise Td2FormatError("side must be a string")
    try:
        return hashlib.sha256(side.encode("utf-8")).digest()
    except UnicodeEncodeError:
        raise Td2FormatError("side is not valid Unicode text") from None


def approver_statement(
    dialogue_id: bytes, content_sha256: bytes, approval_public: bytes, side_sha256: bytes
) -> bytes:
    """``"td2/v1/approver" || dialogue_id || content_sha256 || approval_public || side_sha256``
    (127 bytes): this approval key speaks for the side with this digest on this text."""
    return b"".join(
        (
            APPROVER_PREFIX,
            require_bytes("dialogue_id", dialogue_id, ID_LENGTH),
            require_bytes("content_sha256", content_sha256, 32),
            require_bytes("approval_public", approval_public, 32),
            require_bytes("side_sha256", side_sha256, 32),
        )
    )


def sign_approval(approval_private: bytes, dialogue_id: bytes, content_sha256: bytes) -> bytes:
    """The approver's Ed25519 signature (64 bytes) over the approval statement."""
    statement = approval_statement(dialogue_id, content_sha256)
    return load_ed25519_private(approval_private).sign(statement)


def verify_approval(
    approval_public: bytes, dialogue_id: bytes, content_sha256: bytes, signature: bytes
) -> None:
    """Raise :class:`Td2SignatureError` unless ``approval_public`` approved this text."""
    statement = approval_statement(dialogue_id, content_sha256)
    verify_ed25519(approval_public, statement, signature, "approval")


def sign_approver(
    steward_private: bytes,
    dialogue_id: bytes,
    content_sha256: bytes,
    approval_public: bytes,
    side_sha256: bytes,
) -> bytes:
    """The certifying convener's Ed25519 signature (64 bytes), with their steward key."""
    statement = approver_statement(dialogue_id, content_sha256, approval_public, side_sha256)
    return load_ed25519_private(steward_private).sign(statement)


def verify_approver(
    steward_public: bytes,
    dialogue_id: bytes,
    content_sha256: bytes,
    approval_public: bytes,
    side_sha256: bytes,
    signature: bytes,
) -> None:
    """Raise :class:`Td2SignatureError` unless ``steward_public`` certified this approval key
    for this side."""
    statement = approver_statement(dialogue_id, content_sha256, approval_public, side_sha256)
    verify_ed25519(steward_public, statement, signature, "approver certificate")
