// Plaintext framing: u32(len) || data || zero padding, to a multiple of 256 bytes, so a blob's
// size reveals only a coarse bucket of the message's length.

import { concat, exactBytes, readU32, toBytes, u32 } from "./bytes.js";
import { Td2FormatError } from "./errors.js";

export const PAD_BLOCK = 256;

/**
 * @param {Uint8Array} data
 * @returns {Uint8Array<ArrayBuffer>} a multiple of 256 bytes, at least 256
 */
export function framePlaintext(data) {
  const body = toBytes(data);
  const total = Math.ceil((4 + body.length) / PAD_BLOCK) * PAD_BLOCK;
  const out = new Uint8Array(total);
  out.set(concat(u32(body.length), body), 0);
  return out;
}

/**
 * Strict inverse of framePlaintext: the length must fit, the padding must be all zero and no
 * longer than needed (so exactly one framing is accepted for each plaintext).
 * @param {Uint8Array} padded
 * @returns {Uint8Array}
 */
export function unframePlaintext(padded) {
  const bytes = toBytes(padded);
  if (bytes.length < PAD_BLOCK || bytes.length % PAD_BLOCK !== 0) {
    throw new Td2FormatError("framing: length is not a positive multiple of 256");
  }
  const length = readU32(bytes, 0);
  if (length > bytes.length - 4) throw new Td2FormatError("framing: length field too large");
  if (Math.ceil((4 + length) / PAD_BLOCK) * PAD_BLOCK !== bytes.length) {
    throw new Td2FormatError("framing: more padding than needed");
  }
  let acc = 0;
  for (let i = 4 + length; i < bytes.length; i += 1) acc |= bytes[i];
  if (acc !== 0) throw new Td2FormatError("framing: non-zero padding");
  return exactBytes(bytes.slice(4, 4 + length), length, "data");
}
