"""TD2 v1: the Python reference implementation of the end-to-end protocol.

This package is the only code in the project that imports ``cryptography``.
Every function here takes and returns plain ``bytes`` (or ``str``/``int``
where the protocol says so), so that the JavaScript mirror in
``static/js/td2/`` can be checked against it byte for byte.  The normative
description is ``docs/protocol.md``.

Public API (all byte strings are raw bytes; base64url only at the edges)::

    b64u_encode(data: bytes) -> str                 # RFC 4648 base64url, no padding
    b64u_decode(text: str) -> bytes                 # strict: no padding, canonical only
    u32(n: int) -> bytes ; u64(n: int) -> bytes     # big-endian
    random_id() -> bytes                            # 16 random bytes
    random_secret() -> bytes                        # 32 random bytes (epoch secrets)

    derive_subkey(epoch_secret, dialogue_id, epoch: int, record_hash, label: str) -> bytes
        # label in LABELS = ("msg", "note", "meta"); 32-byte AES-256-GCM key
    build_aad(kind: str, dialogue_id, channel_id, epoch: int, message_id,
              author_handle) -> bytes                # 74 bytes; kind in KIND_CODES
    parse_aad(aad: bytes) -> AadFields
    frame_plaintext(data: bytes) -> bytes           # u32(len) || data || zeros, 256-multiple
    unframe_plaintext(padded: bytes) -> bytes
    seal_blob(key, aad, plaintext: bytes) -> bytes
        # nonce(12) || AES-256-GCM(key, nonce, frame(plaintext), aad), random nonce
    open_blob(key, aad, blob) -> bytes              # raises Td2DecryptError / Td2FormatError
    seal_json(key, aad, obj: object) -> bytes ; open_json(key, aad, blob) -> object

    wrap_info(dialogue_id, epoch: int, member_handle, record_hash) -> bytes
    wrap_epoch_secret(recipient_public, dialogue_id, epoch: int, member_handle,
                      record_hash, epoch_secret) -> bytes        # 80 bytes
    unwrap_epoch_secret(recipient_private, dialogue_id, epoch: int, member_handle,
                        record_hash, wrap) -> bytes              # 32 bytes

    TEAM_CHANNEL_ROLES                              # roles that receive the team secret
    team_wrap_info(dialogue_id, epoch: int, member_handle, record_hash) -> bytes
    wrap_team_secret(recipient_public, dialogue_id, epoch: int, member_handle,
                     record_hash, team_secret) -> bytes          # 80 bytes
    unwrap_team_secret(recipient_private, dialogue_id, epoch: int, member_handle,
                       record_hash, wrap) -> bytes               # 32 bytes
    derive_team_key(team_secret, dialogue_id, epoch: int, record_hash) -> bytes
        # the team channel's AES-256-GCM key (docs/protocol.md, "Team channel")

    roster_hash(members: Iterable[RosterMember | tuple[bytes, bytes, str | int]]) -> bytes
        # RosterMember(handle, x25519_public, role); role name or code (ROLE_CODES)
    build_epoch_record(dialogue_id, epoch: int, prev_hash, roster_hash, creator_handle,
                       unix_ms: int) -> bytes                    # 120 bytes
    parse_epoch_record(record: bytes) -> EpochRecord
    record_hash(record: bytes) -> bytes                          # SHA-256
    sign_epoch_record(steward_private, record) -> bytes          # Ed25519, 64 bytes
    verify_epoch_signature(steward_public, record, signature) -> None  # Td2SignatureError
    verify_chain(links: Sequence[ChainLink], *, verifier_handle: bytes | None,
                 anchor: TrustAnchor | None = None) -> list[EpochRecord]  # Td2ChainError
    archive_key_statement(dialogue_id, x25519_public) -> bytes   # what a convener signs
    sign_archive_key(steward_private, dialogue_id, x25519_public) -> bytes   # 64 bytes
    verify_archive_key(steward_public, dialogue_id, x25519_public, signature) -> None
    steward_cert_statement(dialogue_id, epoch: int, handle, ed25519_public) -> bytes
    sign_steward_cert(steward_private, dialogue_id, epoch: int, handle, ed25519_public) -> bytes
    verify_steward_cert(steward_public, dialogue_id, epoch: int, handle, ed25519_public,
                        signature) -> None             # Td2SignatureError
    approval_statement(dialogue_id, content_sha256) -> bytes     # what an approver signs
    side_digest(side: str) -> bytes                              # SHA-256 of the UTF-8 name
    approver_statement(dialogue_id, content_sha256, approval_public, side_sha256) -> bytes
    sign_approval(approval_private, dialogue_id, content_sha256) -> bytes   # 64 bytes
    verify_approval(approval_public, dialogue_id, content_sha256, signature) -> None
    sign_approver(steward_private, dialogue_id, content_sha256, approval_public,
                  side_sha256) -> bytes                          # a convener's certificate
    verify_approver(steward_public, dialogue_id, content_sha256, approval_public,
                    side_sha256, signature) -> None              # Td2SignatureError

    channel_id(name: str, dialogue_id) -> bytes      # a well-known channel's 16-byte id
    fingerprint(public: bytes) -> str               # "7WSX-KJSK-TSHS-SN7I"
    invite_secret_hash(invite_secret) -> bytes
    join_proof(invite_secret, x25519_public) -> bytes
    verify_join_proof(invite_secret, x25519_public, proof) -> bool   # constant time

    generate_member_keypair() -> tuple[bytes, bytes]     # X25519 (private raw, public raw)
    generate_steward_keypair() -> tuple[bytes, bytes]    # Ed25519 (private seed, public raw)
    x25519_public_from_private(private) -> bytes
    ed25519_public_from_private(private) -> bytes
    private_to_pkcs8(private: bytes, key_type: str) -> bytes   # key_type "x25519"|"ed25519"
    pkcs8_to_private(der: bytes) -> tuple[str, bytes]          # (key_type, raw private)

    generate_passphrase() -> str                     # 120 bits, "xxxx-xxxx-..." groups
    derive_key_file_key(passphrase: str, salt: bytes, iterations: int) -> bytes
    seal_key_file(pkcs8: bytes, passphrase: str) -> bytes   # JSON document (UTF-8)
    open_key_file(data: bytes, passphrase: str) -> bytes    # PKCS#8 DER

    check_vectors(data: object) -> VectorReport      # .ok, .counts, .failure ("seal[3]: ...")

Errors: Td2Error, with Td2FormatError, Td2DecryptError, Td2KeyError, Td2SignatureError and
Td2ChainError.  Vector-only helpers with fixed nonces/keys live outside this API:
content.seal_blob_with_nonce, hpke_fixed.seal_fixed, keyfile.seal_key_file_fixed.
"""

