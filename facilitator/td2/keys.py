"""Key generation and conversion: X25519 member keys, Ed25519 steward keys.

Private keys travel as raw 32-byte values inside this package and as PKCS#8
DER at its edges (WebCrypto imports and exports X25519/Ed25519 private keys
only as PKCS#8).
"""

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from facilitator.td2.encoding import require_bytes
from facilitator.td2.errors import Td2KeyError, Td2SignatureError

KEY_LENGTH = 32
SIGNATURE_LENGTH = 64


def load_x25519_private(private: bytes) -> x25519.X25519PrivateKey:
    """Load a raw 32-byte X25519 private key."""
    return x25519.X25519PrivateKey.from_private_bytes(
        require_bytes("X25519 private key", private, KEY_LENGTH)
    )


def load_x25519_public(public: bytes) -> x25519.X25519PublicKey:
    """Load a raw X25519 public key, rejecting low-order points.

    A low-order point (the all-zero key among them) makes every
    Diffie-Hellman result all zeros, whatever the private key: a wrap to such
    a key would be readable by anyone.  X25519 clamps scalars to multiples
    of 8, so one exchange with a throwaway key detects every such point.
    """
    raw = require_bytes("X25519 public key", public, KEY_LENGTH)
    key = x25519.X25519PublicKey.from_public_bytes(raw)
    try:
        x25519.X25519PrivateKey.generate().exchange(key)
    except ValueError:
        raise Td2KeyError("X25519 public key is a low-order point (e.g. all zeros)") from None
    return key


def load_ed25519_private(private: bytes) -> ed25519.Ed25519PrivateKey:
    """Load a raw 32-byte Ed25519 private key (the RFC 8032 seed)."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(
        require_bytes("Ed25519 private key", private, KEY_LENGTH)
    )


def load_ed25519_public(public: bytes) -> ed25519.Ed25519PublicKey:
    """Load a raw 32-byte Ed25519 public key."""
    raw = require_bytes("Ed25519 public key", public, KEY_LENGTH)
    try:
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise Td2KeyError("not a valid Ed25519 public key") from None


def verify_ed25519(public: bytes, message: bytes, signature: bytes, what: str) -> None:
    """Raise :class:`Td2SignatureError` naming ``what`` unless ``signature`` is ``public``'s
    Ed25519 signature over ``message``: every signature TD2 checks goes through here."""
    key = load_ed25519_public(public)
    sig = require_bytes("signature", signature)
    if len(sig) != SIGNATURE_LENGTH:
        raise Td2SignatureError(f"signature must be {SIGNATURE_LENGTH} bytes")
    try:
        key.verify(sig, message)
    except InvalidSignature:
        raise Td2SignatureError(f"{what} does not verify") from None


def _raw_public(key: x25519.X25519PublicKey | ed25519.Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _raw_private(key: x25519.X25519PrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def generate_member_keypair() -> tuple[bytes, bytes]:
    """A fresh X25519 keypair as ``(private_raw, public_raw)``."""
    key = x25519.X25519PrivateKey.generate()
    return _raw_private(key), _raw_public(key.public_key())


def generate_steward_keypair() -> tuple[bytes, bytes]:
    """A fresh Ed25519 keypair as ``(private_seed, public_raw)``."""
    key = ed25519.Ed25519PrivateKey.generate()
    return _raw_private(key), _raw_public(key.public_key())


def x25519_public_from_private(private: bytes) -> bytes:
    """The raw X25519 public key of a raw private key."""
    return _raw_public(load_x25519_private(private).public_key())


def ed25519_public_from_private(private: bytes) -> bytes:
    """The raw Ed25519 public key of a raw private seed."""
    return _raw_public(load_ed25519_private(private).public_key())


def private_to_pkcs8(private: bytes, key_type: str) -> bytes:
    """Wrap a raw private key (``key_type`` "x25519" or "ed25519") as PKCS#8 DER."""
    key: x25519.X25519PrivateKey | ed25519.Ed25519PrivateKey
    if key_type == "x25519":
        key = load_x25519_private(private)
    elif key_type == "ed25519":
        key = load_ed25519_private(private)
    else:
        raise Td2KeyError(f"unknown key type {key_type!r}")
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def pkcs8_to_private(der: bytes) -> tuple[str, bytes]:
    """Parse unencrypted PKCS#8 DER into ``(key_type, raw_private)``."""
    try:
        key = serialization.load_der_private_key(require_bytes("PKCS#8", der), password=None)
    except (ValueError, TypeError):
        raise Td2KeyError("not an unencrypted PKCS#8 private key") from None
    if isinstance(key, x25519.X25519PrivateKey):
        return "x25519", _raw_private(key)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519", _raw_private(key)
    raise Td2KeyError("PKCS#8 key is neither X25519 nor Ed25519")


def public_from_private(key_type: str, private: bytes) -> bytes:
    """The raw public key for a raw private key of ``key_type``."""
    if key_type == "x25519":
        return x25519_public_from_private(private)
    if key_type == "ed25519":
        return ed25519_public_from_private(private)
    raise Td2KeyError(f"unknown key type {key_type!r}")


def check_x25519_public(public: bytes) -> None:
    """Raise ``Td2KeyError``/``Td2FormatError`` unless ``public`` is a usable X25519 key."""
    load_x25519_public(public)
