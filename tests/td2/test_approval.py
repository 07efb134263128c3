"""Summary approvals (docs/protocol.md "Summary approvals"): the published vectors in Python,
and every input the statements bind. The browser's half checks the same vectors
(tests/js/td2.test.js through tests/js/td2-checker.js)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from facilitator import td2
from facilitator.td2.checker import check_vectors

VECTOR_FILE = Path(__file__).resolve().parents[1] / "vectors" / "td2v1.json"
b64d = td2.b64u_decode


@pytest.fixture(scope="module")
def entries() -> list[dict[str, Any]]:
    data = json.loads(VECTOR_FILE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = data["summary_approval"]
    return found


def test_vectors_pin_the_layout(entries: list[dict[str, Any]]) -> None:
    assert len(entries) >= 3
    for e in entries:
        dialogue, content = b64d(e["dialogue_id"]), bytes.fromhex(e["content_sha256"])
        public, digest = b64d(e["approval_public"]), b64d(e["side_sha256"])
        assert digest == hashlib.sha256(e["side"].encode("utf-8")).digest()
        assert b64d(e["approval_statement"]) == b"td2/v1/summary-approval" + dialogue + content
        assert b64d(e["statement"]) == b"td2/v1/approver" + dialogue + content + public + digest
        assert len(b64d(e["approval_statement"])) == 71 and len(b64d(e["statement"])) == 127
        assert td2.sign_approval(b64d(e["approval_private"]), dialogue, content) == b64d(
            e["signature"]
        )
        td2.verify_approval(public, dialogue, content, b64d(e["signature"]))
        td2.verify_approver(
            b64d(e["signer_public"]), dialogue, content, public, digest, b64d(e["certificate"])
        )
    # Sides in other scripts are hashed as written: no normalisation.
    sides = [e["side"] for e in entries]
    assert any("\u200c" in s for s in sides) and any("\u0301" in s for s in sides)


def test_side_digest_is_of_the_exact_utf8_bytes() -> None:
    assert td2.side_digest("Upper Vell") == hashlib.sha256(b"Upper Vell").digest()
    assert td2.side_digest("Cafe\u0301") != td2.side_digest("Caf\u00e9")
    with pytest.raises(td2.Td2FormatError):
        td2.side_digest("\ud800")
    with pytest.raises(td2.Td2FormatError):
        td2.side_digest(b"bytes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "field", ["approval_public", "dialogue_id", "content_sha256", "side_sha256", "signer_public"]
)
def test_each_bound_input_changes_the_verdict(entries: list[dict[str, Any]], field: str) -> None:
    e = entries[0]
    values = {
        "approval_public": b64d(e["approval_public"]),
        "dialogue_id": b64d(e["dialogue_id"]),
        "content_sha256": bytes.fromhex(e["content_sha256"]),
        "side_sha256": b64d(e["side_sha256"]),
        "signer_public": b64d(e["signer_public"]),
    }
    if field in ("approval_public", "signer_public"):
        values[field] = td2.ed25519_public_from_private(td2.generate_steward_keypair()[0])
    else:
        changed = bytearray(values[field])
        changed[-1] ^= 1
        values[field] = bytes(changed)
    dialogue, content = values["dialogue_id"], values["content_sha256"]
    approval_holds = field not in ("approval_public", "dialogue_id", "content_sha256")
    try:
        td2.verify_approval(values["approval_public"], dialogue, content, b64d(e["signature"]))
        assert approval_holds, field
    except td2.Td2SignatureError:
        assert not approval_holds, field
    with pytest.raises(td2.Td2SignatureError):
        td2.verify_approver(
            values["signer_public"],
            dialogue,
            content,
            values["approval_public"],
            values["side_sha256"],
            b64d(e["certificate"]),
        )


def test_an_approval_is_not_a_certificate_and_lengths_are_checked(
    entries: list[dict[str, Any]],
) -> None:
    e = entries[1]
    private, public = b64d(e["approval_private"]), b64d(e["approval_public"])
    dialogue, content = b64d(e["dialogue_id"]), bytes.fromhex(e["content_sha256"])
    digest = b64d(e["side_sha256"])
    # The approver's own key, over the approval statement, does not certify anything.
    with pytest.raises(td2.Td2SignatureError):
        td2.verify_approver(public, dialogue, content, public, digest, b64d(e["signature"]))
    assert td2.sign_approver(private, dialogue, content, public, digest) != b64d(e["signature"])
    for bad in (
        lambda: td2.approval_statement(dialogue[:15], content),
        lambda: td2.approval_statement(dialogue, content.hex().encode()),
        lambda: td2.approver_statement(dialogue, content, public[:31], digest),
        lambda: td2.approver_statement(dialogue, content, public, digest + b"\0"),
    ):
        with pytest.raises(td2.Td2FormatError):
            bad()


def test_the_checker_catches_an_altered_entry(entries: list[dict[str, Any]]) -> None:
    data = json.loads(VECTOR_FILE.read_text(encoding="utf-8"))
    for field, value in (
        ("side", "Lower Vell"),
        ("content_sha256", "00" * 32),
        ("content_sha256", entries[0]["content_sha256"].upper()),
        ("certificate", entries[1]["certificate"]),
    ):
        altered = copy.deepcopy(data)
        altered["summary_approval"][0][field] = value
        report = check_vectors(altered)
        assert not report.ok and report.failure is not None
        assert report.failure.startswith("summary_approval[0]: "), (field, report.failure)