from facilitator.td2.aad import AAD_LENGTH, KIND_CODES, AadFields, build_aad, parse_aad
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
from facilitator.td2.chain import ChainLink, TrustAnchor, verify_chain
from facilitator.td2.channels import channel_id
from facilitator.td2.checker import VectorReport, check_vectors
from facilitator.td2.content import open_blob, open_json, seal_blob, seal_json
from facilitator.td2.encoding import (
    ID_LENGTH,
    b64u_decode,
    b64u_encode,
    random_id,
    random_secret,
    u32,
    u64,
)
from facilitator.td2.epoch import (
    GENESIS_PREV_HASH,
    EpochRecord,
    build_epoch_record,
    parse_epoch_record,
    record_hash,
    sign_epoch_record,
    verify_epoch_signature,
)
from facilitator.td2.errors import (
    Td2ChainError,
    Td2DecryptError,
    Td2Error,
    Td2FormatError,
    Td2KeyError,
    Td2SignatureError,
)
from facilitator.td2.fingerprint import fingerprint
from facilitator.td2.framing import frame_plaintext, unframe_plaintext
from facilitator.td2.invite import invite_secret_hash, join_proof, verify_join_proof
from facilitator.td2.keyfile import (
    KEY_FILE_ITERATIONS,
    derive_key_file_key,
    generate_passphrase,
    open_key_file,
    seal_key_file,
)
from facilitator.td2.keys import (
    check_x25519_public,
    ed25519_public_from_private,
    generate_member_keypair,
    generate_steward_keypair,
    pkcs8_to_private,
    private_to_pkcs8,
    x25519_public_from_private,
)
from facilitator.td2.roster import ROLE_CODES, RosterMember, roster_hash
from facilitator.td2.steward import sign_steward_cert, steward_cert_statement, verify_steward_cert
from facilitator.td2.subkeys import LABELS, derive_subkey
from facilitator.td2.team import (
    TEAM_CHANNEL_ROLES,
    derive_team_key,
    team_wrap_info,
    unwrap_team_secret,
    wrap_team_secret,
)
from facilitator.td2.wrap import (
    WRAP_LENGTH,
    open_wrap,
    seal_to_public,
    unwrap_epoch_secret,
    wrap_epoch_secret,
    wrap_info,
)

SUITE = "td2v1"

__all__ = [
    "AAD_LENGTH",
    "GENESIS_PREV_HASH",
    "ID_LENGTH",
    "KEY_FILE_ITERATIONS",
    "KIND_CODES",
    "LABELS",
    "ROLE_CODES",
    "SUITE",
    "TEAM_CHANNEL_ROLES",
    "WRAP_LENGTH",
    "AadFields",
    "ChainLink",
    "EpochRecord",
    "RosterMember",
    "Td2ChainError",
    "Td2DecryptError",
    "Td2Error",
    "Td2FormatError",
    "Td2KeyError",
    "Td2SignatureError",
    "TrustAnchor",
    "VectorReport",
    "approval_statement",
    "approver_statement",
    "archive_key_statement",
    "b64u_decode",
    "b64u_encode",
    "build_aad",
    "build_epoch_record",
    "channel_id",
    "check_vectors",
    "check_x25519_public",
    "derive_key_file_key",
    "derive_subkey",
    "derive_team_key",
    "ed25519_public_from_private",
    "fingerprint",
    "frame_plaintext",
    "generate_member_keypair",
    "generate_passphrase",
    "generate_steward_keypair",
    "invite_secret_hash",
    "join_proof",
    "open_blob",
    "open_json",
    "open_key_file",
    "open_wrap",
    "parse_aad",
    "parse_epoch_record",
    "pkcs8_to_private",
    "private_to_pkcs8",
    "random_id",
    "random_secret",
    "record_hash",
    "roster_hash",
    "seal_blob",
    "seal_json",
    "seal_key_file",
    "seal_to_public",
    "side_digest",
    "sign_approval",
    "sign_approver",
    "sign_archive_key",
    "sign_epoch_record",
    "sign_steward_cert",
    "steward_cert_statement",
    "team_wrap_info",
    "u32",
    "u64",
    "unframe_plaintext",
    "unwrap_epoch_secret",
    "unwrap_team_secret",
    "verify_approval",
    "verify_approver",
    "verify_archive_key",
    "verify_chain",
    "verify_epoch_signature",
    "verify_join_proof",
    "verify_steward_cert",
    "wrap_epoch_secret",
    "wrap_info",
    "wrap_team_secret",
    "x25519_public_from_private",
]
