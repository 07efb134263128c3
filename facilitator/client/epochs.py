"""The dialogue's chain of epochs as this device trusts it: records it signs, the chain it
verifies from the pinned genesis key (no rollback, fork or withheld record; steward keys only as
certified), and the epoch and team secrets it unwraps from that chain."""

from __future__ import annotations

import time
from typing import Any

from facilitator import td2
from facilitator.client import trust
from facilitator.client.keyring import Connection, EpochState, KeyRing

b64e = td2.b64u_encode
b64d = td2.b64u_decode


def epoch_body(
    ring: KeyRing,
    number: int,
    prev_hash: bytes,
    roster: list[td2.RosterMember],
    secret: bytes,
) -> tuple[dict[str, Any], EpochState]:
    """A signed epoch record with its roster, the epoch secret wrapped to every member and a
    fresh team secret wrapped to the mediator team (docs/protocol.md, "Team channel")."""
    assert ring.ed25519_private is not None
    record = td2.build_epoch_record(
        ring.dialogue_id,
        number,
        prev_hash,
        td2.roster_hash(roster),
        ring.handle,
        int(time.time() * 1000),
    )
    digest = td2.record_hash(record)
    body = {
        "epoch": number,
        "record": b64e(record),
        "signature": b64e(td2.sign_epoch_record(ring.ed25519_private, record)),
        "roster": [
            {"handle": b64e(m.handle), "x25519_public": b64e(m.x25519_public), "role": m.role}
            for m in roster
        ],
        "wraps": [
            {
                "handle": b64e(m.handle),
                "wrap": b64e(
                    td2.wrap_epoch_secret(
                        m.x25519_public, ring.dialogue_id, number, m.handle, digest, secret
                    )
                ),
            }
            for m in roster
        ],
    }
    team_secret = td2.random_secret()
    body["team_wraps"] = [
        {
            "handle": b64e(m.handle),
            "wrap": b64e(
                td2.wrap_team_secret(
                    m.x25519_public, ring.dialogue_id, number, m.handle, digest, team_secret
                )
            ),
        }
        for m in roster
        if m.role in td2.TEAM_CHANNEL_ROLES
    ]
    return body, EpochState(number, digest, roster, secret, team_secret)


def steward_certs(ring: KeyRing, epoch: int, stewards: dict[str, str]) -> list[dict[str, str]]:
    """Certificates for newcomers' steward keys (handle -> Ed25519 key, base64url), signed with
    this steward's key in the epoch that first lists them (docs/protocol.md)."""
    steward_private = ring.ed25519_private
    assert steward_private is not None
    return [
        {
            "handle": handle,
            "ed25519_public": key,
            "signature": b64e(
                td2.sign_steward_cert(
                    steward_private, ring.dialogue_id, epoch, b64d(handle), b64d(key)
                )
            ),
        }
        for handle, key in stewards.items()
    ]


def root_key(ring: KeyRing, entries: list[dict[str, Any]], members: list[dict[str, Any]]) -> bytes:
    """The pinned genesis steward key (docs/threat-model.md, "Malicious server")."""
    if ring.anchor_public is not None:
        return ring.anchor_public
    creator = trust.genesis_creator(entries)
    if ring.ed25519_public is not None and creator == ring.handle:
        key = ring.ed25519_public
    elif ring.anchor_fingerprint is not None:
        key = trust.find_pinned_key(ring.anchor_fingerprint, members)
    else:
        # A team seat carries no fingerprint: the genesis creator's key on first use.
        listed = trust.announced_keys(members).get(creator)
        if listed is None:
            raise td2.Td2ChainError("no steward key for the dialogue's creator")
        key = listed
    ring.anchor_public, ring.anchor_fingerprint = key, td2.fingerprint(key)
    return key


def verified(conn: Connection, dialogue_id: str) -> trust.VerifiedChain:
    """The chain verified from its pinned genesis key, with who may sign the next record.
    Refuses a rollback, a fork and a withheld newest record."""
    ring = conn.keyrings[dialogue_id]
    entries = conn.call("GET", f"/api/v1/dialogues/{dialogue_id}/epochs")
    info = conn.call("GET", f"/api/v1/dialogues/{dialogue_id}")
    root = root_key(ring, entries, info["members"])
    chain = trust.verify_dialogue_chain(entries, root, ring.handle)
    records = [record for record, _roster in chain.epochs]
    if records[-1].epoch < info["current_epoch"]:
        raise trust.RollbackError("the server is holding back the newest epoch record")
    trust.check_stewards(ring.stewards, chain.certified)
    ring.seen = trust.check_seen(ring.seen, records)
    ring.stewards.update(chain.certified)
    return chain


def conveners(conn: Connection, dialogue_id: str) -> dict[bytes, bytes]:
    """Handle -> trusted steward key of each convener (the roles that may export, and so sign
    the archive key) in the newest verified roster."""
    return trust.convener_keys(verified(conn, dialogue_id))


def states(conn: Connection, dialogue_id: str) -> list[EpochState]:
    """Every epoch this device can open, after verifying the whole chain."""
    ring = conn.keyrings[dialogue_id]
    chain = verified(conn, dialogue_id).epochs
    wraps = {
        w["epoch"]: b64d(w["wrap"])
        for w in conn.call("GET", f"/api/v1/dialogues/{dialogue_id}/wraps")
    }
    opened = []
    for record, roster in chain:
        if record.epoch not in wraps:
            continue
        secret = td2.unwrap_epoch_secret(
            ring.x25519_private,
            ring.dialogue_id,
            record.epoch,
            ring.handle,
            record.record_hash,
            wraps[record.epoch],
        )
        opened.append(EpochState(record.epoch, record.record_hash, roster, secret))
    return opened


def by_number(conn: Connection, dialogue_id: str) -> dict[int, EpochState]:
    return {state.number: state for state in states(conn, dialogue_id)}


def roster(conn: Connection, dialogue_id: str) -> list[td2.RosterMember]:
    return list(states(conn, dialogue_id)[-1].roster)


def team_keys(conn: Connection, dialogue_id: str) -> dict[int, bytes]:
    """``K_team`` of every epoch this member holds a team wrap for (the mediator team)."""
    ring = conn.keyrings[dialogue_id]
    opened = by_number(conn, dialogue_id)
    keys = {}
    for entry in conn.call("GET", f"/api/v1/dialogues/{dialogue_id}/team-wraps"):
        state = opened.get(entry["epoch"])
        if state is None:
            continue
        secret = td2.unwrap_team_secret(
            ring.x25519_private,
            ring.dialogue_id,
            state.number,
            ring.handle,
            state.record_hash,
            b64d(entry["wrap"]),
        )
        keys[state.number] = td2.derive_team_key(
            secret, ring.dialogue_id, state.number, state.record_hash
        )
    return keys


def current_team_key(conn: Connection, dialogue_id: str) -> tuple[int, bytes]:
    """The current epoch's number and ``K_team``; ``KeyError`` for a member outside the team."""
    epoch = states(conn, dialogue_id)[-1].number
    return epoch, team_keys(conn, dialogue_id)[epoch]
