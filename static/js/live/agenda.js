// The agenda as the live room uses it: which session to show, the current item's document, its
// confidentiality rule (the item's, else the dialogue's default), and its timer with the warning
// states. Pure functions over the `meta` model (docs.js) and the room state (state.js).

import { RULES, itemsOf, personFor } from "../dialogues/docs.js";
import { currentOrNext, dayIn, isValidTimeZone, viewerTimeZone } from "../dialogues/time.js";
import { itemElapsedMs, speakerItemSinceMs } from "./state.js";

/** "Soon" this long before an item's time box ends. */
export const SOON_MS = 2 * 60_000;

export function itemById(model, id) {
  return model.items.find((entry) => entry.doc.id === id) ?? null;
}

/** The session to show: the current item's, else a chosen one, else the running or next one. */
export function shownSession(model, room, chosenId = null) {
  const current = room.item ? itemById(model, room.item) : null;
  const byId = (id) => model.sessions.find((entry) => entry.doc.id === id) ?? null;
  return (
    (chosenId && byId(chosenId)) ||
    (current && byId(current.doc.session)) ||
    currentOrNext(model.sessions)?.entry ||
    null
  );
}

export function sessionItems(model, session) {
  return session ? itemsOf(model, session.doc.id) : [];
}

/** The confidentiality rule code of an item document. */
export function ruleOf(model, doc) {
  if (doc && RULES.includes(doc.confidentiality)) return doc.confidentiality;
  const fallback = model.dialogue?.doc.confidentiality_default;
  return RULES.includes(fallback) ? fallback : null;
}

/**
 * The current item's timer: {elapsedMs, limitMs, remainingMs, paused, state} where state is
 * "idle" (no item), "running", "soon" (less than SOON_MS left) or "overrun".
 */
export function timerOf(model, room, nowMs) {
  const item = room.item ? itemById(model, room.item) : null;
  const minutes = Number(item?.doc.minutes);
  const limitMs = Number.isFinite(minutes) && minutes > 0 ? minutes * 60_000 : null;
  const elapsedMs = itemElapsedMs(room, nowMs);
  const paused = room.pausedAtMs !== null;
  if (room.itemStartedMs === null) return { elapsedMs: 0, limitMs, remainingMs: null, paused, state: "idle" };
  const remainingMs = limitMs === null ? null : limitMs - elapsedMs;
  let state = "running";
  if (remainingMs !== null && remainingMs < 0) state = "overrun";
  else if (remainingMs !== null && remainingMs <= SOON_MS) state = "soon";
  return { elapsedMs, limitMs, remainingMs, paused, state };
}

/** The speaker's running time now (0 when no one speaks). */
export function speakerElapsedMs(room, nowMs) {
  return room.speaker ? Math.max(0, nowMs - room.speaker.sinceMs) : 0;
}

/**
 * Who someone in the queue is: a member (by handle, named from their person document) or a
 * label for someone in the room without a device. {name, lang, handle, label, inRoom, side}
 */
export function describeWho(model, who) {
  if (typeof who === "string" && who.startsWith("label:")) {
    return { name: who.slice(6), lang: null, handle: null, label: who.slice(6), inRoom: true, side: null };
  }
  const doc = personFor(model, { handle: who })?.doc ?? null;
  const name = typeof doc?.display_name === "string" && doc.display_name.trim() ? doc.display_name : null;
  return {
    name,
    lang: null,
    handle: who,
    label: null,
    inRoom: doc?.attendance === "in_room",
    side: typeof doc?.side === "string" ? doc.side : null,
  };
}

/**
 * Speaking time per person, the running speaker included: [{who, ms}], longest first, with
 * every participant of the roster listed (at zero when they have not spoken yet).
 */
export function speakingTotals(room, roster, nowMs) {
  const totals = new Map(room.totalsMs);
  if (room.speaker) {
    totals.set(room.speaker.who, (totals.get(room.speaker.who) ?? 0) + speakerElapsedMs(room, nowMs));
  }
  for (const member of roster) {
    if (member.role === "participant" && !totals.has(member.handle)) totals.set(member.handle, 0);
  }
  return [...totals].map(([who, ms]) => ({ who, ms })).sort((a, b) => b.ms - a.ms);
}

