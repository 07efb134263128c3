"""Deterministic test vectors for TD2 v1 (the file format of the protocol brief).

Every input is derived from a fixed label with SHAKE-256, so generating twice
gives identical bytes.  Fixed nonces, salts and HPKE ephemeral keys appear
ONLY here, through the clearly marked vector-only helpers.  ``check_vectors``
(re-exported from :mod:`facilitator.td2.checker`) checks any file in the
same format.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from facilitator.td2.aad import build_aad
from facilitator.td2.approval import (
    approval_statement,
    approver_statement,
    side_digest,
    sign_approval,
    sign_approver,
)
from facilitator.td2.archive import archive_key_statement, sign_archive_key
from facilitator.td2.checker import VectorReport, check_vectors
from facilitator.td2.content import seal_blob_with_nonce
from facilitator.td2.encoding import b64u_encode as b64
from facilitator.td2.epoch import (
    GENESIS_PREV_HASH,
    build_epoch_record,
    record_hash,
    sign_epoch_record,
)
from facilitator.td2.fingerprint import fingerprint
from facilitator.td2.hpke_fixed import seal_fixed
from facilitator.td2.invite import invite_secret_hash, join_proof
from facilitator.td2.keyfile import KEY_FILE_ITERATIONS, derive_key_file_key, seal_key_file_fixed
from facilitator.td2.keys import (
    ed25519_public_from_private,
    private_to_pkcs8,
    x25519_public_from_private,
)
from facilitator.td2.negative import negative_entries
from facilitator.td2.roster import ROLE_CODES, roster_hash
from facilitator.td2.steward import sign_steward_cert, steward_cert_statement
from facilitator.td2.subkeys import derive_subkey
from facilitator.td2.team import derive_team_key, team_wrap_info
from facilitator.td2.vector_envelopes import channel_entries, envelope_entries
from facilitator.td2.wrap import wrap_info

Entry = dict[str, Any]

__all__ = ["VectorReport", "check_vectors", "generate_vectors", "vectors_json"]


def det(label: str, n: int = 32) -> bytes:
    """``n`` deterministic bytes for ``label`` (SHAKE-256 of a fixed prefix)."""
    return hashlib.shake_256(b"td2/v1/vectors/" + label.encode("utf-8")).digest(n)


def _json(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


PLAINTEXTS: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("json-en", _json({"sender_ctr": 1, "last_seq_seen": 0, "text": "Good morning."})),
    ("json-ar", _json({"sender_ctr": 2, "last_seq_seen": 5, "text": "مرحبا بكم في الحوار"})),
    ("json-fa", _json({"sender_ctr": 3, "last_seq_seen": 6, "text": "گفت‌وگوی محرمانه"})),
    ("json-emoji", _json({"sender_ctr": 4, "last_seq_seen": 7, "text": "🕊️🤝🏽 ✅"})),
    ("252-bytes", _json({"text": "a" * 241})),  # 4 + 252 = 256: exactly one block
    ("253-bytes", _json({"text": "b" * 242})),  # one byte more: two blocks
    ("multi-block", _json({"text": "سلام، " * 60 + "peace " * 40})),
]


def _key_entries(
    section: str,
    secret_name: str,
    cases: list[tuple[str | None, int]],
    derive: Callable[[bytes, bytes, int, bytes, str | None], bytes],
) -> list[Entry]:
    """Derived keys: the epoch's subkeys (with their label) and K_team have the same inputs."""
    out = []
    for i, (label, epoch) in enumerate(cases):
        secret, dialogue = det(f"{section}/{i}/secret"), det(f"{section}/{i}/dialogue", 16)
        rh = det(f"{section}/{i}/record_hash")
        entry: Entry = {
            secret_name: b64(secret),
            "dialogue_id": b64(dialogue),
            "epoch": epoch,
            "record_hash": b64(rh),
        }
        if label is not None:
            entry["label"] = label
        entry["key"] = b64(derive(secret, dialogue, epoch, rh, label))
        out.append(entry)
    return out


def _subkeys() -> list[Entry]:
    cases: list[tuple[str | None, int]] = [
        ("msg", 0),
        ("note", 0),
        ("meta", 0),
        ("msg", 1),
        ("note", 42),
        ("meta", 2**32 - 1),
    ]
    return _key_entries(
        "subkeys",
        "epoch_secret",
        cases,
        lambda s, d, e, rh, label: derive_subkey(s, d, e, rh, str(label)),
    )


