"""Errors of the dialogue feature."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from facilitator.core.errors import ConflictError, InvalidInputError, NotFoundError


class DialogueNotFoundError(NotFoundError, code="dialogue_not_found"):
    default_message = _l("This dialogue does not exist or you are not a member of it.")


class EpochStaleError(ConflictError, code="epoch_stale"):
    default_message = _l("Someone changed the dialogue's keys first. Reload and try again.")


class EpochInvalidError(InvalidInputError, code="epoch_invalid"):
    default_message = _l("The new epoch record does not fit the dialogue's current state.")


class InvitationUnusableError(NotFoundError, code="invitation_unusable"):
    default_message = _l(
        "This invitation is not valid: it may have expired, been revoked or been used already. "
        "Ask the person who invited you for a new one."
    )


class DuplicateIdError(ConflictError, code="duplicate_id"):
    default_message = _l("This identifier is already in use.")


class EnvelopeRejectedError(InvalidInputError, code="envelope_rejected"):
    default_message = _l("This encrypted item does not fit the dialogue's current state.")


class ChallengeFailedError(InvalidInputError, status=401, code="challenge_failed"):
    default_message = _l("This device could not prove it holds the dialogue key.")


class RoundClosedError(ConflictError, code="round_closed"):
    default_message = _l("This round is closed: it takes no more statements or votes.")


class RoundOpenError(ConflictError, code="round_open"):
    default_message = _l("This round is still open: its votes are counted once it is closed.")
