"""What one device holds in a dialogue, and its signed-in connection to the server.

Every other client module is a set of functions over a ``Connection``: the key rings it holds
and the one way it calls the API, so each concern reads the same state without sharing a class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyotp

from facilitator import td2
from facilitator.client import trust
from facilitator.client.transport import ApiError, Transport

b64e = td2.b64u_encode
b64d = td2.b64u_decode

# The archive key is wrapped to as if it were a member with this handle (docs/export.md).
ARCHIVE_HANDLE = bytes(16)


@dataclass
class KeyRing:
    """One device's keys in one dialogue."""

    dialogue_id: bytes
    handle: bytes
    x25519_private: bytes
    x25519_public: bytes
    ed25519_private: bytes | None = None
    ed25519_public: bytes | None = None
    # The genesis steward key this device trusts for the chain: its own, the invitation link's,
    # or the genesis creator's pinned on first use (a team seat has no link).
    anchor_fingerprint: str | None = None
    anchor_public: bytes | None = None
    # The newest epoch record this device verified: a later chain must extend it.
    seen: trust.Seen | None = None
    # The steward keys this device verified as certified, by handle: they cannot change.
    stewards: dict[bytes, bytes] = field(default_factory=dict)
    # The private halves of the tally keys of the rounds this device owns, by round id: only
    # they open the rounds' ballots (docs/ideas.md, "Rounds and ballots").
    tally_keys: dict[str, bytes] = field(default_factory=dict)


@dataclass
class EpochState:
    number: int
    record_hash: bytes
    roster: list[td2.RosterMember]
    secret: bytes
    # The epoch's team secret, known here only to the steward who made the epoch.
    team_secret: bytes | None = None

    def subkey(self, dialogue_id: bytes, kind: str) -> bytes:
        """The epoch's key for one kind of envelope (``msg``, ``meta``, ``note``)."""
        return td2.derive_subkey(self.secret, dialogue_id, self.number, self.record_hash, kind)


@dataclass
class Connection:
    """A signed-in session with the server and the key rings of this device."""

    transport: Transport
    keyrings: dict[str, KeyRing] = field(default_factory=dict)
    invite_secrets: dict[str, bytes] = field(default_factory=dict)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        status, data, _headers = self.transport.request(method, path, json_body=body)
        if status >= 400:
            raise ApiError(status, data)
        return data

    def sign_in(self, username: str, password: str, totp_secret: str) -> None:
        """A team member's sign-in: password, then a TOTP code (the same forms a browser posts)."""
        self.sign_in_with_code(username, password, pyotp.TOTP(totp_secret).now())

    def sign_in_with_code(self, username: str, password: str, code: str) -> None:
        """Sign in with a code read from an authenticator app (the command line asks for it)."""
        form = {"username": username, "password": password}
        status, body, _ = self.transport.request("POST", "/login", form=form)
        if status != 302:
            raise ApiError(status, body)
        status, body, _ = self.transport.request("POST", "/login/code", form={"code": code})
        if status != 302:
            raise ApiError(status, body)


def open_device_session(conn: Connection, dialogue_id: str) -> dict[str, Any]:
    """Prove possession of the member key; the server answers with a device session."""
    ring = conn.keyrings[dialogue_id]
    handle = b64e(ring.handle)
    challenge = conn.call(
        "POST", "/api/v1/device-challenges", {"dialogue_id": dialogue_id, "handle": handle}
    )
    info = b"td2/v1/challenge" + ring.dialogue_id + ring.handle + b64d(challenge["challenge_id"])
    nonce = td2.open_wrap(ring.x25519_private, info, b64d(challenge["sealed"]))
    result: dict[str, Any] = conn.call(
        "POST",
        "/api/v1/device-sessions",
        {"challenge_id": challenge["challenge_id"], "nonce": b64e(nonce)},
    )
    return result
