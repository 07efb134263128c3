"""Checking an exported summary's manifest against the dialogue's bundle (``facilitator
verify-manifest``, docs/export.md "On the command line").

A summary exported in the browser carries a manifest: the content's SHA-256, the epoch-chain head
it was made at, and the approvals (docs/protocol.md "Summary approvals"), each an approver's
signature with a convener's certificate that the key speaks for one side, named by its digest.
Nothing in the manifest is taken on its word: the hash is recomputed, the chain is verified from
the genesis key as the export verifies it, and a certificate counts only under a steward key the
verified chain trusts for a convener of the newest roster. The manifest's ``sides`` is the
exporter's count; with the archive key, the sides are read from the dialogue's own person
documents instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from facilitator import td2
from facilitator.client import trust
from facilitator.export.bundle import ExportError, genesis_key, open_bundle, verify_bundle_chain
from facilitator.export.render import canonical_json

b64e = td2.b64u_encode
b64d = td2.b64u_decode
APPROVAL_FIELDS = ("side_sha256", "approval_public", "signature", "certifier", "certificate")
HEX = frozenset("0123456789abcdef")


class BadInput(Exception):
    """A file that is not what the command takes; the message says which and why."""


class ManifestFailure(Exception):
    """A check that does not hold; the message is the reason, in plain words."""


@dataclass(frozen=True)
class Approval:
    side_sha256: bytes
    approval_public: bytes
    signature: bytes
    certifier: bytes
    certificate: bytes


@dataclass(frozen=True)
class SummaryExport:
    """The browser's JSON export: ``{"manifest": …, "summary": …}``."""

    dialogue_id: str
    epoch_chain_head: str
    epochs: int
    content_sha256: str
    summary: dict[str, Any]
    approvals: list[dict[str, Any]]
    sides: int


def _field(manifest: dict[str, Any], name: str, kind: type) -> Any:
    value = manifest.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BadInput(f"The manifest has no valid {name!r}.")
    return value


def read_bundle(data: object) -> dict[str, Any]:
    """The parsed bundle file, if it is one; :class:`BadInput` otherwise."""
    try:
        if not isinstance(data, dict):
            raise TypeError
        if len(b64d(data["dialogue_id"])) != td2.ID_LENGTH:
            raise ValueError
        if not isinstance(data["epochs"], list) or not isinstance(data["stewards"], list):
            raise TypeError
    except (KeyError, TypeError, ValueError, td2.Td2Error):
        raise BadInput("The bundle file is not an export bundle.") from None
    return data


def read_summary_export(data: object) -> SummaryExport:
    """The parsed summary file, its shape checked; :class:`BadInput` otherwise."""
    if not isinstance(data, dict) or not isinstance(data.get("manifest"), dict):
        raise BadInput('The summary file has no "manifest" object.')
    if not isinstance(data.get("summary"), dict):
        raise BadInput('The summary file has no "summary" object.')
    manifest = data["manifest"]
    approvals = manifest.get("approvals", [])
    if not isinstance(approvals, list) or not all(isinstance(a, dict) for a in approvals):
        raise BadInput('The manifest\'s "approvals" is not a list of objects.')
    sides = manifest.get("sides", 0)
    if not isinstance(sides, int) or isinstance(sides, bool) or sides < 0:
        raise BadInput('The manifest\'s "sides" is not a count.')
    return SummaryExport(
        dialogue_id=_field(manifest, "dialogue_id", str),
        epoch_chain_head=_field(manifest, "epoch_chain_head", str),
        epochs=_field(manifest, "epochs", int),
        content_sha256=_field(manifest, "content_sha256", str),
        summary=data["summary"],
        approvals=approvals,
        sides=sides,
    )


def content_digest(text: str) -> bytes:
    """The manifest's ``content_sha256`` (64 lowercase hex digits) as 32 bytes."""
    if len(text) != 64 or not set(text) <= HEX:
        raise ManifestFailure("The manifest's content SHA-256 is not 64 lowercase hex digits.")
    return bytes.fromhex(text)


def _approval(index: int, raw: dict[str, Any]) -> Approval:
    try:
        values = [b64d(raw[name]) for name in APPROVAL_FIELDS]
    except (KeyError, TypeError, td2.Td2Error):
        raise ManifestFailure(
            f"Approval {index}: a field is missing or not base64url "
            f"(it needs {', '.join(APPROVAL_FIELDS)})."
        ) from None
    return Approval(*values)


def participant_sides(documents: list[dict[str, Any]]) -> list[str]:
    """The distinct ``side`` of the participants' person documents (the newest version of each),
    exactly as written: the certificate's digest is of these bytes."""
    newest: dict[str, dict[str, Any]] = {}
    for document in documents:
        if document.get("type") == "person":
            key = str(document.get("id"))
            if key not in newest or newest[key]["_seq"] < document["_seq"]:
                newest[key] = document
    return sorted(
        {
            person["side"]
            for person in newest.values()
            if person.get("role") == "participant"
            and isinstance(person.get("side"), str)
            and person["side"].strip()
        }
    )


