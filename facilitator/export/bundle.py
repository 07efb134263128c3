"""Opening an export bundle with the archive key: verify the epoch chain, unwrap each epoch
secret, open the ``meta`` documents and the notes. Nothing here trusts the server: a chain that
does not verify, a wrap that does not open or an envelope that fails its tag stops the export
with the reason (docs/export.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from facilitator import roles, td2
from facilitator.client import trust

ARCHIVE_HANDLE = bytes(16)
META_WRITERS = roles.roles_with("write_meta")
b64d = td2.b64u_decode


class ExportError(Exception):
    """Why an export cannot be made; the message is for the convener."""


@dataclass
class OpenedDialogue:
    dialogue_id: str
    chain_head: str  # base64url record hash of the newest epoch
    chain_length: int
    genesis_steward_fingerprints: list[str]
    documents: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    unreadable_epochs: list[int] = field(default_factory=list)


def _links(bundle: dict[str, Any]) -> list[td2.ChainLink]:
    stewards = {s["handle"]: b64d(s["ed25519_public"]) for s in bundle["stewards"]}
    links = []
    for entry in bundle["epochs"]:
        roster = [
            td2.RosterMember(b64d(m["handle"]), b64d(m["x25519_public"]), m["role"])
            for m in entry["roster"]
        ]
        keys = [stewards[m["handle"]] for m in entry["roster"] if m["handle"] in stewards]
        links.append(td2.ChainLink(b64d(entry["record"]), b64d(entry["signature"]), roster, keys))
    return links


def verify_bundle_chain(bundle: dict[str, Any]) -> trust.VerifiedChain:
    """The chain verified from the genesis creator's key (whose fingerprint the commands print
    for comparison), each later steward's key as certified along the chain, never as listed.
    Raises ``td2.Td2Error``, ``KeyError``, ``TypeError`` or ``ValueError``."""
    return trust.verify_dialogue_chain(bundle["epochs"], genesis_key(bundle), None)


def genesis_key(bundle: dict[str, Any]) -> bytes:
    """The key the bundle lists for the genesis record's creator: the server's word until the
    genesis record verifies under it and someone compares its fingerprint with the one they
    know."""
    stewards = {s["handle"]: b64d(s["ed25519_public"]) for s in bundle["stewards"]}
    return stewards[td2.b64u_encode(trust.genesis_creator(bundle["epochs"]))]


def _verified_chain(bundle: dict[str, Any]) -> tuple[list[td2.EpochRecord], list[td2.ChainLink]]:
    try:
        links = _links(bundle)
        chain = verify_bundle_chain(bundle)
        records = [record for record, _roster in chain.epochs]
    except (td2.Td2Error, KeyError, TypeError, ValueError) as error:
        raise ExportError(
            f"The dialogue's key history does not verify, so nothing was exported: {error}"
        ) from None
    return records, links


def _secrets(
    bundle: dict[str, Any], records: list[td2.EpochRecord], archive_private: bytes
) -> dict[int, bytes]:
    archive = bundle.get("archive")
    if not archive:
        raise ExportError("This dialogue has no archive key: register one in the browser first.")
    mine = td2.x25519_public_from_private(archive_private)
    if td2.b64u_encode(mine) != archive["x25519_public"]:
        raise ExportError(
            "This key is not the dialogue's archive key "
            f"(the dialogue's is {archive['fingerprint']}, this one is {td2.fingerprint(mine)})."
        )
    wraps = {w["epoch"]: b64d(w["wrap"]) for w in bundle["archive_wraps"]}
    dialogue_id = b64d(bundle["dialogue_id"])
    secrets = {}
    for record in records:
        if record.epoch not in wraps:
            continue
        try:
            secrets[record.epoch] = td2.unwrap_epoch_secret(
                archive_private,
                dialogue_id,
                record.epoch,
                ARCHIVE_HANDLE,
                record.record_hash,
                wraps[record.epoch],
            )
        except td2.Td2Error:
            raise ExportError(
                f"The archive key's copy of epoch {record.epoch} does not open: "
                "the bundle was altered or made for another key."
            ) from None
    return secrets


def _open(
    envelope: dict[str, Any],
    dialogue_id: bytes,
    secret: bytes,
    record: td2.EpochRecord,
) -> dict[str, Any]:
    kind = envelope["kind"]
    key = td2.derive_subkey(secret, dialogue_id, record.epoch, record.record_hash, kind)
    aad = td2.build_aad(
        kind,
        dialogue_id,
        b64d(envelope["channel_id"]),
        record.epoch,
        b64d(envelope["message_id"]),
        b64d(envelope["author_handle"]),
    )
    content = json.loads(td2.open_blob(key, aad, b64d(envelope["blob"])))
    if not isinstance(content, dict):
        raise td2.Td2FormatError("not a JSON object")
    return content


def open_bundle(bundle: dict[str, Any], archive_private: bytes) -> OpenedDialogue:
    """Verify and decrypt ``bundle`` (the JSON of ``GET /api/v1/dialogues/<id>/export``)."""
    try:
        dialogue_id = b64d(bundle["dialogue_id"])
    except (KeyError, TypeError, td2.Td2Error):
        raise ExportError("This file is not an export bundle.") from None
    records, links = _verified_chain(bundle)
    secrets = _secrets(bundle, records, archive_private)
    by_epoch = {record.epoch: (record, link) for record, link in zip(records, links, strict=True)}
    genesis_keys = links[0].steward_publics
    opened = OpenedDialogue(
        dialogue_id=bundle["dialogue_id"],
        chain_head=td2.b64u_encode(records[-1].record_hash),
        chain_length=len(records),
        genesis_steward_fingerprints=[td2.fingerprint(k) for k in genesis_keys],
        unreadable_epochs=sorted(set(by_epoch) - set(secrets)),
    )
    for envelope in bundle["envelopes"]:
        epoch = envelope.get("epoch")
        if epoch not in secrets:
            continue
        record, link = by_epoch[epoch]
        try:
            content = _open(envelope, dialogue_id, secrets[epoch], record)
        except (td2.Td2Error, ValueError, KeyError) as error:
            raise ExportError(
                f"An encrypted item (seq {envelope.get('seq')}) does not open: {error}. "
                "The bundle was altered; nothing was exported."
            ) from None
        roles = {td2.b64u_encode(m.handle): m.role for m in link.roster}
        if envelope["kind"] == "meta":
            if roles.get(envelope["author_handle"]) not in META_WRITERS:
                raise ExportError(
                    f"A dialogue document (seq {envelope['seq']}) was not written by a convener "
                    "or facilitator; nothing was exported."
                )
            opened.documents.append({**content, "_seq": envelope["seq"]})
        elif envelope["kind"] == "note" and envelope["author_handle"] == td2.b64u_encode(
            ARCHIVE_HANDLE
        ):
            opened.notes.append({**content, "_seq": envelope["seq"]})
    return opened
