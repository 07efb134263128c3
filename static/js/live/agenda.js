// The agenda as the live room uses it: which session to show, the current item's document, its
// confidentiality rule (the item's, else the dialogue's default), and its timer with the warning
// states. Pure functions over the `meta` model (docs.js) and the room state (state.js).

import { RULES, itemsOf, personFor } from "../dialogues/docs.js";
import { currentOrNext } from "../dialogues/time.js";
import { itemElapsedMs } from "./state.js";

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
