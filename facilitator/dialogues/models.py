"""Dialogue models. The server stores handles, public keys, roles, signed epoch records, wraps
and ciphertext envelopes; never a name, a title or any other plaintext.

Binary protocol values (ids, keys, records, blobs) are stored as unpadded base64url text, exactly
as they travel, so what is stored can be compared with what was sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from facilitator.accounts.models import utcnow
from facilitator.extensions import db

B64_ID = 22  # 16 bytes
B64_KEY = 43  # 32 bytes


def in_dialogue(*, primary_key: bool = False) -> MappedColumn[str]:
    """The dialogue a row belongs to: deleting the dialogue deletes the row with it."""
    return mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), primary_key=primary_key)


class Dialogue(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "dialogue"

    id: Mapped[str] = mapped_column(String(B64_ID), primary_key=True)
    current_epoch: Mapped[int] = mapped_column(default=0)
    # The last sequence number handed out; incremented in the database, never in memory.
    last_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Notes carry no author, so who may write them is checked here: the team's note takers, and
    # participants only when a convener allows it (docs/notes.md).
    participant_notes: Mapped[bool] = mapped_column(default=False)


class Member(db.Model):  # type: ignore[name-defined,misc]
    """One device key of one person in one dialogue, known by a random handle."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[str] = in_dialogue()
    handle: Mapped[str] = mapped_column(String(B64_ID))
    x25519_public: Mapped[str] = mapped_column(String(B64_KEY))
    ed25519_public: Mapped[str | None] = mapped_column(String(B64_KEY), default=None)
    role: Mapped[str] = mapped_column(String(16))
    is_steward: Mapped[bool] = mapped_column(default=False)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), default=None
    )
    joined_epoch: Mapped[int] = mapped_column()
    removed_epoch: Mapped[int | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("dialogue_id", "handle", name="uq_member_dialogue_handle"),
        Index("ix_member_account_id", "account_id"),
    )

    @hybrid_property
    def is_active(self) -> bool:
        """Not removed (in Python, or as SQL)."""
        return self.removed_epoch is None

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls) -> ColumnElement[bool]:
        return cls.removed_epoch.is_(None)


class Epoch(db.Model):  # type: ignore[name-defined,misc]
    """A signed epoch record and the roster whose hash it carries."""

    __tablename__ = "epoch"

    dialogue_id: Mapped[str] = in_dialogue(primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    record: Mapped[str] = mapped_column(Text)
    record_hash: Mapped[str] = mapped_column(String(B64_KEY))
    signature: Mapped[str] = mapped_column(String(86))
    creator_handle: Mapped[str] = mapped_column(String(B64_ID))
    # JSON list of {"handle", "x25519_public", "role"}: what the roster hash covers.
    roster: Mapped[str] = mapped_column(Text)
    # JSON list of {"handle", "ed25519_public", "signature"}: the stewards this epoch admits.
    steward_certs: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Wrap(db.Model):  # type: ignore[name-defined,misc]
    """An epoch secret sealed (HPKE) to one member's public key."""

    __tablename__ = "wrap"

    dialogue_id: Mapped[str] = in_dialogue(primary_key=True)
    epoch: Mapped[int] = mapped_column(primary_key=True)
    member_handle: Mapped[str] = mapped_column(String(B64_ID), primary_key=True)
    wrap: Mapped[str] = mapped_column(String(108))


class ArchiveKey(db.Model):  # type: ignore[name-defined,misc]
    """The public half of the dialogue's archive key (docs/export.md): every epoch secret is also
    wrapped to it, so an export can be opened with that key alone."""

    __tablename__ = "archive_key"

    dialogue_id: Mapped[str] = in_dialogue(primary_key=True)
    x25519_public: Mapped[str] = mapped_column(String(B64_KEY))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArchiveWrap(db.Model):  # type: ignore[name-defined,misc]
    """An epoch secret sealed to the archive key, as to a member whose handle is all zeros."""

    __tablename__ = "archive_wrap"

    dialogue_id: Mapped[str] = in_dialogue(primary_key=True)
    epoch: Mapped[int] = mapped_column(primary_key=True)
    wrap: Mapped[str] = mapped_column(String(108))


class Invitation(db.Model):  # type: ignore[name-defined,misc]
    """A single-use, expiring invitation. For participants the server keeps only the hash of
    the secret that travels in the link's fragment; a team seat names an account instead."""

    __tablename__ = "invitation"

    id: Mapped[str] = mapped_column(String(B64_ID), primary_key=True)
    dialogue_id: Mapped[str] = in_dialogue()
    secret_hash: Mapped[str | None] = mapped_column(String(B64_KEY), default=None)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), default=None
    )
    role: Mapped[str] = mapped_column(String(16))
    steward: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_invitation_dialogue_id", "dialogue_id"),)


