// Apply: the summary as exported, with the convener's decisions on the findings (see
// facilitator/export/anonymise/apply.py, which describes the output).

import { POSSIBLE } from "./confidence.js";
import { slice } from "./fold.js";
import { isMapping } from "./model.js";

/** The English texts for the label keys; a user interface passes its own translations. */
export const DEFAULT_LABELS = Object.freeze({
  participant: "[a participant]",
  organisation: "[an organisation]",
  side: "[a side]",
  term: "[a term]",
});
const ALWAYS_REPLACED = new Set(["handle", "pseudonym"]);
const SMALLEST_COUNT = 3;

/** Rewrites each kept text with the convener's decisions (parsed) on its findings. */
export class Cleaner {
  constructor(findings, decisions, labels) {
    this.labels = labels;
    this.decisions = decisions;
    this.byField = new Map();
    for (const found of findings) {
      if (!this.byField.has(found.where)) this.byField.set(found.where, []);
      this.byField.get(found.where).push(found);
    }
  }

  replacement(found) {
    const label = this.labels[found.label];
    if (ALWAYS_REPLACED.has(found.kind)) return label;
    const decision = this.decisions.get(found.id);
    if (decision === undefined && found.confidence === POSSIBLE) return found.match;
    const { action, replacement } = decision ?? {};
    if (action === "keep") return found.match;
    return action === "replace" && typeof replacement === "string" ? replacement : label;
  }

  clean(where, text) {
    const chars = [...text];
    const parts = [];
    let at = 0;
    for (const found of this.byField.get(where) ?? []) {
      parts.push(slice(chars, at, found.start), this.replacement(found));
      at = found.end;
    }
    parts.push(slice(chars, at, chars.length));
    return parts.join("");
  }
}

/** Counts by side: a count under 3 (or not a number) becomes null and its side is listed in
 * `suppressed`. */
export function suppressed(bySide) {
  const kept = [];
  const sides = [];
  for (const [side, count] of Object.entries(bySide)) {
    const exact = typeof count === "number" && Number.isFinite(count);
    kept.push([side, exact && count >= SMALLEST_COUNT ? count : null]);
    if (!(exact && count >= SMALLEST_COUNT)) sides.push(side);
  }
  // fromEntries defines every side as an own property, "__proto__" included.
  return { by_side: Object.fromEntries(kept), suppressed: sides };
}

function exportedNote(where, note, day, cleaner) {
  const out = { kind: note.kind, text: cleaner.clean(`${where}.text`, note.text), lang: note.lang };
  if (note.translation !== null) {
    out.translation = {
      text: cleaner.clean(`${where}.translation.text`, note.translation.text),
      lang: note.translation.lang,
    };
  }
  out.at = day ?? note.day;
  return out;
}

function exportedItem(where, item, day, cleaner) {
  const out = { title: cleaner.clean(`${where}.title`, item.title) };
  if (item.phase !== null) out.phase = item.phase;
  out.rule = item.rule;
  out.notes = item.notes.map((note) => exportedNote(`${where}.notes[${note.index}]`, note, day, cleaner));
  if (isMapping(item.bySide)) out.counts = suppressed(item.bySide);
  return out;
}

function exportedSession(session, cleaner) {
  const where = `sessions[${session.index}]`;
  const items = session.items.map((item) =>
    exportedItem(`${where}.items[${item.index}]`, item, session.day, cleaner),
  );
  return { title: cleaner.clean(`${where}.title`, session.title), day: session.day, items };
}

/** The parsed summary as exported, cleaned by `cleaner`. */
export function exported(summary, cleaner) {
  const out = { dialogue: { title: cleaner.clean("dialogue.title", summary.title) } };
  if (summary.freeText !== null) out.free_text = cleaner.clean("free_text", summary.freeText);
  out.sessions = summary.sessions.map((session) => exportedSession(session, cleaner));
  return out;
}
