"""Passphrase-sealed key files for offline keys (archive keys, steward keys).

A key file is a UTF-8 JSON object::

    {"format": "td2-key-file", "version": 1, "suite": "td2v1",
     "key_type": "x25519" | "ed25519", "public": b64u(raw public key),
     "kdf": "pbkdf2-sha256", "iterations": 600000, "salt": b64u(16 bytes),
     "nonce": b64u(12 bytes), "sealed": b64u(AES-256-GCM ciphertext || tag)}

``sealed`` encrypts the PKCS#8 DER private key under
``PBKDF2-SHA256(NFC(passphrase) as UTF-8, salt, iterations, 32)`` with AAD
``"td2/v1/keyfile" || key_type_code(1: x25519, 2: ed25519) ||
u32(iterations) || salt(16) || public(32)``, so no header field can be
changed without the file failing to open.
"""

import json
import secrets
import unicodedata

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from facilitator.td2.aead import NONCE_LENGTH, gcm_decrypt, gcm_encrypt, random_nonce
from facilitator.td2.encoding import b64u_decode, b64u_encode, require_bytes, u32
from facilitator.td2.errors import Td2DecryptError, Td2FormatError, Td2KeyError
from facilitator.td2.keys import pkcs8_to_private, public_from_private

KEY_FILE_ITERATIONS = 600_000
MAX_ITERATIONS = 10_000_000
SALT_LENGTH = 16
KEY_TYPE_CODES = {"x25519": 1, "ed25519": 2}
FORMAT = "td2-key-file"
VERSION = 1

# 32 symbols: digits and lowercase letters without i, l, o, u (hard to tell apart).
SYMBOLS = "0123456789abcdefghjkmnpqrstvwxyz"
PASSPHRASE_GROUPS = 6
PASSPHRASE_GROUP_LENGTH = 4  # 6 * 4 symbols * 5 bits = 120 bits


def generate_passphrase() -> str:
    """A random passphrase of 120 bits, e.g. ``k7qm-2xv9-...`` (six groups of four)."""
    symbols = [secrets.choice(SYMBOLS) for _ in range(PASSPHRASE_GROUPS * PASSPHRASE_GROUP_LENGTH)]
    text = "".join(symbols)
    step = PASSPHRASE_GROUP_LENGTH
    return "-".join(text[i : i + step] for i in range(0, len(text), step))


def derive_key_file_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    """``PBKDF2-SHA256(NFC(passphrase).encode("utf-8"), salt, iterations, 32)``."""
    if not isinstance(passphrase, str):
        raise Td2FormatError("passphrase must be a string")
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 1:
        raise Td2FormatError("iterations must be a positive integer")
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    kdf = PBKDF2HMAC(
        algorithm=SHA256(),
        length=32,
        salt=require_bytes("salt", salt, SALT_LENGTH),
        iterations=iterations,
    )
    return kdf.derive(secret)


def _aad(key_type: str, iterations: int, salt: bytes, public: bytes) -> bytes:
    code = bytes((KEY_TYPE_CODES[key_type],))
    return b"td2/v1/keyfile" + code + u32(iterations) + salt + public


def seal_key_file_fixed(
    pkcs8: bytes, passphrase: str, salt: bytes, nonce: bytes, iterations: int
) -> bytes:
    """Seal with a chosen salt and nonce. FOR TEST VECTORS ONLY; use :func:`seal_key_file`."""
    key_type, private = pkcs8_to_private(pkcs8)
    public = public_from_private(key_type, private)
    key = derive_key_file_key(passphrase, salt, iterations)
    sealed = gcm_encrypt(key, nonce, pkcs8, _aad(key_type, iterations, salt, public))
    document = {
        "format": FORMAT,
        "version": VERSION,
        "suite": "td2v1",
        "key_type": key_type,
        "public": b64u_encode(public),
        "kdf": "pbkdf2-sha256",
        "iterations": iterations,
        "salt": b64u_encode(salt),
        "nonce": b64u_encode(nonce),
        "sealed": b64u_encode(sealed),
    }
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def seal_key_file(pkcs8: bytes, passphrase: str) -> bytes:
    """Seal a PKCS#8 X25519 or Ed25519 private key under ``passphrase``; returns JSON bytes."""
    return seal_key_file_fixed(
        pkcs8, passphrase, secrets.token_bytes(SALT_LENGTH), random_nonce(), KEY_FILE_ITERATIONS
    )


def _field(document: dict[str, object], name: str, kind: type) -> object:
    value = document.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise Td2FormatError(f"key file field {name!r} is missing or not a {kind.__name__}")
    return value


def open_key_file(data: bytes, passphrase: str) -> bytes:
    """Open a key file; returns the PKCS#8 DER private key.

    Raises :class:`Td2FormatError` for a malformed file or too few
    iterations, :class:`Td2DecryptError` for a wrong passphrase or any
    altered field, :class:`Td2KeyError` if the key does not match ``public``.
    """
    try:
        document = json.loads(require_bytes("key file", data).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Td2FormatError("key file is not UTF-8 JSON") from None
    if not isinstance(document, dict):
        raise Td2FormatError("key file is not a JSON object")
    expected = {"format": FORMAT, "version": VERSION, "suite": "td2v1", "kdf": "pbkdf2-sha256"}
    for name, value in expected.items():
        if document.get(name) != value:
            raise Td2FormatError(f"key file field {name!r} must be {value!r}")
    key_type = _field(document, "key_type", str)
    if key_type not in KEY_TYPE_CODES:
        raise Td2FormatError(f"unknown key type {key_type!r}")
    iterations = int(str(_field(document, "iterations", int)))
    if iterations < KEY_FILE_ITERATIONS:
        raise Td2FormatError(f"key file uses {iterations} iterations, fewer than 600,000")
    if iterations > MAX_ITERATIONS:
        raise Td2FormatError("key file iteration count is implausibly large")
    try:
        salt = require_bytes("salt", b64u_decode(str(_field(document, "salt", str))), SALT_LENGTH)
        nonce = b64u_decode(str(_field(document, "nonce", str)))
        require_bytes("nonce", nonce, NONCE_LENGTH)
        public = require_bytes("public", b64u_decode(str(_field(document, "public", str))), 32)
        sealed = b64u_decode(str(_field(document, "sealed", str)))
    except Td2FormatError as exc:
        raise Td2FormatError(f"key file field is malformed: {exc}") from None
    key = derive_key_file_key(passphrase, salt, iterations)
    try:
        pkcs8 = gcm_decrypt(key, nonce, sealed, _aad(str(key_type), iterations, salt, public))
    except Td2DecryptError:
        raise Td2DecryptError("wrong passphrase, or the key file was altered") from None
    real_type, private = pkcs8_to_private(pkcs8)
    if real_type != key_type or public_from_private(real_type, private) != public:
        raise Td2KeyError("sealed key does not match the file's key type and public key")
    return pkcs8
