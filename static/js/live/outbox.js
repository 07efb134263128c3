// This member's messages on their way out: sealed once, sent exactly once and in order, over
// the socket's sending lane (socket.js), never waiting behind a page of history.
//
// Each message takes the next counter of its channel and epoch (`sender_ctr`, which receivers
// require to increase per author): counters come from the device's store, reserved ahead
// (log-store.js), so a reload never reuses one. A message refused for a stale epoch is sealed
// again once, under the new keys; one refused for its rate waits a second; a lost answer to a
// stored message (`duplicate_id`) is not an error, the message arrives with the catch-up.

import { nextCounter, reserveCounters } from "./log-store.js";
import { sealEnvelope } from "./channel.js";

/** @typedef {{content: any, envelope: any, error: any, team: boolean, resealed?: boolean}} OutItem */

export class Outbox {
  /** @param {import("./room.js").LiveRoom} room */
  constructor(room) {
    this.room = room;
    /** @type {OutItem[]} */
    this.items = [];
    this.usedCounters = new Map(); // channel:epoch -> last sender_ctr used on this page
    this.flushing = false;
  }

  clear() {
    this.items = [];
  }

  /** Queues a message: `{type, ...fields}`; counters are added when sealed. */
  push(content, team) {
    this.items.push({ content: { ...content, at: Date.now() }, envelope: null, error: null, team });
  }

  maxOwnCounter(epoch, channel) {
    const room = this.room;
    return Math.max(this.usedCounters.get(`${channel}:${epoch}`) ?? -1, room.held.lastCounter(room.me, channel, epoch));
  }

  /** Stores this member's next counters in the current epoch ahead of the first send in it. */
  reserve() {
    const room = this.room;
    const epoch = room.state.epoch;
    for (const channel of room.hasTeam ? ["live", "team"] : ["live"]) {
      reserveCounters(room.dialogueId, room.me, epoch, this.maxOwnCounter(epoch, channel), channel).catch(() => undefined);
    }
  }

  /** @param {OutItem} item */
  async seal(item) {
    const room = this.room;
    const epoch = room.state.epoch;
    const channel = item.team ? "team" : "live";
    const ctr = await nextCounter(room.dialogueId, room.me, epoch, this.maxOwnCounter(epoch, channel), channel);
    this.usedCounters.set(`${channel}:${epoch}`, ctr);
    const seen = item.team ? room.lastSeq() : room.lastRoomSeq();
    const content = { ...item.content, sender_ctr: ctr, last_seq_seen: seen };
    item.envelope = await sealEnvelope(room.state, room.live, content, { team: item.team });
  }

  /** True when the outbox can be sent now (connected, and not being sent already). */
  canFlush() {
    const room = this.room;
    return !this.flushing && this.items.length > 0 && Boolean(room.socket?.connected) && room.status === "live";
  }

  /** Starts sending, in order, while connected; an envelope is sealed once and resent as is.
   * False when it cannot start now. */
  flush() {
    if (!this.canFlush()) return false;
    this.flushing = true;
    this.sendAll().finally(() => {
      this.flushing = false;
    });
    return true;
  }

  async sendAll() {
    const room = this.room;
    while (this.items.length && room.socket?.connected && room.status === "live") {
      const item = this.items[0];
      try {
        if (!item.envelope) await this.seal(item);
        const sent = room.socket.send(item.envelope);
        room.onChange(); // shown as pending while the server answers
        const ack = await sent;
        await room.receive([{ seq: ack.seq, kind: "msg", ...item.envelope }], true);
      } catch (error) {
        if (error.code === "network") break; // stays first, for the next connection
        if (await this.retryable(item, error)) continue;
        // duplicate_id: stored before, its answer was lost; it arrives with the catch-up
        if (error.code !== "duplicate_id") room.onProblem(error);
      }
      this.items.shift();
      room.onChange();
    }
  }

  /** True to try the same item again (after resealing it when the epoch moved on). */
  async retryable(item, error) {
    const room = this.room;
    if (error.code === "rate_limited") {
      await new Promise((resolve) => window.setTimeout(resolve, 1000));
      return true;
    }
    if (error.code === "envelope_rejected" && error.params?.reason === "epoch" && !item.resealed) {
      await (room.chain = room.chain.then(() => room.reloadKeys()));
      item.envelope = null;
      item.resealed = true;
      return true;
    }
    return false;
  }
}
