"""base64url, integers and ids."""

import pytest

from facilitator import td2


@pytest.mark.parametrize("data", [b"", b"\x00", b"\xff\xfe", b"abc", bytes(range(256))])
def test_b64u_round_trip_without_padding(data: bytes) -> None:
    text = td2.b64u_encode(data)
    assert "=" not in text and "+" not in text and "/" not in text
    assert td2.b64u_decode(text) == data


def test_b64u_uses_url_alphabet() -> None:
    assert td2.b64u_encode(b"\xfb\xff") == "-_8"


@pytest.mark.parametrize(
    "text",
    [
        "AA==",  # padding
        "AA=",
        "+/8",  # standard alphabet
        "AB",  # non-zero trailing bits: not the canonical encoding of b"\x00"
        "AAB",
        "A",  # impossible length
        "AAAAA",
        "AA AA",
        "AA\n",
        "ÄA",
    ],
)
def test_b64u_decode_is_strict(text: str) -> None:
    with pytest.raises(td2.Td2FormatError):
        td2.b64u_decode(text)


def test_b64u_decode_rejects_non_strings() -> None:
    with pytest.raises(td2.Td2FormatError):
        td2.b64u_decode(b"AA")  # type: ignore[arg-type]


def test_integers_are_big_endian_and_range_checked() -> None:
    assert td2.u32(1) == b"\x00\x00\x00\x01"
    assert td2.u32(2**32 - 1) == b"\xff" * 4
    assert td2.u64(2**40 + 2) == bytes([0, 0, 1, 0, 0, 0, 0, 2])
    for bad in (-1, 2**32):
        with pytest.raises(td2.Td2FormatError):
            td2.u32(bad)
    with pytest.raises(td2.Td2FormatError):
        td2.u64(2**64)
    with pytest.raises(td2.Td2FormatError):
        td2.u32(True)


def test_random_ids_are_16_fresh_bytes() -> None:
    ids = {td2.random_id() for _ in range(64)}
    assert len(ids) == 64
    assert all(len(i) == 16 for i in ids)
    assert len(td2.random_secret()) == 32
