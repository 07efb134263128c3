"""Request and response bodies of the dialogue API (also the source of its OpenAPI document).

Binary values travel as unpadded base64url; the patterns pin their exact lengths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints

from facilitator import roles
from facilitator.core.api import ApiModel

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{21}[AQgw]$")]  # 16 bytes
Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$")]  # 32
Signature = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{85}[AQgw]$")]  # 64 bytes
Record = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{160}$")]  # 120 bytes
WrapText = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{106}[AEIMQUYcgkosw048]$")]
# A sealed blob: nonce(12) + k*256 framed bytes + tag(16), at most 64 KiB of ciphertext.
Blob = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", min_length=379, max_length=87_500)
]
if TYPE_CHECKING:
    Role = str
else:  # the names of the table of roles (static/shared/roles.json), in its order
    Role = Literal[roles.ROLES]
Kind = Literal["msg", "note", "meta", "summary"]
MAX_ROSTER = 1000  # members in one epoch: a plenary room; its epoch body stays under 1 MiB
# Sequence numbers are signed 64-bit columns: a larger number cannot even be compared there.
MAX_SEQ = 2**63 - 1
SeqNumber = Annotated[int, Field(ge=0, le=MAX_SEQ)]


class EnvelopeQuery(ApiModel):
    """The query of ``GET …/envelopes``: envelopes after the ``seq`` ``after``, only those on
    ``channel`` when it is given. The live room's ``join_dialogue`` and ``catch_up`` take the
    same bounds (``live.schemas.JoinDialogue``)."""

    after: SeqNumber = 0
    channel: Id | None = None


class EpochQuery(ApiModel):
    """The query of ``GET …/epochs``: epochs numbered above ``after`` (all of them by default)."""

    after: int = Field(default=-1, ge=-1, le=MAX_SEQ)


class WrapQuery(ApiModel):
    """The query of ``GET …/wraps`` and ``…/team-wraps``: the caller's wraps of epochs numbered
    above ``after`` (all of them by default), so a device that opened the older ones before
    fetches only the new."""

    after: int = Field(default=-1, ge=-1, le=MAX_SEQ)


class RosterEntry(ApiModel):
    handle: Id
    x25519_public: Key
    role: Role


class WrapEntry(ApiModel):
    handle: Id
    wrap: WrapText


class StewardCert(ApiModel):
    """A newcomer's steward key, certified by the steward who admits them (docs/protocol.md,
    "Steward certificates")."""

    handle: Id
    ed25519_public: Key
    signature: Signature


class EnvelopeIn(ApiModel):
    kind: Kind
    channel_id: Id
    message_id: Id
    epoch: int = Field(ge=0, le=2**32 - 1)
    author_handle: Id
    blob: Blob
    replaces: Id | None = None


RoundKind = Literal["statements", "consent", "ranked", "dots"]
# A sealed ballot: an 80-byte HPKE wrap and a blob of nonce(12) + k*256 framed bytes + tag(16),
# at most 16 blocks (facilitator/ideas/ballot.py).
SealedBallot = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", min_length=486, max_length=5606)
]


class RoundIn(ApiModel):
    """A round the caller opens and owns: its id, kind and the public half of its tally key."""

    id: Id
    kind: RoundKind
    tally_public: Key


class StatementIn(ApiModel):
    """A statement, translation or other entry of a round: an ``idea`` envelope with no author,
    on the round's channel (docs/protocol.md, "Rounds and ballots")."""

    message_id: Id
    epoch: int = Field(ge=0, le=2**32 - 1)
    blob: Blob


class BallotIn(ApiModel):
    """One sealed ballot: on a statement (its message id) or, in a poll, the all-zero slot."""

    slot: Id
    sealed: SealedBallot


class EpochIn(ApiModel):
    epoch: int = Field(ge=0, le=2**32 - 1)
    record: Record
    signature: Signature
    roster: list[RosterEntry] = Field(min_length=1, max_length=MAX_ROSTER)
    wraps: list[WrapEntry] = Field(min_length=1, max_length=MAX_ROSTER)
    approve: list[Id] = Field(default_factory=list, max_length=MAX_ROSTER)
    # The current meta documents sealed again under the new epoch (replacing their versions),
    # so newcomers can read them and removed members cannot read later edits.
    reseal: list[EnvelopeIn] = Field(default_factory=list, max_length=2000)
    # The epoch secret wrapped to the archive key; required once the dialogue has one.
    archive_wrap: WrapText | None = None
    # The epoch's team secret wrapped to each member of the mediator team, and to no one else
    # (docs/protocol.md, "Team channel"): exactly one per convener, facilitator, interpreter and
    # rapporteur in the roster.
    team_wraps: list[WrapEntry] = Field(default_factory=list, max_length=MAX_ROSTER)
    # One certificate per newcomer whose seat makes them a key steward, signed by the caller.
    steward_certs: list[StewardCert] = Field(default_factory=list, max_length=MAX_ROSTER)


