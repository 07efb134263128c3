// X25519 member keys and Ed25519 steward keys on WebCrypto.
//
// WebCrypto cannot import a raw private key for these curves, so raw keys are wrapped as PKCS#8
// (RFC 8410: a fixed 16-byte prefix + the 32-byte key). Keys this module generates for use are
// non-extractable; `extractable: true` exists for test vectors and key-file export only.

import { b64uDecode, concat, equalBytes, exactBytes, toBytes } from "./bytes.js";
import { Td2KeyError, Td2SignatureError } from "./errors.js";

export const KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;
const X25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);
const ED25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const PREFIXES = { x25519: X25519_PKCS8_PREFIX, ed25519: ED25519_PKCS8_PREFIX };
const ALGORITHMS = { x25519: "X25519", ed25519: "Ed25519" };
/** @type {Record<string, KeyUsage[]>} */
const PRIVATE_USAGES = { x25519: ["deriveBits"], ed25519: ["sign"] };
/** @type {Record<string, KeyUsage[]>} */
const PUBLIC_USAGES = { x25519: [], ed25519: ["verify"] };

function keyType(type) {
  if (!Object.hasOwn(PREFIXES, type)) throw new Td2KeyError(`unknown key type ${String(type)}`);
  return type;
}

/**
 * Wraps a raw 32-byte private key as PKCS#8 DER (48 bytes).
 * @param {Uint8Array} privateRaw
 * @param {"x25519" | "ed25519"} type
 * @returns {Uint8Array}
 */
export function privateToPkcs8(privateRaw, type) {
  return concat(PREFIXES[keyType(type)], exactBytes(privateRaw, KEY_LENGTH, "private key"));
}

/**
 * Unwraps PKCS#8 DER made by privateToPkcs8 (or any RFC 8410 encoder without attributes).
 * @param {Uint8Array} der
 * @returns {{keyType: "x25519" | "ed25519", privateRaw: Uint8Array}}
 */
export function pkcs8ToPrivate(der) {
  const bytes = toBytes(der);
  for (const [type, prefix] of Object.entries(PREFIXES)) {
    if (bytes.length === prefix.length + KEY_LENGTH && equalBytes(bytes.subarray(0, 16), prefix)) {
      return { keyType: /** @type {"x25519" | "ed25519"} */ (type), privateRaw: bytes.slice(16) };
    }
  }
  throw new Td2KeyError("PKCS#8: not an X25519 or Ed25519 private key");
}

/**
 * Raw public key of an X25519 or Ed25519 public CryptoKey.
 * @param {CryptoKey} publicKey
 * @returns {Promise<Uint8Array>}
 */
export async function exportPublicRaw(publicKey) {
  return new Uint8Array(await crypto.subtle.exportKey("raw", publicKey));
}

/**
 * Imports a raw X25519 public key, rejecting low-order points (the all-zero key among them).
 *
 * With such a point every Diffie-Hellman result is all zeros whatever the private key, so a
 * wrap to it would be readable by anyone. X25519 clamps scalars to multiples of 8, so one
 * exchange with a throwaway key detects every such point: WebCrypto refuses an all-zero result
 * (as facilitator/td2/keys.py does with `cryptography`).
 * @param {Uint8Array} raw
 * @returns {Promise<CryptoKey>}
 */
export async function importX25519Public(raw) {
  const bytes = checkedPublic(raw);
  let key;
  try {
    key = await crypto.subtle.importKey("raw", bytes, "X25519", true, []);
    const throwaway = await crypto.subtle.generateKey("X25519", false, ["deriveBits"]);
    await crypto.subtle.deriveBits({ name: "X25519", public: key }, throwaway.privateKey, 256);
  } catch (error) {
    throw new Td2KeyError("X25519 public key is a low-order point (e.g. all zeros)", {
      cause: error,
    });
  }
  return key;
}

/**
 * Imports a raw Ed25519 public key for verification.
 * @param {Uint8Array} raw
 * @returns {Promise<CryptoKey>}
 */
export async function importEd25519Public(raw) {
  try {
    return await crypto.subtle.importKey("raw", checkedPublic(raw), "Ed25519", true, ["verify"]);
  } catch (error) {
    if (error instanceof Td2KeyError) throw error;
    throw new Td2KeyError("invalid Ed25519 public key", { cause: error });
  }
}

function checkedPublic(raw) {
  try {
    return exactBytes(raw, KEY_LENGTH, "public key");
  } catch (error) {
    throw new Td2KeyError("public key must be 32 bytes", { cause: error });
  }
}

/**
 * Imports a private key from PKCS#8 DER and recovers its public key. The private key is
 * non-extractable unless asked otherwise. (The public half comes from a short-lived extractable
 * import: WebCrypto cannot derive a public key from a non-extractable private one.)
 * @param {Uint8Array} der
 * @param {{extractable?: boolean}} [options]
 * @returns {Promise<{keyType: "x25519" | "ed25519", privateKey: CryptoKey, publicKey: CryptoKey,
 *   publicRaw: Uint8Array}>}
 */
export async function importPkcs8(der, options = {}) {
  const { keyType: type } = pkcs8ToPrivate(der);
  const algorithm = ALGORITHMS[type];
  const bytes = toBytes(der);
  let temporary;
  try {
    temporary = await crypto.subtle.importKey(
      "pkcs8",
      bytes,
      algorithm,
      true,
      PRIVATE_USAGES[type],
    );
  } catch (error) {
    throw new Td2KeyError(`invalid ${algorithm} private key`, { cause: error });
  }
  const jwk = await crypto.subtle.exportKey("jwk", temporary);
  const publicRaw = b64uDecode(jwk.x, KEY_LENGTH);
  const privateKey = await crypto.subtle.importKey(
    "pkcs8",
    bytes,
    algorithm,
    options.extractable === true,
    PRIVATE_USAGES[type],
  );
  const publicKey = await crypto.subtle.importKey(
    "raw",
    publicRaw,
    algorithm,
    true,
    PUBLIC_USAGES[type],
  );
  return { keyType: type, privateKey, publicKey, publicRaw };
}

