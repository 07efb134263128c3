// What the live room keeps on this device, in the dialogue store's IndexedDB database (so
// "leave and wipe this device" deletes it too): the envelopes received, still sealed, in chunks
// of 200 seqs; the last `seq` held, written only after the envelopes it covers; and this
// member's last `sender_ctr` per epoch, written before a message using it is sent.

import * as store from "../dialogues/store.js";

const CHUNK = 200;
const logPrefix = (dialogueId) => `live-log:${dialogueId}:`;
const seqKey = (dialogueId) => `live-seq:${dialogueId}`;
// The team channel counts apart: a participant must not learn from gaps in a facilitator's
// counter in the room how many team messages they sent.
const counterKey = (dialogueId, handle, epoch, channel) =>
  channel === "team" ? `live-ctr:${dialogueId}:team:${handle}:${epoch}` : `live-ctr:${dialogueId}:${handle}:${epoch}`;

/** The envelopes held for the dialogue (in `seq` order) and the last `seq` held. */
export async function loadLog(dialogueId) {
  const [chunks, lastSeq] = await Promise.all([
    store.loadAll(logPrefix(dialogueId)),
    store.load(seqKey(dialogueId)),
  ]);
  const envelopes = chunks.flatMap(([, value]) => (Array.isArray(value) ? value : []));
  envelopes.sort((a, b) => a.seq - b.seq);
  const held = envelopes.length ? envelopes[envelopes.length - 1].seq : 0;
  // Only what was written in full counts: never resume past an envelope that is not here.
  return { envelopes, lastSeq: Math.min(Number.isInteger(lastSeq) ? lastSeq : 0, held) };
}

/** Appends envelopes to the device's log, one write at a time, in the order given. */
export class LogWriter {
  constructor(dialogueId) {
    this.dialogueId = dialogueId;
    this.pending = [];
    this.chain = Promise.resolve();
    this.failed = false;
  }

  append(envelopes, lastSeq) {
    this.pending.push(...envelopes);
    const batch = this.pending.splice(0);
    this.chain = this.chain.then(() => this.write(batch, lastSeq)).catch(() => {
      this.failed = true; // private browsing or a full disk: the room still works, from memory
    });
    return this.chain;
  }

  async write(batch, lastSeq) {
    const byChunk = new Map();
    for (const env of batch) {
      const chunk = Math.floor(env.seq / CHUNK);
      if (!byChunk.has(chunk)) byChunk.set(chunk, []);
      byChunk.get(chunk).push(env);
    }
    for (const [chunk, envs] of byChunk) {
      const key = `${logPrefix(this.dialogueId)}${String(chunk).padStart(8, "0")}`;
      const existing = (await store.load(key)) ?? [];
      const bySeq = new Map(existing.map((env) => [env.seq, env]));
      for (const env of envs) bySeq.set(env.seq, env);
      await store.save(key, [...bySeq.values()].sort((a, b) => a.seq - b.seq));
    }
    await store.save(seqKey(this.dialogueId), lastSeq);
  }
}

/** The next `sender_ctr` for this member in `epoch` on `channel` ("live" or "team"): above
 * anything used here or seen in the log. */
export async function nextCounter(dialogueId, handle, epoch, seenMax, channel = "live") {
  const key = counterKey(dialogueId, handle, epoch, channel);
  const used = await store.load(key).catch(() => null);
  const next = Math.max(Number.isInteger(used) ? used : -1, seenMax) + 1;
  await store.save(key, next).catch(() => undefined);
  return next;
}
