"""``DialogueClient``: sign in, create dialogues, invite, knock, approve, remove, read and write
sealed ``meta`` documents — the browser's flows, with ``facilitator.td2``."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import pyotp

from facilitator import td2
from facilitator.client import trust
from facilitator.client.transport import ApiError, Transport

b64e = td2.b64u_encode
b64d = td2.b64u_decode


def meta_channel_id(dialogue_id: bytes) -> bytes:
    """``SHA-256("td2/v1/channel/meta/" || dialogue_id)[:16]`` (docs/dialogue-content.md)."""
    return well_known_channel_id("meta", dialogue_id)


def well_known_channel_id(name: str, dialogue_id: bytes) -> bytes:
    """``SHA-256("td2/v1/channel/" || name || "/" || dialogue_id)[:16]``."""
    return td2.channel_id(name, dialogue_id)


def team_channel_id(dialogue_id: bytes) -> bytes:
    """The team backchannel: ``channel_id("team")`` (docs/protocol.md, "Team channel")."""
    return well_known_channel_id("team", dialogue_id)


# The archive key is wrapped to as if it were a member with this handle (docs/export.md).
ARCHIVE_HANDLE = bytes(16)
# An agenda item's facilitator guidance, sealed under the team key (docs/dialogue-content.md).
GUIDANCE = "guidance_sealed"


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


@dataclass
class EpochState:
    number: int
    record_hash: bytes
    roster: list[td2.RosterMember]
    secret: bytes
    # The epoch's team secret, known here only to the steward who made the epoch.
    team_secret: bytes | None = None


@dataclass
class DialogueClient:
    transport: Transport
    keyrings: dict[str, KeyRing] = field(default_factory=dict)
    invite_secrets: dict[str, bytes] = field(default_factory=dict)

    # --- plumbing ---------------------------------------------------------------------------

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

    # --- dialogues and epochs ---------------------------------------------------------------

    def create_dialogue(self, document: dict[str, Any]) -> str:
        """Make the dialogue's keys and genesis epoch, then seal its ``dialogue`` document."""
        dialogue_id, handle = td2.random_id(), td2.random_id()
        x_private, x_public = td2.generate_member_keypair()
        e_private, e_public = td2.generate_steward_keypair()
        ring = KeyRing(
            dialogue_id, handle, x_private, x_public, e_private, e_public, td2.fingerprint(e_public)
        )
        roster = [td2.RosterMember(handle, x_public, "convener")]
        genesis, state = self._epoch_body(
            ring, 0, td2.GENESIS_PREV_HASH, roster, td2.random_secret()
        )
        ring.seen = trust.Seen(0, state.record_hash)
        self.call(
            "POST",
            "/api/v1/dialogues",
            {
                "dialogue_id": b64e(dialogue_id),
                "member": {
                    "handle": b64e(handle),
                    "x25519_public": b64e(x_public),
                    "ed25519_public": b64e(e_public),
                },
                "genesis": genesis,
            },
        )
        self.keyrings[b64e(dialogue_id)] = ring
        self.write_meta(b64e(dialogue_id), {"type": "dialogue", **document})
        return b64e(dialogue_id)

    def register_archive_key(self, dialogue_id: str, archive_public: bytes) -> dict[str, Any]:
        """Wrap every epoch secret this device holds to the archive key, register it, and
        announce it in a sealed ``archive_key`` document, signed with this convener's steward key
        (only a convener may name it), so stewards wrap later epochs to it."""
        ring = self.keyrings[dialogue_id]
        steward_private = ring.ed25519_private
        if steward_private is None:
            raise trust.ArchiveKeyError("only a convener who holds a steward key names it")
        wraps = [
            {
                "epoch": state.number,
                "wrap": b64e(
                    td2.wrap_epoch_secret(
                        archive_public,
                        ring.dialogue_id,
                        state.number,
                        ARCHIVE_HANDLE,
                        state.record_hash,
                        state.secret,
                    )
                ),
            }
            for state in self.epochs(dialogue_id)
        ]
        body = {"x25519_public": b64e(archive_public), "wraps": wraps}
        result: dict[str, Any] = self.call(
            "PUT", f"/api/v1/dialogues/{dialogue_id}/archive-key", body
        )
        older = [d for d in self.read_meta(dialogue_id) if d.get("type") == "archive_key"]
        signature = td2.sign_archive_key(steward_private, ring.dialogue_id, archive_public)
        self.write_meta(
            dialogue_id,
            {
                "type": "archive_key",
                "x25519_public": b64e(archive_public),
                "signer": b64e(ring.handle),
                "signature": b64e(signature),
            },
            replaces=older[-1]["_message_id"] if older else None,
        )
        return result

    def _epoch_body(
        self,
        ring: KeyRing,
        number: int,
        prev_hash: bytes,
        roster: list[td2.RosterMember],
        secret: bytes,
    ) -> tuple[dict[str, Any], EpochState]:
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
        # The team secret, wrapped to the mediator team only (docs/protocol.md, "Team channel").
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

    def _root_key(
        self, ring: KeyRing, entries: list[dict[str, Any]], members: list[dict[str, Any]]
    ) -> bytes:
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

    def _verified(self, dialogue_id: str) -> trust.VerifiedChain:
        """The chain verified from its pinned genesis key, with who may sign the next record.
        Refuses a rollback, a fork and a withheld newest record."""
        ring = self.keyrings[dialogue_id]
        entries = self.call("GET", f"/api/v1/dialogues/{dialogue_id}/epochs")
        info = self.call("GET", f"/api/v1/dialogues/{dialogue_id}")
        root = self._root_key(ring, entries, info["members"])
        chain = trust.verify_dialogue_chain(entries, root, ring.handle)
        records = [record for record, _roster in chain.epochs]
        if records[-1].epoch < info["current_epoch"]:
            raise trust.RollbackError("the server is holding back the newest epoch record")
        trust.check_stewards(ring.stewards, chain.certified)
        ring.seen = trust.check_seen(ring.seen, records)
        ring.stewards.update(chain.certified)
        return chain

    def conveners(self, dialogue_id: str) -> dict[bytes, bytes]:
        """Handle -> trusted steward key of each convener in the newest verified roster."""
        chain = self._verified(dialogue_id)
        return {
            m.handle: chain.signers[m.handle]
            for m in chain.epochs[-1][1]
            if m.role == "convener" and m.handle in chain.signers
        }

    def epochs(self, dialogue_id: str) -> list[EpochState]:
        """Every epoch this device can open, after verifying the whole chain."""
        ring = self.keyrings[dialogue_id]
        chain = self._verified(dialogue_id).epochs
        wraps = {
            w["epoch"]: b64d(w["wrap"])
            for w in self.call("GET", f"/api/v1/dialogues/{dialogue_id}/wraps")
        }
        states = []
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
            states.append(EpochState(record.epoch, record.record_hash, roster, secret))
        return states

    def cut_epoch(
        self,
        dialogue_id: str,
        roster: list[td2.RosterMember],
        approve: list[str] | None = None,
        stewards: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Sign and post the next epoch; ``stewards`` (handle -> Ed25519 key, base64url) are
        newcomers whose steward keys this steward certifies with it."""
        ring = self.keyrings[dialogue_id]
        current = self.epochs(dialogue_id)[-1]
        documents = self.read_meta(dialogue_id)
        body, state = self._epoch_body(
            ring, current.number + 1, current.record_hash, roster, td2.random_secret()
        )
        body["approve"] = approve or []
        steward_private = ring.ed25519_private
        assert steward_private is not None
        body["steward_certs"] = [
            {
                "handle": handle,
                "ed25519_public": key,
                "signature": b64e(
                    td2.sign_steward_cert(
                        steward_private, ring.dialogue_id, state.number, b64d(handle), b64d(key)
                    )
                ),
            }
            for handle, key in (stewards or {}).items()
        ]
        archive = trust.archive_public(documents, ring.dialogue_id, self.conveners(dialogue_id))
        if archive is not None:
            body["archive_wrap"] = b64e(
                td2.wrap_epoch_secret(
                    archive,
                    ring.dialogue_id,
                    state.number,
                    ARCHIVE_HANDLE,
                    state.record_hash,
                    state.secret,
                )
            )
        # Seal the current meta documents again under the new epoch (docs/dialogue-content.md),
        # their team-only guidance under the new epoch's team key.
        team_keys = self.team_keys(dialogue_id) if any(GUIDANCE in d for d in documents) else {}
        assert state.team_secret is not None
        new_team_key = td2.derive_team_key(
            state.team_secret, ring.dialogue_id, state.number, state.record_hash
        )
        for document in documents:
            if GUIDANCE in document:
                texts = self._open_guidance(ring, team_keys, document)
                document[GUIDANCE] = self._seal_guidance(
                    ring, state.number, new_team_key, document["id"], texts
                )
        body["reseal"] = [
            self._meta_envelope(ring, state, document, replaces=document.pop("_message_id"))
            for document in documents
        ]
        result: dict[str, Any] = self.call("POST", f"/api/v1/dialogues/{dialogue_id}/epochs", body)
        # The epoch this device made is the newest it knows: never seal under an older one.
        ring.seen = trust.Seen(state.number, state.record_hash)
        return result

    def roster(self, dialogue_id: str) -> list[td2.RosterMember]:
        return list(self.epochs(dialogue_id)[-1].roster)

    def remove(self, dialogue_id: str, handles: list[str]) -> dict[str, Any]:
        gone = {b64d(h) for h in handles}
        keep = [m for m in self.roster(dialogue_id) if m.handle not in gone]
        return self.cut_epoch(dialogue_id, keep)

    # --- invitations and knocks -------------------------------------------------------------

    def invite_participant(self, dialogue_id: str, role: str = "participant") -> str:
        """Create an invitation; returns the link path with its fragment."""
        invite_id, secret = td2.random_id(), td2.random_id()
        self.call(
            "POST",
            f"/api/v1/dialogues/{dialogue_id}/invitations",
            {
                "invite_id": b64e(invite_id),
                "role": role,
                "secret_hash": b64e(td2.invite_secret_hash(secret)),
            },
        )
        self.invite_secrets[b64e(invite_id)] = secret
        # The link names the dialogue's genesis steward key, which anchors the whole chain.
        ring = self.keyrings[dialogue_id]
        if ring.anchor_fingerprint is None:
            self._verified(dialogue_id)
        return f"/j/{b64e(invite_id)}#{b64e(secret)}.{ring.anchor_fingerprint}"

    def add_team_seat(
        self, dialogue_id: str, username: str, role: str, steward: bool = False
    ) -> str:
        invite_id = b64e(td2.random_id())
        self.call(
            "POST",
            f"/api/v1/dialogues/{dialogue_id}/invitations",
            {"invite_id": invite_id, "role": role, "username": username, "steward": steward},
        )
        return invite_id

    def knock(self, link_or_invite_id: str, steward: bool = False) -> dict[str, Any]:
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
        knock: dict[str, Any] = self.call("POST", f"/api/v1/invitations/{invite_id}/knocks", body)
        self.keyrings[knock["dialogue_id"]] = KeyRing(
            b64d(knock["dialogue_id"]),
            b64d(knock["handle"]),
            x_private,
            x_public,
            e_private,
            e_public,
            anchor or None,
        )
        knock["fingerprint"] = td2.fingerprint(x_public)
        return knock

    def pending_knocks(self, dialogue_id: str) -> list[dict[str, Any]]:
        """Knocks waiting, with their fingerprints and whether their proof checks out."""
        knocks: list[dict[str, Any]] = self.call("GET", f"/api/v1/dialogues/{dialogue_id}/knocks")
        for knock in knocks:
            public = b64d(knock["x25519_public"])
            knock["fingerprint"] = td2.fingerprint(public)
            secret = self.invite_secrets.get(knock["invite_id"])
            knock["proof_ok"] = knock["proof"] is None or (
                secret is not None and td2.verify_join_proof(secret, public, b64d(knock["proof"]))
            )
        return knocks

    def approve(self, dialogue_id: str, knocks: list[dict[str, Any]]) -> dict[str, Any]:
        newcomers = [
            td2.RosterMember(b64d(k["handle"]), b64d(k["x25519_public"]), k["role"]) for k in knocks
        ]
        return self.cut_epoch(
            dialogue_id,
            self.roster(dialogue_id) + newcomers,
            approve=[k["knock_id"] for k in knocks],
            stewards={k["handle"]: k["ed25519_public"] for k in knocks if k.get("ed25519_public")},
        )

    def open_device_session(self, dialogue_id: str) -> dict[str, Any]:
        """Prove possession of the member key; the server answers with a device session."""
        ring = self.keyrings[dialogue_id]
        handle = b64e(ring.handle)
        challenge = self.call(
            "POST", "/api/v1/device-challenges", {"dialogue_id": dialogue_id, "handle": handle}
        )
        info = (
            b"td2/v1/challenge" + ring.dialogue_id + ring.handle + b64d(challenge["challenge_id"])
        )
        nonce = td2.open_wrap(ring.x25519_private, info, b64d(challenge["sealed"]))
        result: dict[str, Any] = self.call(
            "POST",
            "/api/v1/device-sessions",
            {"challenge_id": challenge["challenge_id"], "nonce": b64e(nonce)},
        )
        return result

    # --- live messages ----------------------------------------------------------------------

    def seal_message(
        self, dialogue_id: str, channel_id: bytes, content: dict[str, Any]
    ) -> dict[str, Any]:
        """A sealed ``msg`` envelope for ``send_message`` (content: text, lang, counters…)."""
        ring = self.keyrings[dialogue_id]
        state = self.epochs(dialogue_id)[-1]
        message_id = td2.random_id()
        key = td2.derive_subkey(
            state.secret, ring.dialogue_id, state.number, state.record_hash, "msg"
        )
        aad = td2.build_aad(
            "msg", ring.dialogue_id, channel_id, state.number, message_id, ring.handle
        )
        return {
            "channel_id": b64e(channel_id),
            "message_id": b64e(message_id),
            "epoch": state.number,
            "author_handle": b64e(ring.handle),
            "blob": b64e(td2.seal_blob(key, aad, json.dumps(content).encode())),
        }

    def team_keys(self, dialogue_id: str) -> dict[int, bytes]:
        """``K_team`` of every epoch this member holds a team wrap for (the mediator team)."""
        ring = self.keyrings[dialogue_id]
        states = {s.number: s for s in self.epochs(dialogue_id)}
        keys = {}
        for entry in self.call("GET", f"/api/v1/dialogues/{dialogue_id}/team-wraps"):
            state = states.get(entry["epoch"])
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

    def seal_team_message(self, dialogue_id: str, content: dict[str, Any]) -> dict[str, Any]:
        """A ``msg`` envelope on the team channel, sealed under the current epoch's ``K_team``."""
        ring = self.keyrings[dialogue_id]
        epoch = self.epochs(dialogue_id)[-1].number
        key = self.team_keys(dialogue_id)[epoch]
        channel, message_id = team_channel_id(ring.dialogue_id), td2.random_id()
        aad = td2.build_aad("msg", ring.dialogue_id, channel, epoch, message_id, ring.handle)
        return {
            "channel_id": b64e(channel),
            "message_id": b64e(message_id),
            "epoch": epoch,
            "author_handle": b64e(ring.handle),
            "blob": b64e(td2.seal_blob(key, aad, json.dumps(content).encode())),
        }

    def open_team_message(self, dialogue_id: str, envelope: dict[str, Any]) -> dict[str, Any]:
        ring = self.keyrings[dialogue_id]
        key = self.team_keys(dialogue_id).get(envelope["epoch"])
        if key is None:
            raise td2.Td2DecryptError(f"no team key for epoch {envelope['epoch']}")
        aad = td2.build_aad(
            "msg",
            ring.dialogue_id,
            b64d(envelope["channel_id"]),
            envelope["epoch"],
            b64d(envelope["message_id"]),
            b64d(envelope["author_handle"]),
        )
        content: dict[str, Any] = json.loads(td2.open_blob(key, aad, b64d(envelope["blob"])))
        return content

    def write_note(
        self, dialogue_id: str, note: dict[str, Any], replaces: str | None = None
    ) -> str:
        """Seal a note (docs/notes.md) under the ``note`` key with the all-zero author handle."""
        ring = self.keyrings[dialogue_id]
        state = self.epochs(dialogue_id)[-1]
        message_id = td2.random_id()
        channel = well_known_channel_id("notes", ring.dialogue_id)
        key = td2.derive_subkey(
            state.secret, ring.dialogue_id, state.number, state.record_hash, "note"
        )
        author = bytes(16)
        aad = td2.build_aad("note", ring.dialogue_id, channel, state.number, message_id, author)
        body = {
            "kind": "note",
            "channel_id": b64e(channel),
            "message_id": b64e(message_id),
            "epoch": state.number,
            "author_handle": b64e(author),
            "blob": b64e(td2.seal_blob(key, aad, json.dumps({"type": "note", **note}).encode())),
            "replaces": replaces,
        }
        self.call("POST", f"/api/v1/dialogues/{dialogue_id}/envelopes", body)
        return b64e(message_id)

    def write_team_note(
        self, dialogue_id: str, note: dict[str, Any], replaces: str | None = None
    ) -> str:
        """Seal an off-the-record note (docs/notes.md) under the current epoch's ``K_team`` in
        the team channel, with the all-zero author handle: the team's alone, never exported."""
        ring = self.keyrings[dialogue_id]
        epoch = self.epochs(dialogue_id)[-1].number
        key = self.team_keys(dialogue_id)[epoch]
        channel, message_id, author = team_channel_id(ring.dialogue_id), td2.random_id(), bytes(16)
        aad = td2.build_aad("note", ring.dialogue_id, channel, epoch, message_id, author)
        body = {
            "kind": "note",
            "channel_id": b64e(channel),
            "message_id": b64e(message_id),
            "epoch": epoch,
            "author_handle": b64e(author),
            "blob": b64e(td2.seal_blob(key, aad, json.dumps({"type": "note", **note}).encode())),
            "replaces": replaces,
        }
        self.call("POST", f"/api/v1/dialogues/{dialogue_id}/envelopes", body)
        return b64e(message_id)

    def open_message(self, dialogue_id: str, envelope: dict[str, Any]) -> dict[str, Any]:
        states = {s.number: s for s in self.epochs(dialogue_id)}
        return self._open_envelope(dialogue_id, states, "msg", envelope)

    def _open_envelope(
        self,
        dialogue_id: str,
        states: dict[int, EpochState],
        kind: str,
        envelope: dict[str, Any],
    ) -> dict[str, Any]:
        """Open one envelope with its epoch's subkey; every routing field is in the AAD."""
        ring = self.keyrings[dialogue_id]
        state = states.get(envelope["epoch"])
        if state is None:
            raise td2.Td2DecryptError(f"no key for epoch {envelope['epoch']}")
        key = td2.derive_subkey(
            state.secret, ring.dialogue_id, state.number, state.record_hash, kind
        )
        aad = td2.build_aad(
            kind,
            ring.dialogue_id,
            b64d(envelope["channel_id"]),
            envelope["epoch"],
            b64d(envelope["message_id"]),
            b64d(envelope["author_handle"]),
        )
        content: dict[str, Any] = json.loads(td2.open_blob(key, aad, b64d(envelope["blob"])))
        return content

    # --- team-only guidance -----------------------------------------------------------------

    @staticmethod
    def _guidance_aad(ring: KeyRing, epoch: int, document_id: str) -> bytes:
        """The guidance of one document: the team channel, the document's id as message id, and
        no author (the document's envelope names who wrote it)."""
        channel = team_channel_id(ring.dialogue_id)
        return td2.build_aad("meta", ring.dialogue_id, channel, epoch, b64d(document_id), bytes(16))

    def _seal_guidance(
        self, ring: KeyRing, epoch: int, key: bytes, document_id: str, texts: dict[str, str]
    ) -> dict[str, Any]:
        aad = self._guidance_aad(ring, epoch, document_id)
        return {"epoch": epoch, "blob": b64e(td2.seal_json(key, aad, texts))}

    def _open_guidance(
        self, ring: KeyRing, keys: dict[int, bytes], document: dict[str, Any]
    ) -> dict[str, str]:
        sealed = document[GUIDANCE]
        key = keys.get(sealed["epoch"])
        if key is None:
            raise td2.Td2DecryptError(f"no team key for epoch {sealed['epoch']}")
        aad = self._guidance_aad(ring, sealed["epoch"], document["id"])
        texts: dict[str, str] = td2.open_json(key, aad, b64d(sealed["blob"]))  # type: ignore[assignment]
        return texts

    def write_agenda_item(
        self,
        dialogue_id: str,
        item: dict[str, Any],
        guidance: dict[str, str] | None = None,
        replaces: str | None = None,
    ) -> str:
        """An ``agenda_item`` document; its guidance (texts) sealed under the current epoch's
        team key, so only the mediator team opens it."""
        ring = self.keyrings[dialogue_id]
        document = {"type": "agenda_item", "id": b64e(td2.random_id()), **item}
        document.pop(GUIDANCE, None)
        document.pop("guidance", None)
        if guidance:
            epoch = self.epochs(dialogue_id)[-1].number
            key = self.team_keys(dialogue_id)[epoch]
            document[GUIDANCE] = self._seal_guidance(ring, epoch, key, document["id"], guidance)
        return self.write_meta(dialogue_id, document, replaces=replaces)

    def guidance(self, dialogue_id: str, document: dict[str, Any]) -> dict[str, str] | None:
        """The guidance of an agenda item, for a member of the mediator team; anyone else holds
        no team key (``Td2DecryptError``)."""
        if GUIDANCE not in document:
            return None
        try:
            keys = self.team_keys(dialogue_id)
        except ApiError as error:
            if error.status != 403:
                raise
            keys = {}
        return self._open_guidance(self.keyrings[dialogue_id], keys, document)

    # --- meta documents ---------------------------------------------------------------------

    def write_meta(
        self, dialogue_id: str, document: dict[str, Any], replaces: str | None = None
    ) -> str:
        ring = self.keyrings[dialogue_id]
        current = self.epochs(dialogue_id)[-1]
        body = self._meta_envelope(
            ring, current, {"id": b64e(td2.random_id()), **document}, replaces
        )
        self.call("POST", f"/api/v1/dialogues/{dialogue_id}/envelopes", body)
        return str(body["message_id"])

    @staticmethod
    def _meta_envelope(
        ring: KeyRing, state: EpochState, document: dict[str, Any], replaces: str | None
    ) -> dict[str, Any]:
        message_id = td2.random_id()
        channel = meta_channel_id(ring.dialogue_id)
        key = td2.derive_subkey(
            state.secret, ring.dialogue_id, state.number, state.record_hash, "meta"
        )
        aad = td2.build_aad(
            "meta", ring.dialogue_id, channel, state.number, message_id, ring.handle
        )
        return {
            "kind": "meta",
            "channel_id": b64e(channel),
            "message_id": b64e(message_id),
            "epoch": state.number,
            "author_handle": b64e(ring.handle),
            "blob": b64e(td2.seal_blob(key, aad, json.dumps(document).encode())),
            "replaces": replaces,
        }

    def read_meta(self, dialogue_id: str) -> list[dict[str, Any]]:
        """Every current ``meta`` document; one that does not open raises ``Td2Error``."""
        ring = self.keyrings[dialogue_id]
        states = {s.number: s for s in self.epochs(dialogue_id)}
        channel = b64e(meta_channel_id(ring.dialogue_id))
        envelopes = self.call("GET", f"/api/v1/dialogues/{dialogue_id}/envelopes?channel={channel}")
        documents = []
        for envelope in envelopes:
            document = self._open_envelope(dialogue_id, states, "meta", envelope)
            documents.append({**document, "_message_id": envelope["message_id"]})
        return documents
