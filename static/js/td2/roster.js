// Roster hash: SHA-256("td2/v1/roster" || concat over members sorted by handle of
// (handle(16) || x25519_pub(32) || role(1))). It goes into the epoch record, so a member who
// verifies the record knows exactly who holds the epoch's keys.

import { compareBytes, concat, equalBytes, exactBytes, utf8 } from "./bytes.js";
import { Td2FormatError } from "./errors.js";
import { ID_LENGTH } from "./ids.js";
import { ROLE_CODES } from "../roles.js";

/** The roster's role bytes, from the one table of roles (static/shared/roles.json). */
export { ROLE_CODES };

/**
 * @param {string | number} role a name from ROLE_CODES or its code
 * @returns {number}
 */
export function roleCode(role) {
  if (typeof role === "string" && Object.hasOwn(ROLE_CODES, role)) return ROLE_CODES[role];
  if (typeof role === "number" && /** @type {number[]} */ (Object.values(ROLE_CODES)).includes(role)) return role;
  throw new Td2FormatError(`unknown role ${String(role)}`);
}

/**
 * @param {Iterable<{handle: Uint8Array, x25519Public: Uint8Array, role: string | number}>} members
 * @returns {Promise<Uint8Array>} 32 bytes
 * @throws {Td2FormatError} a malformed member, an empty roster or a handle listed twice
 */
export async function rosterHash(members) {
  const entries = Array.from(members, (m) => {
    if (typeof m !== "object" || m === null) {
      throw new Td2FormatError("a roster member is {handle, x25519Public, role}");
    }
    return {
      handle: exactBytes(m.handle, ID_LENGTH, "handle"),
      x25519Public: exactBytes(m.x25519Public, 32, "x25519_public"),
      role: roleCode(m.role),
    };
  });
  if (entries.length === 0) throw new Td2FormatError("a roster needs at least one member");
  entries.sort((a, b) => compareBytes(a.handle, b.handle));
  for (let i = 1; i < entries.length; i += 1) {
    if (equalBytes(entries[i - 1].handle, entries[i].handle)) {
      throw new Td2FormatError("roster lists a handle twice");
    }
  }
  const body = entries.map((e) => concat(e.handle, e.x25519Public, Uint8Array.of(e.role)));
  const digest = await crypto.subtle.digest("SHA-256", concat(utf8("td2/v1/roster"), ...body));
  return new Uint8Array(digest);
}
