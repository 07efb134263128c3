"""Invitations and knocks: a link whose secret a newcomer proves, a team seat named for an
account, and a steward's approval, which admits knocks with a new epoch."""

from __future__ import annotations

from typing import Any

from facilitator import td2
from facilitator.client import epochs, rotation
from facilitator.client.keyring import Connection, KeyRing

b64e = td2.b64u_encode
b64d = td2.b64u_decode


def invite_participant(conn: Connection, dialogue_id: str, role: str = "participant") -> str:
    """Create an invitation; returns the link path with its fragment."""
    invite_id, secret = td2.random_id(), td2.random_id()
    conn.call(
        "POST",
        f"/api/v1/dialogues/{dialogue_id}/invitations",
        {
            "invite_id": b64e(invite_id),
            "role": role,
            "secret_hash": b64e(td2.invite_secret_hash(secret)),
        },
    )
    conn.invite_secrets[b64e(invite_id)] = secret
    # The link names the dialogue's genesis steward key, which anchors the whole chain.
    ring = conn.keyrings[dialogue_id]
    if ring.anchor_fingerprint is None:
        epochs.verified(conn, dialogue_id)
    return f"/j/{b64e(invite_id)}#{b64e(secret)}.{ring.anchor_fingerprint}"


def add_team_seat(
    conn: Connection, dialogue_id: str, username: str, role: str, steward: bool = False
) -> str:
    invite_id = b64e(td2.random_id())
    conn.call(
        "POST",
        f"/api/v1/dialogues/{dialogue_id}/invitations",
        {"invite_id": invite_id, "role": role, "username": username, "steward": steward},
    )
    return invite_id


def knock(conn: Connection, link_or_invite_id: str, steward: bool = False) -> dict[str, Any]:
    """Knock with a fresh key pair; with a link, prove knowledge of its secret."""
    invite_id, _, fragment = link_or_invite_id.removeprefix("/j/").partition("#")
    x_private, x_public = td2.generate_member_keypair()
    body: dict[str, Any] = {"x25519_public": b64e(x_public)}
    anchor = None
    if fragment:
        secret_text, _, anchor = fragment.partition(".")
        body["proof"] = b64e(td2.join_proof(b64d(secret_text), x_public))
    e_private = e_public = None
    if steward:
        e_private, e_public = td2.generate_steward_keypair()
        body["ed25519_public"] = b64e(e_public)
    answer: dict[str, Any] = conn.call("POST", f"/api/v1/invitations/{invite_id}/knocks", body)
    conn.keyrings[answer["dialogue_id"]] = KeyRing(
        b64d(answer["dialogue_id"]),
        b64d(answer["handle"]),
        x_private,
        x_public,
        e_private,
        e_public,
        anchor or None,
    )
    answer["fingerprint"] = td2.fingerprint(x_public)
    return answer


def pending_knocks(conn: Connection, dialogue_id: str) -> list[dict[str, Any]]:
    """Knocks waiting, with their fingerprints and whether their proof checks out."""
    knocks: list[dict[str, Any]] = conn.call("GET", f"/api/v1/dialogues/{dialogue_id}/knocks")
    for entry in knocks:
        public = b64d(entry["x25519_public"])
        entry["fingerprint"] = td2.fingerprint(public)
        secret = conn.invite_secrets.get(entry["invite_id"])
        entry["proof_ok"] = entry["proof"] is None or (
            secret is not None and td2.verify_join_proof(secret, public, b64d(entry["proof"]))
        )
    return knocks


def approve(conn: Connection, dialogue_id: str, knocks: list[dict[str, Any]]) -> dict[str, Any]:
    """Admit knocks in a new epoch, certifying the steward keys they bring."""
    newcomers = [
        td2.RosterMember(b64d(k["handle"]), b64d(k["x25519_public"]), k["role"]) for k in knocks
    ]
    return rotation.cut_epoch(
        conn,
        dialogue_id,
        epochs.roster(conn, dialogue_id) + newcomers,
        approve=[k["knock_id"] for k in knocks],
        stewards={k["handle"]: k["ed25519_public"] for k in knocks if k.get("ed25519_public")},
    )
