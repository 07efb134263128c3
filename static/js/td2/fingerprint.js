// Fingerprint of a public key, for comparison by people: SHA-256("td2/v1/fp" || pub)[:10] in
// RFC 4648 base32 (16 characters, no padding), shown as 4 groups of 4: "7WSX-KJSK-TSHS-SN7I".

import { concat, exactBytes, utf8 } from "./bytes.js";
import { Td2FormatError } from "./errors.js";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const PATTERN = /^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/;

/**
 * @param {Uint8Array} bytes length a multiple of 5
 * @returns {string}
 */
function base32(bytes) {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = ((acc << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(acc >> bits) & 31];
    }
  }
  return out;
}

/**
 * @param {Uint8Array} publicKey a raw 32-byte X25519 or Ed25519 public key
 * @returns {Promise<string>} e.g. "7WSX-KJSK-TSHS-SN7I"
 */
export async function fingerprint(publicKey) {
  const input = concat(utf8("td2/v1/fp"), exactBytes(publicKey, 32, "public key"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
  return grouped(base32(digest.subarray(0, 10)));
}

/** "ABCDEFGHIJKLMNOP" -> "ABCD-EFGH-IJKL-MNOP" */
function grouped(text) {
  return [0, 4, 8, 12].map((i) => text.slice(i, i + 4)).join("-");
}

/**
 * Normalises a fingerprint typed or read by a person (case, spaces, missing dashes) to the
 * canonical form, or throws.
 * @param {string} text
 * @returns {string}
 */
export function normaliseFingerprint(text) {
  const compact = String(text).toUpperCase().replace(/[\s-]/g, "");
  const canonical = grouped(compact);
  if (compact.length !== 16 || !PATTERN.test(canonical)) {
    throw new Td2FormatError("not a fingerprint");
  }
  return canonical;
}
