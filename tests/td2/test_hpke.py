"""Epoch-secret wraps: RFC 9180 conformance, round trips and rejections."""

from typing import NamedTuple

import pytest
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import x25519

from facilitator import td2
from facilitator.td2.hpke_fixed import derive_keypair, seal_fixed
from facilitator.td2.negative import LOW_ORDER_POINTS

h = bytes.fromhex
RFC_INFO = h("4f6465206f6e2061204772656369616e2055726e")  # "Ode on a Grecian Urn"
RFC_PT = h("4265617574792069732074727574682c20747275746820626561757479")
RFC_AAD = h("436f756e742d30")  # "Count-0"


def test_fixed_path_matches_rfc9180_a_1_1() -> None:
    """RFC 9180 A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode."""
    sk_e, pk_e = derive_keypair(
        h("7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234")
    )
    assert sk_e == h("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736")
    _, pk_r = derive_keypair(h("6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037"))
    assert pk_r == h("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d")
    out = seal_fixed(pk_r, RFC_INFO, RFC_PT, sk_e, aad=RFC_AAD, key_length=16)
    assert out[:32] == pk_e
    assert out[32:] == h(
        "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a"
    )


def test_fixed_path_matches_published_aes_256_gcm_vector() -> None:
    """BoringSSL's vector for the same suite with AES-256-GCM (aead_id 2)."""
    out = seal_fixed(
        h("ac66bae9ffa270cf4a89ed9f274e30c0456babae2572aaaf002ff0d8884ab018"),
        RFC_INFO,
        RFC_PT,
        h("28e212563a8b6f068af7ff17400ff1baf23612b7a738bbaf5dfb321b2b5b431a"),
        aad=RFC_AAD,
    )
    assert out[32:] == h(
        "23ded2d5d90ea89d975dac4792b297240f194952d7421aacbff0474100052b6bb8aa58d18ef6c42b6960e2e28f"
    )


@pytest.mark.parametrize(("aead", "key_length"), [("AES_128_GCM", 16), ("AES_256_GCM", 32)])
def test_library_opens_the_fixed_path_output(aead: str, key_length: int) -> None:
    """The library's single-shot HPKE is base mode with empty AAD and enc || ct || tag."""
    sk_r, pk_r = td2.generate_member_keypair()
    sk_e, _ = td2.generate_member_keypair()
    suite = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, getattr(hpke.AEAD, aead))
    sealed = seal_fixed(pk_r, b"info", b"k" * 32, sk_e, key_length=key_length)
    private = x25519.X25519PrivateKey.from_private_bytes(sk_r)
    assert suite.decrypt(sealed, private, info=b"info") == b"k" * 32


def test_fixed_path_opens_what_the_library_seals() -> None:
    """Same check the other way: the unwrap path opens library-made wraps byte for byte."""
    sk_r, pk_r = td2.generate_member_keypair()
    args = (td2.random_id(), 9, td2.random_id(), td2.random_secret())
    secret = td2.random_secret()
    wrap = td2.wrap_epoch_secret(pk_r, *args, secret)
    assert len(wrap) == td2.WRAP_LENGTH == 80
    assert td2.unwrap_epoch_secret(sk_r, *args, wrap) == secret


class WrapCase(NamedTuple):
    private: bytes
    args: tuple[bytes, int, bytes, bytes]  # dialogue_id, epoch, member_handle, record_hash
    secret: bytes
    wrap: bytes


@pytest.fixture
def wrap_case() -> WrapCase:
    private, public = td2.generate_member_keypair()
    args = (td2.random_id(), 4, td2.random_id(), td2.random_secret())
    secret = td2.random_secret()
    return WrapCase(private, args, secret, td2.wrap_epoch_secret(public, *args, secret))


def test_wraps_are_fresh_each_time(wrap_case: WrapCase) -> None:
    _, public = td2.generate_member_keypair()
    a = td2.wrap_epoch_secret(public, *wrap_case.args, wrap_case.secret)
    b = td2.wrap_epoch_secret(public, *wrap_case.args, wrap_case.secret)
    assert a[:32] != b[:32] and a[32:] != b[32:]


def test_wrong_recipient_cannot_unwrap(wrap_case: WrapCase) -> None:
    other, _ = td2.generate_member_keypair()
    with pytest.raises(td2.Td2DecryptError):
        td2.unwrap_epoch_secret(other, *wrap_case.args, wrap_case.wrap)


@pytest.mark.parametrize("position", [0, 1, 2, 3])
def test_wrap_info_binds_every_field(wrap_case: WrapCase, position: int) -> None:
    dialogue_id, epoch, handle, record_hash = wrap_case.args
    changed = [
        (td2.random_id(), epoch, handle, record_hash),
        (dialogue_id, epoch + 1, handle, record_hash),
        (dialogue_id, epoch, td2.random_id(), record_hash),
        (dialogue_id, epoch, handle, td2.random_secret()),
    ][position]
    with pytest.raises(td2.Td2DecryptError):
        td2.unwrap_epoch_secret(wrap_case.private, *changed, wrap_case.wrap)


@pytest.mark.parametrize("index", [0, 31, 32, 63, 64, 79])
def test_tampered_wrap_is_rejected(wrap_case: WrapCase, index: int) -> None:
    wrap = bytearray(wrap_case.wrap)
    wrap[index] ^= 0x04
    with pytest.raises(td2.Td2Error):
        td2.unwrap_epoch_secret(wrap_case.private, *wrap_case.args, bytes(wrap))


def test_wrap_info_layout() -> None:
    d, m, r = td2.random_id(), td2.random_id(), td2.random_secret()
    info = td2.wrap_info(d, 258, m, r)
    assert info == b"td2/v1/wrap" + d + b"\x00\x00\x01\x02" + m + r
    assert len(info) == 11 + 16 + 4 + 16 + 32


@pytest.mark.parametrize("point", list(LOW_ORDER_POINTS.values()))
def test_wrapping_to_a_low_order_key_is_refused(point: bytes) -> None:
    with pytest.raises(td2.Td2KeyError):
        td2.wrap_epoch_secret(point, td2.random_id(), 1, td2.random_id(), bytes(32), bytes(32))


@pytest.mark.parametrize("point", list(LOW_ORDER_POINTS.values()))
def test_unwrapping_a_low_order_enc_is_refused(wrap_case: WrapCase, point: bytes) -> None:
    forged = point + wrap_case.wrap[32:]
    with pytest.raises(td2.Td2KeyError):
        td2.unwrap_epoch_secret(wrap_case.private, *wrap_case.args, forged)


def test_wrap_rejects_bad_lengths() -> None:
    _, public = td2.generate_member_keypair()
    with pytest.raises(td2.Td2FormatError):
        td2.wrap_epoch_secret(public, td2.random_id(), 1, td2.random_id(), bytes(32), bytes(16))
    with pytest.raises(td2.Td2FormatError):
        td2.wrap_epoch_secret(
            public[:31], td2.random_id(), 1, td2.random_id(), bytes(32), bytes(32)
        )
