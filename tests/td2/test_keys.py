"""Fingerprints, invitations, key conversion and passphrase-sealed key files."""

import base64
import hashlib
import json
import re
from collections.abc import Callable

import pytest

from facilitator import td2

X25519_PKCS8_PREFIX = bytes.fromhex("302e020100300506032b656e04220420")
ED25519_PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")


def test_fingerprint_format_and_definition() -> None:
    public = td2.generate_member_keypair()[1]
    fp = td2.fingerprint(public)
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", fp)
    digest = hashlib.sha256(b"td2/v1/fp" + public).digest()[:10]
    assert fp.replace("-", "") == base64.b32encode(digest).decode()
    assert td2.fingerprint(bytes(range(32))) != td2.fingerprint(bytes(range(1, 33)))
    with pytest.raises(td2.Td2FormatError):
        td2.fingerprint(public[:31])


def test_invite_hash_and_proof() -> None:
    secret = td2.random_id()
    public = td2.generate_member_keypair()[1]
    assert td2.invite_secret_hash(secret) == hashlib.sha256(b"td2/v1/invite" + secret).digest()
    proof = td2.join_proof(secret, public)
    assert len(proof) == 32
    assert td2.verify_join_proof(secret, public, proof)
    assert not td2.verify_join_proof(td2.random_id(), public, proof)
    assert not td2.verify_join_proof(secret, td2.generate_member_keypair()[1], proof)
    assert not td2.verify_join_proof(secret, public, proof[:-1] + bytes([proof[-1] ^ 1]))
    assert not td2.verify_join_proof(secret, public, proof[:16])
    with pytest.raises(td2.Td2FormatError):
        td2.join_proof(secret[:15], public)


@pytest.mark.parametrize(
    ("key_type", "generate", "public_of", "prefix"),
    [
        (
            "x25519",
            td2.generate_member_keypair,
            td2.x25519_public_from_private,
            X25519_PKCS8_PREFIX,
        ),
        (
            "ed25519",
            td2.generate_steward_keypair,
            td2.ed25519_public_from_private,
            ED25519_PKCS8_PREFIX,
        ),
    ],
)
def test_keypairs_and_pkcs8(
    key_type: str,
    generate: Callable[[], tuple[bytes, bytes]],
    public_of: Callable[[bytes], bytes],
    prefix: bytes,
) -> None:
    private, public = generate()
    assert len(private) == len(public) == 32
    assert public_of(private) == public
    der = td2.private_to_pkcs8(private, key_type)
    assert der == prefix + private  # the form WebCrypto imports
    assert td2.pkcs8_to_private(der) == (key_type, private)


def test_bad_keys_are_typed_errors() -> None:
    with pytest.raises(td2.Td2KeyError):
        td2.pkcs8_to_private(b"\x30\x00")
    with pytest.raises(td2.Td2KeyError):
        td2.private_to_pkcs8(bytes(32), "rsa")
    with pytest.raises(td2.Td2FormatError):
        td2.x25519_public_from_private(bytes(31))


def test_passphrases_are_typable_and_carry_120_bits() -> None:
    phrases = {td2.generate_passphrase() for _ in range(50)}
    assert len(phrases) == 50
    for phrase in phrases:
        assert re.fullmatch(r"[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){5}", phrase)


def test_key_file_key_is_pbkdf2_of_nfc_passphrase() -> None:
    salt = bytes(range(16))
    composed = td2.derive_key_file_key("caf\u00e9", salt, 1000)
    assert composed == td2.derive_key_file_key("cafe\u0301", salt, 1000)
    assert composed == hashlib.pbkdf2_hmac("sha256", "caf\u00e9".encode(), salt, 1000)
    assert composed != td2.derive_key_file_key("cafe", salt, 1000)


@pytest.fixture(scope="module")
def sealed() -> tuple[bytes, str, bytes]:
    private, _ = td2.generate_member_keypair()
    der = td2.private_to_pkcs8(private, "x25519")
    passphrase = td2.generate_passphrase()
    return der, passphrase, td2.seal_key_file(der, passphrase)


def test_key_file_round_trip_and_format(sealed: tuple[bytes, str, bytes]) -> None:
    der, passphrase, data = sealed
    document = json.loads(data)
    assert document["format"] == "td2-key-file" and document["version"] == 1
    assert document["key_type"] == "x25519" and document["kdf"] == "pbkdf2-sha256"
    assert document["iterations"] == td2.KEY_FILE_ITERATIONS == 600_000
    assert len(td2.b64u_decode(document["salt"])) == 16
    assert len(td2.b64u_decode(document["nonce"])) == 12
    assert td2.b64u_decode(document["public"]) == td2.x25519_public_from_private(der[16:])
    assert td2.open_key_file(data, passphrase) == der


def test_key_file_wrong_passphrase(sealed: tuple[bytes, str, bytes]) -> None:
    _, passphrase, data = sealed
    with pytest.raises(td2.Td2DecryptError):
        td2.open_key_file(data, passphrase.upper())


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("public", td2.b64u_encode(bytes(range(32))), td2.Td2DecryptError),
        ("salt", td2.b64u_encode(bytes(16)), td2.Td2DecryptError),
        ("key_type", "ed25519", td2.Td2DecryptError),
        ("iterations", 700_000, td2.Td2DecryptError),
        ("iterations", 599_999, td2.Td2FormatError),
        ("iterations", "600000", td2.Td2FormatError),
        ("kdf", "argon2id", td2.Td2FormatError),
        ("version", 2, td2.Td2FormatError),
        ("nonce", "AAAA", td2.Td2FormatError),
        ("sealed", "not base64!", td2.Td2FormatError),
        ("key_type", "rsa", td2.Td2FormatError),
    ],
)
def test_altered_key_files_do_not_open(
    sealed: tuple[bytes, str, bytes], name: str, value: object, error: type
) -> None:
    _, passphrase, data = sealed
    document = json.loads(data)
    document[name] = value
    with pytest.raises(error):
        td2.open_key_file(json.dumps(document).encode(), passphrase)


def test_key_file_garbage_is_a_format_error() -> None:
    for data in (b"\xff", b"[1]", b"{"):
        with pytest.raises(td2.Td2FormatError):
            td2.open_key_file(data, "x")


def test_ed25519_key_file_round_trip() -> None:
    private, _ = td2.generate_steward_keypair()
    der = td2.private_to_pkcs8(private, "ed25519")
    data = td2.seal_key_file(der, "كلمة سر")
    assert td2.open_key_file(data, "كلمة سر") == der
    assert json.loads(data)["key_type"] == "ed25519"
