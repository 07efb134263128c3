"""The one place that says who may do what.

Views and socket handlers call ``require``; services receive an actor that has passed it.
Permissions are deny-by-default: a role has exactly the permissions listed here.
"""

from __future__ import annotations

import enum
from typing import Protocol

from facilitator.core.errors import NotAuthenticatedError, PermissionDeniedError


class TeamRole(enum.StrEnum):
    """An account's role in the mediator team. Codes match the TD2 roster role bytes."""

    CONVENER = "convener"
    FACILITATOR = "facilitator"
    INTERPRETER = "interpreter"
    RAPPORTEUR = "rapporteur"
    OBSERVER = "observer"


class Permission(enum.StrEnum):
    USE_TEAM_AREA = "use_team_area"
    INVITE_TEAM_MEMBER = "invite_team_member"
    CREATE_DIALOGUE = "create_dialogue"
    VIEW_TEAM = "view_team"


ROLE_PERMISSIONS: dict[TeamRole, frozenset[Permission]] = {
    TeamRole.CONVENER: frozenset(Permission),
    TeamRole.FACILITATOR: frozenset({Permission.USE_TEAM_AREA, Permission.VIEW_TEAM}),
    TeamRole.INTERPRETER: frozenset({Permission.USE_TEAM_AREA, Permission.VIEW_TEAM}),
    TeamRole.RAPPORTEUR: frozenset({Permission.USE_TEAM_AREA, Permission.VIEW_TEAM}),
    TeamRole.OBSERVER: frozenset({Permission.USE_TEAM_AREA}),
}


class Actor(Protocol):
    @property
    def role(self) -> str: ...


def can(actor: Actor | None, permission: Permission) -> bool:
    if actor is None:
        return False
    try:
        role = TeamRole(actor.role)
    except ValueError:
        return False
    return permission in ROLE_PERMISSIONS[role]


def require(actor: Actor | None, permission: Permission) -> None:
    """Raise unless ``actor`` holds ``permission``; an anonymous caller gets a 401, others 403."""
    if actor is None:
        raise NotAuthenticatedError()
    if not can(actor, permission):
        raise PermissionDeniedError()
