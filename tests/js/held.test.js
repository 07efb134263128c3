// static/js/live/held.js: what a send reads (the resume point, the room's last seq, the
// member's last counter) kept by the held entries themselves, equal to a scan of all of them.

import assert from "node:assert/strict";
import { test } from "node:test";

import { Held } from "../../static/js/live/held.js";

const entry = (seq, { channel = "live", author = "A", epoch = 1, ctr = 0, content = true } = {}) => ({
  env: { seq, author_handle: author, epoch },
  channel,
  content: content ? { sender_ctr: ctr } : null,
  error: content ? null : "no_key",
});

/** The same figures by scanning every entry, as a send would without Held. */
function scanned(held, author, channel, epoch) {
  let maxSeq = 0;
  let maxRoomSeq = 0;
  let ctr = -1;
  for (const [seq, e] of held) {
    maxSeq = Math.max(maxSeq, seq);
    if (e && e.channel !== "team") maxRoomSeq = Math.max(maxRoomSeq, seq);
    if (e?.content && e.env.author_handle === author && e.channel === channel && e.env.epoch === epoch) {
      ctr = Math.max(ctr, e.content.sender_ctr);
    }
  }
  return { maxSeq, maxRoomSeq, ctr };
}

test("the figures follow entries as they come, in any order, and agree with a scan", () => {
  const held = new Held();
  assert.deepEqual([held.maxSeq, held.maxRoomSeq, held.lastCounter("A", "live", 1)], [0, 0, -1]);
  const arrivals = [
    entry(5, { ctr: 3 }),
    entry(2, { ctr: 1 }),
    entry(9, { channel: "team", ctr: 0 }),
    entry(7, { author: "B", ctr: 8 }),
    entry(8, { epoch: 2, ctr: 0 }),
    entry(6, { content: false }),
  ];
  for (const e of arrivals) {
    held.set(e.env.seq, e);
    for (const [author, channel, epoch] of [["A", "live", 1], ["A", "team", 1], ["B", "live", 1], ["A", "live", 2]]) {
      const scan = scanned(held, author, channel, epoch);
      assert.deepEqual([held.maxSeq, held.maxRoomSeq, held.lastCounter(author, channel, epoch)], [scan.maxSeq, scan.maxRoomSeq, scan.ctr]);
    }
  }
  assert.deepEqual([held.maxSeq, held.maxRoomSeq], [9, 8]);
  assert.equal(held.lastCounter("A", "live", 1), 3);
  assert.equal(held.lastCounter("A", "team", 1), 0);
});

test("a seq reserved while it opens is the resume point, but not the room's last seq", () => {
  const held = new Held();
  held.set(3, entry(3));
  held.set(4, null); // being opened: it may turn out to be the team's
  assert.deepEqual([held.maxSeq, held.maxRoomSeq], [4, 3]);
  held.set(4, entry(4, { channel: "team" }));
  assert.deepEqual([held.maxSeq, held.maxRoomSeq], [4, 3]);
  held.clear();
  assert.deepEqual([held.maxSeq, held.maxRoomSeq, held.size, held.lastCounter("A", "live", 1)], [0, 0, 0, -1]);
});
