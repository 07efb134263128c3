// What the live room keeps on this device, in the dialogue store's IndexedDB database (so
// "leave and wipe this device" deletes it too): the envelopes received, in chunks of 200 seqs;
// the last `seq` held, written only after the envelopes it covers; and this member's last
// `sender_ctr` per epoch, written before a message using it is sent. Every value is sealed under
// the dialogue's device key (device-cache.js), so the envelopes' metadata (seq, epoch, author)
// is not readable from the disk. A device that is ephemeral for the dialogue keeps all of it in
// memory only.

import * as store from "../dialogues/store.js";
import { cacheAllowed, loadSealed, saveSealed, unseal } from "../dialogues/device-cache.js";

const CHUNK = 200;
const WRITE_DELAY_MS = 250;
const COUNTERS_RESERVED = 16; // sender_ctr values stored as used ahead of their use
const logPrefix = (dialogueId) => `live-log:${dialogueId}:`;
const seqKey = (dialogueId) => `live-seq:${dialogueId}`;
// The team channel counts apart: a participant must not learn from gaps in a facilitator's
// counter in the room how many team messages they sent.
const counterKey = (dialogueId, handle, epoch, channel) =>
  channel === "team" ? `live-ctr:${dialogueId}:team:${handle}:${epoch}` : `live-ctr:${dialogueId}:${handle}:${epoch}`;

/** Per counter: the last value used on this page and the highest stored as reserved. */
const countersInMemory = new Map();

/** The envelopes held for the dialogue (in `seq` order) and the last `seq` held. */
export async function loadLog(dialogueId) {
  if (!(await cacheAllowed(dialogueId))) return { envelopes: [], lastSeq: 0 };
  const [chunks, lastSeq] = await Promise.all([
    store.loadAll(logPrefix(dialogueId)),
    loadSealed(dialogueId, seqKey(dialogueId)),
  ]);
  const opened = await Promise.all(chunks.map(([name]) => loadSealed(dialogueId, name)));
  const envelopes = opened.flatMap((value) => (Array.isArray(value) ? value : []));
  envelopes.sort((a, b) => a.seq - b.seq);
  const held = envelopes.length ? envelopes[envelopes.length - 1].seq : 0;
  // Only what was written in full counts: never resume past an envelope that is not here.
  return { envelopes, lastSeq: Math.min(Number.isInteger(lastSeq) ? lastSeq : 0, held) };
}

/**
 * Appends envelopes to the device's log, one write at a time, in the order given. Appends made
 * within WRITE_DELAY_MS, or while a write is under way, go out as one write, after the page has
 * had the chance to draw what they brought: a message is shown first and stored just after. The
 * chunk written last is kept open in memory, so a message joining it costs one sealing, not an
 * unsealing of the two hundred before it too.
 */
export class LogWriter {
  constructor(dialogueId) {
    this.dialogueId = dialogueId;
    this.pending = [];
    this.lastSeq = 0;
    this.queued = null;
    this.chain = Promise.resolve();
    this.failed = false;
    /** @type {{key: string, envelopes: any[]} | null} the chunk written last, as written */
    this.recent = null;
  }

  /** Resolves once `envelopes` (and `lastSeq`, the resume point they make good) are written. */
  append(envelopes, lastSeq) {
    this.pending.push(...envelopes);
    this.lastSeq = lastSeq;
    if (!this.queued) {
      this.queued = this.chain
        .then(() => new Promise((resolve) => window.setTimeout(resolve, WRITE_DELAY_MS)))
        .then(() => {
          this.queued = null;
          return this.write(this.pending.splice(0), this.lastSeq);
        })
        .catch(() => {
          this.failed = true; // private browsing or a full disk: the room still works, from memory
        });
      this.chain = this.queued;
    }
    return this.queued;
  }

