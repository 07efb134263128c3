// Verification of a chain of signed epoch records (mirrors facilitator/td2/chain.py).
//
// A client accepts epoch n+1 only if its record chains to the last verified record (prev_hash),
// carries the next number, is signed by a steward of the *previous* roster, and lists the client
// itself. The genesis record (all-zero prev_hash, epoch 0) has no previous roster: it is signed
// by a steward of its own roster, whose key members compare by fingerprint when they join.
// A verified prefix can be skipped by passing the last verified record as `anchor`.

import { equalBytes, exactBytes } from "./bytes.js";
import { Td2ChainError, Td2Error, Td2FormatError } from "./errors.js";
import { HASH_LENGTH, parseEpochRecord, verifyEpochSignature } from "./epoch.js";
import { ID_LENGTH } from "./ids.js";
import { rosterHash } from "./roster.js";

export const GENESIS_EPOCH = 0;

/**
 * Stable codes in Td2ChainError.reason.
 * @enum {string}
 */
export const CHAIN_REASONS = Object.freeze({
  EMPTY: "empty", // no records given
  MALFORMED: "malformed", // a record does not parse
  ROSTER_MALFORMED: "roster_malformed", // the roster given with a record is not a valid roster
  ROSTER_MISMATCH: "roster_mismatch", // the roster does not hash to the record's roster_hash
  NOT_GENESIS: "not_genesis", // without an anchor, the first record must be epoch 0, zero prev
  DIALOGUE: "dialogue", // the record belongs to another dialogue
  PREV_HASH: "prev_hash", // prev_hash is not the previous record's hash
  EPOCH: "epoch", // the epoch number does not follow the previous one by exactly 1
  CREATOR: "creator", // the creator handle is not in the previous roster
  SIGNATURE: "signature", // no steward of the previous roster signed the record
  SELF: "self", // the latest roster does not list the verifying client
});

/**
 * @typedef {{handle: Uint8Array, x25519Public: Uint8Array, role: string | number}} RosterMember
 * @typedef {object} ChainLink one epoch as delivered to a client
 * @property {Uint8Array} record
 * @property {Uint8Array} signature
 * @property {RosterMember[]} roster the members the record's roster_hash commits to
 * @property {Uint8Array[]} stewardPublics raw Ed25519 keys of this roster's stewards, who may
 *   sign the next record
 * @typedef {object} TrustAnchor the last record the client has already verified
 * @property {Uint8Array} dialogueId
 * @property {number} epoch
 * @property {Uint8Array} recordHash
 * @property {RosterMember[]} roster
 * @property {Uint8Array[]} stewardPublics
 */

async function signedByOneOf(stewards, record, signature) {
  for (const publicKey of stewards) {
    try {
      await verifyEpochSignature(publicKey, record, signature);
      return true;
    } catch (error) {
      if (!(error instanceof Td2Error)) throw error;
    }
  }
  return false;
}

const fail = (reason, message, index) => {
  throw new Td2ChainError(reason, message, index);
};

async function verifyLink(index, link, parsed, previous) {
  const where = `epoch record #${index} (epoch ${parsed.epoch})`;
  let committed;
  try {
    committed = await rosterHash(link.roster);
  } catch (error) {
    if (!(error instanceof Td2Error)) throw error;
    fail(CHAIN_REASONS.ROSTER_MALFORMED, `${where}: roster is malformed: ${error.message}`, index);
  }
  if (!equalBytes(committed, parsed.rosterHash)) {
    fail(
      CHAIN_REASONS.ROSTER_MISMATCH,
      `${where}: roster does not match the record's roster_hash`,
      index,
    );
  }
  let signers;
  let signerRoster;
  if (previous === null) {
    if (!parsed.isGenesis || parsed.epoch !== GENESIS_EPOCH) {
      fail(
        CHAIN_REASONS.NOT_GENESIS,
        `${where}: first record is not a genesis record (epoch 0)`,
        index,
      );
    }
    signers = link.stewardPublics;
    signerRoster = link.roster;
  } else {
    if (!equalBytes(parsed.dialogueId, previous.dialogueId)) {
      fail(CHAIN_REASONS.DIALOGUE, `${where}: belongs to another dialogue`, index);
    }
    if (!equalBytes(parsed.prevHash, previous.recordHash)) {
      fail(
        CHAIN_REASONS.PREV_HASH,
        `${where}: prev_hash does not match the previous record`,
        index,
      );
    }
    if (parsed.epoch !== previous.epoch + 1) {
      fail(
        CHAIN_REASONS.EPOCH,
        `${where}: epoch number does not follow ${previous.epoch} consecutively`,
        index,
      );
    }
    signers = previous.stewardPublics;
    signerRoster = previous.roster;
  }
  if (!signerRoster.some((m) => equalBytes(m.handle, parsed.creatorHandle))) {
    fail(CHAIN_REASONS.CREATOR, `${where}: creator is not in the previous roster`, index);
  }
  if (!(await signedByOneOf(signers, link.record, link.signature))) {
    fail(
      CHAIN_REASONS.SIGNATURE,
      `${where}: not signed by a steward of the previous roster`,
      index,
    );
  }
}

/**
 * Verifies `links` in order and returns the parsed records.
 * @param {ChainLink[]} links
 * @param {{verifierHandle: Uint8Array | null, anchor?: TrustAnchor | null}} options
 *   verifierHandle is the checking client's own handle, which the last roster must list; pass
 *   null only when the verifier is not a member (an archive key verifying an export).
 * @returns {Promise<import("./epoch.js").EpochRecord[]>}
 * @throws {Td2ChainError} with `reason` from CHAIN_REASONS and `index` of the failing link
 */
export async function verifyChain(links, options) {
  if (!options || options.verifierHandle === undefined) {
    throw new Td2FormatError("verifyChain: pass verifierHandle (null only for a non-member)");
  }
  if (!links || links.length === 0) fail(CHAIN_REASONS.EMPTY, "no epoch records to verify");
  const me =
    options.verifierHandle === null
      ? null
      : exactBytes(options.verifierHandle, ID_LENGTH, "verifier_handle");
  const anchor = options.anchor ?? null;
  if (anchor !== null) {
    exactBytes(anchor.recordHash, HASH_LENGTH, "anchor record_hash");
    exactBytes(anchor.dialogueId, ID_LENGTH, "anchor dialogue_id");
  }
  let previous = anchor;
  const records = [];
  for (const [index, link] of links.entries()) {
    let parsed;
    try {
      parsed = await parseEpochRecord(link.record);
    } catch (error) {
      if (!(error instanceof Td2Error)) throw error;
      fail(CHAIN_REASONS.MALFORMED, `epoch record #${index}: malformed: ${error.message}`, index);
    }
    await verifyLink(index, link, parsed, previous);
    records.push(parsed);
    previous = {
      dialogueId: parsed.dialogueId,
      epoch: parsed.epoch,
      recordHash: parsed.recordHash,
      roster: link.roster,
      stewardPublics: link.stewardPublics,
    };
  }
  const last = links[links.length - 1];
  if (me !== null && !last.roster.some((m) => equalBytes(m.handle, me))) {
    fail(CHAIN_REASONS.SELF, "the latest roster does not list this client", links.length - 1);
  }
  return records;
}
