"""TOTP secrets sealed at rest with AES-256-GCM under a key kept outside the database.

A TOTP secret lets anyone who holds it produce valid codes, so the database (and every backup of
it) keeps only its ciphertext. The key comes from ``Settings.totp_key`` (the instance's
``totp_key`` file). The account id is bound as associated data: a sealed secret copied onto
another account's row does not open there.

Stored form: a version byte, the 12-byte nonce, then the ciphertext and its 16-byte tag.
"""

from __future__ import annotations

import logging
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from facilitator.accounts.errors import TotpKeyError

VERSION = b"\x01"
NONCE_BYTES = 12
logger = logging.getLogger(__name__)


def _associated_data(account_id: int) -> bytes:
    return b"facilitator/totp-secret/v1/account/" + str(account_id).encode()


def seal(key: bytes, account_id: int, secret: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, secret.encode(), _associated_data(account_id))
    return VERSION + nonce + ciphertext


def _open(key: bytes, account_id: int, sealed: bytes) -> str | None:
    sealed = bytes(sealed or b"")
    if not sealed.startswith(VERSION) or len(sealed) <= len(VERSION) + NONCE_BYTES:
        return None
    nonce = sealed[len(VERSION) : len(VERSION) + NONCE_BYTES]
    try:
        plain = AESGCM(key).decrypt(
            nonce, sealed[len(VERSION) + NONCE_BYTES :], _associated_data(account_id)
        )
    except (InvalidTag, ValueError):
        return None
    return plain.decode()


def opens(key: bytes, account_id: int, sealed: bytes) -> bool:
    """Whether ``key`` opens the sealed secret of this account (a check of a restored copy)."""
    return _open(key, account_id, sealed) is not None


def open_sealed(key: bytes, account_id: int, sealed: bytes) -> str:
    """The account's secret; ``TotpKeyError`` when ``key`` (or the row) is not the one it was
    sealed with: sign-in fails closed and says why, instead of accepting or crashing."""
    secret = _open(key, account_id, sealed)
    if secret is None:
        logger.error(
            "A stored TOTP secret does not open under the configured key: restore the "
            "instance's totp_key file (or FACILITATOR_TOTP_KEY_FILE) it was sealed with"
        )
        raise TotpKeyError()
    return secret