@dataclass
class ManifestCheck:
    """Runs each check in turn; ``say`` is told each one that holds."""

    bundle: dict[str, Any]
    export: SummaryExport
    say: Callable[[str], None]

    def run(self, archive_private: bytes | None = None) -> None:
        """Raise :class:`ManifestFailure` at the first check that does not hold."""
        dialogue_id = self._dialogue()
        content = self._content()
        chain = self._chain()
        conveners = {key: handle for handle, key in trust.convener_keys(chain).items()}
        approved = self._approvals(dialogue_id, content, conveners)
        self._sides(approved)
        if archive_private is not None:
            self._participant_sides(approved, archive_private)

    def _dialogue(self) -> bytes:
        if self.bundle.get("dialogue_id") != self.export.dialogue_id:
            raise ManifestFailure("The summary is of another dialogue than the bundle.")
        self.say(f"Dialogue: {self.export.dialogue_id}")
        return b64d(self.export.dialogue_id)

    def _content(self) -> bytes:
        computed = hashlib.sha256(canonical_json(self.export.summary)).hexdigest()
        if computed != self.export.content_sha256:
            raise ManifestFailure(
                "The summary's content does not match the manifest's SHA-256: the text was "
                f"changed after it was exported (the summary hashes to {computed})."
            )
        self.say(f"Content SHA-256 matches the summary: {computed}")
        return content_digest(computed)

    def _chain(self) -> trust.VerifiedChain:
        try:
            chain = verify_bundle_chain(self.bundle)
        except (td2.Td2Error, KeyError, TypeError, ValueError) as error:
            raise ManifestFailure(f"The bundle's key history does not verify: {error}") from None
        genesis = td2.fingerprint(genesis_key(self.bundle))
        records = [record for record, _roster in chain.epochs]
        self.say(
            f"The bundle's epoch chain verifies: {len(records)} epochs, from the genesis "
            f"steward key {genesis} (compare it with the one you know)."
        )
        count, head = self.export.epochs, self.export.epoch_chain_head
        if not 1 <= count <= len(records) or b64e(records[count - 1].record_hash) != head:
            raise ManifestFailure(
                f"The manifest's epoch-chain head {head} ({count} epochs) is not in the "
                "bundle's verified chain."
            )
        self.say(f"The manifest's chain head is epoch {count - 1} of the verified chain: {head}")
        return chain

    def _approvals(
        self, dialogue_id: bytes, content: bytes, conveners: dict[bytes, bytes]
    ) -> set[bytes]:
        approved: set[bytes] = set()
        total = len(self.export.approvals)
        for index, raw in enumerate(self.export.approvals, start=1):
            a = _approval(index, raw)
            try:
                td2.verify_approval(a.approval_public, dialogue_id, content, a.signature)
            except td2.Td2Error:
                raise ManifestFailure(
                    f"Approval {index}: the approver's signature does not verify for this text."
                ) from None
            if a.certifier not in conveners:
                raise ManifestFailure(
                    f"Approval {index}: its certifier ({_fingerprint(a.certifier)}) is not the "
                    "steward key of a convener in the newest verified roster."
                )
            try:
                td2.verify_approver(
                    a.certifier,
                    dialogue_id,
                    content,
                    a.approval_public,
                    a.side_sha256,
                    a.certificate,
                )
            except td2.Td2Error:
                raise ManifestFailure(
                    f"Approval {index}: the convener's certificate does not verify."
                ) from None
            approved.add(a.side_sha256)
            self.say(
                f"Approval {index} of {total}: the approver's signature verifies, certified for "
                f"side {b64e(a.side_sha256)[:12]}… by the convener whose steward key is "
                f"{td2.fingerprint(a.certifier)}."
            )
        return approved

    def _sides(self, approved: set[bytes]) -> None:
        needed = self.export.sides
        if len(approved) < needed:
            raise ManifestFailure(
                f"Only {len(approved)} distinct side(s) approved; the manifest says {needed} "
                "had to."
            )
        if needed == 0:
            self.say("The manifest says no side had to approve (a dialogue without sides).")
        else:
            self.say(f"{len(approved)} distinct side(s) approved; the manifest asks for {needed}.")

    def _participant_sides(self, approved: set[bytes], archive_private: bytes) -> None:
        try:
            opened = open_bundle(self.bundle, archive_private)
        except ExportError as error:
            raise ManifestFailure(str(error)) from None
        sides = participant_sides(opened.documents)
        missing = [side for side in sides if _digest(side) not in approved]
        if missing:
            raise ManifestFailure(
                f"{len(missing)} of the participants' {len(sides)} side(s) have no certified "
                f"approval: {', '.join(missing)}."
            )
        if sides:
            self.say(
                f"With the archive key: every one of the participants' {len(sides)} side(s) has "
                "a certified approval."
            )
        else:
            self.say("With the archive key: no participant has a side, so none had to approve.")


def _digest(side: str) -> bytes | None:
    try:
        return td2.side_digest(side)
    except td2.Td2Error:
        return None


def _fingerprint(key: bytes) -> str:
    try:
        return td2.fingerprint(key)
    except td2.Td2Error:
        return "not a key"
