// The roles of a dialogue and what each may do: one table, static/shared/roles.json, which the
// server reads too (facilitator/roles.py). Names, order, roster codes and permissions come from
// it; the labels shown to people are translations and stay in dialogues/labels.js.

import table from "../shared/roles.json" with { type: "json" };

/** Every role, in the table's order (the order shown to people). */
export const ROLES = Object.freeze(table.roles.map((row) => row.name));

/** The role byte of the TD2 roster hash, by name. */
export const ROLE_CODES = Object.freeze(Object.fromEntries(table.roles.map((row) => [row.name, row.code])));

/** Every dialogue permission some role holds: asking for another is a mistake in the code. */
const DIALOGUE_PERMISSIONS = new Set(table.roles.flatMap((row) => row.dialogue));

/**
 * The roles whose members hold a dialogue permission, in the table's order.
 * @param {string} permission e.g. "write_meta", "take_notes", "team_channel"
 * @returns {readonly string[]}
 */
export function rolesWith(permission) {
  if (!DIALOGUE_PERMISSIONS.has(permission)) throw new Error(`unknown dialogue permission ${permission}`);
  return Object.freeze(table.roles.filter((row) => row.dialogue.includes(permission)).map((row) => row.name));
}
