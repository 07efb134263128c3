// The anonymiser's inputs, parsed once at its edge (see facilitator/export/anonymise/model.py,
// which describes the input shapes): a missing or mistyped text is "", items other than
// chatham_house and on_record, team-channel notes and list entries that are not objects are left
// out, and times are cut to their ISO date, so the stages after this one see only these types.

import { ALIAS_SEPARATORS } from "./languages.js";

const EXPORTED_RULES = new Set(["chatham_house", "on_record"]);
const TEAM_CHANNEL = "team";
const ISO_DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/;

/**
 * @typedef {{ text: string, lang: string }} Translation
 * @typedef {{ index: number, kind: string, text: string, lang: string,
 *   translation: Translation | null, day: string | null }} Note
 * @typedef {{ index: number, title: string, phase: string | null, rule: string, notes: Note[],
 *   bySide: Record<string, unknown> | null }} Item
 * @typedef {{ index: number, title: string, day: string | null, items: Item[] }} Session
 * @typedef {{ title: string, freeText: string | null, sessions: Session[] }} Summary
 * @typedef {{ displayName: string, affiliation: string, side: string, handle: string,
 *   aliases: string[] }} Person
 * @typedef {{ roster: Person[], sides: string[], terms: string[], pseudonyms: string[] }} Context
 * @typedef {{ action: unknown, replacement: unknown }} Decision
 */

export function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function mapping(value) {
  return isMapping(value) ? value : {};
}

function str(value, fallback = "") {
  return typeof value === "string" ? value : fallback;
}

function strings(value) {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];
}

/** [index, entry] for the objects in a JSON list, indexed as in the list. */
function entries(value) {
  return (Array.isArray(value) ? [...value.entries()] : []).filter(([, entry]) => isMapping(entry));
}

/** The ISO date a timestamp starts with, as written (no time zone arithmetic). */
export function dayOf(value) {
  return typeof value === "string" && ISO_DAY.test(value) ? value.slice(0, 10) : null;
}

/** @returns {Note} */
function parseNote(index, note) {
  const translation = isMapping(note.translation)
    ? { text: str(note.translation.text), lang: str(note.translation.lang) }
    : null;
  return {
    index,
    kind: str(note.kind, "point"),
    text: str(note.text),
    lang: str(note.lang),
    translation,
    day: dayOf(note.at),
  };
}

/** @returns {Item} */
function parseItem(index, item) {
  const bySide = mapping(item.counts).by_side;
  return {
    index,
    title: str(item.title),
    phase: typeof item.phase === "string" ? item.phase : null,
    rule: item.rule,
    notes: entries(item.notes)
      .filter(([, note]) => note.channel !== TEAM_CHANNEL)
      .map(([n, note]) => parseNote(n, note)),
    bySide: isMapping(bySide) ? bySide : null,
  };
}

/** @returns {Session} */
function parseSession(index, session) {
  return {
    index,
    title: str(session.title),
    day: dayOf(session.day),
    items: entries(session.items)
      .filter(([, item]) => EXPORTED_RULES.has(item.rule))
      .map(([i, item]) => parseItem(i, item)),
  };
}

/** @returns {Summary} */
export function parseSummary(summary) {
  const source = mapping(summary);
  return {
    title: str(mapping(source.dialogue).title),
    freeText: typeof source.free_text === "string" ? source.free_text : null,
    sessions: entries(source.sessions).map(([s, session]) => parseSession(s, session)),
  };
}

/** @returns {Context} */
export function parseContext(context) {
  const source = mapping(context);
  return {
    roster: entries(source.roster).map(([, entry]) => ({
      displayName: str(entry.display_name),
      affiliation: str(entry.affiliation),
      side: str(entry.side),
      handle: str(entry.handle),
      aliases: strings(entry.aliases),
    })),
    sides: strings(source.sides),
    terms: strings(source.terms),
    pseudonyms: strings(source.pseudonyms),
  };
}

const ROSTER_KEYS = ["display_name", "affiliation", "side", "handle"];

/** The roster entry for a person document: its name, affiliation, side and handle where they are
 * non-blank strings, and its non-blank `aliases` (as facilitator/export/anonymise/model.py's
 * roster_entry). */
export function rosterEntry(person) {
  const source = mapping(person);
  const out = {};
  for (const key of ROSTER_KEYS) {
    const value = source[key];
    if (typeof value === "string" && value.trim()) out[key] = value;
  }
  const aliases = strings(source.aliases).filter((alias) => alias.trim());
  if (aliases.length) out.aliases = aliases;
  return out;
}

/** The aliases typed in one field: separated by commas (Latin, Arabic or ideographic),
 * semicolons or line breaks, trimmed, blanks and repeats left out. */
export function splitAliases(text) {
  const parts = [];
  let part = "";
  for (const char of String(text ?? "")) {
    if (ALIAS_SEPARATORS.has(char)) {
      parts.push(part.trim());
      part = "";
    } else part += char;
  }
  parts.push(part.trim());
  return [...new Set(parts.filter(Boolean))];
}

/** Decision by finding id (one without a string id is ignored; a later one wins).
 * @returns {Map<string, Decision>} */
export function parseDecisions(decisions) {
  const byId = new Map();
  for (const decision of Array.isArray(decisions) ? decisions : []) {
    if (isMapping(decision) && typeof decision.id === "string") {
      byId.set(decision.id, { action: decision.action, replacement: decision.replacement });
    }
  }
  return byId;
}
