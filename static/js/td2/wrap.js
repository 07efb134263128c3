// Delivery of an epoch secret to one member:
//   wrap = HPKE.Seal(pk_m, info = "td2/v1/wrap" || dialogue_id || u32(epoch) || member_handle
//                                  || record_hash, pt = epoch_secret)
// RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, empty AAD.
// wrap = enc(32) || ciphertext(32) || tag(16): 80 bytes.
//
// HPKE comes from the vendored @hpke/core (static/vendor/hpke.js, built by scripts/vendor.mjs),
// which runs on WebCrypto and opens with a non-extractable X25519 private key (it takes the
// recipient's public key from the CryptoKeyPair, or recomputes it with deriveBits).

import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "../../vendor/hpke.js";
import { concat, exactBytes, toBytes, u32, utf8 } from "./bytes.js";
import { Td2DecryptError, Td2KeyError } from "./errors.js";
import { ID_LENGTH, SECRET_LENGTH } from "./ids.js";
import { importX25519Private, importX25519Public, isCryptoKey } from "./keys.js";

export const WRAP_LENGTH = 80;
const ENC_LENGTH = 32;

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

/**
 * The HPKE info binding a wrap to its dialogue, epoch, recipient and record; the label keeps
 * wraps of different secrets apart ("td2/v1/wrap", "td2/v1/team-wrap").
 * @param {string} label
 * @param {Uint8Array} dialogueId
 * @param {number} epoch
 * @param {Uint8Array} memberHandle
 * @param {Uint8Array} recordHash
 * @returns {Uint8Array}
 */
export function memberWrapInfo(label, dialogueId, epoch, memberHandle, recordHash) {
  return concat(
    utf8(label),
    exactBytes(dialogueId, ID_LENGTH, "dialogue_id"),
    u32(epoch),
    exactBytes(memberHandle, ID_LENGTH, "member_handle"),
    exactBytes(recordHash, 32, "record_hash"),
  );
}

/**
 * The HPKE info of an epoch secret's wrap.
 * @param {Uint8Array} dialogueId
 * @param {number} epoch
 * @param {Uint8Array} memberHandle
 * @param {Uint8Array} recordHash
 * @returns {Uint8Array}
 */
export function wrapInfo(dialogueId, epoch, memberHandle, recordHash) {
  return memberWrapInfo("td2/v1/wrap", dialogueId, epoch, memberHandle, recordHash);
}

/**
 * Seals an epoch secret to a member's X25519 public key (raw 32 bytes or a CryptoKey).
 * @param {Uint8Array | CryptoKey} recipientPublic
 * @param {Uint8Array} dialogueId
 * @param {number} epoch
 * @param {Uint8Array} memberHandle
 * @param {Uint8Array} recordHash
 * @param {Uint8Array} epochSecret
 * @returns {Promise<Uint8Array>} 80 bytes
 * @throws {Td2KeyError} a low-order (e.g. all-zero) public key
 */
export async function wrapEpochSecret(
  recipientPublic,
  dialogueId,
  epoch,
  memberHandle,
  recordHash,
  epochSecret,
) {
  const info = wrapInfo(dialogueId, epoch, memberHandle, recordHash);
  return sealToPublic(recipientPublic, info, exactBytes(epochSecret, SECRET_LENGTH, "epoch_secret"));
}

/**
 * HPKE-seals a 32-byte secret to an X25519 public key (raw 32 bytes or a CryptoKey) under a raw
 * `info` (mirrors seal_to_public: epoch and team wraps, and the device challenge).
 * @param {Uint8Array | CryptoKey} recipientPublic
 * @param {Uint8Array} info
 * @param {Uint8Array} secret 32 bytes
 * @returns {Promise<Uint8Array>} enc || ct || tag, 80 bytes
 * @throws {Td2KeyError} a low-order (e.g. all-zero) public key
 */
