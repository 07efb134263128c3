"""The one place that checks what a team account may do.

Views and socket handlers call ``require``; services receive an actor that has passed it.
Permissions are deny-by-default: a role has exactly the permissions the table of roles
(``static/shared/roles.json``, read by :mod:`facilitator.roles`) lists for its account.
"""

from __future__ import annotations

import enum
from typing import Protocol

from facilitator import roles
from facilitator.core.errors import NotAuthenticatedError, PermissionDeniedError

# The roles a team account can hold, in the table's order.
TEAM_ROLES: tuple[str, ...] = roles.ACCOUNT_ROLES
# The role of the first account and of the accounts set up from the command line.
FIRST_ROLE = "convener"


class Permission(enum.StrEnum):
    USE_TEAM_AREA = "use_team_area"
    INVITE_TEAM_MEMBER = "invite_team_member"
    CREATE_DIALOGUE = "create_dialogue"
    VIEW_TEAM = "view_team"


# Permission() refuses a name the table has but this module does not know.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    role: frozenset(Permission(name) for name in names)
    for role, names in roles.ACCOUNT_PERMISSIONS.items()
}


class Actor(Protocol):
    @property
    def role(self) -> str: ...


def can(actor: Actor | None, permission: Permission) -> bool:
    if actor is None:
        return False
    return permission in ROLE_PERMISSIONS.get(actor.role, frozenset())


def require(actor: Actor | None, permission: Permission) -> None:
    """Raise unless ``actor`` holds ``permission``; an anonymous caller gets a 401, others 403."""
    if actor is None:
        raise NotAuthenticatedError()
    if not can(actor, permission):
        raise PermissionDeniedError()
