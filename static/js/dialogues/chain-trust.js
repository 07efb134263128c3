// Trusting a dialogue's epoch chain on this device: which steward key is pinned (this device's
// own, the fingerprint from the invitation link, or the genesis steward's on first use), who may
// sign each record, verifying the chain from genesis or extending the chain verified on an
// earlier visit (kept sealed on the device), and refusing a rollback or a fork of the chain this
// device has already seen.

import {
  Td2ChainError, b64uDecode, b64uEncode, equalBytes, fingerprint, parseEpochRecord, verifyChain,
  verifyEpochSignature, verifyStewardCert,
} from "../td2/index.js";
import * as store from "./store.js";
import { loadSealed, saveSealed } from "./device-cache.js";
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
 * The signers after each new roster, following the steward certificates: an epoch's certificates
 * introduce keys for handles its roster lists for the first time, signed by the epoch's creator
 * under the key already trusted for them. `tip` is the verified epoch the new ones follow (null
 * from the genesis) with its signers; `offset` the position of the first new epoch in the chain.
 */
async function signersAlong(tip, epochs, anchor, idBytes, certified, offset) {
  const signers = [];
  let previous = tip;
  for (const [position, epoch] of epochs.entries()) {
    const index = offset + position;
    const certs = Array.isArray(epoch.steward_certs) ? epoch.steward_certs : [];
    if (previous === null && certs.length) throw new StateError("chain", { reason: "signature", index });
    if (previous !== null) {
      const signer = previous.signers.get(epoch.creator_handle);
      const before = new Set(previous.epoch.roster.map((entry) => entry.handle));
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
    const after = stewardKeys(epoch.roster, certified, anchor);
    signers.push(after);
    previous = { epoch, signers: after };
  }
  return signers;
}

function toRoster(epoch) {
  return epoch.roster.map((entry) => ({
    handle: b64uDecode(entry.handle, 16),
    x25519Public: b64uDecode(entry.x25519_public, 32),
    role: entry.role,
  }));
}

function toLink(epoch, signers, anchor) {
  return {
    record: b64uDecode(epoch.record),
    signature: b64uDecode(epoch.signature),
    roster: toRoster(epoch),
    // Who may sign the next record; the genesis itself verifies under the pinned key alone.
    stewardPublics: epoch.epoch === 0 ? [anchor.publicRaw] : [...signers.values()],
  };
}

/** Each record after the genesis is signed by its own creator's key, not merely by a steward's. */
async function checkCreators(tip, epochs, records, signers, offset) {
  for (const [position, epoch] of epochs.entries()) {
    const before = position === 0 ? tip?.signers : signers[position - 1];
    if (!before) continue; // the genesis: verified under the pinned key by verifyChain
    const creator = b64uEncode(records[position].creatorHandle);
    const key = creator === epoch.creator_handle ? before.get(creator) : null;
    let ok = Boolean(key);
    if (key) {
      try {
        await verifyEpochSignature(key, b64uDecode(epoch.record), b64uDecode(epoch.signature));
      } catch {
        ok = false;
      }
    }
    if (!ok) throw new StateError("chain", { reason: "signature", index: offset + position });
  }
}

/**
 * A verified chain: the epochs as served (`epochs`), their parsed `records`, the steward keys
 * certified along it (`certified`, handle -> raw key) and who may sign after its newest roster
 * (`signers`, handle -> raw key).
 * @typedef {{epochs: any[], records: any[], certified: Map<string, Uint8Array>,
 *   signers: Map<string, Uint8Array>}} VerifiedChain
 */

/**
 * Verifies `epochs` as the continuation of the verified chain `base` (null: from the genesis)
 * and returns the longer verified chain. Every new epoch passes the same checks whether the
 * chain before it was verified just now or on an earlier visit: the hash link to the record
 * before it, the next number, the roster its record commits to, the steward certificates, a
 * signature by its own creator among the stewards of the roster before it; and the newest roster
 * lists this member. `base` is not changed.
 * @param {VerifiedChain | null} base
 * @param {any[]} epochs
 * @returns {Promise<VerifiedChain>}
 */
export async function extend(base, epochs, anchor, handleBytes, idBytes) {
  const offset = base ? base.epochs.length : 0;
  const certified = new Map(base?.certified ?? []);
  const last = base ? base.epochs[base.epochs.length - 1] : null;
  const tip = base ? { epoch: last, signers: base.signers } : null;
  let signers = [];
  let records = [];
  try {
    if (!base && !epochs.length) throw new StateError("chain", { reason: "empty" });
    signers = await signersAlong(tip, epochs, anchor, idBytes, certified, offset);
    if (epochs.length) {
      const links = epochs.map((epoch, index) => toLink(epoch, signers[index], anchor));
      const previous = base ? base.records[base.records.length - 1] : null;
      const trust = previous && {
        dialogueId: previous.dialogueId,
        epoch: previous.epoch,
        recordHash: previous.recordHash,
        roster: toRoster(last),
        stewardPublics: last.epoch === 0 ? [anchor.publicRaw] : [...base.signers.values()],
      };
      records = await verifyChain(links, { verifierHandle: handleBytes, anchor: trust });
    } else if (!last.roster.some((entry) => entry.handle === b64uEncode(handleBytes))) {
      throw new StateError("chain", { reason: "self", index: offset - 1 });
    }
  } catch (error) {
    if (error instanceof StateError) throw error;
    if (error instanceof Td2ChainError) {
      throw new StateError("chain", { reason: error.reason, index: offset + error.index });
    }
    throw new StateError("chain", { reason: "malformed" });
  }
  await checkCreators(tip, epochs, records, signers, offset);
  return {
    epochs: [...(base?.epochs ?? []), ...epochs],
    records: [...(base?.records ?? []), ...records],
    certified,
    signers: signers.length ? signers[signers.length - 1] : base.signers,
  };
}

/** Refuses a chain whose newest record is older than the epoch the server says is current. */
export function checkWithheld(chain, currentEpoch) {
  if (chain.records[chain.records.length - 1].epoch < currentEpoch) {
    throw new StateError("chain", { reason: "withheld" });
  }
}

/**
 * Verifies the chain from the pinned genesis key; returns the records and who may sign after
 * the newest roster (`signers`, handle -> raw key).
 */
export async function verify(epochs, anchor, handleBytes, currentEpoch, idBytes) {
  const chain = await extend(null, epochs, anchor, handleBytes, idBytes);
  checkWithheld(chain, currentEpoch);
  return chain;
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


/** The chain this device kept from an earlier visit (sealed, device-cache.js), as kept, or null. */
export async function keptChain(dialogueId) {
  const kept = await loadSealed(dialogueId, store.keys.chain(dialogueId)).catch(() => null);
  const usable = kept?.v === 1 && Array.isArray(kept.epochs) && kept.epochs.length && Array.isArray(kept.certified);
  return usable ? kept : null;
}

/**
 * The kept chain as a verified chain for the member `handle` under the pinned key `anchor`; null
 * when it was verified for another member or under another key. Its records are parsed again
 * from the kept bytes.
 * @returns {Promise<VerifiedChain | null>}
 */
export async function restoreChain(kept, handle, anchor) {
  if (!kept || kept.handle !== handle || kept.anchor !== anchor.fingerprint) return null;
  try {
    const records = await Promise.all(kept.epochs.map((epoch) => parseEpochRecord(b64uDecode(epoch.record))));
    const certified = new Map(kept.certified.map(([who, raw]) => [who, b64uDecode(raw, 32)]));
    const last = kept.epochs[kept.epochs.length - 1];
    return { epochs: kept.epochs, records, certified, signers: stewardKeys(last.roster, certified, anchor) };
  } catch {
    return null;
  }
}

/** Keeps a verified chain on the device, sealed. */
export function keepChain(dialogueId, handle, anchor, chain) {
  return saveSealed(dialogueId, store.keys.chain(dialogueId), {
    v: 1,
    handle,
    anchor: anchor.fingerprint,
    epochs: chain.epochs,
    certified: [...chain.certified].map(([who, raw]) => [who, b64uEncode(raw)]),
  });
}

/**
 * The epochs the server served after the kept chain's tip. What it serves must include the tip
 * itself, byte for byte, and anything older it sends must match too: a server that lost the tip
 * (`rollback`) or serves another record in its place (`fork`) is refused, before any new epoch
 * is looked at.
 */
export function beyondTip(chain, served, currentEpoch) {
  const tip = chain.records[chain.records.length - 1].epoch;
  if (!Array.isArray(served) || (Number.isInteger(currentEpoch) && currentEpoch < tip)) {
    throw new StateError("chain", { reason: "rollback" });
  }
  let tipServed = false;
  for (const epoch of served) {
    if (!Number.isInteger(epoch?.epoch) || epoch.epoch > tip) continue;
    let same;
    try {
      same = epoch.epoch >= 0 && equalBytes(b64uDecode(epoch.record), chain.records[epoch.epoch].record);
    } catch {
      same = false;
    }
    if (!same) throw new StateError("chain", { reason: "fork", index: epoch.epoch });
    if (epoch.epoch === tip) tipServed = true;
  }
  if (!tipServed) throw new StateError("chain", { reason: "rollback" });
  return served.filter((epoch) => !(Number.isInteger(epoch?.epoch) && epoch.epoch <= tip));
}
