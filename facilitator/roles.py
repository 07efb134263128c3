"""The roles of a dialogue and what each may do: one table, ``static/shared/roles.json``.

The browser imports the same file (``static/js/roles.js``), so the server, the Python client and
every device agree on the names, their order, their roster codes and their permissions; the
labels shown to people are translations and stay with the pages. Standard library only: the
protocol, the client and the server all read it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TABLE_PATH = Path(__file__).resolve().parent.parent / "static" / "shared" / "roles.json"

_ROWS: list[dict[str, Any]] = json.loads(TABLE_PATH.read_text(encoding="utf-8"))["roles"]

# Every role, in the table's order (the order shown to people).
ROLES: tuple[str, ...] = tuple(row["name"] for row in _ROWS)
# The role byte of the TD2 roster hash.
ROLE_CODES: dict[str, int] = {row["name"]: int(row["code"]) for row in _ROWS}
# The roles a team account can hold, with the account's permissions.
ACCOUNT_PERMISSIONS: dict[str, frozenset[str]] = {
    row["name"]: frozenset(row["account"]) for row in _ROWS if row["account"] is not None
}
ACCOUNT_ROLES: tuple[str, ...] = tuple(ACCOUNT_PERMISSIONS)


# Every dialogue permission some role holds: asking for another is a mistake in the code.
DIALOGUE_PERMISSIONS: frozenset[str] = frozenset(p for row in _ROWS for p in row["dialogue"])


def roles_with(permission: str) -> frozenset[str]:
    """The roles whose members hold the dialogue permission ``permission``."""
    if permission not in DIALOGUE_PERMISSIONS:
        raise ValueError(f"unknown dialogue permission {permission!r}")
    return frozenset(row["name"] for row in _ROWS if permission in row["dialogue"])
