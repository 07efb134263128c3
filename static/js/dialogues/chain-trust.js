// Trusting a dialogue's epoch chain on this device: which steward key is pinned (this device's
// own, the fingerprint from the invitation link, or the genesis steward's on first use), who may
// sign each record, verifying the chain from genesis, and refusing a rollback or a fork of the
// chain this device has already seen.

import {
  Td2ChainError, b64uDecode, b64uEncode, fingerprint, verifyChain, verifyEpochSignature, verifyStewardCert,
} from "../td2/index.js";
import * as store from "./store.js";
import { rolesWith } from "../roles.js";

/** Roles that may write `meta` documents and hold a steward key. */
export const META_WRITERS = new Set(rolesWith("write_meta"));

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
 * The genesis steward key this device trusts for the dialogue: its own when it created the
 * dialogue, else the one whose fingerprint came in the invitation link (participants) or was
 * pinned on first use and shown for comparison (team members joining through a seat). Whatever
 * member row the server lists it under, the key belongs to the genesis record's creator: a row
 * carrying it proves nothing, and the genesis must verify under it.
 */
export async function resolveAnchor(dialogueId, keys, members, epochs) {
  const genesis = epochs.find((epoch) => epoch.epoch === 0);
  if (!genesis) throw new StateError("chain", { reason: "not_genesis" });
  const handle = genesis.creator_handle;
  if (keys.steward && keys.memberHandle === handle) {
    return { publicRaw: keys.steward.publicRaw, fingerprint: keys.steward.fingerprint, handle, source: "self" };
  }
  let pinned = await store.load(store.keys.anchor(dialogueId));
  if (!pinned) {
    const creator = members.find((m) => m.handle === handle);
    if (!creator?.ed25519_public) throw new StateError("anchor_missing");
    const print = await fingerprint(b64uDecode(creator.ed25519_public, 32));
    pinned = { fingerprint: print, source: "first_use" };
    await store.save(store.keys.anchor(dialogueId), pinned);
  }
  for (const member of members) {
    if (!member.ed25519_public) continue;
    const raw = b64uDecode(member.ed25519_public, 32);
    if ((await fingerprint(raw)) === pinned.fingerprint) {
      return { publicRaw: raw, fingerprint: pinned.fingerprint, handle, source: pinned.source };
    }
  }
  throw new StateError("anchor_unknown", { fingerprint: pinned.fingerprint });
}

/**
 * Who may sign the record after this roster, by handle: the genesis creator with the pinned key
 * only (never the key the server lists for that handle), and other conveners and facilitators
 * with the key certified for them in the chain (`certified`, docs/protocol.md "Steward
 * certificates"). A participant's or an observer's key never signs, nor a key the server merely
 * announces, nor anyone left out of the roster.
 */
export function stewardKeys(roster, certified, anchor) {
  const keys = new Map();
  for (const entry of roster) {
    if (entry.handle === anchor.handle) keys.set(entry.handle, anchor.publicRaw);
    else if (META_WRITERS.has(entry.role) && certified.has(entry.handle)) keys.set(entry.handle, certified.get(entry.handle));
  }
  return keys;
}

/**
 * The signers after each roster, following the steward certificates from the genesis: an epoch's
 * certificates introduce keys for handles its roster lists for the first time, signed by the
 * epoch's creator under the key already trusted for them.
 */
async function signersAlong(epochs, anchor, idBytes, certified) {
  const signers = [];
  for (const [index, epoch] of epochs.entries()) {
    const certs = Array.isArray(epoch.steward_certs) ? epoch.steward_certs : [];
    if (index === 0 && certs.length) throw new StateError("chain", { reason: "signature", index });
    if (index > 0) {
      const signer = signers[index - 1].get(epoch.creator_handle);
      const before = new Set(epochs[index - 1].roster.map((entry) => entry.handle));
      const listed = new Set(epoch.roster.map((entry) => entry.handle));
      for (const cert of certs) {
        let ok = Boolean(signer) && !certified.has(cert.handle) && !before.has(cert.handle) && listed.has(cert.handle);
        try {
          if (ok) {
            await verifyStewardCert(
              signer, idBytes, epoch.epoch, b64uDecode(cert.handle, 16),
              b64uDecode(cert.ed25519_public, 32), b64uDecode(cert.signature, 64),
            );
          }
        } catch {
          ok = false;
        }
        if (!ok) throw new StateError("chain", { reason: "signature", index });
        certified.set(cert.handle, b64uDecode(cert.ed25519_public, 32));
      }
    }
    signers.push(stewardKeys(epoch.roster, certified, anchor));
  }
  return signers;
}

