// Passphrase-sealed key files (mirrors facilitator/td2/keyfile.py; format in docs/protocol.md).
//
//   {"format": "td2-key-file", "version": 1, "suite": "td2v1",
//    "key_type": "x25519" | "ed25519", "public": b64u(raw public key),
//    "kdf": "pbkdf2-sha256", "iterations": 600000, "salt": b64u(16 bytes),
//    "nonce": b64u(12 bytes), "sealed": b64u(AES-256-GCM(PKCS#8 DER) || tag)}
//
// Key: PBKDF2-SHA256(NFC(passphrase) as UTF-8, salt, iterations, 32 bytes).
// AAD: "td2/v1/keyfile" || key_type_code(1 x25519, 2 ed25519) || u32(iterations) || salt || public,
// so no header field can be changed without the file failing to open.

import {
  b64uDecode,
  b64uEncode,
  concat,
  equalBytes,
  exactBytes,
  toBytes,
  u32,
  utf8,
} from "./bytes.js";
import { Td2DecryptError, Td2FormatError, Td2KeyError } from "./errors.js";
import { randomBytes } from "./ids.js";
import { exportPkcs8, importPkcs8, pkcs8ToPrivate } from "./keys.js";

export const KEY_FILE_ITERATIONS = 600_000;
export const MAX_ITERATIONS = 10_000_000;
const SALT_LENGTH = 16;
const NONCE_LENGTH = 12;
const KEY_TYPE_CODES = Object.freeze({ x25519: 1, ed25519: 2 });
const FORMAT = "td2-key-file";
const VERSION = 1;

// 32 symbols: digits and lowercase letters without i, l, o, u (hard to tell apart).
const PASSPHRASE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * A random 120-bit passphrase: six groups of four symbols, e.g. "k7qm-2xv9-...".
 * @returns {string}
 */
export function generatePassphrase() {
  // 32 divides 256, so `byte % 32` is uniform.
  const symbols = Array.from(randomBytes(24), (b) => PASSPHRASE_ALPHABET[b % 32]).join("");
  return symbols.match(/.{4}/g).join("-");
}

/**
 * PBKDF2-SHA256(NFC(passphrase) as UTF-8, salt, iterations) -> 32 bytes.
 * @param {string} passphrase
 * @param {Uint8Array} salt 16 bytes
 * @param {number} iterations
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
export async function deriveKeyFileKey(passphrase, salt, iterations) {
  if (typeof passphrase !== "string") throw new Td2FormatError("passphrase must be a string");
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new Td2FormatError("iterations must be a positive integer");
  }
  const material = await crypto.subtle.importKey(
    "raw",
    utf8(passphrase.normalize("NFC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: exactBytes(salt, SALT_LENGTH, "salt"), iterations },
    material,
    256,
  );
  return new Uint8Array(bits);
}

function fileAad(keyType, iterations, salt, publicRaw) {
  return concat(
    utf8("td2/v1/keyfile"),
    Uint8Array.of(KEY_TYPE_CODES[keyType]),
    u32(iterations),
    salt,
    publicRaw,
  );
}

async function gcmKey(passphrase, salt, iterations, usage) {
  const raw = await deriveKeyFileKey(passphrase, salt, iterations);
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, [usage]);
}

/**
 * Seals a PKCS#8 X25519 or Ed25519 private key under a passphrase (fresh salt and nonce).
 * @param {Uint8Array} pkcs8
 * @param {string} passphrase
 * @returns {Promise<Uint8Array>} the key file: UTF-8 JSON
 */
export async function sealKeyFile(pkcs8, passphrase) {
  return sealKeyFileFixed(
    pkcs8,
    passphrase,
    randomBytes(SALT_LENGTH),
    randomBytes(NONCE_LENGTH),
    KEY_FILE_ITERATIONS,
  );
}

/**
 * Seals with a chosen salt, nonce and iteration count. FOR TEST VECTORS ONLY; not exported from
 * index.js, as seal_key_file_fixed on the Python side.
 * @param {Uint8Array} pkcs8
 * @param {string} passphrase
 * @param {Uint8Array} fixedSalt 16 bytes
 * @param {Uint8Array} fixedNonce 12 bytes
 * @param {number} iterations
 * @returns {Promise<Uint8Array>}
 */
export async function sealKeyFileFixed(pkcs8, passphrase, fixedSalt, fixedNonce, iterations) {
  const salt = exactBytes(fixedSalt, SALT_LENGTH, "salt");
  const nonce = exactBytes(fixedNonce, NONCE_LENGTH, "nonce");
  const der = toBytes(pkcs8);
  const { keyType, publicRaw } = await importPkcs8(der);
  const key = await gcmKey(passphrase, salt, iterations, "encrypt");
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: fileAad(keyType, iterations, salt, publicRaw) },
    key,
    der,
  );
  const document = {
    format: FORMAT,
    version: VERSION,
    suite: "td2v1",
    key_type: keyType,
    public: b64uEncode(publicRaw),
    kdf: "pbkdf2-sha256",
    iterations,
    salt: b64uEncode(salt),
    nonce: b64uEncode(nonce),
    sealed: b64uEncode(new Uint8Array(sealed)),
  };
  return utf8(`${JSON.stringify(document, null, 2)}\n`);
}

