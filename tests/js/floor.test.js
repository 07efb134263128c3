// Fair floor time (static/js/live/agenda.js): the queue puts who has not had the floor yet today
// (the dialogue's calendar day) first, and one side's markedly longer time in the current item is
// found against the side with the next most.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

globalThis.document = { documentElement: { lang: "en", dir: "ltr" } };
globalThis.navigator = { languages: [] };
const { FLOOR_FAR, FLOOR_MARGIN_MS, dialogueTimeZone, floorImbalance, floorOrder, itemSideTotals, spokeToday } =
  await import("../../static/js/live/agenda.js");
const { replay } = await import("../../static/js/live/state.js");
const { dayIn } = await import("../../static/js/dialogues/time.js");

const MIN = 60_000;
const ROLES = { F: "facilitator", A: "participant", A2: "participant", B: "participant", C: "participant" };
const ROSTER = Object.entries(ROLES).map(([handle, role]) => ({ handle, role }));
const person = (handle, side) => ({ doc: { type: "person", handle, side, display_name: handle } });
const MODEL = {
  dialogue: { doc: { timezone: "Asia/Karachi" } },
  persons: [person("A", "Upper Vell"), person("A2", " Upper Vell "), person("B", "Lower Vell"), person("C", "")],
  sessions: [],
  items: [],
};

/** A log from (author, content) pairs, with counters and seqs filled in. */
function log(...messages) {
  const ctr = {};
  return messages.map(([author, content], index) => {
    ctr[author] = (ctr[author] ?? -1) + 1;
    return { seq: index + 1, epoch: 1, author, content: { ...content, sender_ctr: ctr[author] } };
  });
}
const hand = (who, at) => [who, { type: "hand_raised", at }];
const label = (name, at) => ["F", { type: "hand_raised", label: name, at }];
const call = (who, at) => ["F", { type: "speaker_called", handle: who, at }];
const done = (at) => ["F", { type: "speaker_done", at }];
const item = (id, at) => ["F", { type: "item_started", item: id, at }];

// 2026-12-07 10:00 in Karachi (UTC+5) is 05:00 UTC.
const MORNING = Date.UTC(2026, 11, 7, 5, 0);

