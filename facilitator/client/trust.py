"""What a device trusts in a dialogue's chain of epochs, whatever the server says.

The server lists members with their Ed25519 keys, but a server under an attacker's control can
change that list: replace the creator's key, add a member row that carries the real key, give a
participant a key. So the keys that may sign each record are decided here, from the pinned
genesis key and the verified rosters, never from the member list alone:

- the genesis record must verify under the pinned key (the device's own, the fingerprint in the
  invitation link, or the genesis creator's key pinned on first use), and that key belongs to the
  genesis record's creator handle, whatever key the server lists for that handle;
- a later record must be signed by the key of its own creator handle, who must be in the previous
  roster with a role that may hold a steward key (convener, facilitator). For the genesis creator
  that is the pinned key; for another steward, the key certified by the steward who admitted them
  in the epoch that first lists them (docs/protocol.md, "Steward certificates"), so the chain
  alone says who may sign, and a steward left out of a roster signs nothing more.

A device also remembers the newest record it verified and refuses a chain that does not reach it
(a rollback) or holds another record at that number (a fork), so it never seals under an older
epoch than one it has seen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from facilitator import roles, td2

b64e = td2.b64u_encode
b64d = td2.b64u_decode

# Roles whose members may hold a steward key (the browser's META_WRITERS).
STEWARD_ROLES = roles.roles_with("steward")


class RollbackError(td2.Td2ChainError):
    """The server shows an older chain than this device verified, or another record at a number
    it has already seen."""


class ArchiveKeyError(td2.Td2Error):
    """An ``archive_key`` document that no convener signed: nothing is wrapped to its key."""


@dataclass(frozen=True)
class Seen:
    """The newest epoch record a device verified in a dialogue."""

    epoch: int
    record_hash: bytes


def parse_roster(entry: Mapping[str, Any]) -> list[td2.RosterMember]:
    return [
        td2.RosterMember(b64d(m["handle"]), b64d(m["x25519_public"]), m["role"])
        for m in entry["roster"]
    ]


def announced_keys(members: Sequence[Mapping[str, Any]]) -> dict[bytes, bytes]:
    """Handle -> Ed25519 key of every member row the server marks as a steward: the server's
    word, used only to pin the genesis creator's key on first use (a team seat has no link)."""
    return {
        b64d(m["handle"]): b64d(m["ed25519_public"])
        for m in members
        if m.get("is_steward") and m.get("ed25519_public")
    }


def find_pinned_key(fingerprint: str, members: Sequence[Mapping[str, Any]]) -> bytes:
    """The raw key whose fingerprint was pinned. Where the server lists it does not matter: it is
    only ever used as the genesis creator's key."""
    for member in members:
        text = member.get("ed25519_public")
        if text and td2.fingerprint(b64d(text)) == fingerprint:
            return b64d(text)
    raise td2.Td2ChainError("no steward key matches the trusted fingerprint")


def genesis_creator(entries: Sequence[Mapping[str, Any]]) -> bytes:
    if not entries:
        raise td2.Td2ChainError("no epoch records to verify")
    return td2.parse_epoch_record(b64d(entries[0]["record"])).creator_handle


def signers(
    roster: Sequence[td2.RosterMember],
    root_handle: bytes,
    root_key: bytes,
    certified: Mapping[bytes, bytes],
) -> dict[bytes, bytes]:
    """Handle -> the key that may sign the record after ``roster``: the pinned key for the
    genesis creator, a certified key for any other convener or facilitator, no one else."""
    keys = {}
    for member in roster:
        if member.handle == root_handle:
            keys[member.handle] = root_key
        elif member.role in STEWARD_ROLES and member.handle in certified:
            keys[member.handle] = certified[member.handle]
    return keys


@dataclass(frozen=True)
class VerifiedChain:
    """Each verified record with its roster, and who may sign the next record."""

    epochs: list[tuple[td2.EpochRecord, list[td2.RosterMember]]]
    signers: dict[bytes, bytes]
    # Every steward key certified along the chain, by handle.
    certified: dict[bytes, bytes]


def _certify(
    index: int,
    entry: Mapping[str, Any],
    roster: Sequence[td2.RosterMember],
    previous: Sequence[td2.RosterMember],
    signer: bytes | None,
    certified: dict[bytes, bytes],
) -> None:
    """Add the steward keys this epoch certifies: each for a handle its roster first lists,
    signed by the epoch's creator under the key the chain trusts for them."""
    record = td2.parse_epoch_record(b64d(entry["record"]))
    listed = {m.handle for m in roster}
    before = {m.handle for m in previous}
    for cert in entry.get("steward_certs") or []:
        handle, key = b64d(cert["handle"]), b64d(cert["ed25519_public"])
        if signer is None or handle in certified or handle in before or handle not in listed:
            raise td2.Td2ChainError(
                f"epoch record #{index} (epoch {record.epoch}): a steward certificate it cannot "
                "carry"
            )
        try:
            td2.verify_steward_cert(
                signer, record.dialogue_id, record.epoch, handle, key, b64d(cert["signature"])
            )
        except td2.Td2Error:
            raise td2.Td2ChainError(
                f"epoch record #{index} (epoch {record.epoch}): a steward certificate does not "
                "verify"
            ) from None
        certified[handle] = key