// Fair floor time (docs/live-room.md, "Fair floor time"): who has not had the floor yet today
// comes first in the queue, and the console says so when one side has had markedly more of the
// current item than another.

/** One side has had markedly more of the item when it has this many times the next side's time… */
export const FLOOR_RATIO = 1.5;
/** …and at least this much more: a few seconds against none is no imbalance. */
export const FLOOR_MARGIN_MS = 2 * 60_000;

/** From this many times the other side's time on, the note says "far longer" rather than a number. */
export const FLOOR_FAR = 5;

/** The dialogue's time zone, whose calendar day is the room's "today"; else this device's. */
export function dialogueTimeZone(model) {
  const zone = model?.dialogue?.doc.timezone;
  return typeof zone === "string" && isValidTimeZone(zone) ? zone : viewerTimeZone();
}

/** Whether `who` has had the floor on the calendar day of `nowMs` in `timeZone` (or speaks now). */
export function spokeToday(room, who, timeZone, nowMs, today = dayIn(nowMs, timeZone)) {
  if (room.speaker?.who === who) return true;
  const at = room.spokeAtMs.get(who);
  // ISO days compare as strings; a time ahead of this device's clock counts as today.
  return at !== undefined && dayIn(at, timeZone) >= today;
}

/**
 * The queue as every screen shows it and "Next speaker" calls it: who has not had the floor yet
 * today first, then the others, each group in the order hands went up. [{who, firstToday}]
 */
export function floorOrder(room, timeZone, nowMs) {
  const today = dayIn(nowMs, timeZone);
  const rows = room.queue.map((who) => ({ who, firstToday: !spokeToday(room, who, timeZone, nowMs, today) }));
  return [...rows.filter((row) => row.firstToday), ...rows.filter((row) => !row.firstToday)];
}

const sideOf = (model, who) => describeWho(model, who).side?.trim() || null;

/**
 * Speaking time per side in the current item, the running speaker included: [{side, ms}], longest
 * first (then by name). The sides are those of the roster's participants, each listed (at zero
 * when none of its people has spoken in the item); people without a side (labels, the team) are
 * not counted. Empty when no item has started.
 */
export function itemSideTotals(model, room, roster, nowMs) {
  if (room.itemStartedMs === null) return [];
  const sides = new Map();
  for (const member of roster) {
    const side = member.role === "participant" ? sideOf(model, member.handle) : null;
    if (side) sides.set(side, 0);
  }
  const add = (who, ms) => {
    const side = sideOf(model, who);
    if (side !== null && sides.has(side)) sides.set(side, sides.get(side) + ms);
  };
  for (const [who, ms] of room.itemTotalsMs) add(who, ms);
  if (room.speaker) add(room.speaker.who, Math.max(0, nowMs - speakerItemSinceMs(room)));
  return [...sides]
    .map(([side, ms]) => ({ side, ms }))
    .sort((a, b) => b.ms - a.ms || (a.side < b.side ? -1 : a.side > b.side ? 1 : 0));
}

/**
 * Whether one side has had markedly more of the floor in the current item than the side with the
 * next most: at least FLOOR_RATIO times its time and FLOOR_MARGIN_MS more, with at least two
 * sides in the roster. {side, ms, other, otherMs, times} (times: the ratio to the nearest half
 * below 2, else to the nearest whole, at most FLOOR_FAR; null when the other side has not
 * spoken), or null.
 */
export function floorImbalance(sideTotals) {
  if (sideTotals.length < 2) return null;
  const [lead, next] = sideTotals;
  if (lead.ms < FLOOR_RATIO * next.ms || lead.ms - next.ms < FLOOR_MARGIN_MS) return null;
  const ratio = next.ms > 0 ? lead.ms / next.ms : null;
  let times = null;
  if (ratio !== null) times = ratio < 1.75 ? 1.5 : Math.min(Math.round(ratio), FLOOR_FAR);
  return { side: lead.side, ms: lead.ms, other: next.side, otherMs: next.ms, times };
}
