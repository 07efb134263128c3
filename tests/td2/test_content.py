"""Subkeys, AAD, framing and sealed content: round trips and every tampering."""

import json

import pytest

from facilitator import td2
from tests.td2.conftest import Context

PLAINTEXTS = [
    b"",
    b"x",
    "مرحبا 🕊️ سلام".encode(),
    b"a" * 252,
    b"b" * 253,
    b"c" * 1000,
    bytes(range(256)) * 5,
]


def test_subkeys_differ_by_label_epoch_record_and_dialogue(ctx: Context) -> None:
    keys = {ctx.but(kind=kind).key() for kind in td2.LABELS}
    keys.add(ctx.but(epoch=ctx.epoch + 1).key())
    keys.add(ctx.but(record_hash=td2.random_secret()).key())
    keys.add(ctx.but(dialogue_id=td2.random_id()).key())
    keys.add(ctx.but(epoch_secret=td2.random_secret()).key())
    assert len(keys) == 7
    assert all(len(k) == 32 for k in keys)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((bytes(31), bytes(16), 0, bytes(32), "msg"), td2.Td2FormatError),
        ((bytes(32), bytes(15), 0, bytes(32), "msg"), td2.Td2FormatError),
        ((bytes(32), bytes(16), 0, bytes(33), "msg"), td2.Td2FormatError),
        ((bytes(32), bytes(16), -1, bytes(32), "msg"), td2.Td2FormatError),
        ((bytes(32), bytes(16), 0, bytes(32), "chat"), td2.Td2FormatError),
    ],
)
def test_subkey_inputs_are_validated(args: tuple[object, ...], error: type) -> None:
    with pytest.raises(error):
        td2.derive_subkey(*args)  # type: ignore[arg-type]


def test_aad_layout_and_parse(ctx: Context) -> None:
    aad = ctx.but(kind="note", author_handle=bytes(16)).aad()
    assert len(aad) == td2.AAD_LENGTH == 74
    assert aad[:5] == b"td2v1" and aad[5] == 2
    assert aad[6:22] == ctx.dialogue_id and aad[22:38] == ctx.channel_id
    assert aad[38:42] == td2.u32(ctx.epoch) and aad[42:58] == ctx.message_id
    assert aad[58:] == bytes(16)
    fields = td2.parse_aad(aad)
    assert (fields.kind, fields.epoch, fields.author_handle) == ("note", ctx.epoch, bytes(16))


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "chat"},
        {"dialogue_id": bytes(15)},
        {"channel_id": bytes(17)},
        {"epoch": 2**32},
        {"message_id": b""},
        {"author_handle": "handle"},
    ],
)
def test_aad_fields_are_validated(ctx: Context, bad: dict[str, object]) -> None:
    with pytest.raises(td2.Td2FormatError):
        ctx.but(**bad).aad()


def test_parse_aad_rejects_bad_prefix_kind_and_length(ctx: Context) -> None:
    aad = ctx.aad()
    for bad in (b"td2v2" + aad[5:], aad[:5] + b"\x06" + aad[6:], aad[:-1], aad + b"\x00"):
        with pytest.raises(td2.Td2FormatError):
            td2.parse_aad(bad)


@pytest.mark.parametrize(("length", "size"), [(0, 256), (252, 256), (253, 512), (508, 512)])
def test_framing_sizes(length: int, size: int) -> None:
    framed = td2.frame_plaintext(b"z" * length)
    assert len(framed) == size
    assert framed[:4] == td2.u32(length)
    assert td2.unframe_plaintext(framed) == b"z" * length


@pytest.mark.parametrize(
    "padded",
    [
        b"",
        td2.u32(3) + b"abc" + bytes(248),  # 255 bytes: not a multiple of 256
        td2.u32(3) + b"abc" + bytes(248) + b"\x01",  # non-zero padding
        td2.u32(253) + bytes(252),  # length larger than fits
        td2.u32(2**32 - 1) + bytes(252),
        td2.u32(3) + b"abc" + bytes(249 + 256),  # an extra block: wrong total size
    ],
)
def test_unframing_is_strict(padded: bytes) -> None:
    with pytest.raises(td2.Td2FormatError):
        td2.unframe_plaintext(padded)


@pytest.mark.parametrize("plaintext", PLAINTEXTS)
def test_seal_open_round_trip(ctx: Context, plaintext: bytes) -> None:
    blob = td2.seal_blob(ctx.key(), ctx.aad(), plaintext)
    assert (len(blob) - 28) % 256 == 0
    assert td2.open_blob(ctx.key(), ctx.aad(), blob) == plaintext


def test_seal_uses_a_fresh_nonce_each_time(ctx: Context) -> None:
    blobs = [td2.seal_blob(ctx.key(), ctx.aad(), b"same") for _ in range(8)]
    assert len({b[:12] for b in blobs}) == 8


