"""``facilitator verify-manifest``: a summary's manifest and its approvals checked against the
dialogue's bundle. The dialogue is real (the scenario sealed through the API by the Python
client); the approvals are made as the browser makes them, with fresh Ed25519 approval keys and
the convener's steward key from the client's key ring. Each way a manifest can lie is refused
with its reason."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from facilitator import td2
from facilitator.cli import main
from facilitator.export import anonymise
from facilitator.export.bundle import open_bundle
from facilitator.export.cli import PASSPHRASE_ENV, verify_manifest_command
from facilitator.export.render import Labels, manifest_for
from facilitator.export.summary import build_summary
from tests.dialogues.test_export_cli import SCENARIO, archive_key, seal_scenario

b64e, b64d = td2.b64u_encode, td2.b64u_decode
SIDES = ("Upper Vell", "Lower Vell")  # the scenario's participant sides; "Observer" is not one


@dataclass
class Signed:
    """A dialogue with a summary, its manifest, and the approvals of both sides."""

    dialogue_id: bytes
    bundle: Path
    key: Path
    passphrase: Path
    summary: dict[str, Any]
    manifest: dict[str, Any]
    content: bytes
    convener_steward: bytes
    facilitator_steward: bytes
    tmp: Path

    def approval(
        self, side: str, certifier: bytes | None = None, approver: bytes | None = None
    ) -> dict[str, str]:
        """One approver's signature and a certificate for ``side`` (by the convener unless
        ``certifier`` is another steward private key)."""
        approver_private = approver or td2.generate_steward_keypair()[0]
        approval_public = td2.ed25519_public_from_private(approver_private)
        steward = certifier or self.convener_steward
        digest = td2.side_digest(side)
        return {
            "side_sha256": b64e(digest),
            "approval_public": b64e(approval_public),
            "signature": b64e(td2.sign_approval(approver_private, self.dialogue_id, self.content)),
            "certifier": b64e(td2.ed25519_public_from_private(steward)),
            "certificate": b64e(
                td2.sign_approver(steward, self.dialogue_id, self.content, approval_public, digest)
            ),
        }

    def write(
        self,
        approvals: list[dict[str, str]],
        sides: int = 2,
        summary: dict[str, Any] | None = None,
        **manifest: Any,
    ) -> Path:
        """The browser's JSON export, approvals sorted as the browser sorts them."""
        ordered = sorted(approvals, key=lambda a: (a["side_sha256"], a["approval_public"]))
        document = {
            "manifest": {**self.manifest, **manifest, "approvals": ordered, "sides": sides},
            "summary": summary or self.summary,
        }
        path = self.tmp / f"summary-{len(list(self.tmp.glob('summary-*')))}.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2))
        return path

    def both(self) -> list[dict[str, str]]:
        return [self.approval(side) for side in SIDES]

    def run(self, summary: Path, *more: str, env: dict[str, str] | None = None) -> Any:
        args = ["--bundle", str(self.bundle), "--summary", str(summary), *more]
        return CliRunner().invoke(verify_manifest_command, args, env=env)

    def with_key(self) -> tuple[str, ...]:
        return ("--key", str(self.key), "--passphrase-file", str(self.passphrase))


def steward_facilitator(convener: Any, client_for: Any, make_member: Any, d: str) -> bytes:
    """A facilitator seated as a key steward: the chain certifies their key, which may sign
    epochs but does not make them a convener."""
    member = make_member("facilitator", username="oleksandr")
    api = client_for(member)
    api.knock(convener.add_team_seat(d, member.username, "facilitator", steward=True), steward=True)
    convener.approve(d, convener.pending_knocks(d))
    private = api.keyrings[d].ed25519_private
    assert private is not None
    return private


@pytest.fixture
def signed(app, workshop, make_member, client_for, tmp_path) -> Signed:
    convener = workshop.clients["convener"]
    d = workshop.dialogue_id
    facilitator = steward_facilitator(convener, client_for, make_member, d)
    key, passphrase, public = archive_key(tmp_path)
    convener.register_archive_key(d, public)
    seal_scenario(convener, workshop.clients["rapporteur"], d, SCENARIO)
    bundle = convener.call("GET", f"/api/v1/dialogues/{d}/export")
    bundle_file = tmp_path / "bundle.json"
    bundle_file.write_text(json.dumps(bundle))
    private = td2.pkcs8_to_private(td2.open_key_file(key.read_bytes(), passphrase.read_text()))[1]
    opened = open_bundle(bundle, private)
    summary, context = build_summary(opened, ["en"], "The sides agreed to meet again.")
    decisions = [{"id": f["id"], "action": "replace"} for f in anonymise.review(summary, context)]
    clean = anonymise.apply(summary, context, decisions, Labels("en").neutral())
    manifest = manifest_for(clean, d, opened.chain_head, opened.chain_length).as_dict()
    ring = convener.keyrings[d]
    assert ring.ed25519_private is not None
    return Signed(
        dialogue_id=b64d(d),
        bundle=bundle_file,
        key=key,
        passphrase=passphrase,
        summary=clean,
        manifest=manifest,
        content=bytes.fromhex(manifest["content_sha256"]),
        convener_steward=ring.ed25519_private,
        facilitator_steward=facilitator,
        tmp=tmp_path,
    )


