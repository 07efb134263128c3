"""AES-256-GCM with a 96-bit nonce and 128-bit tag, with errors translated."""

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from facilitator.td2.encoding import require_bytes
from facilitator.td2.errors import Td2DecryptError

KEY_LENGTH = 32
NONCE_LENGTH = 12
TAG_LENGTH = 16


def random_nonce() -> bytes:
    """A fresh random 96-bit nonce."""
    return secrets.token_bytes(NONCE_LENGTH)


def gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """``ciphertext || tag`` of ``plaintext`` under ``key``/``nonce`` with ``aad``."""
    k = require_bytes("key", key, KEY_LENGTH)
    n = require_bytes("nonce", nonce, NONCE_LENGTH)
    return AESGCM(k).encrypt(n, require_bytes("plaintext", plaintext), require_bytes("aad", aad))


def gcm_decrypt(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    """Open ``ciphertext || tag``; raises :class:`Td2DecryptError` if it does not verify."""
    k = require_bytes("key", key, KEY_LENGTH)
    n = require_bytes("nonce", nonce, NONCE_LENGTH)
    ct = require_bytes("ciphertext", ciphertext)
    if len(ct) < TAG_LENGTH:
        raise Td2DecryptError("ciphertext is shorter than the tag")
    try:
        return AESGCM(k).decrypt(n, ct, require_bytes("aad", aad))
    except InvalidTag:
        raise Td2DecryptError("authentication failed (wrong key, AAD or tampered blob)") from None
