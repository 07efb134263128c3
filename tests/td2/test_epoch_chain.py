"""Roster hashes, epoch records, signatures and chain verification."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pytest

from facilitator import td2
from facilitator.td2 import ChainLink, RosterMember


def member(role: str = "participant") -> RosterMember:
    return RosterMember(td2.random_id(), td2.generate_member_keypair()[1], role)


def test_roster_hash_layout_and_order_independence() -> None:
    a = RosterMember(b"\x80" + bytes(15), bytes(range(32)), "convener")
    b = RosterMember(b"\x7f" + bytes(15), bytes(32), 5)
    expected = hashlib.sha256(
        b"td2/v1/roster"
        + b.handle
        + b.x25519_public
        + b"\x05"
        + a.handle
        + a.x25519_public
        + b"\x01"
    ).digest()
    assert td2.roster_hash([a, b]) == expected
    assert td2.roster_hash([b, a]) == expected


def test_roster_hash_changes_with_any_field() -> None:
    m = [member("convener"), member()]
    base = td2.roster_hash(m)
    assert td2.roster_hash([m[0], m[1]._replace(role="observer")]) != base
    assert td2.roster_hash([m[0], m[1]._replace(x25519_public=bytes(32))]) != base
    assert td2.roster_hash([m[0], m[1]._replace(handle=td2.random_id())]) != base
    assert td2.roster_hash(m[:1]) != base


def test_role_codes() -> None:
    assert td2.ROLE_CODES == {
        "convener": 1,
        "facilitator": 2,
        "interpreter": 3,
        "rapporteur": 4,
        "participant": 5,
        "observer": 6,
    }


@pytest.mark.parametrize(
    "members",
    [
        [],
        [RosterMember(bytes(16), bytes(32), "guest")],
        [RosterMember(bytes(16), bytes(32), 7)],
        [RosterMember(bytes(15), bytes(32), 1)],
        [RosterMember(bytes(16), bytes(31), 1)],
        [RosterMember(bytes(16), bytes(32), 1), RosterMember(bytes(16), b"\x01" * 32, 2)],
        [(bytes(16), bytes(32))],
        [None],
    ],
)
def test_bad_rosters_are_rejected(members: list[object]) -> None:
    with pytest.raises(td2.Td2FormatError):
        td2.roster_hash(members)  # type: ignore[arg-type]


def test_record_layout_parse_and_hash() -> None:
    d, rh, c = td2.random_id(), td2.random_secret(), td2.random_id()
    record = td2.build_epoch_record(d, 7, td2.GENESIS_PREV_HASH, rh, c, 1_767_225_600_000)
    assert len(record) == 120
    assert record == (
        b"td2/v1/epoch" + d + td2.u32(7) + bytes(32) + rh + c + td2.u64(1_767_225_600_000)
    )
    parsed = td2.parse_epoch_record(record)
    assert (parsed.dialogue_id, parsed.epoch, parsed.roster_hash) == (d, 7, rh)
    assert (parsed.creator_handle, parsed.unix_ms, parsed.is_genesis) == (
        c,
        1_767_225_600_000,
        True,
    )
    assert parsed.record_hash == td2.record_hash(record) == hashlib.sha256(record).digest()


def test_parse_rejects_malformed_records() -> None:
    record = td2.build_epoch_record(bytes(16), 1, bytes(32), bytes(32), bytes(16), 0)
    for bad in (record[:-1], record + b"\x00", b"td2/v1/epocH" + record[12:]):
        with pytest.raises(td2.Td2FormatError):
            td2.parse_epoch_record(bad)


def test_signatures_verify_and_reject_forgeries() -> None:
    private, public = td2.generate_steward_keypair()
    record = td2.build_epoch_record(td2.random_id(), 0, bytes(32), bytes(32), td2.random_id(), 1)
    signature = td2.sign_epoch_record(private, record)
    assert len(signature) == 64
    td2.verify_epoch_signature(public, record, signature)
    other = td2.generate_steward_keypair()[1]
    changed = record[:-1] + b"\x02"
    for args in (
        (other, record, signature),
        (public, changed, signature),
        (public, record, signature[:-1] + bytes([signature[-1] ^ 1])),
        (public, record, signature[:63]),
    ):
        with pytest.raises(td2.Td2SignatureError):
            td2.verify_epoch_signature(*args)


@dataclass
class Dialogue:
    """Builds a chain of epochs the way stewards' browsers would."""

    dialogue_id: bytes = field(default_factory=td2.random_id)
    steward: tuple[bytes, bytes] = field(default_factory=td2.generate_steward_keypair)
    convener: RosterMember = field(default_factory=lambda: member("convener"))
    links: list[ChainLink] = field(default_factory=list)
    prev: bytes = td2.GENESIS_PREV_HASH

    def cut(
        self,
        roster: list[RosterMember],
        *,
        signer: bytes | None = None,
        epoch: int | None = None,
        prev: bytes | None = None,
        stewards: list[bytes] | None = None,
        creator: bytes | None = None,
    ) -> ChainLink:
        roster = [self.convener, *roster]
        record = td2.build_epoch_record(
            self.dialogue_id,
            len(self.links) if epoch is None else epoch,
            self.prev if prev is None else prev,
            td2.roster_hash(roster),
            self.convener.handle if creator is None else creator,
            1_767_225_600_000 + len(self.links),
        )
        link = ChainLink(
            record,
            td2.sign_epoch_record(signer or self.steward[0], record),
            roster,
            [self.steward[1]] if stewards is None else stewards,
        )
        self.links.append(link)
        self.prev = td2.record_hash(record)
        return link


