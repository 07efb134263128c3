"""Sealing and opening content blobs: ``nonce(12) || AES-256-GCM(K, nonce, framed, AAD)``."""

import json

from facilitator.td2.aad import AAD_LENGTH
from facilitator.td2.aead import NONCE_LENGTH, TAG_LENGTH, gcm_decrypt, gcm_encrypt, random_nonce
from facilitator.td2.encoding import require_bytes
from facilitator.td2.errors import Td2FormatError
from facilitator.td2.framing import PAD_BLOCK, frame_plaintext, unframe_plaintext

MIN_BLOB_LENGTH = NONCE_LENGTH + PAD_BLOCK + TAG_LENGTH


def seal_blob(key: bytes, aad: bytes, plaintext: bytes) -> bytes:
    """Frame, pad and encrypt ``plaintext`` with a fresh random nonce."""
    return seal_blob_with_nonce(key, aad, plaintext, random_nonce())


def seal_blob_with_nonce(key: bytes, aad: bytes, plaintext: bytes, nonce: bytes) -> bytes:
    """Seal with a caller-chosen nonce.

    FOR TEST VECTORS ONLY.  Reusing a nonce under one key destroys AES-GCM's
    confidentiality and integrity; application code calls :func:`seal_blob`.
    """
    a = require_bytes("aad", aad, AAD_LENGTH)
    n = require_bytes("nonce", nonce, NONCE_LENGTH)
    return n + gcm_encrypt(key, n, frame_plaintext(plaintext), a)


def open_blob(key: bytes, aad: bytes, blob: bytes) -> bytes:
    """Decrypt and unframe a blob.

    Raises :class:`Td2DecryptError` when authentication fails and
    :class:`Td2FormatError` when the blob has an impossible size or the
    authenticated plaintext is badly framed.
    """
    a = require_bytes("aad", aad, AAD_LENGTH)
    b = require_bytes("blob", blob)
    body = len(b) - NONCE_LENGTH - TAG_LENGTH
    if len(b) < MIN_BLOB_LENGTH or body % PAD_BLOCK != 0:
        raise Td2FormatError(f"blob of {len(b)} bytes cannot hold a padded plaintext")
    padded = gcm_decrypt(key, b[:NONCE_LENGTH], b[NONCE_LENGTH:], a)
    return unframe_plaintext(padded)


def _reject_constant(name: str) -> object:
    raise Td2FormatError(f"JSON constant {name} is not allowed")


def seal_json(key: bytes, aad: bytes, obj: object) -> bytes:
    """Seal ``obj`` as compact UTF-8 JSON."""
    try:
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise Td2FormatError(f"object is not JSON-serialisable: {exc}") from None
    return seal_blob(key, aad, text.encode("utf-8"))


def open_json(key: bytes, aad: bytes, blob: bytes) -> object:
    """Open a blob whose plaintext is UTF-8 JSON and parse it."""
    data = open_blob(key, aad, blob)
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Td2FormatError(f"plaintext is not UTF-8 JSON: {exc}") from None