  async write(batch, lastSeq) {
    if (!(await cacheAllowed(this.dialogueId))) return; // ephemeral: the room holds it in memory
    const byChunk = new Map();
    for (const env of batch) {
      const chunk = Math.floor(env.seq / CHUNK);
      if (!byChunk.has(chunk)) byChunk.set(chunk, []);
      byChunk.get(chunk).push(env);
    }
    for (const [chunk, envs] of byChunk) {
      const key = `${logPrefix(this.dialogueId)}${String(chunk).padStart(8, "0")}`;
      const existing = this.recent?.key === key ? this.recent.envelopes : ((await loadSealed(this.dialogueId, key)) ?? []);
      const bySeq = new Map(existing.map((env) => [env.seq, env]));
      for (const env of envs) bySeq.set(env.seq, env);
      const envelopes = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
      this.recent = null; // while it is being written, what is on disk is not known
      await saveSealed(this.dialogueId, key, envelopes);
      this.recent = { key, envelopes };
    }
    await saveSealed(this.dialogueId, seqKey(this.dialogueId), lastSeq);
  }
}

/**
 * Counters are stored before use, so that none is used twice even after a reload: the store
 * holds the highest value reserved, COUNTERS_RESERVED ahead, and is moved on in the background
 * when fewer than TOP_UP_AT remain, so a send normally touches no storage at all. A reload
 * skips what was reserved and not used: receivers ask only that counters increase.
 */
const TOP_UP_AT = 8;

/** A counter's state on this page; `chain` orders its storage work. */
function counterState(key) {
  let state = countersInMemory.get(key);
  if (!state) {
    state = { used: -1, reserved: -1, loaded: false, topping: false, chain: Promise.resolve() };
    countersInMemory.set(key, state);
  }
  return state;
}

/** Reserves counters above `seenMax` unless enough are already; one storage write at most. */
async function reserve(state, dialogueId, key, seenMax) {
  const keep = await cacheAllowed(dialogueId).catch(() => false);
  if (!keep) {
    state.reserved = Infinity; // an ephemeral device stores nothing: every counter is the page's
    state.loaded = true;
    return;
  }
  if (!state.loaded) {
    const raw = await store.load(key).catch(() => null);
    // A counter kept in clear by an older version of this page still counts.
    const stored = Number.isInteger(raw) ? raw : await unseal(dialogueId, key, raw);
    if (Number.isInteger(stored)) state.used = Math.max(state.used, stored);
    state.loaded = true;
  }
  const base = Math.max(state.used, seenMax);
  if (state.reserved !== Infinity && state.reserved - base > TOP_UP_AT) return;
  const reserved = base + COUNTERS_RESERVED;
  // Storage that fails (private browsing, a full disk) leaves the room working from memory.
  await saveSealed(dialogueId, key, reserved).catch(() => undefined);
  state.reserved = reserved;
}

function queued(state, work) {
  state.chain = state.chain.then(work, work);
  return state.chain;
}

/** Reserves this member's next counters ahead of a send (when the room opens). */
export function reserveCounters(dialogueId, handle, epoch, seenMax, channel = "live") {
  const key = counterKey(dialogueId, handle, epoch, channel);
  const state = counterState(key);
  return queued(state, () => reserve(state, dialogueId, key, seenMax));
}

/** The next `sender_ctr` for this member in `epoch` on `channel` ("live" or "team"): above
 * anything used here or seen in the log (`seenMax`). */
export async function nextCounter(dialogueId, handle, epoch, seenMax, channel = "live") {
  const key = counterKey(dialogueId, handle, epoch, channel);
  const state = counterState(key);
  while (!state.loaded || Math.max(state.used, seenMax) + 1 > state.reserved) {
    await queued(state, () => reserve(state, dialogueId, key, seenMax));
    if (state.reserved === Infinity) break;
  }
  state.used = Math.max(state.used, seenMax) + 1;
  if (state.reserved - state.used < TOP_UP_AT && !state.topping) {
    state.topping = true;
    queued(state, () => reserve(state, dialogueId, key, state.used)).finally(() => {
      state.topping = false;
    });
  }
  return state.used;
}