def _team_subkeys() -> list[Entry]:
    cases: list[tuple[str | None, int]] = [(None, e) for e in (0, 1, 42, 2**32 - 1)]
    return _key_entries(
        "team", "team_secret", cases, lambda s, d, e, rh, _label: derive_team_key(s, d, e, rh)
    )


def _aad_fields(i: int, kind: str, epoch: int) -> tuple[str, bytes, bytes, int, bytes, bytes]:
    author = bytes(16) if kind == "note" else det(f"aad/{i}/author", 16)
    return (
        kind,
        det(f"aad/{i}/dialogue", 16),
        det(f"aad/{i}/channel", 16),
        epoch,
        det(f"aad/{i}/message", 16),
        author,
    )


def _aad() -> list[Entry]:
    out = []
    for i, (kind, epoch) in enumerate([("msg", 0), ("note", 3), ("meta", 1), ("msg", 2**32 - 1)]):
        fields = _aad_fields(i, kind, epoch)
        _, dialogue, channel, _, message, author = fields
        out.append(
            {
                "kind": kind,
                "dialogue_id": b64(dialogue),
                "channel_id": b64(channel),
                "epoch": epoch,
                "message_id": b64(message),
                "author_handle": b64(author),
                "aad": b64(build_aad(*fields)),
            }
        )
    return out


def _seal() -> list[Entry]:
    out = []
    kinds = ["msg", "msg", "msg", "msg", "msg", "note", "meta", "msg"]
    for i, ((_, plaintext), kind) in enumerate(zip(PLAINTEXTS, kinds, strict=True)):
        secret, dialogue = det(f"seal/{i}/secret"), det(f"seal/{i}/dialogue", 16)
        epoch, rh = i, det(f"seal/{i}/record_hash")
        key = derive_subkey(secret, dialogue, epoch, rh, kind)
        _, _, channel, _, message, author = _aad_fields(100 + i, kind, epoch)
        aad = build_aad(kind, dialogue, channel, epoch, message, author)
        nonce = det(f"seal/{i}/nonce", 12)
        blob = seal_blob_with_nonce(key, aad, plaintext, nonce)
        out.append(
            {
                "key": b64(key),
                "aad": b64(aad),
                "nonce": b64(nonce),
                "plaintext": b64(plaintext),
                "blob": b64(blob),
            }
        )
    return out


def _wrap_entries(
    section: str, epochs: list[int], info: Callable[[bytes, int, bytes, bytes], bytes], secret: str
) -> list[Entry]:
    """HPKE wraps of a secret (``secret`` names it) to a member, ``info`` binding the context:
    the epoch secret's wraps and the team secret's have the same shape."""
    out = []
    for i, epoch in enumerate(epochs):
        private = det(f"{section}/{i}/recipient")
        public = x25519_public_from_private(private)
        dialogue, handle, rh = (
            det(f"{section}/{i}/dialogue", 16),
            det(f"{section}/{i}/handle", 16),
            det(f"{section}/{i}/record_hash"),
        )
        value, ephemeral = det(f"{section}/{i}/secret"), det(f"{section}/{i}/ephemeral")
        wrap = seal_fixed(public, info(dialogue, epoch, handle, rh), value, ephemeral)
        out.append(
            {
                "recipient_private": b64(private),
                "recipient_public": b64(public),
                "dialogue_id": b64(dialogue),
                "epoch": epoch,
                "member_handle": b64(handle),
                "record_hash": b64(rh),
                secret: b64(value),
                "wrap": b64(wrap),
                "ephemeral_private": b64(ephemeral),
            }
        )
    return out


def _steward_cert() -> list[Entry]:
    out = []
    for i, epoch in enumerate([1, 7, 2**32 - 1]):
        private = det(f"steward-cert/{i}/signer")
        dialogue, handle = (
            det(f"steward-cert/{i}/dialogue", 16),
            det(f"steward-cert/{i}/handle", 16),
        )
        key = ed25519_public_from_private(det(f"steward-cert/{i}/newcomer"))
        out.append(
            {
                "signer_private": b64(private),
                "signer_public": b64(ed25519_public_from_private(private)),
                "dialogue_id": b64(dialogue),
                "epoch": epoch,
                "handle": b64(handle),
                "ed25519_public": b64(key),
                "statement": b64(steward_cert_statement(dialogue, epoch, handle, key)),
                "signature": b64(sign_steward_cert(private, dialogue, epoch, handle, key)),
            }
        )
    return out


