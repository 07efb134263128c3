"""Invitation links: what the server stores and how a knock proves the secret."""

import hashlib
import hmac

from facilitator.td2.encoding import ID_LENGTH, require_bytes


def invite_secret_hash(invite_secret: bytes) -> bytes:
    """``SHA-256("td2/v1/invite" || secret)``: the only form the server keeps."""
    secret = require_bytes("invite_secret", invite_secret, ID_LENGTH)
    return hashlib.sha256(b"td2/v1/invite" + secret).digest()


def join_proof(invite_secret: bytes, x25519_public: bytes) -> bytes:
    """``HMAC-SHA256(secret, "td2/v1/join" || x25519_pub)``, sent with a knock."""
    secret = require_bytes("invite_secret", invite_secret, ID_LENGTH)
    public = require_bytes("x25519_public", x25519_public, 32)
    return hmac.new(secret, b"td2/v1/join" + public, hashlib.sha256).digest()


def verify_join_proof(invite_secret: bytes, x25519_public: bytes, proof: bytes) -> bool:
    """Constant-time check of a knock's proof."""
    expected = join_proof(invite_secret, x25519_public)
    return hmac.compare_digest(expected, require_bytes("proof", proof))
