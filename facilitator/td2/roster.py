"""Roster hashes: who is in an epoch, with which key and role."""

import hashlib
import itertools
from collections.abc import Iterable
from typing import NamedTuple

from facilitator import roles
from facilitator.td2.encoding import ID_LENGTH, require_bytes
from facilitator.td2.errors import Td2FormatError

# The roster's role bytes, from the one table of roles (static/shared/roles.json).
ROLE_CODES = dict(roles.ROLE_CODES)
ROLE_NAMES = {code: name for name, code in ROLE_CODES.items()}


class RosterMember(NamedTuple):
    """One roster entry: 16-byte handle, raw X25519 public key, role name or code."""

    handle: bytes
    x25519_public: bytes
    role: str | int


def role_code(role: str | int) -> int:
    """The one-byte code of a role given by name or by code."""
    if isinstance(role, str) and role in ROLE_CODES:
        return ROLE_CODES[role]
    if isinstance(role, int) and not isinstance(role, bool) and role in ROLE_NAMES:
        return role
    raise Td2FormatError(f"unknown role {role!r}")


def roster_hash(members: Iterable[RosterMember | tuple[bytes, bytes, str | int]]) -> bytes:
    """``SHA-256("td2/v1/roster" || (handle || x25519_pub || role)...)`` sorted by handle.

    Handles sort as unsigned byte strings.  An empty roster or a handle that
    appears twice is rejected: neither can describe a real epoch.
    """
    entries = []
    for member in members:
        try:
            handle, public, role = member
        except (TypeError, ValueError):
            raise Td2FormatError("a roster member is (handle, x25519_public, role)") from None
        entries.append(
            require_bytes("handle", handle, ID_LENGTH)
            + require_bytes("x25519_public", public, 32)
            + bytes((role_code(role),))
        )
    if not entries:
        raise Td2FormatError("a roster needs at least one member")
    entries.sort(key=lambda e: e[:ID_LENGTH])
    for before, after in itertools.pairwise(entries):
        if before[:ID_LENGTH] == after[:ID_LENGTH]:
            raise Td2FormatError("a handle appears twice in the roster")
    return hashlib.sha256(b"td2/v1/roster" + b"".join(entries)).digest()