class Knock(db.Model):  # type: ignore[name-defined,misc]
    """A device asking to join: its public key and proof, waiting for a steward's decision."""

    __tablename__ = "knock"

    id: Mapped[str] = mapped_column(String(B64_ID), primary_key=True)
    dialogue_id: Mapped[str] = in_dialogue()
    invitation_id: Mapped[str] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"))
    handle: Mapped[str] = mapped_column(String(B64_ID))
    x25519_public: Mapped[str] = mapped_column(String(B64_KEY))
    ed25519_public: Mapped[str | None] = mapped_column(String(B64_KEY), default=None)
    proof: Mapped[str | None] = mapped_column(String(B64_KEY), default=None)
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_knock_dialogue_id", "dialogue_id"),)


class Envelope(db.Model):  # type: ignore[name-defined,misc]
    """A sealed TD2 blob with its routing fields, in the dialogue's ``seq`` order."""

    __tablename__ = "envelope"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[str] = in_dialogue()
    seq: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(8))
    channel_id: Mapped[str] = mapped_column(String(B64_ID))
    message_id: Mapped[str] = mapped_column(String(B64_ID))
    epoch: Mapped[int] = mapped_column()
    author_handle: Mapped[str] = mapped_column(String(B64_ID))
    blob: Mapped[str] = mapped_column(Text)
    # An edit is a new envelope replacing an older one; a deletion leaves no blob behind.
    replaces: Mapped[str | None] = mapped_column(String(B64_ID), default=None)
    superseded: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        UniqueConstraint("dialogue_id", "seq", name="uq_envelope_dialogue_seq"),
        UniqueConstraint("dialogue_id", "message_id", name="uq_envelope_dialogue_message"),
        Index("ix_envelope_dialogue_channel", "dialogue_id", "channel_id"),
    )


class DeviceSession(db.Model):  # type: ignore[name-defined,misc]
    """A participant device's session, opened by proving possession of its member key."""

    __tablename__ = "device_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeviceChallenge(db.Model):  # type: ignore[name-defined,misc]
    """A one-time nonce sealed to a member's key; answering it opens a device session."""

    __tablename__ = "device_challenge"

    id: Mapped[str] = mapped_column(String(B64_ID), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    nonce_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column()


class TeamWrap(db.Model):  # type: ignore[name-defined,misc]
    """An epoch's team secret sealed (HPKE, ``td2/v1/team-wrap``) to one member of the mediator
    team: the team backchannel's key (docs/protocol.md, "Team channel"). Participants and
    observers have none."""

    __tablename__ = "team_wrap"

    dialogue_id: Mapped[str] = in_dialogue(primary_key=True)
    epoch: Mapped[int] = mapped_column(primary_key=True)
    member_handle: Mapped[str] = mapped_column(String(B64_ID), primary_key=True)
    wrap: Mapped[str] = mapped_column(String(108))


class IdeaRound(db.Model):  # type: ignore[name-defined,misc]
    """A round of statements or a decision poll (docs/ideas.md, "Rounds and ballots"). Its
    question, options and the tally key again are in the owner's sealed ``round`` document; the
    server keeps the tally key's public half so every device can check the two agree."""

    __tablename__ = "idea_round"

    id: Mapped[str] = mapped_column(String(B64_ID), primary_key=True)
    dialogue_id: Mapped[str] = in_dialogue()
    kind: Mapped[str] = mapped_column(String(16))
    owner_handle: Mapped[str] = mapped_column(String(B64_ID))
    tally_public: Mapped[str] = mapped_column(String(B64_KEY))
    state: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_idea_round_dialogue_id", "dialogue_id"),)


class Ballot(db.Model):  # type: ignore[name-defined,misc]
    """One member's sealed ballot on one slot of a round, with no author: ``slot_key`` is an
    HMAC of the voter's handle under the server's secret key, so a second ballot on the same
    slot replaces the first while the row names nobody."""

    __tablename__ = "ballot"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("idea_round.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(String(B64_ID))
    slot_key: Mapped[str] = mapped_column(String(B64_KEY))
    sealed: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("slot_key", name="uq_ballot_slot_key"),
        Index("ix_ballot_round_id", "round_id"),
    )
