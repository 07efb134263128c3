// The live room's state, rebuilt from the ordered log of opened messages (docs/live-room.md).
//
// The same reducer as facilitator/live/state.py, case for case: both pass
// tests/live/room_cases.json. A pure module (no DOM, no I/O), so every device that holds the same
// verified log computes the same queue, speaker, totals and timer. The types of a log entry are
// strict and written down once (docs/live-room.md, "Types of a log entry"): nothing is converted,
// and a value of the wrong type (a boolean for an integer, a number for a string) is an error.
// Messages that break the counters or come from a role not allowed to send them become errors
// and change nothing.

import { rolesWith } from "../roles.js";

/** Who runs the room (static/shared/roles.json). */
export const LEADS = new Set(rolesWith("lead_room"));

/** Fields the reducer reads besides `type` and the counters: strings whenever present. */
const TEXT_FIELDS = ["for_handle", "label", "handle", "item"];

/** A JSON integer (never a boolean), or null. */
export function jsonInt(value) {
  return Number.isSafeInteger(value) ? value : null;
}

const has = (object, key) => Object.hasOwn(object, key);
const get = (object, key, fallback = undefined) => (has(object, key) ? object[key] : fallback);

/**
 * An empty room. `totalsMs` is a Map (who -> ms), in first-spoken order; `itemTotalsMs` the same
 * for the current item only (emptied when an item starts); `spokeAtMs` (who -> ms) the last time
 * each person had the floor, by the `at` of the messages that gave and ended it.
 */
export function createRoom() {
  return {
    queue: [],
    speaker: null, // {who, sinceMs}: a handle, or "label:<text>" for someone without a device
    totalsMs: new Map(),
    itemTotalsMs: new Map(),
    spokeAtMs: new Map(),
    item: null,
    itemStartedMs: null,
    pausedAtMs: null,
    pausedTotalMs: 0,
    closedAtMs: null, // set by session_closed, cleared when an item starts again
    errors: [], // [seq, code]
    counters: new Map(), // author + epoch -> last sender_ctr
  };
}

/** The item's running time at `nowMs`, pauses left out. */
export function itemElapsedMs(room, nowMs) {
  if (room.itemStartedMs === null) return 0;
  const end = room.pausedAtMs !== null ? room.pausedAtMs : nowMs;
  return Math.max(0, end - room.itemStartedMs - room.pausedTotalMs);
}

function wellTyped(content) {
  if (jsonInt(get(content, "at", 0)) === null) return false;
  return TEXT_FIELDS.every((name) => !has(content, name) || typeof content[name] === "string");
}

/** Whom a hand event is about: the author, or (for facilitators) someone they name. */
function whoOf(author, content, role) {
  if (has(content, "for_handle") || has(content, "label")) {
    if (!LEADS.has(role)) return null;
    if (has(content, "for_handle")) return content.for_handle;
    return `label:${content.label}`;
  }
  return author;
}

/** Whom `speaker_called` names: a non-empty `handle`, else the `label`; null if neither. */
function called(content) {
  if (has(content, "handle") && content.handle !== "") return content.handle;
  if (has(content, "label")) return `label:${content.label}`;
  return null;
}

/** When the speaker's time in the current item began: a turn that began before the item
 * counts in it from the item's start only. */
export function speakerItemSinceMs(room) {
  if (room.speaker === null) return null;
  if (room.itemStartedMs === null) return room.speaker.sinceMs;
  return Math.max(room.speaker.sinceMs, room.itemStartedMs);
}

function finishSpeaker(room, at) {
  if (room.speaker !== null) {
    const spoken = Math.max(0, at - room.speaker.sinceMs);
    const who = room.speaker.who;
    room.totalsMs.set(who, (room.totalsMs.get(who) ?? 0) + spoken);
    if (room.itemStartedMs !== null) {
      const inItem = Math.max(0, at - speakerItemSinceMs(room));
      room.itemTotalsMs.set(who, (room.itemTotalsMs.get(who) ?? 0) + inItem);
    }
    room.spokeAtMs.set(who, Math.max(room.spokeAtMs.get(who) ?? at, at));
    room.speaker = null;
  }
}

