"""The 74-byte associated data that binds a content blob to its place."""

from dataclasses import dataclass

from facilitator.td2.encoding import ID_LENGTH, require_bytes, u32
from facilitator.td2.errors import Td2FormatError

AAD_PREFIX = b"td2v1"
KIND_CODES = {"msg": 1, "note": 2, "meta": 3, "summary": 4, "idea": 5}
AAD_LENGTH = len(AAD_PREFIX) + 1 + 4 * ID_LENGTH + 4  # 74


@dataclass(frozen=True)
class AadFields:
    """The fields of a parsed AAD."""

    kind: str
    dialogue_id: bytes
    channel_id: bytes
    epoch: int
    message_id: bytes
    author_handle: bytes


def build_aad(
    kind: str,
    dialogue_id: bytes,
    channel_id: bytes,
    epoch: int,
    message_id: bytes,
    author_handle: bytes,
) -> bytes:
    """``"td2v1" || kind || dialogue_id || channel_id || u32(epoch) || message_id || author``.

    Notes and ideas (statements of a round) use an all-zero ``author_handle``
    (non-attribution by construction).
    """
    if kind not in KIND_CODES:
        raise Td2FormatError(f"unknown content kind {kind!r}")
    return b"".join(
        (
            AAD_PREFIX,
            bytes((KIND_CODES[kind],)),
            require_bytes("dialogue_id", dialogue_id, ID_LENGTH),
            require_bytes("channel_id", channel_id, ID_LENGTH),
            u32(epoch),
            require_bytes("message_id", message_id, ID_LENGTH),
            require_bytes("author_handle", author_handle, ID_LENGTH),
        )
    )


def parse_aad(aad: bytes) -> AadFields:
    """Split a 74-byte AAD back into its fields; raises :class:`Td2FormatError`."""
    data = require_bytes("aad", aad, AAD_LENGTH)
    if not data.startswith(AAD_PREFIX):
        raise Td2FormatError("aad does not start with 'td2v1'")
    kinds = {code: name for name, code in KIND_CODES.items()}
    code = data[5]
    if code not in kinds:
        raise Td2FormatError(f"aad has unknown kind code {code}")
    return AadFields(
        kind=kinds[code],
        dialogue_id=data[6:22],
        channel_id=data[22:38],
        epoch=int.from_bytes(data[38:42], "big"),
        message_id=data[42:58],
        author_handle=data[58:74],
    )