/**
 * Imports a raw 32-byte X25519 private key (non-extractable unless asked otherwise).
 * @param {Uint8Array} privateRaw
 * @param {{extractable?: boolean}} [options]
 * @returns {Promise<CryptoKeyPair & {publicRaw: Uint8Array}>}
 */
export async function importX25519Private(privateRaw, options = {}) {
  const { privateKey, publicKey, publicRaw } = await importPkcs8(
    privateToPkcs8(privateRaw, "x25519"),
    options,
  );
  return { privateKey, publicKey, publicRaw };
}

/**
 * Imports a raw 32-byte Ed25519 private key (seed), non-extractable unless asked otherwise.
 * @param {Uint8Array} seed
 * @param {{extractable?: boolean}} [options]
 * @returns {Promise<CryptoKeyPair & {publicRaw: Uint8Array}>}
 */
export async function importEd25519Private(seed, options = {}) {
  const { privateKey, publicKey, publicRaw } = await importPkcs8(
    privateToPkcs8(seed, "ed25519"),
    options,
  );
  return { privateKey, publicKey, publicRaw };
}

/**
 * A member's X25519 key pair for one dialogue on this device; the private key is
 * non-extractable unless `extractable` is set (only for a key-file export made at creation).
 * @param {{extractable?: boolean}} [options]
 * @returns {Promise<CryptoKeyPair & {publicRaw: Uint8Array}>}
 */
export async function generateMemberKeyPair(options = {}) {
  const pair = await crypto.subtle.generateKey("X25519", options.extractable === true, [
    "deriveBits",
  ]);
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicRaw: await exportPublicRaw(pair.publicKey),
  };
}

/**
 * A key steward's Ed25519 signing key pair (private non-extractable unless asked otherwise).
 * @param {{extractable?: boolean}} [options]
 * @returns {Promise<CryptoKeyPair & {publicRaw: Uint8Array}>}
 */
export async function generateStewardKeyPair(options = {}) {
  const pair = await crypto.subtle.generateKey("Ed25519", options.extractable === true, [
    "sign",
    "verify",
  ]);
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicRaw: await exportPublicRaw(pair.publicKey),
  };
}

/**
 * Raw public key of a raw X25519 private key (mirrors x25519_public_from_private).
 * @param {Uint8Array} privateRaw
 * @returns {Promise<Uint8Array>}
 */
export async function x25519PublicFromPrivate(privateRaw) {
  return (await importX25519Private(privateRaw)).publicRaw;
}

/**
 * Raw public key of a raw Ed25519 seed (mirrors ed25519_public_from_private).
 * @param {Uint8Array} seed
 * @returns {Promise<Uint8Array>}
 */
export async function ed25519PublicFromPrivate(seed) {
  return (await importEd25519Private(seed)).publicRaw;
}

/**
 * PKCS#8 DER of an extractable private CryptoKey (for a key file made at creation time).
 * @param {CryptoKey} privateKey
 * @returns {Promise<Uint8Array>}
 */
export async function exportPkcs8(privateKey) {
  try {
    return new Uint8Array(await crypto.subtle.exportKey("pkcs8", privateKey));
  } catch (error) {
    throw new Td2KeyError("private key is not extractable", { cause: error });
  }
}

/** @param {unknown} value @returns {value is CryptoKey} */
/**
 * @param {unknown} value
 * @returns {value is CryptoKey}
 */
export const isCryptoKey = (value) => typeof CryptoKey !== "undefined" && value instanceof CryptoKey;

/**
 * A steward's Ed25519 signature (64 bytes) over `message`: every signature TD2 makes goes
 * through here.
 * @param {CryptoKey | Uint8Array} stewardPrivate a private CryptoKey, or the raw 32-byte seed
 *   (vectors and tests)
 * @param {Uint8Array} message
 * @returns {Promise<Uint8Array>}
 */
export async function signEd25519(stewardPrivate, message) {
  const key = isCryptoKey(stewardPrivate)
    ? stewardPrivate
    : (await importEd25519Private(stewardPrivate)).privateKey;
  if (key.algorithm.name !== "Ed25519" || key.type !== "private") {
    throw new Td2KeyError("steward key must be an Ed25519 private key");
  }
  return new Uint8Array(await crypto.subtle.sign("Ed25519", key, toBytes(message)));
}

/**
 * Throws Td2SignatureError naming `what` unless `signature` is `stewardPublic`'s over `message`:
 * every signature TD2 checks goes through here.
 * @param {CryptoKey | Uint8Array} stewardPublic raw 32 bytes or an Ed25519 public CryptoKey
 * @param {Uint8Array} message
 * @param {Uint8Array} signature
 * @param {string} what
 * @returns {Promise<void>}
 */
export async function verifyEd25519(stewardPublic, message, signature, what) {
  const key = isCryptoKey(stewardPublic) ? stewardPublic : await importEd25519Public(stewardPublic);
  const sig = toBytes(signature);
  if (sig.length !== SIGNATURE_LENGTH) {
    throw new Td2SignatureError(`signature must be ${SIGNATURE_LENGTH} bytes`);
  }
  let ok;
  try {
    ok = await crypto.subtle.verify("Ed25519", key, sig, toBytes(message));
  } catch (error) {
    throw new Td2SignatureError(`${what} does not verify`, { cause: error });
  }
  if (!ok) throw new Td2SignatureError(`${what} does not verify`);
}
