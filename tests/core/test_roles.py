"""One table of roles (static/shared/roles.json): the server and the browser read the same one."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from facilitator import roles, td2
from facilitator.core.authz import ROLE_PERMISSIONS, TEAM_ROLES
from facilitator.dialogues import access
from facilitator.live.state import LEADS

ROOT = Path(__file__).resolve().parents[2]
TABLE = json.loads((ROOT / "static" / "shared" / "roles.json").read_text(encoding="utf-8"))

# What the browser derives from the table, printed by Node from the modules the pages import
# (with the one global of a page that loading them reads).
NODE_SCRIPT = """
globalThis.document = { documentElement: { lang: "en", dir: "ltr" } };  // i18n.js reads it
const roles = await import("./static/js/roles.js");
const td2 = await import("./static/js/td2/index.js");
const docs = await import("./static/js/dialogues/docs.js");
const trust = await import("./static/js/dialogues/chain-trust.js");
const state = await import("./static/js/live/state.js");
const interpretation = await import("./static/js/live/interpretation.js");
const names = ["team_seat", "link_invitation", "team_channel", "write_meta", "steward",
  "lead_room", "take_notes", "interpret", "export"];
console.log(JSON.stringify({
  roles: roles.ROLES,
  codes: roles.ROLE_CODES,
  with: Object.fromEntries(names.map((n) => [n, roles.rolesWith(n)])),
  td2Codes: td2.ROLE_CODES,
  teamChannel: td2.TEAM_CHANNEL_ROLES,
  teamRoles: docs.TEAM_ROLES,
  linkRoles: docs.PARTICIPANT_ROLES,
  metaWriters: [...trust.META_WRITERS],
  leads: [...state.LEADS],
  translators: [...interpretation.TRANSLATORS],
}));
"""


def test_python_reads_the_table() -> None:
    names = [row["name"] for row in TABLE["roles"]]
    assert list(roles.ROLES) == names
    assert roles.ROLE_CODES == td2.ROLE_CODES == {r["name"]: r["code"] for r in TABLE["roles"]}
    assert list(TEAM_ROLES) == [r["name"] for r in TABLE["roles"] if r["account"] is not None]
    for row in TABLE["roles"]:
        if row["account"] is not None:
            assert {p.value for p in ROLE_PERMISSIONS[row["name"]]} == set(row["account"])
    assert roles.roles_with("team_channel") == td2.TEAM_CHANNEL_ROLES
    assert roles.roles_with("team_seat") == access.TEAM_ROLES
    assert roles.roles_with("write_meta") == access.META_WRITERS
    assert roles.roles_with("take_notes") == access.NOTE_TAKERS
    assert roles.roles_with("lead_room") == LEADS


def test_the_table_keeps_the_teams_rights() -> None:
    # The roster codes are pinned by tests/td2/test_epoch_chain.py.
    leads = {"convener", "facilitator"}
    assert roles.roles_with("export") == {"convener"}
    assert roles.roles_with("steward") == roles.roles_with("write_meta") == leads
    assert roles.roles_with("lead_room") == leads
    assert roles.roles_with("link_invitation") == {"participant", "observer"}
    assert roles.roles_with("interpret") == {"interpreter"}
    assert roles.roles_with("take_notes") == {"convener", "facilitator", "rapporteur"}


def test_an_unknown_permission_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="unknown dialogue permission"):
        roles.roles_with("take_note")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")
def test_the_browser_reads_the_same_table() -> None:
    out = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    js = json.loads(out.stdout)
    assert js["roles"] == list(roles.ROLES)
    assert js["codes"] == js["td2Codes"] == roles.ROLE_CODES
    for name, expected in js["with"].items():
        assert expected == [r for r in roles.ROLES if r in roles.roles_with(name)], name
    assert set(js["teamChannel"]) == td2.TEAM_CHANNEL_ROLES
    assert js["teamRoles"] == [r for r in roles.ROLES if r in access.TEAM_ROLES]
    assert set(js["linkRoles"]) == access.LINK_ROLES
    assert set(js["metaWriters"]) == access.META_WRITERS
    assert set(js["leads"]) == LEADS
    assert js["translators"] == ["interpreter"]