/** Applies one message; returns an error code instead when it may not change the state. */
function apply(room, author, role, content) {
  const kind = get(content, "type", null);
  if (!wellTyped(content)) return "malformed";
  const at = get(content, "at", 0);
  if (kind === "text") return null;
  if (kind === "hand_raised" || kind === "hand_lowered") {
    const who = whoOf(author, content, role);
    if (who === null) return "not_allowed";
    const index = room.queue.indexOf(who);
    if (kind === "hand_raised" && index < 0) room.queue.push(who);
    else if (kind === "hand_lowered" && index >= 0) room.queue.splice(index, 1);
    return null;
  }
  if (!LEADS.has(role)) return "not_allowed";
  if (kind === "speaker_called") {
    const who = called(content);
    if (who === null) return "malformed";
    finishSpeaker(room, at);
    const index = room.queue.indexOf(who);
    if (index >= 0) room.queue.splice(index, 1);
    room.speaker = { who, sinceMs: at };
    room.spokeAtMs.set(who, Math.max(room.spokeAtMs.get(who) ?? at, at));
  } else if (kind === "speaker_done") {
    finishSpeaker(room, at);
  } else if (kind === "item_started") {
    if (!has(content, "item")) return "malformed";
    room.item = content.item;
    room.itemStartedMs = at;
    room.itemTotalsMs = new Map();
    room.pausedAtMs = null;
    room.pausedTotalMs = 0;
    room.closedAtMs = null;
  } else if (kind === "session_closed") {
    finishSpeaker(room, at);
    room.queue.length = 0;
    if (room.itemStartedMs !== null && room.pausedAtMs === null) room.pausedAtMs = at;
    if (room.closedAtMs === null) room.closedAtMs = at;
  } else if (kind === "timer_paused" && room.pausedAtMs === null) {
    room.pausedAtMs = at;
  } else if (kind === "timer_resumed" && room.pausedAtMs !== null) {
    room.pausedTotalMs += Math.max(0, at - room.pausedAtMs);
    room.pausedAtMs = null;
  } else if (kind !== "timer_paused" && kind !== "timer_resumed") {
    return "unknown_type";
  }
  return null;
}

function roleOf(roles, author, epoch) {
  if (typeof roles === "function") return roles(author, epoch) ?? null;
  return typeof author === "string" && has(roles, author) ? roles[author] : null;
}

/**
 * Applies one opened message `{seq, epoch, author, content}` that follows everything applied so
 * far in `seq` order. `roles`: handle -> role from the verified roster, or a function
 * (handle, epoch) -> role (the roster of the message's epoch). Returns the error code or null.
 */
export function applyEntry(room, entry, roles) {
  const { author, content } = entry;
  const fail = (code) => {
    room.errors.push([entry.seq, code]);
    return code;
  };
  const role = roleOf(roles, author, entry.epoch);
  if (role === null) return fail("not_in_roster");
  if (content === null || typeof content !== "object" || Array.isArray(content)) return fail("malformed");
  const ctr = jsonInt(get(content, "sender_ctr", null));
  const key = JSON.stringify([author, entry.epoch]);
  if (ctr === null || ctr <= (room.counters.get(key) ?? -1)) return fail("replay");
  room.counters.set(key, ctr);
  const error = apply(room, author, role, content);
  return error ? fail(error) : null;
}

/** The room after `log` (opened messages in `seq` order). */
export function replay(log, roles) {
  const room = createRoom();
  for (const entry of log) applyEntry(room, entry, roles);
  return room;
}

/** Plain JSON of a room (for tests and debugging). */
export function snapshot(room, nowMs = null) {
  return {
    queue: [...room.queue],
    speaker: room.speaker ? room.speaker.who : null,
    totals_ms: Object.fromEntries(room.totalsMs),
    item_totals_ms: Object.fromEntries(room.itemTotalsMs),
    spoke_at_ms: Object.fromEntries(room.spokeAtMs),
    item: room.item,
    item_elapsed_ms: nowMs === null ? null : itemElapsedMs(room, nowMs),
    closed_at_ms: room.closedAtMs,
    errors: room.errors.map(([seq, code]) => [seq, code]),
  };
}
