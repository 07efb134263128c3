// static/js/roles.js reads the one table of roles (static/shared/roles.json), as the server does
// (tests/core/test_roles.py compares the two sides); the td2 roster codes and the team channel's
// roles come from it.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { ROLES, ROLE_CODES, rolesWith } from "../../static/js/roles.js";
import { ROLE_CODES as TD2_ROLE_CODES, TEAM_CHANNEL_ROLES } from "../../static/js/td2/index.js";

const TABLE = JSON.parse(readFileSync(new URL("../../static/shared/roles.json", import.meta.url), "utf8"));

test("names, order and codes are the table's", () => {
  assert.deepEqual(ROLES, TABLE.roles.map((row) => row.name));
  assert.deepEqual(ROLE_CODES, Object.fromEntries(TABLE.roles.map((row) => [row.name, row.code])));
  assert.deepEqual(TD2_ROLE_CODES, ROLE_CODES);
});

test("permissions are the table's", () => {
  assert.deepEqual(TEAM_CHANNEL_ROLES, ["convener", "facilitator", "interpreter", "rapporteur"]);
  assert.deepEqual(rolesWith("write_meta"), ["convener", "facilitator"]);
  assert.deepEqual(rolesWith("take_notes"), ["convener", "facilitator", "rapporteur"]);
  assert.deepEqual(rolesWith("team_seat"), ["convener", "facilitator", "interpreter", "rapporteur", "observer"]);
  assert.deepEqual(rolesWith("link_invitation"), ["participant", "observer"]);
  assert.deepEqual(rolesWith("interpret"), ["interpreter"]);
});

test("asking for a permission no role has is a mistake", () => {
  assert.throws(() => rolesWith("take_note"), /unknown dialogue permission/);
});
