"""Account, login session and one-time link models.

Secrets that grant something (session tokens, invitation and setup tokens) are stored only as
SHA-256 hashes: a copy of the database does not let anyone sign in or join. The TOTP secret must
be read back to check a code, so it is stored sealed under a key kept outside the database
(``accounts.totp_box``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, LargeBinary, String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Account(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    # ``totp_box.seal`` output, bound to this row's id; empty only inside the transaction that
    # creates the account (the id is known after the first flush).
    totp_secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # The last TOTP time step accepted: a code is accepted once, and never an older one.
    totp_last_step: Mapped[int] = mapped_column(default=0)
    activated_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    login_sessions: Mapped[list[LoginSession]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )

    @hybrid_property
    def is_active(self) -> bool:
        """Activated: the account finished its first sign-in (in Python, or as SQL)."""
        return self.activated_at is not None

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls) -> ColumnElement[bool]:
        return cls.activated_at.is_not(None)


class LoginSession(db.Model):  # type: ignore[name-defined,misc]
    """A signed-in browser. The cookie holds a random token; this row holds its hash."""

    __tablename__ = "login_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    account: Mapped[Account] = relationship(back_populates="login_sessions")

    __table_args__ = (Index("ix_login_session_account_id", "account_id"),)


class OneTimeLink(db.Model):  # type: ignore[name-defined,misc]
    """The first-convener setup link or a team invitation: single use, expiring."""

    __tablename__ = "one_time_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "setup" or "invite"
    role: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    # Set when someone starts enrolling with the link; the link then belongs to that account.
    claimed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), default=None
    )
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
