"""RFC 9180 base-mode HPKE seal with a caller-chosen ephemeral key.

FOR TEST VECTORS ONLY.  The library's HPKE always draws a fresh ephemeral
key, which is right for the application but makes vectors irreproducible.
This module rebuilds the same construction from ``cryptography`` primitives
(X25519, HMAC, HKDF-Expand, AES-GCM) so the generator can fix ``skE``.  The
tests check it against the RFC 9180 appendix A.1.1 vector and a published
AES-256-GCM vector, and check that the library opens what it produces.
Never use it to wrap real epoch secrets: a reused ephemeral key leaks them.
"""

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from facilitator.td2.keys import load_x25519_private, load_x25519_public

KEM_ID = 0x0020  # DHKEM(X25519, HKDF-SHA256)
KDF_ID = 0x0001  # HKDF-SHA256
AEAD_IDS = {16: 0x0001, 32: 0x0002}  # AES-128-GCM, AES-256-GCM by key length
_KEM_SUITE_ID = b"KEM" + KEM_ID.to_bytes(2, "big")


def _extract(salt: bytes, ikm: bytes) -> bytes:
    mac = hmac.HMAC(salt or bytes(32), hashes.SHA256())
    mac.update(ikm)
    return mac.finalize()


def _expand(prk: bytes, info: bytes, length: int) -> bytes:
    return HKDFExpand(algorithm=hashes.SHA256(), length=length, info=info).derive(prk)


def _labeled_extract(suite_id: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return _extract(salt, b"HPKE-v1" + suite_id + label + ikm)


def _labeled_expand(suite_id: bytes, prk: bytes, label: bytes, info: bytes, n: int) -> bytes:
    return _expand(prk, n.to_bytes(2, "big") + b"HPKE-v1" + suite_id + label + info, n)


def derive_keypair(ikm: bytes) -> tuple[bytes, bytes]:
    """RFC 9180 DeriveKeyPair for X25519: ``(sk, pk)`` from input keying material."""
    prk = _labeled_extract(_KEM_SUITE_ID, b"", b"dkp_prk", ikm)
    sk = _labeled_expand(_KEM_SUITE_ID, prk, b"sk", b"", 32)
    pk = load_x25519_private(sk).public_key().public_bytes_raw()
    return sk, pk


def seal_fixed(
    recipient_public: bytes,
    info: bytes,
    plaintext: bytes,
    ephemeral_private: bytes,
    *,
    aad: bytes = b"",
    key_length: int = 32,
) -> bytes:
    """Single-shot base-mode seal; returns ``enc || ciphertext || tag``."""
    pk_r = load_x25519_public(recipient_public)
    sk_e = load_x25519_private(ephemeral_private)
    enc = sk_e.public_key().public_bytes_raw()
    dh = sk_e.exchange(pk_r)
    kem_context = enc + recipient_public
    eae_prk = _labeled_extract(_KEM_SUITE_ID, b"", b"eae_prk", dh)
    shared = _labeled_expand(_KEM_SUITE_ID, eae_prk, b"shared_secret", kem_context, 32)

    suite_id = b"HPKE" + b"".join(
        i.to_bytes(2, "big") for i in (KEM_ID, KDF_ID, AEAD_IDS[key_length])
    )
    psk_id_hash = _labeled_extract(suite_id, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(suite_id, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash  # mode_base
    secret = _labeled_extract(suite_id, shared, b"secret", b"")
    key = _labeled_expand(suite_id, secret, b"key", context, key_length)
    base_nonce = _labeled_expand(suite_id, secret, b"base_nonce", context, 12)
    return enc + AESGCM(key).encrypt(base_nonce, plaintext, aad)