describe("who has not spoken yet today comes first", () => {
  test("the day is the dialogue's calendar day, not UTC's or this device's", () => {
    assert.equal(dialogueTimeZone(MODEL), "Asia/Karachi");
    // 20:30 UTC on the 6th is already the 7th in Karachi.
    assert.equal(dayIn(Date.UTC(2026, 11, 6, 20, 30), "Asia/Karachi"), "2026-12-07");
    assert.equal(dayIn(Date.UTC(2026, 11, 6, 18, 30), "Asia/Karachi"), "2026-12-06");
    const room = replay(log(call("A", Date.UTC(2026, 11, 6, 20, 30)), done(Date.UTC(2026, 11, 6, 20, 40))), ROLES);
    assert.equal(spokeToday(room, "A", "Asia/Karachi", MORNING), true);
    assert.equal(spokeToday(room, "A", "Europe/London", MORNING), false, "in London that was yesterday");
  });

  test("the dialogue without a valid zone falls back to this device's", () => {
    const zone = dialogueTimeZone({ dialogue: { doc: { timezone: "Not/AZone" } } });
    assert.equal(zone, Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  test("first-timers move ahead, each group keeps the order hands went up", () => {
    const room = replay(log(
      call("A", MORNING), done(MORNING + MIN),
      call("B", MORNING + MIN), done(MORNING + 2 * MIN),
      hand("A", MORNING + 3 * MIN), hand("B", MORNING + 4 * MIN),
      hand("C", MORNING + 5 * MIN), label("Yusuf", MORNING + 6 * MIN), hand("A2", MORNING + 7 * MIN),
    ), ROLES);
    assert.deepEqual(room.queue, ["A", "B", "C", "label:Yusuf", "A2"], "the shared queue is unchanged");
    assert.deepEqual(floorOrder(room, "Asia/Karachi", MORNING + 8 * MIN), [
      { who: "C", firstToday: true },
      { who: "label:Yusuf", firstToday: true },
      { who: "A2", firstToday: true },
      { who: "A", firstToday: false },
      { who: "B", firstToday: false },
    ]);
  });

  test("someone added by label counts once they have had the floor", () => {
    const room = replay(log(label("Yusuf", MORNING), ["F", { type: "speaker_called", label: "Yusuf", at: MORNING + MIN }], done(MORNING + 2 * MIN),
      label("Yusuf", MORNING + 3 * MIN), hand("C", MORNING + 4 * MIN)), ROLES);
    assert.deepEqual(floorOrder(room, "Asia/Karachi", MORNING + 5 * MIN).map((row) => row.who), ["C", "label:Yusuf"]);
  });

  test("a new day makes everyone a first-timer again", () => {
    const room = replay(log(call("A", MORNING), done(MORNING + MIN), hand("A", MORNING + 2 * MIN), hand("B", MORNING + 3 * MIN)), ROLES);
    assert.deepEqual(floorOrder(room, "Asia/Karachi", MORNING + 4 * MIN).map((row) => row.who), ["B", "A"]);
    const tomorrow = MORNING + 24 * 60 * MIN;
    assert.deepEqual(floorOrder(room, "Asia/Karachi", tomorrow), [
      { who: "A", firstToday: true },
      { who: "B", firstToday: true },
    ]);
  });

  test("the speaker has spoken today", () => {
    const room = replay(log(hand("A", MORNING), call("A", MORNING + MIN)), ROLES);
    assert.equal(spokeToday(room, "A", "Asia/Karachi", MORNING + MIN), true);
    assert.equal(spokeToday(room, "B", "Asia/Karachi", MORNING + MIN), false);
  });
});

describe("one side markedly longer in the current item", () => {
  test("sides come from the roster's participants, trimmed; people without a side do not count", () => {
    const room = replay(log(item("one", MORNING), call("A", MORNING), call("A2", MORNING + MIN), call("C", MORNING + 2 * MIN),
      ["F", { type: "speaker_called", label: "Yusuf", at: MORNING + 3 * MIN }], done(MORNING + 4 * MIN)), ROLES);
    assert.deepEqual(itemSideTotals(MODEL, room, ROSTER, MORNING + 5 * MIN), [
      { side: "Upper Vell", ms: 2 * MIN },
      { side: "Lower Vell", ms: 0 },
    ]);
  });

  test("nothing before an item starts, nor with fewer than two sides", () => {
    const room = replay(log(call("A", MORNING), done(MORNING + 10 * MIN)), ROLES);
    assert.deepEqual(itemSideTotals(MODEL, room, ROSTER, MORNING + 10 * MIN), []);
    const started = replay(log(item("one", MORNING), call("A", MORNING), done(MORNING + 10 * MIN)), ROLES);
    const oneSide = ROSTER.filter((member) => member.handle !== "B");
    assert.deepEqual(itemSideTotals(MODEL, started, oneSide, MORNING + 10 * MIN), [{ side: "Upper Vell", ms: 10 * MIN }]);
    assert.equal(floorImbalance(itemSideTotals(MODEL, started, oneSide, MORNING + 10 * MIN)), null);
  });

  test("the running speaker counts, from the item's start when their turn began before it", () => {
    const room = replay(log(call("A", MORNING), item("one", MORNING + 5 * MIN)), ROLES);
    assert.deepEqual(itemSideTotals(MODEL, room, ROSTER, MORNING + 8 * MIN)[0], { side: "Upper Vell", ms: 3 * MIN });
  });

  test("a side that has not spoken yet, against two minutes or more", () => {
    const room = replay(log(item("one", MORNING), call("A", MORNING)), ROLES);
    assert.equal(floorImbalance(itemSideTotals(MODEL, room, ROSTER, MORNING + FLOOR_MARGIN_MS - 1)), null);
    assert.deepEqual(floorImbalance(itemSideTotals(MODEL, room, ROSTER, MORNING + FLOOR_MARGIN_MS)), {
      side: "Upper Vell", ms: FLOOR_MARGIN_MS, other: "Lower Vell", otherMs: 0, times: null,
    });
  });

  test("half as long again and two minutes more, rounded gently", () => {
    const totals = (a, b) => [{ side: "Upper Vell", ms: a }, { side: "Lower Vell", ms: b }];
    assert.equal(floorImbalance(totals(5.9 * MIN, 4 * MIN)), null, "less than 1.5 times");
    assert.equal(floorImbalance(totals(2.9 * MIN, 1 * MIN)), null, "less than two minutes more");
    assert.equal(floorImbalance(totals(6 * MIN, 4 * MIN)).times, 1.5);
    assert.equal(floorImbalance(totals(8 * MIN, 4 * MIN)).times, 2);
    assert.equal(floorImbalance(totals(4 * MIN, 1 * MIN)).times, 4);
    assert.equal(floorImbalance(totals(30 * MIN, 1 * MIN)).times, FLOOR_FAR, "far longer, without a number");
    assert.equal(floorImbalance(totals(4 * MIN, 4 * MIN)), null, "balanced");
  });

  test("the leader is compared with the side with the next most time", () => {
    const totals = [{ side: "A", ms: 9 * MIN }, { side: "B", ms: 7 * MIN }, { side: "C", ms: 0 }];
    assert.equal(floorImbalance(totals), null);
  });

  test("balance returns when the other side speaks, and a new item starts from zero", () => {
    const entries = [item("one", MORNING), call("A", MORNING), call("B", MORNING + 4 * MIN)];
    const room = replay(log(...entries), ROLES);
    assert.equal(floorImbalance(itemSideTotals(MODEL, room, ROSTER, MORNING + 5 * MIN)).times, 4);
    assert.equal(floorImbalance(itemSideTotals(MODEL, room, ROSTER, MORNING + 7 * MIN)), null);
    const next = replay(log(...entries, done(MORNING + 5 * MIN), item("two", MORNING + 6 * MIN)), ROLES);
    assert.deepEqual(itemSideTotals(MODEL, next, ROSTER, MORNING + 7 * MIN).map((row) => row.ms), [0, 0]);
  });
});
