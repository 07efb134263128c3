"""Verification of a chain of signed epoch records.

A client accepts epoch ``n+1`` only if its record chains to the last
verified record (``prev_hash``), carries the next number, is signed by a
steward of the *previous* roster, and lists the client itself.  The genesis
record (all-zero ``prev_hash``, epoch 0) has no previous roster: it is
signed by a steward of its own roster, whose key the members compare by
fingerprint when they join.  A verified prefix can be skipped by passing
the last verified record as a :class:`TrustAnchor`.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from facilitator.td2.encoding import HASH_LENGTH, ID_LENGTH, require_bytes
from facilitator.td2.epoch import EpochRecord, parse_epoch_record, verify_epoch_signature
from facilitator.td2.errors import Td2ChainError, Td2Error
from facilitator.td2.roster import RosterMember, roster_hash

GENESIS_EPOCH = 0


@dataclass(frozen=True)
class ChainLink:
    """One epoch as delivered to a client.

    ``roster`` is the member list the record's ``roster_hash`` commits to;
    ``steward_publics`` are the raw Ed25519 keys of that roster's stewards,
    who may sign the *next* record.
    """

    record: bytes
    signature: bytes
    roster: Sequence[RosterMember]
    steward_publics: Sequence[bytes]


@dataclass(frozen=True)
class TrustAnchor:
    """The last record a client has already verified, and its stewards' keys."""

    dialogue_id: bytes
    epoch: int
    record_hash: bytes
    roster: Sequence[RosterMember]
    steward_publics: Sequence[bytes]


def _signed_by_one_of(stewards: Sequence[bytes], record: bytes, signature: bytes) -> bool:
    for public in stewards:
        try:
            verify_epoch_signature(public, record, signature)
        except Td2Error:  # a bad signature, or a malformed key that cannot have signed
            continue
        return True
    return False


def _verify_link(
    index: int, link: ChainLink, parsed: EpochRecord, previous: TrustAnchor | None
) -> None:
    where = f"epoch record #{index} (epoch {parsed.epoch})"
    try:
        committed = roster_hash(link.roster)
    except Td2Error as exc:
        raise Td2ChainError(f"{where}: roster is malformed: {exc}") from None
    if committed != parsed.roster_hash:
        raise Td2ChainError(f"{where}: roster does not match the record's roster_hash")
    if previous is None:
        if not parsed.is_genesis or parsed.epoch != GENESIS_EPOCH:
            raise Td2ChainError(f"{where}: first record is not a genesis record (epoch 0)")
        signers, signer_roster = link.steward_publics, link.roster
    else:
        if parsed.dialogue_id != previous.dialogue_id:
            raise Td2ChainError(f"{where}: belongs to another dialogue")
        if parsed.prev_hash != previous.record_hash:
            raise Td2ChainError(f"{where}: prev_hash does not match the previous record")
        if parsed.epoch != previous.epoch + 1:
            raise Td2ChainError(
                f"{where}: epoch number does not follow {previous.epoch} consecutively"
            )
        signers, signer_roster = previous.steward_publics, previous.roster
    if not any(m[0] == parsed.creator_handle for m in signer_roster):
        raise Td2ChainError(f"{where}: creator is not in the previous roster")
    if not _signed_by_one_of(signers, link.record, link.signature):
        raise Td2ChainError(f"{where}: not signed by a steward of the previous roster")


def verify_chain(
    links: Sequence[ChainLink],
    *,
    verifier_handle: bytes | None,
    anchor: TrustAnchor | None = None,
) -> list[EpochRecord]:
    """Verify ``links`` in order and return the parsed records.

    ``verifier_handle`` is the checking client's own handle: the last roster
    must list it.  Pass ``None`` only when the verifier is not a member
    (an archive key verifying an export).  Raises :class:`Td2ChainError`.
    """
    if not links:
        raise Td2ChainError("no epoch records to verify")
    me = None if verifier_handle is None else require_bytes("verifier_handle", verifier_handle)
    if anchor is not None:
        require_bytes("anchor record_hash", anchor.record_hash, HASH_LENGTH)
        require_bytes("anchor dialogue_id", anchor.dialogue_id, ID_LENGTH)
    previous = anchor
    records = []
    for index, link in enumerate(links):
        try:
            parsed = parse_epoch_record(link.record)
        except Td2Error as exc:
            raise Td2ChainError(f"epoch record #{index}: malformed: {exc}") from None
        _verify_link(index, link, parsed, previous)
        records.append(parsed)
        previous = TrustAnchor(
            parsed.dialogue_id,
            parsed.epoch,
            parsed.record_hash,
            link.roster,
            link.steward_publics,
        )
    if me is not None and not any(m[0] == me for m in links[-1].roster):
        raise Td2ChainError("the latest roster does not list this client")
    return records