@pytest.mark.parametrize(
    "field",
    ["kind", "dialogue_id", "channel_id", "epoch", "message_id", "author_handle"],
)
def test_every_aad_field_is_bound(ctx: Context, field: str) -> None:
    blob = td2.seal_blob(ctx.key(), ctx.aad(), b'{"text":"hi"}')
    changed: dict[str, object] = {
        "kind": "note",
        "dialogue_id": td2.random_id(),
        "channel_id": td2.random_id(),
        "epoch": ctx.epoch + 1,
        "message_id": td2.random_id(),
        "author_handle": bytes(16),
    }
    with pytest.raises(td2.Td2DecryptError):
        td2.open_blob(ctx.key(), ctx.but(**{field: changed[field]}).aad(), blob)


@pytest.mark.parametrize(
    "change",
    [
        {"epoch": 4},
        {"record_hash": bytes(32)},
        {"kind": "note"},
        {"epoch_secret": bytes(32)},
        {"dialogue_id": bytes(16)},
    ],
)
def test_key_from_another_epoch_record_or_label_does_not_open(
    ctx: Context, change: dict[str, object]
) -> None:
    blob = td2.seal_blob(ctx.key(), ctx.aad(), b"secret")
    with pytest.raises(td2.Td2DecryptError):
        td2.open_blob(ctx.but(**change).key(), ctx.aad(), blob)


@pytest.mark.parametrize("index", [0, 11, 12, 100, -17, -16, -1])
def test_any_flipped_bit_is_rejected(ctx: Context, index: int) -> None:
    blob = bytearray(td2.seal_blob(ctx.key(), ctx.aad(), b"secret"))
    blob[index] ^= 0x80
    with pytest.raises(td2.Td2DecryptError):
        td2.open_blob(ctx.key(), ctx.aad(), bytes(blob))


@pytest.mark.parametrize(
    ("cut", "error"),
    [
        ("empty", td2.Td2FormatError),
        ("nonce-and-tag", td2.Td2FormatError),
        ("drop-last", td2.Td2FormatError),
        ("add-one", td2.Td2FormatError),
        ("drop-block", td2.Td2DecryptError),  # plausible size, but the tag no longer matches
    ],
)
def test_truncated_or_extended_blobs_are_rejected(ctx: Context, cut: str, error: type) -> None:
    blob = td2.seal_blob(ctx.key(), ctx.aad(), b"y" * 300)
    bad = {
        "empty": b"",
        "nonce-and-tag": blob[:12] + blob[-16:],
        "drop-last": blob[:-1],
        "add-one": blob + b"\x00",
        "drop-block": blob[:-272] + blob[-16:],
    }[cut]
    with pytest.raises(error):
        td2.open_blob(ctx.key(), ctx.aad(), bad)


def _seal_raw(ctx: Context, padded: bytes) -> bytes:
    from facilitator.td2.aead import gcm_encrypt

    nonce = td2.random_id()[:12]
    return nonce + gcm_encrypt(ctx.key(), nonce, padded, ctx.aad())


@pytest.mark.parametrize(
    "padded",
    [
        td2.u32(2) + b"ok" + bytes(249) + b"\x07",
        td2.u32(300) + b"ok" + bytes(250),
        td2.u32(2) + b"ok" + bytes(250 + 256),
    ],
)
def test_authentic_but_badly_framed_plaintext_is_rejected(ctx: Context, padded: bytes) -> None:
    with pytest.raises(td2.Td2FormatError):
        td2.open_blob(ctx.key(), ctx.aad(), _seal_raw(ctx, padded))


def test_seal_requires_a_74_byte_aad_and_32_byte_key(ctx: Context) -> None:
    with pytest.raises(td2.Td2FormatError):
        td2.seal_blob(ctx.key(), ctx.aad()[:-1], b"x")
    with pytest.raises(td2.Td2FormatError):
        td2.seal_blob(ctx.key()[:16], ctx.aad(), b"x")


def test_json_round_trip_keeps_unicode(ctx: Context) -> None:
    message = {"sender_ctr": 7, "last_seq_seen": 41, "text": "گفت‌وگو 🤝", "tags": []}
    blob = td2.seal_json(ctx.key(), ctx.aad(), message)
    assert td2.open_json(ctx.key(), ctx.aad(), blob) == message
    padded_len = len(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode())
    assert len(blob) == 12 + 16 + (-(-(padded_len + 4) // 256) * 256)


def test_json_rejects_unserialisable_and_non_json(ctx: Context) -> None:
    with pytest.raises(td2.Td2FormatError):
        td2.seal_json(ctx.key(), ctx.aad(), {"x": float("nan")})
    with pytest.raises(td2.Td2FormatError):
        td2.seal_json(ctx.key(), ctx.aad(), {"x": b"bytes"})
    for raw in (b"\xff\xfe", b"{not json", b"NaN"):
        blob = td2.seal_blob(ctx.key(), ctx.aad(), raw)
        with pytest.raises(td2.Td2FormatError):
            td2.open_json(ctx.key(), ctx.aad(), blob)
