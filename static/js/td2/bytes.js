// Byte helpers: base64url (no padding, strict), big-endian integers, concatenation, comparison.

import { Td2FormatError } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i += 1) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/**
 * Encodes bytes as base64url without padding.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function b64uEncode(bytes) {
  const data = toBytes(bytes);
  let out = "";
  let i = 0;
  for (; i + 3 <= data.length; i += 3) {
    const n = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out +=
      ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = data.length - i;
  if (rest === 1) {
    const n = data[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (data[i] << 16) | (data[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/**
 * Decodes base64url without padding. Strict: rejects padding, whitespace, the standard
 * alphabet's `+` and `/`, impossible lengths and non-zero trailing bits, so every byte string has
 * exactly one accepted encoding (the server and peers can compare encodings).
 * @param {string} text
 * @param {number} [expectedLength] if given, the decoded length must equal it
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function b64uDecode(text, expectedLength) {
  if (typeof text !== "string") throw new Td2FormatError("base64url: not a string");
  if (text.length % 4 === 1) throw new Td2FormatError("base64url: impossible length");
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : -1;
    if (v < 0) throw new Td2FormatError("base64url: invalid character");
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o] = (acc >> bits) & 0xff;
      o += 1;
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) {
    throw new Td2FormatError("base64url: non-canonical trailing bits");
  }
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new Td2FormatError(`base64url: expected ${expectedLength} bytes, got ${out.length}`);
  }
  return out;
}

/**
 * Coerces an ArrayBuffer or typed-array view to a Uint8Array view (no copy). Typed as backed by
 * an ArrayBuffer, which WebCrypto requires: nothing here allocates a SharedArrayBuffer.
 * @param {ArrayBuffer | ArrayBufferView} value
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function toBytes(value) {
  if (value instanceof Uint8Array) return /** @type {Uint8Array<ArrayBuffer>} */ (value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(/** @type {ArrayBuffer} */ (value.buffer), value.byteOffset, value.byteLength);
  }
  throw new Td2FormatError("expected bytes");
}

/**
 * Checks that `value` is a Uint8Array-like of exactly `length` bytes and returns it as Uint8Array.
 * @param {ArrayBuffer | ArrayBufferView} value
 * @param {number} length
 * @param {string} what name used in the error message
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function exactBytes(value, length, what) {
  let bytes;
  try {
    bytes = toBytes(value);
  } catch {
    throw new Td2FormatError(`${what}: expected ${length} bytes`);
  }
  if (bytes.length !== length) {
    throw new Td2FormatError(`${what}: expected ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/**
 * Big-endian unsigned 32-bit integer.
 * @param {number} n
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function u32(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new Td2FormatError("u32 out of range");
  }
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
}

/**
 * Big-endian unsigned 64-bit integer. Accepts a Number up to 2^53 - 1 or a BigInt.
 * @param {number | bigint} n
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function u64(n) {
  const big = typeof n === "bigint" ? n : Number.isSafeInteger(n) ? BigInt(n) : -1n;
  if (big < 0n || big > 0xffffffffffffffffn) throw new Td2FormatError("u64 out of range");
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, big, false);
  return out;
}

/**
 * Reads a big-endian u32.
 * @param {Uint8Array} bytes
 * @param {number} offset
 * @returns {number}
 */
export function readU32(bytes, offset) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, false);
}

/**
 * Reads a big-endian u64: a Number when it is at most 2^53 - 1 (every real unix time in ms),
 * otherwise a BigInt, so no value is silently rounded.
 * @param {Uint8Array} bytes
 * @param {number} offset
 * @returns {number | bigint}
 */
export function readU64(bytes, offset) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const big = view.getBigUint64(offset, false);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/**
 * Concatenates byte strings.
 * @param {...(Uint8Array | ArrayBuffer)} parts
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function concat(...parts) {
  const views = parts.map(toBytes);
  const out = new Uint8Array(views.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of views) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Compares two byte strings without an early exit on the first difference.
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean}
 */
export function equalBytes(a, b) {
  const x = toBytes(a);
  const y = toBytes(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i += 1) diff |= x[i] ^ y[i];
  return diff === 0;
}

/**
 * Compares byte strings lexicographically (unsigned), like Python's `bytes` ordering.
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {number} negative, zero or positive
 */
export function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

const encoder = new TextEncoder();

/**
 * UTF-8 encoding of an ASCII label or text.
 * @param {string} text
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function utf8(text) {
  return encoder.encode(text);
}

/**
 * True when every byte is zero.
 * @param {Uint8Array} bytes
 * @returns {boolean}
 */
export function isAllZero(bytes) {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}
