"""The published vector file: it is current, it checks, and the checker catches corruption."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from facilitator import td2
from facilitator.td2.checker import EXTENSION_SECTIONS, SECTIONS, check_vectors
from facilitator.td2.cli import td2 as td2_group
from facilitator.td2.content import open_blob
from facilitator.td2.vectors import vectors_json
from facilitator.td2.wrap import open_wrap

VECTOR_FILE = Path(__file__).resolve().parents[1] / "vectors" / "td2v1.json"


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VECTOR_FILE.read_text(encoding="utf-8"))
    return data


def test_committed_file_equals_a_fresh_generation() -> None:
    assert VECTOR_FILE.read_text(encoding="utf-8") == vectors_json()
    assert vectors_json() == vectors_json()


def test_every_vector_checks(vectors: dict[str, Any]) -> None:
    report = check_vectors(vectors)
    assert report.ok, report.failure
    assert set(report.counts) == set(SECTIONS) | set(EXTENSION_SECTIONS)
    assert all(count >= 3 for count in report.counts.values()), report.counts


@pytest.mark.parametrize("index", range(len(json.loads(VECTOR_FILE.read_bytes())["negative"])))
def test_every_negative_vector_fails_to_open(vectors: dict[str, Any], index: int) -> None:
    entry = vectors["negative"][index]
    opener = open_wrap if entry.get("primitive") == "wrap" else open_blob
    key, aad, blob = (td2.b64u_decode(entry[n]) for n in ("key", "aad", "blob"))
    with pytest.raises(td2.Td2Error):
        opener(key, aad, blob)


def test_negative_vectors_cover_the_brief(vectors: dict[str, Any]) -> None:
    whats = " | ".join(e["what"] for e in vectors["negative"])
    for needle in (
        "kind",
        "dialogue_id",
        "channel_id",
        "epoch altered",
        "message_id",
        "author_handle",
        "wrong epoch",
        "wrong record hash",
        "non-zero padding",
        "length field too large",
        "truncated blob",
        "flipped in the nonce",
        "flipped in the ciphertext",
        "flipped in the tag",
        "wrong key",
        "all-zero public key",
    ):
        assert needle in whats, needle


def test_seal_vectors_cover_padding_boundaries_and_scripts(vectors: dict[str, Any]) -> None:
    plaintexts = [td2.b64u_decode(e["plaintext"]) for e in vectors["seal"]]
    lengths = {len(p) for p in plaintexts}
    assert {0, 252, 253} <= lengths and max(lengths) > 512
    text = b"".join(plaintexts).decode("utf-8")
    assert "مرحبا" in text and "گفت‌وگو" in text and "🕊" in text


def _mutate(data: dict[str, Any], section: str, index: int, name: str) -> None:
    entry = data[section][index]
    value = entry[name]
    if isinstance(value, int):
        entry[name] = value + 1 if value < 2**32 - 1 else value - 1
    elif name in ("fingerprint", "passphrase", "label", "kind", "name", "channel"):
        entry[name] = {"label": "note", "kind": "note"}.get(name, value[::-1])
    else:
        raw = bytearray(td2.b64u_decode(value))
        raw[len(raw) // 2] ^= 0x01
        entry[name] = td2.b64u_encode(bytes(raw))


MUTATIONS = [
    ("subkeys", 0, "key"),
    ("subkeys", 1, "record_hash"),
    ("subkeys", 2, "label"),
    ("subkeys", 3, "epoch"),
    ("aad", 0, "channel_id"),
    ("aad", 2, "kind"),
    ("seal", 3, "blob"),
    ("seal", 0, "nonce"),
    ("seal", 2, "plaintext"),
    ("wrap", 1, "wrap"),
    ("wrap", 0, "epoch_secret"),
    ("wrap", 2, "recipient_public"),
    ("roster", 1, "roster_hash"),
    ("epoch_record", 1, "signature"),
    ("epoch_record", 2, "unix_ms"),
    ("epoch_record", 0, "record_hash"),
    ("fingerprint", 0, "fingerprint"),
    ("invite", 0, "proof"),
    ("invite", 1, "secret_hash"),
    ("key_file", 0, "key"),
    ("key_file", 1, "passphrase"),
    ("team_subkeys", 0, "key"),
    ("team_subkeys", 2, "epoch"),
    ("team_wrap", 1, "wrap"),
    ("team_wrap", 0, "team_secret"),
    ("channel", 0, "name"),
    ("channel", 1, "channel_id"),
    ("channel", 4, "dialogue_id"),
    ("envelope", 0, "secret"),
    ("envelope", 1, "channel"),
    ("envelope", 2, "nonce"),
    ("envelope", 3, "record_hash"),
    ("envelope", 4, "plaintext"),
]


@pytest.mark.parametrize(("section", "index", "name"), MUTATIONS)
def test_checker_catches_a_corrupted_field(
    vectors: dict[str, Any], section: str, index: int, name: str
) -> None:
    data = copy.deepcopy(vectors)
    _mutate(data, section, index, name)
    report = check_vectors(data)
    assert not report.ok
    assert report.failure is not None and report.failure.startswith(f"{section}[{index}]")


@pytest.mark.parametrize("name", ["kind", "channel_id", "message_id", "epoch", "author_handle"])
def test_checker_catches_an_envelope_field_changed_after_sealing(
    vectors: dict[str, Any], name: str
) -> None:
    data = copy.deepcopy(vectors)
    envelope = data["envelope"][1]["envelope"]
    envelope[name] = {"kind": "note", "epoch": envelope["epoch"] + 1}.get(
        name, data["envelope"][0]["envelope"][name]
    )
    report = check_vectors(data)
    assert report.failure is not None and report.failure.startswith("envelope[1]")


def test_channel_ids_are_the_well_known_formula(vectors: dict[str, Any]) -> None:
    for entry in vectors["channel"]:
        dialogue = td2.b64u_decode(entry["dialogue_id"])
        prefix = f"td2/v1/channel/{entry['name']}/".encode()
        expected = hashlib.sha256(prefix + dialogue).digest()[:16]
        assert td2.channel_id(entry["name"], dialogue) == expected
        assert td2.b64u_encode(expected) == entry["channel_id"]


def test_checker_catches_a_negative_vector_that_opens(vectors: dict[str, Any]) -> None:
    data = copy.deepcopy(vectors)
    good = data["seal"][1]
    data["negative"].append(
        {"what": "not negative", "key": good["key"], "aad": good["aad"], "blob": good["blob"]}
    )
    report = check_vectors(data)
    assert report.failure is not None and "opened, but must fail" in report.failure


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(suite="td2v2"),
        lambda d: d.pop("roster"),
        lambda d: d["invite"][0].pop("proof"),
        lambda d: d["seal"][0].update(blob="a=="),
        lambda d: d["roster"][0]["members"][0].update(role="guest"),
        lambda d: d["negative"][0].update(primitive="rsa"),
        lambda d: d.update(team_wrap={}),
        lambda d: d["team_subkeys"][0].pop("team_secret"),
        lambda d: d["envelope"][0]["envelope"].pop("blob"),
        lambda d: d["envelope"][1].update(key_name="team"),
        lambda d: d["envelope"][2]["envelope"].update(epoch=True),
    ],
)
def test_checker_reports_malformed_files(vectors: dict[str, Any], change: Any) -> None:
    data = copy.deepcopy(vectors)
    change(data)
    assert not check_vectors(data).ok
    assert not check_vectors([data]).ok


def test_cli_accepts_the_good_file() -> None:
    result = CliRunner().invoke(td2_group, ["check-vectors", str(VECTOR_FILE)])
    assert result.exit_code == 0, result.output
    assert "negative: 37 ok" in result.output and "OK " in result.output


def test_cli_rejects_a_corrupted_file(tmp_path: Path, vectors: dict[str, Any]) -> None:
    data = copy.deepcopy(vectors)
    _mutate(data, "wrap", 3, "wrap")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(td2_group, ["check-vectors", str(bad)])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "wrap[3]" in result.output


def test_cli_rejects_a_file_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff{")
    result = CliRunner().invoke(td2_group, ["check-vectors", str(bad)])
    assert result.exit_code == 1 and "FAIL" in result.output


def test_cli_generates_the_same_file(tmp_path: Path) -> None:
    out = tmp_path / "v.json"
    result = CliRunner().invoke(td2_group, ["gen-vectors", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == VECTOR_FILE.read_bytes()
    printed = CliRunner().invoke(td2_group, ["gen-vectors"])
    assert printed.output == VECTOR_FILE.read_text(encoding="utf-8")
