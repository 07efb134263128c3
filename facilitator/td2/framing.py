"""Length framing and zero padding of plaintexts to a multiple of 256 bytes.

Padding hides the exact length of short messages; the 4-byte length prefix
lets the receiver strip it.  Unframing is strict: any padding byte that is
not zero, a length that does not fit, or a total that is not the smallest
multiple of 256 for that length is rejected, so there is exactly one valid
framing of each plaintext.
"""

from facilitator.td2.encoding import require_bytes, u32
from facilitator.td2.errors import Td2FormatError

PAD_BLOCK = 256
LENGTH_PREFIX = 4


def framed_size(length: int) -> int:
    """The padded size for a plaintext of ``length`` bytes (252 -> 256, 253 -> 512)."""
    total = LENGTH_PREFIX + length
    return -(-total // PAD_BLOCK) * PAD_BLOCK


def frame_plaintext(data: bytes) -> bytes:
    """``u32(len(data)) || data || zeros`` up to a multiple of 256 bytes."""
    raw = require_bytes("plaintext", data)
    size = framed_size(len(raw))
    return u32(len(raw)) + raw + bytes(size - LENGTH_PREFIX - len(raw))


def unframe_plaintext(padded: bytes) -> bytes:
    """Undo :func:`frame_plaintext`; raises :class:`Td2FormatError` on any deviation."""
    raw = require_bytes("padded plaintext", padded)
    if len(raw) == 0 or len(raw) % PAD_BLOCK != 0:
        raise Td2FormatError("padded plaintext is not a positive multiple of 256 bytes")
    length = int.from_bytes(raw[:LENGTH_PREFIX], "big")
    if length > len(raw) - LENGTH_PREFIX:
        raise Td2FormatError("length field is larger than the padded plaintext")
    if framed_size(length) != len(raw):
        raise Td2FormatError("padded plaintext is longer than its length requires")
    if any(raw[LENGTH_PREFIX + length :]):
        raise Td2FormatError("padding bytes are not zero")
    return raw[LENGTH_PREFIX : LENGTH_PREFIX + length]
