// Content blobs: blob = nonce(12) || AES-256-GCM(K_kind, nonce, frame(plaintext), AAD).

import { concat, exactBytes, toBytes, utf8 } from "./bytes.js";
import { Td2DecryptError, Td2FormatError, Td2KeyError } from "./errors.js";
import { AAD_LENGTH } from "./aad.js";
import { framePlaintext, PAD_BLOCK, unframePlaintext } from "./framing.js";

export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
/** The shortest well-formed blob: nonce, one padded block, tag. */
export const MIN_BLOB_LENGTH = NONCE_LENGTH + PAD_BLOCK + TAG_LENGTH;

/**
 * Accepts an AES-GCM CryptoKey or 32 raw key bytes (imported non-extractable).
 * @param {CryptoKey | Uint8Array} key
 * @param {"encrypt" | "decrypt"} usage
 * @returns {Promise<CryptoKey>}
 */
async function aesKey(key, usage) {
  if (typeof CryptoKey !== "undefined" && key instanceof CryptoKey) {
    if (key.algorithm.name !== "AES-GCM" || /** @type {AesKeyAlgorithm} */ (key.algorithm).length !== 256) {
      throw new Td2KeyError("content key must be AES-256-GCM");
    }
    return key;
  }
  return crypto.subtle.importKey("raw", exactBytes(/** @type {Uint8Array} */ (key), 32, "key"), "AES-GCM", false, [usage]);
}

/**
 * Seals plaintext bytes under a fresh random nonce.
 * @param {CryptoKey | Uint8Array} key
 * @param {Uint8Array} aad 74 bytes from buildAad
 * @param {Uint8Array} plaintext before framing
 * @returns {Promise<Uint8Array>}
 */
export async function sealBlob(key, aad, plaintext) {
  return sealBlobWithNonce(key, aad, plaintext, crypto.getRandomValues(new Uint8Array(12)));
}

/**
 * Seals with a caller-chosen nonce. FOR TEST VECTORS ONLY (reusing a nonce under one key
 * destroys AES-GCM); not exported from index.js, as seal_blob_with_nonce on the Python side.
 * @param {CryptoKey | Uint8Array} key
 * @param {Uint8Array} aad
 * @param {Uint8Array} plaintext
 * @param {Uint8Array} fixedNonce 12 bytes
 * @returns {Promise<Uint8Array>}
 */
export async function sealBlobWithNonce(key, aad, plaintext, fixedNonce) {
  const nonce = exactBytes(fixedNonce, NONCE_LENGTH, "nonce");
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: exactBytes(aad, AAD_LENGTH, "aad") },
    await aesKey(key, "encrypt"),
    framePlaintext(toBytes(plaintext)),
  );
  return concat(nonce, new Uint8Array(ciphertext));
}

/**
 * Opens a blob and removes the framing.
 * @param {CryptoKey | Uint8Array} key
 * @param {Uint8Array} aad
 * @param {Uint8Array} blob
 * @returns {Promise<Uint8Array>} the plaintext
 * @throws {Td2FormatError} the blob cannot be one (length)
 * @throws {Td2DecryptError} wrong key or AAD, or an altered blob
 * @throws {Td2FormatError} impossible length, or bad framing inside an authentic blob
 */
export async function openBlob(key, aad, blob) {
  const bytes = toBytes(blob);
  const body = bytes.length - NONCE_LENGTH - TAG_LENGTH;
  if (body < PAD_BLOCK || body % PAD_BLOCK !== 0) {
    throw new Td2FormatError("blob: implausible length");
  }
  const cryptoKey = await aesKey(key, "decrypt");
  let padded;
  try {
    padded = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: bytes.subarray(0, NONCE_LENGTH),
        additionalData: exactBytes(aad, AAD_LENGTH, "aad"),
      },
      cryptoKey,
      bytes.subarray(NONCE_LENGTH),
    );
  } catch (error) {
    throw new Td2DecryptError("blob did not open", { cause: error });
  }
  return unframePlaintext(new Uint8Array(padded));
}

/**
 * Seals a JSON value as UTF-8.
 * @param {CryptoKey | Uint8Array} key
 * @param {Uint8Array} aad
 * @param {unknown} value
 * @returns {Promise<Uint8Array>}
 */
export async function sealJson(key, aad, value) {
  // Like the Python side (allow_nan=False): refuse NaN and infinities rather than send null.
  const text = JSON.stringify(value, (key, item) => {
    if (typeof item === "number" && !Number.isFinite(item)) {
      throw new Td2FormatError("JSON cannot carry NaN or infinities");
    }
    return item;
  });
  if (text === undefined) throw new Td2FormatError("value is not JSON-serialisable");
  return sealBlob(key, aad, utf8(text));
}

/**
 * Opens a blob holding UTF-8 JSON.
 * @param {CryptoKey | Uint8Array} key
 * @param {Uint8Array} aad
 * @param {Uint8Array} blob
 * @returns {Promise<unknown>}
 */
export async function openJson(key, aad, blob) {
  const data = await openBlob(key, aad, blob);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch (error) {
    throw new Td2FormatError("blob: not UTF-8 JSON", { cause: error });
  }
}
