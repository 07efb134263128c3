// Trusting a dialogue's epoch chain on this device: which steward key is pinned (this device's
// own, the fingerprint from the invitation link, or the genesis steward's on first use), who may
// sign each record, verifying the chain from genesis, and refusing a rollback or a fork of the
// chain this device has already seen.

import { Td2ChainError, b64uDecode, b64uEncode, fingerprint, verifyChain } from "../td2/index.js";
import * as store from "./store.js";

/** Roles that may write `meta` documents and hold a steward key. */
export const META_WRITERS = new Set(["convener", "facilitator"]);

/** Why a dialogue cannot be shown: `reason` is a stable code, `detail` its parameters. */
export class StateError extends Error {
  constructor(reason, detail = {}) {
    super(reason);
    this.name = "StateError";
    this.reason = reason;
    this.detail = detail;
  }
}

/**
 * The steward key this device trusts for the dialogue: its own when it created the dialogue,
 * else the one whose fingerprint came in the invitation link (participants) or was pinned on
 * first use and shown for comparison (team members joining through a seat).
 */
export async function resolveAnchor(dialogueId, keys, members, epochs) {
  const genesis = epochs.find((epoch) => epoch.epoch === 0);
  // Its own key anchors only the device that created the dialogue; a steward who joined later
  // pins the creator's key like any other team member.
  const created = Boolean(genesis) && keys.memberHandle === genesis.creator_handle;
  if (keys.steward && created) {
    return {
      publicRaw: keys.steward.publicRaw,
      fingerprint: keys.steward.fingerprint,
      handle: keys.memberHandle,
      source: "self",
    };
  }
  let pinned = await store.load(store.keys.anchor(dialogueId));
  if (!pinned) {
    const creator = members.find((m) => m.handle === genesis?.creator_handle);
    if (!creator?.ed25519_public) throw new StateError("anchor_missing");
    const print = await fingerprint(b64uDecode(creator.ed25519_public, 32));
    pinned = { fingerprint: print, source: "first_use" };
    await store.save(store.keys.anchor(dialogueId), pinned);
  }
  for (const member of members) {
    if (!member.is_steward || !member.ed25519_public) continue;
    const raw = b64uDecode(member.ed25519_public, 32);
    if ((await fingerprint(raw)) === pinned.fingerprint) {
      return { publicRaw: raw, fingerprint: pinned.fingerprint, handle: member.handle, ...pinned };
    }
  }
  throw new StateError("anchor_unknown", { fingerprint: pinned.fingerprint });
}

/**
 * Who may sign the record after this roster. Steward keys are not covered by the roster hash
 * (docs/protocol.md, "Steward keys"): a roster holding the pinned steward trusts only the pinned
 * key for that handle; other stewards' keys, as the server announces them, count only for
 * members whose verified role may be a steward. The genesis must be signed by the pinned key
 * whenever the pinned steward created the dialogue.
 */
function stewardKeys(roster, members, anchor, genesis) {
  const keys = [];
  for (const entry of roster) {
    if (entry.handle === anchor.handle) keys.push(anchor.publicRaw);
    else if (!genesis || !roster.some((e) => e.handle === anchor.handle)) {
      const member = members.find((m) => m.handle === entry.handle);
      if (member?.is_steward && member.ed25519_public && META_WRITERS.has(entry.role)) {
        keys.push(b64uDecode(member.ed25519_public, 32));
      }
    }
  }
  return keys;
}

function toLink(epoch, members, anchor) {
  return {
    record: b64uDecode(epoch.record),
    signature: b64uDecode(epoch.signature),
    roster: epoch.roster.map((entry) => ({
      handle: b64uDecode(entry.handle, 16),
      x25519Public: b64uDecode(entry.x25519_public, 32),
      role: entry.role,
    })),
    stewardPublics: stewardKeys(epoch.roster, members, anchor, epoch.epoch === 0),
  };
}

export async function verify(epochs, members, anchor, handleBytes, currentEpoch) {
  let records;
  try {
    records = await verifyChain(
      epochs.map((epoch) => toLink(epoch, members, anchor)),
      { verifierHandle: handleBytes },
    );
  } catch (error) {
    if (error instanceof Td2ChainError) {
      throw new StateError("chain", { reason: error.reason, index: error.index });
    }
    throw new StateError("chain", { reason: "malformed" });
  }
  if (records[records.length - 1].epoch < currentEpoch) {
    throw new StateError("chain", { reason: "withheld" });
  }
  return records;
}

/** The chain must extend the newest record this device verified before: no rollback, no fork. */
export async function checkSeen(dialogueId, records) {
  const key = store.keys.seen(dialogueId);
  const seen = await store.load(key);
  if (seen) {
    const same = records[seen.epoch];
    if (!same) throw new StateError("chain", { reason: "rollback" });
    if (b64uEncode(same.recordHash) !== seen.recordHash) throw new StateError("chain", { reason: "fork" });
  }
  const last = records[records.length - 1];
  if (!seen || last.epoch > seen.epoch) {
    await store.save(key, { epoch: last.epoch, recordHash: b64uEncode(last.recordHash) });
  }
}