@pytest.fixture
def alice() -> RosterMember:
    return member()


@pytest.fixture
def good(alice: RosterMember) -> Dialogue:
    d = Dialogue()
    d.cut([])
    d.cut([alice])
    d.cut([alice, member("interpreter")])
    return d


def test_a_good_chain_verifies(good: Dialogue, alice: RosterMember) -> None:
    records = td2.verify_chain(good.links, verifier_handle=alice.handle)
    assert [r.epoch for r in records] == [0, 1, 2]
    assert records[0].is_genesis and not records[1].is_genesis
    assert td2.verify_chain(good.links, verifier_handle=None)


def test_a_chain_can_continue_from_a_trust_anchor(good: Dialogue, alice: RosterMember) -> None:
    first = td2.parse_epoch_record(good.links[1].record)
    anchor = td2.TrustAnchor(
        first.dialogue_id,
        first.epoch,
        first.record_hash,
        good.links[1].roster,
        good.links[1].steward_publics,
    )
    records = td2.verify_chain(good.links[2:], verifier_handle=alice.handle, anchor=anchor)
    assert [r.epoch for r in records] == [2]


def test_malformed_steward_keys_are_a_chain_error(good: Dialogue, alice: RosterMember) -> None:
    link = good.links[1]
    good.links[1] = ChainLink(link.record, link.signature, link.roster, [b"short"])
    with pytest.raises(td2.Td2ChainError, match="not signed by a steward"):
        td2.verify_chain(good.links, verifier_handle=alice.handle)


def test_forged_signature_is_rejected(good: Dialogue, alice: RosterMember) -> None:
    intruder = td2.generate_steward_keypair()
    good.cut([alice, member()], signer=intruder[0])
    with pytest.raises(td2.Td2ChainError, match="not signed by a steward"):
        td2.verify_chain(good.links, verifier_handle=alice.handle)


def test_signer_not_in_previous_roster_is_rejected(good: Dialogue, alice: RosterMember) -> None:
    # A new steward lists itself in the record it signs: it was not a steward before.
    newcomer = td2.generate_steward_keypair()
    good.cut([alice], signer=newcomer[0], stewards=[good.steward[1], newcomer[1]])
    with pytest.raises(td2.Td2ChainError, match="not signed by a steward of the previous"):
        td2.verify_chain(good.links, verifier_handle=alice.handle)


def test_creator_not_in_previous_roster_is_rejected(good: Dialogue, alice: RosterMember) -> None:
    good.cut([alice], creator=td2.random_id())
    with pytest.raises(td2.Td2ChainError, match="creator"):
        td2.verify_chain(good.links, verifier_handle=alice.handle)


def test_broken_prev_hash_is_rejected(good: Dialogue, alice: RosterMember) -> None:
    good.cut([alice], prev=td2.random_secret())
    with pytest.raises(td2.Td2ChainError, match="prev_hash"):
        td2.verify_chain(good.links, verifier_handle=alice.handle)


def test_skipped_number_is_rejected(good: Dialogue, alice: RosterMember) -> None:
    good.cut([alice], epoch=4)
    with pytest.raises(td2.Td2ChainError, match="consecutively"):
        td2.verify_chain(good.links, verifier_handle=alice.handle)


def test_roster_not_listing_the_verifier_is_rejected(good: Dialogue, alice: RosterMember) -> None:
    good.cut([member()])  # alice removed
    with pytest.raises(td2.Td2ChainError, match="does not list this client"):
        td2.verify_chain(good.links, verifier_handle=alice.handle)


def test_roster_not_matching_the_record_is_rejected(good: Dialogue, alice: RosterMember) -> None:
    link = good.links[2]
    good.links[2] = ChainLink(
        link.record, link.signature, [*link.roster, member()], link.steward_publics
    )
    with pytest.raises(td2.Td2ChainError, match="roster does not match"):
        td2.verify_chain(good.links, verifier_handle=alice.handle)


def test_chain_must_start_at_genesis(good: Dialogue, alice: RosterMember) -> None:
    with pytest.raises(td2.Td2ChainError, match="genesis"):
        td2.verify_chain(good.links[1:], verifier_handle=alice.handle)
    with pytest.raises(td2.Td2ChainError):
        td2.verify_chain([], verifier_handle=alice.handle)


def test_record_from_another_dialogue_is_rejected(good: Dialogue, alice: RosterMember) -> None:
    other = Dialogue(steward=good.steward, convener=good.convener, prev=good.prev)
    other.links = list(good.links)
    other.cut([alice])
    with pytest.raises(td2.Td2ChainError, match="another dialogue"):
        td2.verify_chain(other.links, verifier_handle=alice.handle)