def _archive_key() -> list[Entry]:
    out = []
    for i in range(3):
        private = det(f"archive-key/{i}/convener")
        dialogue = det(f"archive-key/{i}/dialogue", 16)
        archive = x25519_public_from_private(det(f"archive-key/{i}/archive"))
        out.append(
            {
                "signer_private": b64(private),
                "signer_public": b64(ed25519_public_from_private(private)),
                "dialogue_id": b64(dialogue),
                "x25519_public": b64(archive),
                "statement": b64(archive_key_statement(dialogue, archive)),
                "signature": b64(sign_archive_key(private, dialogue, archive)),
            }
        )
    return out


# Sides in several scripts: the digest is of the exact UTF-8 bytes (Persian with its ZWNJ, a
# combining accent left as written).
APPROVAL_SIDES = ["Upper Vell", "الضفة العليا", "پایین\u200cدست", "Cafe\u0301 owners 🌾"]


def _summary_approval() -> list[Entry]:
    out = []
    for i, side in enumerate(APPROVAL_SIDES):
        approver, convener = det(f"approval/{i}/approver"), det(f"approval/{i}/convener")
        dialogue, content = det(f"approval/{i}/dialogue", 16), det(f"approval/{i}/content")
        public, digest = ed25519_public_from_private(approver), side_digest(side)
        out.append(
            {
                "approval_private": b64(approver),
                "approval_public": b64(public),
                "signer_private": b64(convener),
                "signer_public": b64(ed25519_public_from_private(convener)),
                "dialogue_id": b64(dialogue),
                "content_sha256": content.hex(),
                "side": side,
                "side_sha256": b64(digest),
                "approval_statement": b64(approval_statement(dialogue, content)),
                "signature": b64(sign_approval(approver, dialogue, content)),
                "statement": b64(approver_statement(dialogue, content, public, digest)),
                "certificate": b64(sign_approver(convener, dialogue, content, public, digest)),
            }
        )
    return out


def _roster_members(i: int, roles: list[str]) -> list[tuple[bytes, bytes, str]]:
    members = []
    for j, role in enumerate(roles):
        handle = bytearray(det(f"roster/{i}/{j}/handle", 16))
        if i == 2:  # handles differing in the high bit test unsigned byte order
            handle[0] = 0x7F if j % 2 else 0x80
        public = x25519_public_from_private(det(f"roster/{i}/{j}/private"))
        members.append((bytes(handle), public, role))
    return members


def _roster() -> list[Entry]:
    role_sets = [["convener"], ["participant", "convener", "facilitator"], list(ROLE_CODES)]
    out = []
    for i, roles in enumerate(role_sets):
        members = _roster_members(i, roles)
        out.append(
            {
                "members": [
                    {"handle": b64(h), "x25519_public": b64(p), "role": r} for h, p, r in members
                ],
                "roster_hash": b64(roster_hash(members)),
            }
        )
    return out


def _epoch_records() -> list[Entry]:
    out = []
    dialogue = det("epoch/dialogue", 16)
    steward = det("epoch/steward")
    prev = GENESIS_PREV_HASH
    times = [1_767_225_600_000, 1_767_229_200_123, 1_767_312_000_999]
    for n, unix_ms in enumerate(times):
        rh = roster_hash(_roster_members(n, ["convener", "participant"][: n % 2 + 1]))
        creator = det("epoch/creator", 16)
        record = build_epoch_record(dialogue, n, prev, rh, creator, unix_ms)
        out.append(_record_entry(dialogue, n, prev, rh, creator, unix_ms, record, steward))
        prev = record_hash(record)
    other = det("epoch/other-dialogue", 16)
    rh = det("epoch/other-roster")
    record = build_epoch_record(other, 2**32 - 1, prev, rh, det("epoch/c2", 16), 2**64 - 1)
    out.append(
        _record_entry(
            other,
            2**32 - 1,
            prev,
            rh,
            det("epoch/c2", 16),
            2**64 - 1,
            record,
            det("epoch/steward2"),
        )
    )
    return out


