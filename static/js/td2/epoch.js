// Epoch records: build, parse, hash, sign, verify.
//   record = "td2/v1/epoch" || dialogue_id(16) || u32(n) || prev_hash(32) || roster_hash(32)
//            || creator_handle(16) || u64(unix_ms)                                 (120 bytes)
//   record_hash = SHA-256(record); the genesis record's prev_hash is 32 zero bytes.
// Stewards sign the record bytes with Ed25519.

import {
  concat,
  equalBytes,
  exactBytes,
  isAllZero,
  readU32,
  readU64,
  toBytes,
  u32,
  u64,
  utf8,
} from "./bytes.js";
import { Td2FormatError } from "./errors.js";
import { ID_LENGTH } from "./ids.js";
import { signEd25519, verifyEd25519 } from "./keys.js";

const PREFIX = utf8("td2/v1/epoch");
export const HASH_LENGTH = 32;
export const RECORD_LENGTH = PREFIX.length + ID_LENGTH + 4 + 2 * HASH_LENGTH + ID_LENGTH + 8;
export const GENESIS_PREV_HASH = new Uint8Array(HASH_LENGTH);

/**
 * @typedef {object} EpochRecord
 * @property {Uint8Array} dialogueId
 * @property {number} epoch
 * @property {Uint8Array} prevHash
 * @property {Uint8Array} rosterHash
 * @property {Uint8Array} creatorHandle
 * @property {number | bigint} unixMs a Number, or a BigInt above 2^53 - 1 (never a real time)
 * @property {Uint8Array} record the serialised record
 * @property {Uint8Array} recordHash
 * @property {boolean} isGenesis
 */

/**
 * @param {Uint8Array} dialogueId
 * @param {number} epoch
 * @param {Uint8Array} prevHash
 * @param {Uint8Array} rosterHash
 * @param {Uint8Array} creatorHandle
 * @param {number | bigint} unixMs
 * @returns {Uint8Array} 120 bytes
 */
export function buildEpochRecord(dialogueId, epoch, prevHash, rosterHash, creatorHandle, unixMs) {
  return concat(
    PREFIX,
    exactBytes(dialogueId, ID_LENGTH, "dialogue_id"),
    u32(epoch),
    exactBytes(prevHash, HASH_LENGTH, "prev_hash"),
    exactBytes(rosterHash, HASH_LENGTH, "roster_hash"),
    exactBytes(creatorHandle, ID_LENGTH, "creator_handle"),
    u64(unixMs),
  );
}

/**
 * @param {Uint8Array} record
 * @returns {Promise<Uint8Array>} SHA-256 of the record
 */
export async function recordHash(record) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", toBytes(record)));
}

/**
 * @param {Uint8Array} record
 * @returns {Promise<EpochRecord>}
 * @throws {Td2FormatError}
 */
export async function parseEpochRecord(record) {
  const data = exactBytes(record, RECORD_LENGTH, "record").slice();
  if (!equalBytes(data.subarray(0, PREFIX.length), PREFIX)) {
    throw new Td2FormatError("record does not start with 'td2/v1/epoch'");
  }
  let pos = PREFIX.length;
  const take = (size) => {
    const part = data.slice(pos, pos + size);
    pos += size;
    return part;
  };
  const dialogueId = take(ID_LENGTH);
  const epoch = readU32(take(4), 0);
  const prevHash = take(HASH_LENGTH);
  const rosterHash = take(HASH_LENGTH);
  const creatorHandle = take(ID_LENGTH);
  const unixMs = readU64(take(8), 0);
  return {
    dialogueId,
    epoch,
    prevHash,
    rosterHash,
    creatorHandle,
    unixMs,
    record: data,
    recordHash: await recordHash(data),
    isGenesis: isAllZero(prevHash),
  };
}

/**
 * Signs a record with a steward's Ed25519 private key (a non-extractable CryptoKey, or the raw
 * 32-byte seed for vectors and tests).
 * @param {CryptoKey | Uint8Array} stewardPrivate
 * @param {Uint8Array} record
 * @returns {Promise<Uint8Array>} 64 bytes
 */
export async function signEpochRecord(stewardPrivate, record) {
  await parseEpochRecord(record);
  return signEd25519(stewardPrivate, record);
}

/**
 * Throws unless `signature` is the steward's over `record`.
 * @param {CryptoKey | Uint8Array} stewardPublic raw 32 bytes or an Ed25519 public CryptoKey
 * @param {Uint8Array} record
 * @param {Uint8Array} signature
 * @returns {Promise<void>}
 * @throws {Td2SignatureError}
 */
export async function verifyEpochSignature(stewardPublic, record, signature) {
  await verifyEd25519(stewardPublic, record, signature, "epoch record signature");
}
