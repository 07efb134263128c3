// Invitations. The link is /j/<invite_id>#<invite_secret>.<steward_fingerprint>; the server keeps
// only SHA-256("td2/v1/invite" || secret). A knock proves knowledge of the secret and binds the
// newcomer's key: proof = HMAC-SHA256(key=invite_secret, "td2/v1/join" || x25519_pub).

import { b64uDecode, b64uEncode, concat, exactBytes, toBytes, utf8 } from "./bytes.js";
import { Td2FormatError } from "./errors.js";
import { normaliseFingerprint } from "./fingerprint.js";
import { ID_LENGTH, randomBytes } from "./ids.js";

export const INVITE_SECRET_LENGTH = ID_LENGTH;

/** @returns {Uint8Array} 16 random bytes */
export function randomInviteSecret() {
  return randomBytes(INVITE_SECRET_LENGTH);
}

/**
 * What the server stores for an invitation.
 * @param {Uint8Array} inviteSecret
 * @returns {Promise<Uint8Array>} 32 bytes
 */
export async function inviteSecretHash(inviteSecret) {
  const input = concat(
    utf8("td2/v1/invite"),
    exactBytes(inviteSecret, INVITE_SECRET_LENGTH, "invite_secret"),
  );
  return new Uint8Array(await crypto.subtle.digest("SHA-256", input));
}

async function hmacKey(inviteSecret, usage) {
  return crypto.subtle.importKey(
    "raw",
    exactBytes(inviteSecret, INVITE_SECRET_LENGTH, "invite_secret"),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage],
  );
}

function joinMessage(x25519Public) {
  return concat(utf8("td2/v1/join"), exactBytes(x25519Public, 32, "x25519_public"));
}

/**
 * @param {Uint8Array} inviteSecret
 * @param {Uint8Array} x25519Public
 * @returns {Promise<Uint8Array>} 32 bytes
 */
export async function joinProof(inviteSecret, x25519Public) {
  const key = await hmacKey(inviteSecret, "sign");
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, joinMessage(x25519Public)));
}

/**
 * Constant-time check of a join proof (WebCrypto's HMAC verify).
 * @param {Uint8Array} inviteSecret
 * @param {Uint8Array} x25519Public
 * @param {Uint8Array} proof
 * @returns {Promise<boolean>}
 */
export async function verifyJoinProof(inviteSecret, x25519Public, proof) {
  const key = await hmacKey(inviteSecret, "verify");
  return crypto.subtle.verify("HMAC", key, toBytes(proof), joinMessage(x25519Public));
}

/**
 * The fragment of an invite link, without "#".
 * @param {Uint8Array} inviteSecret
 * @param {string} stewardFingerprint
 * @returns {string} "<b64u secret>.<fingerprint>"
 */
export function inviteFragment(inviteSecret, stewardFingerprint) {
  const secret = exactBytes(inviteSecret, INVITE_SECRET_LENGTH, "invite_secret");
  return `${b64uEncode(secret)}.${normaliseFingerprint(stewardFingerprint)}`;
}

/**
 * Parses an invite link's fragment ("#" optional). The page should then remove the fragment
 * from the address bar (history.replaceState) at once.
 * @param {string} fragment
 * @returns {{inviteSecret: Uint8Array, stewardFingerprint: string}}
 */
export function parseInviteFragment(fragment) {
  const text = String(fragment).replace(/^#/, "");
  const dot = text.indexOf(".");
  if (dot < 0) throw new Td2FormatError("invite fragment: missing '.'");
  return {
    inviteSecret: b64uDecode(text.slice(0, dot), INVITE_SECRET_LENGTH),
    stewardFingerprint: normaliseFingerprint(text.slice(dot + 1)),
  };
}
