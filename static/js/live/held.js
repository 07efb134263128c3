// The envelopes a live room holds, by `seq`, and the figures a send needs kept up to date as
// entries come in: the highest `seq` (the resume point), the highest outside the team channel
// (what a message to the room says it has seen) and each author's highest `sender_ctr` per
// channel and epoch. A send reads all three; scanning ten thousand entries for them each time
// cost a slow phone tens of milliseconds before the message could leave.

import { jsonInt } from "./state.js";

const counterKey = (author, channel, epoch) => `${author}\u0000${channel}\u0000${epoch}`;

export class Held extends Map {
  constructor() {
    super();
    this.maxSeq = 0;
    this.maxRoomSeq = 0;
    /** @type {Map<string, number>} author, channel and epoch -> highest `sender_ctr` */
    this.counters = new Map();
  }

  /**
   * Holds `entry` at `seq` (null: reserved while it is being opened).
   * @param {number} seq
   * @param {any} entry
   */
  set(seq, entry) {
    super.set(seq, entry);
    if (seq > this.maxSeq) this.maxSeq = seq;
    // An entry counts for the room once opened and not the team's (a reserved one may be).
    if (entry && entry.channel !== "team" && seq > this.maxRoomSeq) this.maxRoomSeq = seq;
    const ctr = entry?.content ? jsonInt(entry.content.sender_ctr) : null;
    if (ctr !== null) {
      const key = counterKey(entry.env.author_handle, entry.channel, entry.env.epoch);
      if (ctr > (this.counters.get(key) ?? -1)) this.counters.set(key, ctr);
    }
    return this;
  }

  clear() {
    super.clear();
    this.maxSeq = 0;
    this.maxRoomSeq = 0;
    this.counters.clear();
  }

  /** The highest `sender_ctr` held of `author` on `channel` in `epoch` (-1: none). */
  lastCounter(author, channel, epoch) {
    return this.counters.get(counterKey(author, channel, epoch)) ?? -1;
  }
}