class DialogueSettingsIn(ApiModel):
    participant_notes: bool


class ArchiveWrapIn(ApiModel):
    epoch: int = Field(ge=0, le=2**32 - 1)
    wrap: WrapText


class ArchiveKeyIn(ApiModel):
    """The archive key's public half, and the epoch secrets the convener holds wrapped to it."""

    x25519_public: Key
    wraps: list[ArchiveWrapIn] = Field(min_length=1, max_length=100_000)


class ArchiveKeyOut(ApiModel):
    x25519_public: Key
    fingerprint: str
    wrapped_epochs: list[int]


class BundleEpoch(ApiModel):
    epoch: int
    record: Record
    signature: Signature
    roster: list[RosterEntry]
    steward_certs: list[StewardCert]


class BundleSteward(ApiModel):
    handle: Id
    ed25519_public: Key


class Bundle(ApiModel):
    """What an export starts from: everything needed to verify and decrypt, nothing readable."""

    suite: Literal["td2v1"]
    dialogue_id: Id
    epochs: list[BundleEpoch]
    stewards: list[BundleSteward]
    archive: ArchiveKeyOut | None
    archive_wraps: list[ArchiveWrapIn]
    envelopes: list[EnvelopeOut]


class DeviceKeys(ApiModel):
    handle: Id
    x25519_public: Key
    ed25519_public: Key


class DialogueCreate(ApiModel):
    dialogue_id: Id
    member: DeviceKeys
    genesis: EpochIn


class InvitationCreate(ApiModel):
    invite_id: Id
    role: Role
    expires_in_s: int = Field(default=48 * 3600, ge=300, le=14 * 24 * 3600)
    # A participant invitation carries the hash of the secret in the link's fragment;
    # a team seat names the account instead.
    secret_hash: Key | None = None
    username: str | None = Field(default=None, min_length=3, max_length=64)
    steward: bool = False


class KnockIn(ApiModel):
    x25519_public: Key
    proof: Key | None = None
    ed25519_public: Key | None = None


class ChallengeIn(ApiModel):
    dialogue_id: Id
    handle: Id


class ChallengeAnswer(ApiModel):
    challenge_id: Id
    nonce: Key


# --- responses ----------------------------------------------------------------------------


class MemberOut(ApiModel):
    handle: str
    x25519_public: str
    ed25519_public: str | None
    role: str
    is_steward: bool
    joined_epoch: int
    removed_epoch: int | None


class EpochOut(ApiModel):
    epoch: int
    record: str
    record_hash: str
    signature: str
    creator_handle: str
    roster: list[RosterEntry]
    steward_certs: list[StewardCert]


class DialogueOut(ApiModel):
    dialogue_id: str
    current_epoch: int
    participant_notes: bool
    me: MemberOut
    members: list[MemberOut]


class DialogueSummary(ApiModel):
    dialogue_id: str
    current_epoch: int
    role: str
    handle: str


class WrapOut(ApiModel):
    epoch: int
    wrap: str


class EnvelopeOut(ApiModel):
    seq: int
    kind: str
    channel_id: str
    message_id: str
    epoch: int
    author_handle: str
    blob: str
    replaces: str | None

    @classmethod
    def from_row(cls, row: Any) -> EnvelopeOut:
        """From a stored ``Envelope`` row (its columns have these names)."""
        return cls.model_validate(row, from_attributes=True)


class InvitationOut(ApiModel):
    invite_id: str
    dialogue_id: str
    role: str
    status: Literal["open", "used", "revoked", "expired"]
    expires_at: str
    team_seat: bool
    steward: bool


class KnockOut(ApiModel):
    knock_id: str
    dialogue_id: str
    handle: str
    x25519_public: str
    ed25519_public: str | None
    proof: str | None
    invite_id: str
    role: str
    status: Literal["pending", "approved", "refused"]


class ChallengeOut(ApiModel):
    challenge_id: str
    sealed: str


class Seq(ApiModel):
    seq: int


class RoundOut(ApiModel):
    id: str
    kind: str
    state: Literal["open", "closed"]
    owner_handle: str
    tally_public: str


class BallotOut(ApiModel):
    """A ballot as the tally holder receives it: its slot and ciphertext, no author."""

    slot: str
    sealed: str
