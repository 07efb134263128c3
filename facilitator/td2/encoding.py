"""Byte encodings shared by the protocol: base64url, big-endian integers, ids."""

import base64
import re
import secrets

from facilitator.td2.errors import Td2FormatError

ID_LENGTH = 16
SECRET_LENGTH = 32
HASH_LENGTH = 32

_B64U_CHARS = re.compile(r"[A-Za-z0-9_-]*")


def b64u_encode(data: bytes) -> str:
    """Encode ``data`` as base64url without padding (RFC 4648, section 5)."""
    return base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Decode unpadded base64url, strictly.

    Rejects padding, characters outside the URL-safe alphabet, impossible
    lengths (``len % 4 == 1``) and non-canonical encodings whose unused
    trailing bits are not zero, so that every byte string has exactly one
    accepted text form.
    """
    if not isinstance(text, str):
        raise Td2FormatError("base64url input must be a string")
    if _B64U_CHARS.fullmatch(text) is None:
        raise Td2FormatError("base64url input has a character outside [A-Za-z0-9_-]")
    if len(text) % 4 == 1:
        raise Td2FormatError("base64url input has an impossible length")
    padded = text + "=" * (-len(text) % 4)
    data = base64.urlsafe_b64decode(padded.encode("ascii"))
    if b64u_encode(data) != text:
        raise Td2FormatError("base64url input is not canonical (non-zero trailing bits)")
    return data


def u32(n: int) -> bytes:
    """Four big-endian bytes of ``0 <= n < 2**32``."""
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n < 2**32:
        raise Td2FormatError("u32 value out of range")
    return n.to_bytes(4, "big")


def u64(n: int) -> bytes:
    """Eight big-endian bytes of ``0 <= n < 2**64``."""
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n < 2**64:
        raise Td2FormatError("u64 value out of range")
    return n.to_bytes(8, "big")


def random_id() -> bytes:
    """A fresh 16-byte id (dialogue, channel, message, member handle, invite secret)."""
    return secrets.token_bytes(ID_LENGTH)


def random_secret() -> bytes:
    """A fresh 32-byte secret (an epoch secret)."""
    return secrets.token_bytes(SECRET_LENGTH)


def require_bytes(name: str, value: object, length: int | None = None) -> bytes:
    """Return ``value`` as ``bytes`` after checking its type and, if given, its length."""
    if not isinstance(value, bytes | bytearray | memoryview):
        raise Td2FormatError(f"{name} must be bytes")
    data = bytes(value)
    if length is not None and len(data) != length:
        raise Td2FormatError(f"{name} must be {length} bytes, got {len(data)}")
    return data
