"""Errors of the accounts feature."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from facilitator.core.errors import ConflictError, DomainError, InvalidInputError, NotFoundError


class InvalidCredentialsError(DomainError, status=401, code="invalid_credentials"):
    default_message = _l("The username or password is not correct.")


class TotpRejectedError(DomainError, status=401, code="totp_rejected"):
    default_message = _l(
        "The authentication code is not correct or was already used. Wait for the next code."
    )


class LinkInvalidError(NotFoundError, code="link_invalid"):
    default_message = _l(
        "This link is not valid: it may have expired, been revoked or been used already. "
        "Ask your convener for a new one."
    )


class UsernameTakenError(ConflictError, code="username_taken"):
    default_message = _l("This username is already taken.")


class UsernameInvalidError(InvalidInputError, code="username_invalid"):
    default_message = _l("A username has 3 to 64 letters, digits, dots, dashes or underscores.")


class PasswordInvalidError(InvalidInputError, code="password_invalid"):
    default_message = _l("A password has at least 12 and at most 1024 characters.")


class PasswordMismatchError(InvalidInputError, code="password_mismatch"):
    default_message = _l("The two passwords are not the same.")


class SetupClosedError(ConflictError, code="setup_closed"):
    default_message = _l("This installation already has a convener.")


class TotpKeyError(DomainError, status=503, code="totp_key_mismatch"):
    """The instance's TOTP key does not open the stored secret: a key file lost or swapped, or a
    database row edited. Sign-in stops here (fails closed) with a message for the person and a
    503, never a 500."""

    default_message = _l(
        "Sign-in is unavailable: the server cannot read its two-factor authentication keys. "
        "Tell the server's administrator."
    )
