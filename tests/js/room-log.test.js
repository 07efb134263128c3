// static/js/live/room-log.js: a log extended batch by batch, as the live room receives it,
// equals the log built from everything held at the end (the room's state, each entry's
// refusal, the team channel), and so does the translation index kept alongside it; batches
// that could change earlier entries (a retraction, an entry below one held) are declined.

import assert from "node:assert/strict";
import { test } from "node:test";

import { liveTranslationIndex, translationIndex } from "../../static/js/live/interpretation.js";
import { buildLog, extendLog } from "../../static/js/live/room-log.js";
import { snapshot } from "../../static/js/live/state.js";

const ROSTER = { fac: "facilitator", ana: "participant", ben: "participant", ida: "interpreter" };
const roles = (handle, epoch) => (epoch === 1 ? (ROSTER[handle] ?? null) : null);
const counters = new Map();

/** An opened entry as channel.js gives it: {env, content, error, channel}. */
function entry(seq, author, content, { channel = "live", kind = "msg", replaces = undefined, error = null, ctr = undefined } = {}) {
  const key = `${channel}:${author}`;
  const next = ctr ?? (counters.get(key) ?? -1) + 1;
  counters.set(key, next);
  const env = { seq, epoch: 1, author_handle: author, message_id: `m${seq}`, kind, replaces };
  const opened = content && !error ? { sender_ctr: next, last_seq_seen: seq - 1, at: 1000 * seq, ...content } : null;
  return { env, content: opened, error: kind === "msg" ? error : "other_channel", channel, warning: null };
}

const text = (text, lang, extra = {}) => ({ type: "text", text, lang, ...extra });

function makeLog() {
  counters.clear();
  const e = [
    entry(1, "fac", { type: "item_started", item: "i1" }),
    entry(2, "ana", text("Hello", "en")),
    entry(3, "ben", { type: "hand_raised" }),
    entry(4, "ida", text("Bonjour", "fr", { translation_of: "m2" })),
    entry(5, "ana", text("Oops", "en")),
    entry(6, "ben", text("Salut", "fr", { translation_of: "m2" })), // not an interpreter: refused
    entry(7, "ana", null, { kind: "retract", replaces: "m5" }),
    entry(8, "fac", text("Team only", "en"), { channel: "team" }),
    entry(9, "ana", text("Not on the team", "en"), { channel: "team" }),
    entry(10, "ben", { type: "hand_lowered" }, { ctr: 0 }), // a counter used before: replay
    entry(11, "fac", { type: "speaker_called", handle: "ben" }),
    entry(12, "ida", text("Bonjour !", "fr", { translation_of: "m2" })), // a correction
    entry(13, "ben", null, { error: "bad_counter" }),
    entry(14, "ana", text("Elsewhere", "en"), { channel: null, error: "other_channel" }),
    entry(15, "zed", text("Who?", "en")), // not in the roster
    entry(16, "ana", { type: "speaker_called", handle: "ana" }), // not allowed
    entry(17, "ida", text("Hola", "es", { translation_of: "m2" })),
    entry(18, "ana", text("Bye", "en")),
  ];
  return new Map(e.map((x) => [x.env.seq, x]));
}

// Batches in arrival order: some follow everything held, some do not.
const BATCHES = [[1, 2, 3], [4], [6, 5], [8], [7], [11, 10], [9], [12, 13, 14], [15], [18, 16], [17]];
const DECLINED = [4, 6, 10]; // the retraction (7); 9 and 17, below entries held

const roleOf = (x) => roles(x.env.author_handle, x.env.epoch);
const seqs = (entries) => entries.map((x) => x.env.seq);
const refusals = (entries) => entries.map((x) => [x.env.seq, x.refused]);
const indexView = (index) => ({
  byOriginal: [...index.byOriginal].map(([id, langs]) => [id, [...langs].map(([lang, t]) => [lang, t.entry.env.message_id, t.versions])]),
  refused: [...index.refused].sort(),
});

test("a log extended batch by batch equals the log built from everything held", () => {
  const all = makeLog();
  const held = new Map();
  let log = null;
  let index = null;
  const declined = [];
  BATCHES.forEach((batch, i) => {
    const entries = batch.map((seq) => all.get(seq));
    for (const x of entries) held.set(x.env.seq, x);
    if (!log || !extendLog(log, entries)) {
      if (log) declined.push(i);
      log = buildLog([...held.values()], roles);
    }
    // The translation index, read after each batch as the pages do: extended while `ordered`
    // only grows, made again when the log is.
    index = liveTranslationIndex(log.ordered, roleOf);
  });
  assert.deepEqual(declined, DECLINED, "only the batches that do not follow are declined");

  const got = {
    ordered: seqs(log.ordered),
    team: seqs(log.teamOrdered),
    refused: refusals(log.ordered),
    teamRefused: refusals(log.teamOrdered),
    room: snapshot(log.room, 20_000),
    index: indexView(index),
  };
  const full = buildLog([...held.values()], roles);
  assert.deepEqual(got, {
    ordered: seqs(full.ordered),
    team: seqs(full.teamOrdered),
    refused: refusals(full.ordered),
    teamRefused: refusals(full.teamOrdered),
    room: snapshot(full.room, 20_000),
    index: indexView(translationIndex(full.ordered, roleOf)),
  });
  // And what that is, so the comparison is not between two empty logs.
  assert.deepEqual(got.ordered, [1, 2, 3, 4, 6, 10, 11, 12, 13, 15, 16, 17, 18]);
  assert.deepEqual(got.team, [8, 9]);
  assert.deepEqual(got.teamRefused, [[8, null], [9, "not_allowed"]]);
  assert.deepEqual(got.room.errors, [[10, "replay"], [15, "not_in_roster"], [16, "not_allowed"]]);
  assert.deepEqual(got.room.queue, []);
  assert.equal(got.room.speaker, "ben");
  assert.deepEqual(got.index.refused, ["m6"]);
  assert.deepEqual(got.index.byOriginal, [["m2", [["fr", "m12", 2], ["es", "m17", 1]]]]);
});

test("extendLog declines a batch that does not follow everything held, and changes nothing", () => {
  const all = makeLog();
  const log = buildLog([all.get(1), all.get(2), all.get(5)], roles);
  const before = { ordered: seqs(log.ordered), room: snapshot(log.room), maxSeq: log.maxSeq };
  for (const batch of [[all.get(3)], [all.get(6), all.get(4)], [all.get(7)]]) {
    assert.equal(extendLog(log, batch), false);
    assert.deepEqual({ ordered: seqs(log.ordered), room: snapshot(log.room), maxSeq: log.maxSeq }, before);
  }
  const named = buildLog([all.get(1), all.get(7)], roles); // the retraction came first
  assert.equal(extendLog(named, [all.get(8), all.get(15)]), true);
  const late = { ...all.get(18), env: { ...all.get(18).env, seq: 19, message_id: "m5" } };
  assert.equal(extendLog(named, [late]), false, "a message a retraction named");
});
