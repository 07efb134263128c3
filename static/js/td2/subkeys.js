// Per-epoch content keys:
//   K_label = HKDF-SHA256(ikm=epoch_secret, salt=dialogue_id,
//                         info="td2/v1/" || label || "/" || u32(epoch) || record_hash, L=32)
// Binding record_hash means a server that shows members different rosters (hence different
// records) makes decryption fail loudly instead of silently admitting someone.

import { concat, exactBytes, u32, utf8 } from "./bytes.js";
import { Td2FormatError } from "./errors.js";
import { ID_LENGTH, SECRET_LENGTH } from "./ids.js";

export const LABELS = Object.freeze(["msg", "note", "meta"]);

/**
 * @param {string} label
 * @param {number} epoch
 * @param {Uint8Array} recordHash
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function subkeyInfo(label, epoch, recordHash) {
  if (!LABELS.includes(label)) throw new Td2FormatError(`unknown subkey label ${String(label)}`);
  return concat(utf8(`td2/v1/${label}/`), u32(epoch), exactBytes(recordHash, 32, "record_hash"));
}

/**
 * HKDF-SHA256 from a 32-byte secret with the dialogue id as salt: how every per-epoch key is
 * derived (the content subkeys here, the team key in team.js). The secret is checked first.
 * @param {Uint8Array} secret
 * @param {string} secretName named in the error when the secret is not 32 bytes
 * @param {Uint8Array} dialogueId
 * @param {() => Uint8Array<ArrayBuffer>} makeInfo
 * @returns {Promise<{ ikm: CryptoKey, params: HkdfParams }>}
 */
export async function hkdfFromSecret(secret, secretName, dialogueId, makeInfo) {
  const ikm = await crypto.subtle.importKey(
    "raw",
    exactBytes(secret, SECRET_LENGTH, secretName),
    "HKDF",
    false,
    ["deriveBits", "deriveKey"],
  );
  const salt = exactBytes(dialogueId, ID_LENGTH, "dialogue_id");
  return { ikm, params: { name: "HKDF", hash: "SHA-256", salt, info: makeInfo() } };
}

/**
 * The 32 derived bytes themselves: for vectors and tests only.
 * @param {{ ikm: CryptoKey, params: HkdfParams }} derivation
 * @returns {Promise<Uint8Array>}
 */
export async function derivedBytes({ ikm, params }) {
  return new Uint8Array(await crypto.subtle.deriveBits(params, ikm, 256));
}

/**
 * The derived key as a non-extractable AES-256-GCM CryptoKey, which never exposes its bytes.
 * @param {{ ikm: CryptoKey, params: HkdfParams }} derivation
 * @returns {Promise<CryptoKey>}
 */
export async function derivedAesKey({ ikm, params }) {
  return crypto.subtle.deriveKey(params, ikm, { name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ]);
}

const subkeyDerivation = (epochSecret, dialogueId, epoch, recordHash, label) =>
  hkdfFromSecret(epochSecret, "epoch_secret", dialogueId, () => subkeyInfo(label, epoch, recordHash));

/**
 * The raw 32-byte subkey (what facilitator.td2.derive_subkey returns). For vectors and tests;
 * the app uses deriveSubkey, which never exposes the bytes.
 * @param {Uint8Array} epochSecret
 * @param {Uint8Array} dialogueId
 * @param {number} epoch
 * @param {Uint8Array} recordHash
 * @param {string} label "msg" | "note" | "meta"
 * @returns {Promise<Uint8Array>}
 */
export async function deriveSubkeyBytes(epochSecret, dialogueId, epoch, recordHash, label) {
  return derivedBytes(await subkeyDerivation(epochSecret, dialogueId, epoch, recordHash, label));
}

/**
 * The subkey as a non-extractable AES-256-GCM CryptoKey for sealBlob/openBlob.
 * @param {Uint8Array} epochSecret
 * @param {Uint8Array} dialogueId
 * @param {number} epoch
 * @param {Uint8Array} recordHash
 * @param {string} label "msg" | "note" | "meta"
 * @returns {Promise<CryptoKey>}
 */
export async function deriveSubkey(epochSecret, dialogueId, epoch, recordHash, label) {
  return derivedAesKey(await subkeyDerivation(epochSecret, dialogueId, epoch, recordHash, label));
}