export async function sealToPublic(recipientPublic, info, secret) {
  const publicKey = isCryptoKey(recipientPublic)
    ? await importX25519Public(new Uint8Array(await crypto.subtle.exportKey("raw", recipientPublic)))
    : await importX25519Public(recipientPublic);
  const sealed = await suite.seal(
    { recipientPublicKey: publicKey, info: toBytes(info) },
    exactBytes(secret, SECRET_LENGTH, "secret"),
  );
  const wrap = concat(new Uint8Array(sealed.enc), new Uint8Array(sealed.ct));
  if (wrap.length !== WRAP_LENGTH) throw new Td2KeyError("HPKE produced an unexpected length");
  return wrap;
}

/**
 * Opens a wrap with the member's X25519 private key: a (non-extractable) CryptoKey, a
 * CryptoKeyPair (saves recomputing the public key), or raw 32 bytes (vectors, command line).
 * @param {CryptoKey | CryptoKeyPair | Uint8Array} recipientPrivate
 * @param {Uint8Array} dialogueId
 * @param {number} epoch
 * @param {Uint8Array} memberHandle
 * @param {Uint8Array} recordHash
 * @param {Uint8Array} wrap 80 bytes
 * @returns {Promise<Uint8Array>} the 32-byte epoch secret
 * @throws {Td2KeyError} the wrap's `enc` is a low-order point (as the Python side)
 * @throws {Td2DecryptError} wrong key, wrong context, or altered wrap
 */
export async function unwrapEpochSecret(
  recipientPrivate,
  dialogueId,
  epoch,
  memberHandle,
  recordHash,
  wrap,
) {
  return openWrap(recipientPrivate, wrapInfo(dialogueId, epoch, memberHandle, recordHash), wrap);
}

/**
 * Opens a wrap under a raw HPKE `info` (mirrors open_wrap; the negative vectors use it).
 * @param {CryptoKey | CryptoKeyPair | Uint8Array} recipientPrivate
 * @param {Uint8Array} info
 * @param {Uint8Array} wrap
 * @returns {Promise<Uint8Array>}
 */
export async function openWrap(recipientPrivate, info, wrap) {
  const bytes = exactBytes(wrap, WRAP_LENGTH, "wrap");
  await importX25519Public(bytes.subarray(0, ENC_LENGTH));
  let recipientKey = /** @type {CryptoKey | CryptoKeyPair} */ (recipientPrivate);
  if (!isCryptoKey(recipientPrivate) && !isKeyPair(recipientPrivate)) {
    const pair = await importX25519Private(toBytes(recipientPrivate));
    recipientKey = { privateKey: pair.privateKey, publicKey: pair.publicKey };
  }
  let plaintext;
  try {
    plaintext = await suite.open(
      { recipientKey, enc: bytes.slice(0, ENC_LENGTH), info: toBytes(info) },
      bytes.slice(ENC_LENGTH),
    );
  } catch (error) {
    throw new Td2DecryptError("wrap did not open (wrong key, context, or altered)", {
      cause: error,
    });
  }
  return exactBytes(new Uint8Array(plaintext), SECRET_LENGTH, "epoch_secret");
}

/**
 * HPKE seal with a caller-chosen ephemeral private key. FOR TEST VECTORS ONLY (a reused
 * ephemeral key leaks every secret wrapped with it); not exported from index.js.
 * @param {Uint8Array} recipientPublic
 * @param {Uint8Array} info
 * @param {Uint8Array} plaintext
 * @param {Uint8Array} ephemeralPrivate raw 32 bytes (skE)
 * @returns {Promise<Uint8Array>} enc || ct || tag
 */
export async function sealWrapFixed(recipientPublic, info, plaintext, ephemeralPrivate) {
  const publicKey = await importX25519Public(recipientPublic);
  const ephemeral = await importX25519Private(ephemeralPrivate, { extractable: true });
  const sealed = await suite.seal(
    {
      recipientPublicKey: publicKey,
      info: toBytes(info),
      ekm: { privateKey: ephemeral.privateKey, publicKey: ephemeral.publicKey },
    },
    toBytes(plaintext),
  );
  return concat(new Uint8Array(sealed.enc), new Uint8Array(sealed.ct));
}

/**
 * @param {any} value
 * @returns {value is CryptoKeyPair}
 */
function isKeyPair(value) {
  return (
    typeof value === "object" &&
    value !== null &&
    isCryptoKey(value.privateKey) &&
    isCryptoKey(value.publicKey)
  );
}