def verify_dialogue_chain(
    entries: Sequence[Mapping[str, Any]], root_key: bytes, verifier_handle: bytes | None
) -> VerifiedChain:
    """Verify the chain from genesis under ``root_key`` (the pinned genesis key), the steward
    certificates along it, and that each record is signed by its own creator's key. Raises
    :class:`td2.Td2ChainError`."""
    root_handle = genesis_creator(entries)
    certified: dict[bytes, bytes] = {}
    links: list[td2.ChainLink] = []
    authorised: list[dict[bytes, bytes]] = []
    try:
        for index, entry in enumerate(entries):
            roster = parse_roster(entry)
            if index == 0:
                if entry.get("steward_certs"):
                    raise td2.Td2ChainError("epoch record #0: the genesis certifies no steward")
            else:
                creator = td2.parse_epoch_record(b64d(entry["record"])).creator_handle
                previous = links[index - 1].roster
                signer = authorised[index - 1].get(creator)
                _certify(index, entry, roster, previous, signer, certified)
            keys = signers(roster, root_handle, root_key, certified)
            stewards = [root_key] if index == 0 else list(keys.values())
            links.append(
                td2.ChainLink(b64d(entry["record"]), b64d(entry["signature"]), roster, stewards)
            )
            authorised.append(keys)
    except td2.Td2ChainError:
        raise
    except (td2.Td2Error, KeyError, TypeError) as error:
        raise td2.Td2ChainError(f"malformed epoch list: {error}") from None
    records = td2.verify_chain(links, verifier_handle=verifier_handle)
    # Each record is signed by its own creator's key, not merely by some steward's.
    for index in range(1, len(records)):
        record, link = records[index], links[index]
        key = authorised[index - 1].get(record.creator_handle)
        try:
            if key is None:
                raise td2.Td2SignatureError("no key")
            td2.verify_epoch_signature(key, link.record, link.signature)
        except td2.Td2Error:
            raise td2.Td2ChainError(
                f"epoch record #{index} (epoch {record.epoch}): not signed by its creator's "
                "steward key"
            ) from None
    return VerifiedChain(
        [(record, list(link.roster)) for record, link in zip(records, links, strict=True)],
        authorised[-1],
        certified,
    )


def convener_keys(chain: VerifiedChain) -> dict[bytes, bytes]:
    """Handle -> trusted steward key of each convener (the role that exports, and so signs the
    archive key and certifies approvers) in the newest verified roster."""
    exporters = roles.roles_with("export")
    return {
        m.handle: chain.signers[m.handle]
        for m in chain.epochs[-1][1]
        if m.role in exporters and m.handle in chain.signers
    }


def check_stewards(known: Mapping[bytes, bytes], certified: Mapping[bytes, bytes]) -> None:
    """A steward key this device verified before cannot change: records commit to rosters, not
    to certificates, so a second certificate for the same handle is refused here."""
    for handle, key in certified.items():
        if known.get(handle, key) != key:
            raise td2.Td2ChainError("a steward's certified key differs from the one seen before")


def check_seen(seen: Seen | None, records: Sequence[td2.EpochRecord]) -> Seen:
    """Refuse a rollback or a fork of what this device verified; returns the new newest."""
    if seen is not None:
        if seen.epoch >= len(records) or records[seen.epoch].epoch != seen.epoch:
            raise RollbackError(
                f"the server shows epoch {records[-1].epoch}, older than epoch {seen.epoch} "
                "which this device has verified"
            )
        if records[seen.epoch].record_hash != seen.record_hash:
            raise RollbackError(f"the server shows another record at epoch {seen.epoch}")
    last = records[-1]
    if seen is None or last.epoch > seen.epoch:
        return Seen(last.epoch, last.record_hash)
    return seen


def archive_public(
    documents: Sequence[Mapping[str, Any]],
    dialogue_id: bytes,
    conveners: Mapping[bytes, bytes],
) -> bytes | None:
    """The archive key named by the newest ``archive_key`` document, which a convener must have
    signed (``conveners``: handle -> that convener's trusted steward key). None when there is no
    such document; :class:`ArchiveKeyError` when the newest is not a convener's: a device does
    not fall back to an older one the server kept, it stops and says so."""
    named = [d for d in documents if d.get("type") == "archive_key"]
    if not named:
        return None
    newest = named[-1]
    try:
        public = b64d(newest["x25519_public"])
        key = conveners.get(b64d(newest["signer"]))
        if key is None:
            raise ArchiveKeyError("the archive key document is not signed by a convener")
        td2.verify_archive_key(key, dialogue_id, public, b64d(newest["signature"]))
    except (KeyError, TypeError, td2.Td2Error) as error:
        if isinstance(error, ArchiveKeyError):
            raise
        raise ArchiveKeyError("the archive key document is not signed by a convener") from None
    return public