def _record_entry(
    dialogue: bytes,
    n: int,
    prev: bytes,
    rh: bytes,
    creator: bytes,
    unix_ms: int,
    record: bytes,
    steward: bytes,
) -> Entry:
    return {
        "dialogue_id": b64(dialogue),
        "epoch": n,
        "prev_hash": b64(prev),
        "roster_hash": b64(rh),
        "creator_handle": b64(creator),
        "unix_ms": unix_ms,
        "record": b64(record),
        "record_hash": b64(record_hash(record)),
        "steward_public": b64(ed25519_public_from_private(steward)),
        "signature": b64(sign_epoch_record(steward, record)),
    }


def _fingerprints() -> list[Entry]:
    publics = [x25519_public_from_private(det(f"fp/{i}")) for i in range(3)]
    publics.append(ed25519_public_from_private(det("fp/ed25519")))
    publics.append(bytes(range(32)))
    return [{"public": b64(p), "fingerprint": fingerprint(p)} for p in publics]


def _invites() -> list[Entry]:
    out = []
    for i in range(3):
        secret = det(f"invite/{i}/secret", 16)
        public = x25519_public_from_private(det(f"invite/{i}/private"))
        out.append(
            {
                "invite_secret": b64(secret),
                "x25519_public": b64(public),
                "proof": b64(join_proof(secret, public)),
                "secret_hash": b64(invite_secret_hash(secret)),
            }
        )
    return out


def _key_files() -> list[Entry]:
    cases = [
        ("k7qm-2xv9-hd3w-p8ra-m4zt-6cfe", "x25519"),
        # Arabic written in decomposed form (alef + combining hamza): NFC must compose it.
        ("كلمة سر ا\u0654مان ١٢٣", "ed25519"),  # noqa: RUF001
        ("caf\u0065\u0301-passphrase", None),
    ]
    out = []
    for i, (passphrase, key_type) in enumerate(cases):
        salt = det(f"keyfile/{i}/salt", 16)
        entry: Entry = {
            "passphrase": passphrase,
            "salt": b64(salt),
            "iterations": KEY_FILE_ITERATIONS,
            "key": b64(derive_key_file_key(passphrase, salt, KEY_FILE_ITERATIONS)),
        }
        if key_type is not None:
            pkcs8 = private_to_pkcs8(det(f"keyfile/{i}/private"), key_type)
            document = seal_key_file_fixed(
                pkcs8, passphrase, salt, det(f"keyfile/{i}/nonce", 12), KEY_FILE_ITERATIONS
            )
            entry["pkcs8"] = b64(pkcs8)
            entry["file"] = json.loads(document)
        out.append(entry)
    return out


def generate_vectors() -> dict[str, Any]:
    """Build the whole vector document."""
    return {
        "suite": "td2v1",
        "subkeys": _subkeys(),
        "aad": _aad(),
        "seal": _seal(),
        "wrap": _wrap_entries("wrap", [0, 1, 7, 2**32 - 1], wrap_info, "epoch_secret"),
        "roster": _roster(),
        "epoch_record": _epoch_records(),
        "fingerprint": _fingerprints(),
        "invite": _invites(),
        "key_file": _key_files(),
        "negative": negative_entries(det),
        # Extensions of the brief's format (docs/protocol.md, "Team channel").
        "team_subkeys": _team_subkeys(),
        "team_wrap": _wrap_entries("team-wrap", [0, 3, 2**32 - 1], team_wrap_info, "team_secret"),
        # Extensions (docs/protocol.md, "Steward certificates" and "Archive key statement").
        "steward_cert": _steward_cert(),
        "archive_key": _archive_key(),
        # Extension (docs/protocol.md, "Summary approvals").
        "summary_approval": _summary_approval(),
        # Extensions (docs/protocol.md, "Well-known channel ids"): a whole envelope as posted.
        "channel": channel_entries(det),
        "envelope": envelope_entries(det),
    }


def vectors_json() -> str:
    """The vector document as deterministic JSON text (two-space indent, final newline)."""
    return json.dumps(generate_vectors(), indent=2, ensure_ascii=False) + "\n"
