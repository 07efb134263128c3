// static/js/live/history.js against a log kept as the server keeps it (seqs shared with other
// kinds of envelope and with the team channel, so the ones a device may hold are not
// consecutive): join at the newest page, page back, rejoin after messages came in. What the
// device holds always covers the log exactly; its saved resume point never passes a hole.

import assert from "node:assert/strict";
import { test } from "node:test";

import { History } from "../../static/js/live/history.js";

/** A server's answer, as facilitator/live/service.py pages: newest first when going back. */
function page(log, { after = 0, before = null, latest = false, limit }) {
  const range = log.filter((seq) => seq > after && (before === null || seq < before));
  if (!latest && before === null) return { seqs: range.slice(0, limit), more: range.length > limit };
  return { seqs: range.slice(-limit), more: range.length > limit };
}

/** A device: what it holds, and its history, driven as socket.js drives them. */
class Device {
  constructor(saved, limit) {
    this.held = new Set(saved.held);
    this.history = new History(saved.through);
    this.limit = limit;
  }

  newest() {
    return Math.max(0, ...this.held);
  }

  join(log) {
    const after = this.history.joinFrom(this.newest());
    const first = page(log, { after, latest: true, limit: this.limit });
    first.seqs.forEach((seq) => this.held.add(seq));
    this.history.joined(after, first.seqs, first.more);
    let cursor = Math.max(after, ...first.seqs);
    for (;;) {
      const next = page(log, { after: cursor, limit: this.limit });
      next.seqs.forEach((seq) => this.held.add(seq));
      cursor = Math.max(cursor, ...next.seqs);
      if (!next.more) break;
    }
    return first.seqs;
  }

  back(log) {
    const hole = this.history.next();
    if (!hole) return false;
    const got = page(log, { after: hole.after, before: hole.before, limit: this.limit });
    got.seqs.forEach((seq) => this.held.add(seq));
    this.history.paged(hole, got.seqs, got.more);
    return true;
  }

  check(log) {
    const through = this.history.through(this.newest());
    for (const seq of log) {
      if (seq <= through) assert.ok(this.held.has(seq), `resume point ${through} passes ${seq}`);
      if (!this.history.unfetched(seq)) assert.ok(this.held.has(seq), `${seq} is neither held nor in a hole`);
    }
  }
}

/** Seqs 1..n, a few taken by envelopes this device is never sent. */
const logOf = (n, from = 1) => Array.from({ length: n }, (_, i) => from + i).filter((seq) => seq % 7 !== 3);

test("a new device gets the newest page first, then everything going back", () => {
  const log = logOf(1200);
  const device = new Device({ held: [], through: 0 }, 50);
  const first = device.join(log);
  assert.deepEqual(first, log.slice(-50));
  assert.equal(device.history.hasOlder, true);
  assert.equal(device.history.through(device.newest()), 0);
  device.check(log);
  let pages = 0;
  while (device.back(log)) {
    pages += 1;
    device.check(log);
  }
  assert.equal(pages, Math.ceil(log.length / 50) - 1);
  assert.equal(device.history.hasOlder, false);
  assert.deepEqual([...device.held].sort((a, b) => a - b), log);
  assert.equal(device.history.through(device.newest()), log.at(-1));
});

test("a returning device fetches only what it lacks, back down to its saved log", () => {
  const log = logOf(1000);
  const saved = log.filter((seq) => seq <= 400);
  // Also held: part of a page fetched going back last time, not contiguous with the rest.
  const device = new Device({ held: [...saved, ...log.filter((seq) => seq > 900)], through: 400 }, 100);
  assert.equal(device.history.unfetched(950), true);
  device.join(log);
  device.check(log);
  while (device.back(log)) device.check(log);
  assert.deepEqual([...device.held].sort((a, b) => a - b), log);
});

test("rejoining while older pages are still coming leaves two holes, both filled", () => {
  let log = logOf(600);
  const device = new Device({ held: [], through: 0 }, 40);
  device.join(log);
  device.back(log);
  log = [...log, ...logOf(300, 601)];
  device.join(log);
  assert.equal(device.history.holes.length, 2);
  device.check(log);
  const first = device.history.next();
  assert.ok(first.after >= 600, "the hole nearest the present comes first");
  while (device.back(log)) device.check(log);
  assert.deepEqual([...device.held].sort((a, b) => a - b), log);
});

test("a room with nothing new, or nothing at all, has no hole", () => {
  const log = logOf(30);
  const device = new Device({ held: log, through: log.at(-1) }, 50);
  assert.deepEqual(device.join(log), []);
  assert.equal(device.history.hasOlder, false);
  assert.equal(device.history.holes.length, 0);
  const empty = new Device({ held: [], through: 0 }, 50);
  empty.join([]);
  assert.equal(empty.history.hasOlder, false);
  assert.equal(empty.history.through(0), 0);
});

test("before the first join, everything above the saved log is unknown", () => {
  const history = new History(10);
  assert.equal(history.hasOlder, false);
  assert.equal(history.unfetched(10), false);
  assert.equal(history.unfetched(11), true);
  assert.equal(history.unfetched(10 ** 12), true);
  assert.equal(history.through(500), 10);
  assert.equal(history.next(), null);
});
