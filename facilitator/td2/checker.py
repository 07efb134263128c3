"""Checking a vector file in the TD2 v1 format, ours or another implementation's.

Each section is checked entry by entry; the first mismatch stops the check
and is reported as ``section[index]: reason``.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from facilitator.td2.aad import build_aad
from facilitator.td2.approval import (
    approval_statement,
    approver_statement,
    side_digest,
    sign_approval,
    sign_approver,
    verify_approval,
    verify_approver,
)
from facilitator.td2.archive import archive_key_statement, sign_archive_key, verify_archive_key
from facilitator.td2.channels import channel_id
from facilitator.td2.content import open_blob, seal_blob_with_nonce
from facilitator.td2.encoding import b64u_decode
from facilitator.td2.epoch import (
    build_epoch_record,
    parse_epoch_record,
    record_hash,
    verify_epoch_signature,
)
from facilitator.td2.errors import Td2Error
from facilitator.td2.fingerprint import fingerprint
from facilitator.td2.hpke_fixed import seal_fixed
from facilitator.td2.invite import invite_secret_hash, join_proof, verify_join_proof
from facilitator.td2.keyfile import MAX_ITERATIONS, derive_key_file_key, open_key_file
from facilitator.td2.keys import ed25519_public_from_private, x25519_public_from_private
from facilitator.td2.roster import roster_hash
from facilitator.td2.steward import sign_steward_cert, steward_cert_statement, verify_steward_cert
from facilitator.td2.subkeys import derive_subkey
from facilitator.td2.team import derive_team_key, team_wrap_info, unwrap_team_secret
from facilitator.td2.wrap import open_wrap, unwrap_epoch_secret, wrap_info

SECTIONS = (
    "subkeys",
    "aad",
    "seal",
    "wrap",
    "roster",
    "epoch_record",
    "fingerprint",
    "invite",
    "key_file",
    "negative",
)
# Sections this project adds to the brief's format (docs/protocol.md, "Team channel"): optional,
# so a file without them still checks; checked like the others when present.
EXTENSION_SECTIONS = (
    "team_subkeys",
    "team_wrap",
    "steward_cert",
    "archive_key",
    "summary_approval",
    "channel",
    "envelope",
)


class VectorMismatch(Exception):
    """A vector entry whose expected value differs from the computed one."""


@dataclass
class VectorReport:
    """Entries checked per section and the first failure, if any."""

    counts: dict[str, int] = field(default_factory=dict)
    failure: str | None = None

    @property
    def ok(self) -> bool:
        """True when every entry of every section checked."""
        return self.failure is None


class _Entry:
    """Typed access to the fields of one JSON entry."""

    def __init__(self, raw: object) -> None:
        if not isinstance(raw, dict):
            raise VectorMismatch("entry is not a JSON object")
        self.raw: dict[str, Any] = raw

    def get(self, name: str, kind: type) -> Any:
        value = self.raw.get(name)
        if value is None:
            raise VectorMismatch(f"missing field {name!r}")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise VectorMismatch(f"field {name!r} must be a {kind.__name__}")
        return value

    def b(self, name: str) -> bytes:
        try:
            return b64u_decode(self.get(name, str))
        except Td2Error as exc:
            raise VectorMismatch(f"field {name!r}: {exc}") from None

    def sha256_hex(self, name: str) -> bytes:
        """A SHA-256 digest written as 64 lowercase hex digits (as a manifest writes it)."""
        text = self.str(name)
        if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
            raise VectorMismatch(f"field {name!r} must be 64 lowercase hex digits")
        return bytes.fromhex(text)

    def int(self, name: str) -> int:
        return int(self.get(name, int))

    def str(self, name: str) -> str:
        return str(self.get(name, str))


def _expect(name: str, computed: object, expected: object) -> None:
    if computed != expected:
        raise VectorMismatch(f"{name} does not match")


def _subkeys(e: _Entry) -> None:
    key = derive_subkey(
        e.b("epoch_secret"), e.b("dialogue_id"), e.int("epoch"), e.b("record_hash"), e.str("label")
    )
    _expect("key", key, e.b("key"))


def _aad(e: _Entry) -> None:
    computed = build_aad(
        e.str("kind"),
        e.b("dialogue_id"),
        e.b("channel_id"),
        e.int("epoch"),
        e.b("message_id"),
        e.b("author_handle"),
    )
    _expect("aad", computed, e.b("aad"))


def _seal(e: _Entry) -> None:
    key, aad, blob = e.b("key"), e.b("aad"), e.b("blob")
    _expect("blob", seal_blob_with_nonce(key, aad, e.b("plaintext"), e.b("nonce")), blob)
    _expect("opened plaintext", open_blob(key, aad, blob), e.b("plaintext"))


def _wrap(e: _Entry) -> None:
    private, public = e.b("recipient_private"), e.b("recipient_public")
    _expect("recipient_public", x25519_public_from_private(private), public)
    args = (e.b("dialogue_id"), e.int("epoch"), e.b("member_handle"), e.b("record_hash"))
    _expect(
        "unwrapped epoch_secret",
        unwrap_epoch_secret(private, *args, e.b("wrap")),
        e.b("epoch_secret"),
    )
    if "ephemeral_private" in e.raw:
        computed = seal_fixed(
            public, wrap_info(*args), e.b("epoch_secret"), e.b("ephemeral_private")
        )
        _expect("wrap (from ephemeral_private)", computed, e.b("wrap"))


def _roster(e: _Entry) -> None:
    members = []
    for raw in e.get("members", list):
        m = _Entry(raw)
        role = m.raw.get("role")
        if not isinstance(role, str | int):
            raise VectorMismatch("member role must be a name or a code")
        members.append((m.b("handle"), m.b("x25519_public"), role))
    _expect("roster_hash", roster_hash(members), e.b("roster_hash"))


def _epoch_record(e: _Entry) -> None:
    record = e.b("record")
    fields = (
        e.b("dialogue_id"),
        e.int("epoch"),
        e.b("prev_hash"),
        e.b("roster_hash"),
        e.b("creator_handle"),
        e.int("unix_ms"),
    )
    _expect("record", build_epoch_record(*fields), record)
    parsed = parse_epoch_record(record)
    _expect(
        "parsed record",
        (
            parsed.dialogue_id,
            parsed.epoch,
            parsed.prev_hash,
            parsed.roster_hash,
            parsed.creator_handle,
            parsed.unix_ms,
        ),
        fields,
    )
    _expect("record_hash", record_hash(record), e.b("record_hash"))
    verify_epoch_signature(e.b("steward_public"), record, e.b("signature"))


def _fingerprint(e: _Entry) -> None:
    _expect("fingerprint", fingerprint(e.b("public")), e.str("fingerprint"))


def _invite(e: _Entry) -> None:
    secret, public, proof = e.b("invite_secret"), e.b("x25519_public"), e.b("proof")
    _expect("proof", join_proof(secret, public), proof)
    _expect("proof verification", verify_join_proof(secret, public, proof), True)
    _expect("secret_hash", invite_secret_hash(secret), e.b("secret_hash"))


def _key_file(e: _Entry) -> None:
    passphrase = e.str("passphrase")
    if e.int("iterations") > MAX_ITERATIONS:
        raise VectorMismatch(f"iterations above {MAX_ITERATIONS} are not checked")
    key = derive_key_file_key(passphrase, e.b("salt"), e.int("iterations"))
    _expect("key", key, e.b("key"))
    if "file" in e.raw:
        document = json.dumps(e.get("file", dict)).encode("utf-8")
        _expect("opened key file", open_key_file(document, passphrase), e.b("pkcs8"))


def _negative(e: _Entry) -> None:
    primitive = e.raw.get("primitive", "seal")
    if primitive not in ("seal", "wrap"):
        raise VectorMismatch(f"unknown primitive {primitive!r}")
    opener: Callable[[bytes, bytes, bytes], bytes] = open_blob if primitive == "seal" else open_wrap
    key, aad, blob = e.b("key"), e.b("aad"), e.b("blob")
    try:
        opener(key, aad, blob)
    except Td2Error:
        return
    raise VectorMismatch(f"opened, but must fail ({e.raw.get('what', 'no description')})")


def _team_subkeys(e: _Entry) -> None:
    key = derive_team_key(
        e.b("team_secret"), e.b("dialogue_id"), e.int("epoch"), e.b("record_hash")
    )
    _expect("key", key, e.b("key"))


def _team_wrap(e: _Entry) -> None:
    private, public = e.b("recipient_private"), e.b("recipient_public")
    _expect("recipient_public", x25519_public_from_private(private), public)
    args = (e.b("dialogue_id"), e.int("epoch"), e.b("member_handle"), e.b("record_hash"))
    _expect(
        "unwrapped team_secret",
        unwrap_team_secret(private, *args, e.b("wrap")),
        e.b("team_secret"),
    )
    if "ephemeral_private" in e.raw:
        computed = seal_fixed(
            public, team_wrap_info(*args), e.b("team_secret"), e.b("ephemeral_private")
        )
        _expect("wrap (from ephemeral_private)", computed, e.b("wrap"))


def _signed_statement(e: _Entry, statement: bytes) -> None:
    _expect("statement", statement, e.b("statement"))
    if "signer_private" in e.raw:
        _expect(
            "signer_public",
            ed25519_public_from_private(e.b("signer_private")),
            e.b("signer_public"),
        )


def _steward_cert(e: _Entry) -> None:
    args = (e.b("dialogue_id"), e.int("epoch"), e.b("handle"), e.b("ed25519_public"))
    _signed_statement(e, steward_cert_statement(*args))
    verify_steward_cert(e.b("signer_public"), *args, e.b("signature"))
    if "signer_private" in e.raw:
        _expect("signature", sign_steward_cert(e.b("signer_private"), *args), e.b("signature"))


def _archive_key(e: _Entry) -> None:
    args = (e.b("dialogue_id"), e.b("x25519_public"))
    _signed_statement(e, archive_key_statement(*args))
    verify_archive_key(e.b("signer_public"), *args, e.b("signature"))
    if "signer_private" in e.raw:
        _expect("signature", sign_archive_key(e.b("signer_private"), *args), e.b("signature"))


def _summary_approval(e: _Entry) -> None:
    dialogue, content = e.b("dialogue_id"), e.sha256_hex("content_sha256")
    public, digest = e.b("approval_public"), e.b("side_sha256")
    if "side" in e.raw:
        _expect("side_sha256", side_digest(e.str("side")), digest)
    _expect("approval_statement", approval_statement(dialogue, content), e.b("approval_statement"))
    verify_approval(public, dialogue, content, e.b("signature"))
    if "approval_private" in e.raw:
        private = e.b("approval_private")
        _expect("approval_public", ed25519_public_from_private(private), public)
        _expect("signature", sign_approval(private, dialogue, content), e.b("signature"))
    args = (dialogue, content, public, digest)
    _signed_statement(e, approver_statement(*args))
    verify_approver(e.b("signer_public"), *args, e.b("certificate"))
    if "signer_private" in e.raw:
        _expect("certificate", sign_approver(e.b("signer_private"), *args), e.b("certificate"))


def _channel(e: _Entry) -> None:
    _expect("channel_id", channel_id(e.str("name"), e.b("dialogue_id")), e.b("channel_id"))


def _envelope(e: _Entry) -> None:
    env, dialogue = _Entry(e.get("envelope", dict)), e.b("dialogue_id")
    _expect("channel_id", channel_id(e.str("channel"), dialogue), env.b("channel_id"))
    secret, epoch, rh, key_name = (
        e.b("secret"),
        env.int("epoch"),
        e.b("record_hash"),
        e.str("key_name"),
    )
    if key_name == "team":
        key = derive_team_key(secret, dialogue, epoch, rh)
    else:
        key = derive_subkey(secret, dialogue, epoch, rh, key_name)
    aad = build_aad(
        env.str("kind"),
        dialogue,
        env.b("channel_id"),
        epoch,
        env.b("message_id"),
        env.b("author_handle"),
    )
    blob, plaintext = env.b("blob"), e.b("plaintext")
    _expect("blob", seal_blob_with_nonce(key, aad, plaintext, e.b("nonce")), blob)
    _expect("opened plaintext", open_blob(key, aad, blob), plaintext)


CHECKS: dict[str, Callable[[_Entry], None]] = {
    "subkeys": _subkeys,
    "aad": _aad,
    "seal": _seal,
    "wrap": _wrap,
    "roster": _roster,
    "epoch_record": _epoch_record,
    "fingerprint": _fingerprint,
    "invite": _invite,
    "key_file": _key_file,
    "negative": _negative,
    "team_subkeys": _team_subkeys,
    "team_wrap": _team_wrap,
    "steward_cert": _steward_cert,
    "archive_key": _archive_key,
    "summary_approval": _summary_approval,
    "channel": _channel,
    "envelope": _envelope,
}


def check_vectors(data: object) -> VectorReport:
    """Check a parsed vector document; stops at the first failing entry."""
    report = VectorReport()
    if not isinstance(data, dict):
        report.failure = "the vector file is not a JSON object"
        return report
    if data.get("suite") != "td2v1":
        report.failure = f"suite must be 'td2v1', got {data.get('suite')!r}"
        return report
    for section in SECTIONS + EXTENSION_SECTIONS:
        entries = data.get(section)
        if section in EXTENSION_SECTIONS and entries is None:
            continue
        if not isinstance(entries, list):
            report.failure = f"section {section!r} is missing or not a list"
            return report
        report.counts[section] = 0
        for index, raw in enumerate(entries):
            try:
                CHECKS[section](_Entry(raw))
            except (VectorMismatch, Td2Error) as exc:
                report.failure = f"{section}[{index}]: {exc}"
                return report
            except Exception as exc:  # a bug, not a vector problem: still report, never crash
                report.failure = f"{section}[{index}]: unexpected {type(exc).__name__}: {exc}"
                return report
            report.counts[section] += 1
    return report