def test_both_sides_approved_verifies(signed: Signed) -> None:
    path = signed.write(signed.both())
    result = signed.run(path)
    assert result.exit_code == 0, result.output
    assert f"Content SHA-256 matches the summary: {signed.manifest['content_sha256']}" in (
        result.output
    )
    assert "The bundle's epoch chain verifies" in result.output
    assert "Approval 2 of 2: the approver's signature verifies" in result.output
    assert "2 distinct side(s) approved; the manifest asks for 2." in result.output
    assert "Not checked: which sides" in result.output
    assert "Every check holds." in result.output
    with_key = signed.run(path, *signed.with_key())
    assert with_key.exit_code == 0, with_key.output
    assert "every one of the participants' 2 side(s) has a certified approval" in with_key.output
    assert "Not checked" not in with_key.output
    # The passphrase from the environment, as a script gives it.
    env = {PASSPHRASE_ENV: signed.passphrase.read_text()}
    from_env = signed.run(path, "--key", str(signed.key), env=env)
    assert from_env.exit_code == 0, from_env.output
    # The command is part of the `facilitator` command line.
    assert "verify-manifest" in main.commands


def test_a_changed_summary_text_fails(signed: Signed) -> None:
    changed = json.loads(json.dumps(signed.summary))
    changed["free_text"] = "The sides agreed to meet again, in spring."
    result = signed.run(signed.write(signed.both(), summary=changed))
    assert result.exit_code == 1, result.output
    assert "FAIL  The summary's content does not match the manifest's SHA-256" in result.output
    assert "Every check holds" not in result.output


def test_a_forged_approval_signature_fails(signed: Signed) -> None:
    forged = signed.both()
    signature = bytearray(b64d(forged[0]["signature"]))
    signature[10] ^= 1
    forged[0]["signature"] = b64e(bytes(signature))
    result = signed.run(signed.write(forged))
    assert result.exit_code == 1, result.output
    assert "the approver's signature does not verify for this text" in result.output
    # A signature over another text, by the right key, does not count for this one.
    other = signed.both()
    approver = td2.generate_steward_keypair()[0]
    other[1] = signed.approval(SIDES[1], approver=approver)
    other[1]["signature"] = b64e(td2.sign_approval(approver, signed.dialogue_id, bytes(32)))
    result = signed.run(signed.write(other))
    assert result.exit_code == 1 and "signature does not verify" in result.output


@pytest.mark.parametrize("who", ["facilitator", "random"])
def test_a_certificate_by_a_key_that_is_not_a_conveners_fails(signed: Signed, who: str) -> None:
    key = signed.facilitator_steward if who == "facilitator" else td2.generate_steward_keypair()[0]
    approvals = [signed.approval(SIDES[0]), signed.approval(SIDES[1], certifier=key)]
    result = signed.run(signed.write(approvals))
    assert result.exit_code == 1, result.output
    fingerprint = td2.fingerprint(td2.ed25519_public_from_private(key))
    assert f"its certifier ({fingerprint}) is not the steward key of a convener" in result.output


def test_a_certificate_not_made_by_its_certifier_fails(signed: Signed) -> None:
    approvals = signed.both()
    made_by_other = signed.approval(SIDES[0], certifier=signed.facilitator_steward)
    approvals[0]["certificate"] = made_by_other["certificate"]
    approvals[0]["approval_public"] = made_by_other["approval_public"]
    approvals[0]["signature"] = made_by_other["signature"]
    result = signed.run(signed.write(approvals))
    assert result.exit_code == 1, result.output
    assert "the convener's certificate does not verify" in result.output
    # A certificate for one side does not stand for another.
    moved = signed.both()
    moved[0]["side_sha256"] = b64e(td2.side_digest("Observer"))
    result = signed.run(signed.write(moved))
    assert result.exit_code == 1 and "certificate does not verify" in result.output