function field(document, name, type) {
  const value = document[name];
  const ok = type === "integer" ? Number.isSafeInteger(value) : typeof value === type;
  if (!ok) throw new Td2FormatError(`key file field '${name}' is missing or not a ${type}`);
  return value;
}

/**
 * Opens a key file and returns the PKCS#8 DER private key.
 * @param {Uint8Array | string} data the file's bytes (or its text)
 * @param {string} passphrase
 * @returns {Promise<Uint8Array>}
 * @throws {Td2FormatError} malformed file, or fewer than 600,000 iterations
 * @throws {Td2DecryptError} wrong passphrase or an altered field
 * @throws {Td2KeyError} the sealed key does not match the file's key type and public key
 */
export async function openKeyFile(data, passphrase) {
  let document;
  try {
    const text =
      typeof data === "string"
        ? data
        : new TextDecoder("utf-8", { fatal: true }).decode(toBytes(data));
    document = JSON.parse(text);
  } catch (error) {
    throw new Td2FormatError("key file is not UTF-8 JSON", { cause: error });
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new Td2FormatError("key file is not a JSON object");
  }
  const expected = { format: FORMAT, version: VERSION, suite: "td2v1", kdf: "pbkdf2-sha256" };
  for (const [name, value] of Object.entries(expected)) {
    if (document[name] !== value)
      throw new Td2FormatError(`key file field '${name}' must be ${JSON.stringify(value)}`);
  }
  const keyType = field(document, "key_type", "string");
  if (!Object.hasOwn(KEY_TYPE_CODES, keyType))
    throw new Td2FormatError(`unknown key type ${keyType}`);
  const iterations = field(document, "iterations", "integer");
  if (iterations < KEY_FILE_ITERATIONS) {
    throw new Td2FormatError(`key file uses ${iterations} iterations, fewer than 600,000`);
  }
  if (iterations > MAX_ITERATIONS)
    throw new Td2FormatError("key file iteration count is implausibly large");
  let salt;
  let nonce;
  let publicRaw;
  let sealed;
  try {
    salt = b64uDecode(field(document, "salt", "string"), SALT_LENGTH);
    nonce = b64uDecode(field(document, "nonce", "string"), NONCE_LENGTH);
    publicRaw = b64uDecode(field(document, "public", "string"), 32);
    sealed = b64uDecode(field(document, "sealed", "string"));
  } catch (error) {
    throw new Td2FormatError(`key file field is malformed: ${error.message}`, { cause: error });
  }
  const key = await gcmKey(passphrase, salt, iterations, "decrypt");
  let pkcs8;
  try {
    pkcs8 = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: nonce,
          additionalData: fileAad(keyType, iterations, salt, publicRaw),
        },
        key,
        sealed,
      ),
    );
  } catch (error) {
    throw new Td2DecryptError("wrong passphrase, or the key file was altered", { cause: error });
  }
  const { keyType: realType } = pkcs8ToPrivate(pkcs8);
  const imported = await importPkcs8(pkcs8);
  if (realType !== keyType || !equalBytes(imported.publicRaw, publicRaw)) {
    throw new Td2KeyError("sealed key does not match the file's key type and public key");
  }
  return pkcs8;
}

/**
 * Opens a key file into WebCrypto keys; the private key is non-extractable.
 * @param {Uint8Array | string} data
 * @param {string} passphrase
 * @returns {Promise<{keyType: "x25519" | "ed25519", privateKey: CryptoKey, publicKey: CryptoKey,
 *   publicRaw: Uint8Array}>}
 */
export async function importKeyFile(data, passphrase) {
  const pkcs8 = await openKeyFile(data, passphrase);
  try {
    return await importPkcs8(pkcs8, { extractable: false });
  } finally {
    pkcs8.fill(0);
  }
}

/**
 * Seals an extractable private CryptoKey into a key file (for a key generated to be exported,
 * e.g. a convener archive key; member keys are non-extractable and cannot be exported).
 * @param {CryptoKey} privateKey
 * @param {string} passphrase
 * @returns {Promise<Uint8Array>}
 */
export async function exportKeyFile(privateKey, passphrase) {
  const pkcs8 = await exportPkcs8(privateKey);
  try {
    return await sealKeyFile(pkcs8, passphrase);
  } finally {
    pkcs8.fill(0);
  }
}