function toLink(epoch, signers, anchor) {
  return {
    record: b64uDecode(epoch.record),
    signature: b64uDecode(epoch.signature),
    roster: epoch.roster.map((entry) => ({
      handle: b64uDecode(entry.handle, 16),
      x25519Public: b64uDecode(entry.x25519_public, 32),
      role: entry.role,
    })),
    // Who may sign the next record; the genesis itself verifies under the pinned key alone.
    stewardPublics: epoch.epoch === 0 ? [anchor.publicRaw] : [...signers.values()],
  };
}

/** Each record after the genesis is signed by its own creator's key, not merely by a steward's. */
async function checkCreators(epochs, records, signers) {
  for (let index = 1; index < epochs.length; index += 1) {
    const creator = b64uEncode(records[index].creatorHandle);
    const key = creator === epochs[index].creator_handle ? signers[index - 1].get(creator) : null;
    let ok = Boolean(key);
    if (key) {
      try {
        await verifyEpochSignature(key, b64uDecode(epochs[index].record), b64uDecode(epochs[index].signature));
      } catch {
        ok = false;
      }
    }
    if (!ok) throw new StateError("chain", { reason: "signature", index });
  }
}

/**
 * Verifies the chain from the pinned genesis key; returns the records and who may sign after
 * the newest roster (`signers`, handle -> raw key).
 */
export async function verify(epochs, anchor, handleBytes, currentEpoch, idBytes) {
  let records;
  let signers;
  const certified = new Map();
  try {
    signers = await signersAlong(epochs, anchor, idBytes, certified);
    const links = epochs.map((epoch, index) => toLink(epoch, signers[index], anchor));
    records = await verifyChain(links, { verifierHandle: handleBytes });
  } catch (error) {
    if (error instanceof StateError) throw error;
    if (error instanceof Td2ChainError) {
      throw new StateError("chain", { reason: error.reason, index: error.index });
    }
    throw new StateError("chain", { reason: "malformed" });
  }
  await checkCreators(epochs, records, signers);
  if (records[records.length - 1].epoch < currentEpoch) {
    throw new StateError("chain", { reason: "withheld" });
  }
  return { records, signers: signers[signers.length - 1], certified };
}

/** The chain must extend the newest record this device verified before: no rollback, no fork. */
export async function checkSeen(dialogueId, records, certified = new Map()) {
  const key = store.keys.seen(dialogueId);
  const seen = await store.load(key);
  if (seen) {
    const same = records[seen.epoch];
    if (!same) throw new StateError("chain", { reason: "rollback" });
    if (b64uEncode(same.recordHash) !== seen.recordHash) throw new StateError("chain", { reason: "fork" });
  }
  // A steward key verified before cannot change: records commit to rosters, not certificates.
  const stewards = { ...(seen?.stewards ?? {}) };
  for (const [handle, raw] of certified) {
    const text = b64uEncode(raw);
    if (stewards[handle] && stewards[handle] !== text) throw new StateError("chain", { reason: "fork" });
    stewards[handle] = text;
  }
  const last = records[records.length - 1];
  const newer = !seen || last.epoch > seen.epoch;
  const grown = Object.keys(stewards).length !== Object.keys(seen?.stewards ?? {}).length;
  if (newer || grown) {
    const head = newer ? { epoch: last.epoch, recordHash: b64uEncode(last.recordHash) } : { epoch: seen.epoch, recordHash: seen.recordHash };
    await store.save(key, { ...head, stewards });
  }
}