def test_a_missing_side_fails(signed: Signed) -> None:
    one = [signed.approval(SIDES[0])]
    # The manifest says two sides had to approve: one is not enough.
    result = signed.run(signed.write(one, sides=2))
    assert result.exit_code == 1, result.output
    assert "Only 1 distinct side(s) approved; the manifest says 2 had to." in result.output
    # Two approvers of the same side are still one side.
    same = [signed.approval(SIDES[0]), signed.approval(SIDES[0])]
    result = signed.run(signed.write(same, sides=2))
    assert result.exit_code == 1 and "Only 1 distinct side(s)" in result.output
    # A manifest that claims one side: only the dialogue's own documents show the other.
    lying = signed.write(one, sides=1)
    alone = signed.run(lying)
    assert alone.exit_code == 0, alone.output
    assert "Not checked: which sides" in alone.output
    result = signed.run(lying, *signed.with_key())
    assert result.exit_code == 1, result.output
    assert "1 of the participants' 2 side(s) have no certified approval: Lower Vell." in (
        result.output
    )


def test_a_chain_head_not_in_the_bundle_fails(signed: Signed) -> None:
    elsewhere = b64e(td2.record_hash(b"a record of another chain"))
    result = signed.run(signed.write(signed.both(), epoch_chain_head=elsewhere))
    assert result.exit_code == 1, result.output
    assert f"FAIL  The manifest's epoch-chain head {elsewhere}" in result.output
    assert "is not in the bundle's verified chain" in result.output
    # The right head with more epochs than the bundle holds.
    longer = signed.manifest["epochs"] + 1
    result = signed.run(signed.write(signed.both(), epochs=longer))
    assert result.exit_code == 1 and "is not in the bundle's verified chain" in result.output


def test_a_manifest_made_before_a_later_epoch_verifies(signed: Signed, workshop) -> None:
    """The bundle may be newer than the summary: the manifest's head is a prefix."""
    convener = workshop.clients["convener"]
    convener.remove(workshop.dialogue_id, [workshop.handles["observer"]])
    newer = convener.call("GET", f"/api/v1/dialogues/{workshop.dialogue_id}/export")
    assert len(newer["epochs"]) == signed.manifest["epochs"] + 1
    signed.bundle.write_text(json.dumps(newer))
    result = signed.run(signed.write(signed.both()), *signed.with_key())
    assert result.exit_code == 0, result.output
    head = signed.manifest["epochs"] - 1
    assert f"The manifest's chain head is epoch {head} of the verified chain" in result.output


def test_a_summary_of_another_dialogue_and_a_wrong_key_fail(signed: Signed, tmp_path) -> None:
    other_id = b64e(td2.random_id())
    result = signed.run(signed.write(signed.both(), dialogue_id=other_id))
    assert result.exit_code == 1 and "of another dialogue" in result.output
    other = tmp_path / "other"
    other.mkdir()
    key, passphrase, _public = archive_key(other)
    result = signed.run(
        signed.write(signed.both()), "--key", str(key), "--passphrase-file", str(passphrase)
    )
    assert result.exit_code == 1 and "not the dialogue's archive key" in result.output


def test_bad_files_are_usage_errors(signed: Signed, tmp_path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    result = signed.run(junk)
    assert result.exit_code == 2
    assert "The summary file" in result.output and "is not JSON" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    no_manifest = tmp_path / "no-manifest.json"
    no_manifest.write_text(json.dumps({"summary": signed.summary}))
    result = signed.run(no_manifest)
    assert result.exit_code == 2 and 'no "manifest" object' in result.output
    bad_sides = signed.write(signed.both())
    document = json.loads(bad_sides.read_text())
    document["manifest"]["sides"] = "two"
    bad_sides.write_text(json.dumps(document))
    result = signed.run(bad_sides)
    assert result.exit_code == 2 and '"sides" is not a count' in result.output
    not_a_bundle = tmp_path / "not-a-bundle.json"
    not_a_bundle.write_text(json.dumps({"manifest": signed.manifest}))
    result = CliRunner().invoke(
        verify_manifest_command,
        ["--bundle", str(not_a_bundle), "--summary", str(signed.write(signed.both()))],
    )
    assert result.exit_code == 2 and "not an export bundle" in result.output
    garbled = signed.both()
    garbled[0]["certifier"] = "not base64url!"
    result = signed.run(signed.write(garbled))
    assert result.exit_code == 1
    assert ": a field is missing or not base64url" in result.output
