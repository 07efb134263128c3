// The documents inside `meta` envelopes (docs/dialogue-content.md): building the page's model
// from opened envelopes, picking a text in the reader's language, and the allowed codes.

import { b64uEncode, randomId } from "../td2/index.js";
import { currentLocale } from "../i18n.js";
import { rolesWith } from "../roles.js";

export const PHASES = ["opening", "perspectives", "joint_analysis", "solutions", "closing", "caucus", "break"];
export const RULES = ["on_record", "chatham_house", "off_record", "no_notes"];
export const TRACKS = ["1.5", "II", "III"];
export const MEDIATOR_TYPES = ["outsider_neutral", "insider_partial", "international"];
export const ATTENDANCE = ["in_room", "remote"];
/** Roles a team account may be seated with; roles a link invites (static/shared/roles.json). */
export const TEAM_ROLES = rolesWith("team_seat");
export const PARTICIPANT_ROLES = rolesWith("link_invitation");
/** Roles that may hold a steward key; roles that see the export and the dialogue's settings. */
export const STEWARD_ROLES = rolesWith("steward");
export const EXPORTERS = rolesWith("export");

/** A document id: 16 random bytes, base64url; it stays the same across edits. */
export function newDocId() {
  return b64uEncode(randomId());
}

/** Only the string values of a texts object ({"en": "…", "ar": "…"}). */
export function cleanTexts(value) {
  const out = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) return out;
  for (const [tag, text] of Object.entries(value)) {
    if (typeof text === "string" && text.trim() !== "") out[tag] = text;
  }
  return out;
}

/**
 * The text in the first preferred language that has one, else any.
 * @returns {{text: string, lang: string} | null}
 */
export function pickText(value, preferences) {
  const texts = cleanTexts(value);
  for (const tag of preferences) {
    if (tag && Object.hasOwn(texts, tag)) return { text: texts[tag], lang: tag };
  }
  const [first] = Object.entries(texts);
  return first ? { text: first[1], lang: first[0] } : null;
}

/** Reader's languages in order: a chosen one, the page's, then the dialogue's working ones. */
export function preferences(model, chosen = null) {
  const working = Array.isArray(model.dialogue?.doc.languages) ? model.dialogue.doc.languages : [];
  return [chosen, currentLocale(), ...working].filter((tag) => typeof tag === "string" && tag);
}

const position = (entry) => (Number.isFinite(entry.doc.position) ? entry.doc.position : 0);
const byPosition = (a, b) => position(a) - position(b) || a.env.seq - b.env.seq;

/**
 * The newest version (highest seq) of each thing `keyOf` names, and the entries that did not
 * open (`keyOf` gives null): of two versions of one document, edits that crossed, the later wins.
 * @param {any[]} entries opened envelopes, `{env, ...}`
 * @param {(entry: any) => string | null} keyOf
 * @returns {{newest: Map<string, any>, errors: any[]}}
 */
export function newestVersions(entries, keyOf) {
  const newest = new Map();
  const errors = [];
  for (const entry of entries) {
    const key = keyOf(entry);
    if (key === null) {
      errors.push(entry);
      continue;
    }
    const seen = newest.get(key);
    if (!seen || seen.env.seq < entry.env.seq) newest.set(key, entry);
  }
  return { newest, errors };
}

/**
 * Groups opened envelopes by document type, the newest version of each document
 * (newestVersions); entries that did not open go to `errors`.
 */
export function buildModel(entries) {
  const { newest, errors } = newestVersions(entries, (entry) => (entry.doc ? `${entry.doc.type}:${entry.doc.id}` : null));
  const model = { dialogue: null, persons: [], sessions: [], items: [], terms: [], errors, entries };
  for (const entry of newest.values()) {
    const { type } = entry.doc;
    if (type === "dialogue") {
      if (!model.dialogue || model.dialogue.env.seq < entry.env.seq) model.dialogue = entry;
    } else if (type === "person") model.persons.push(entry);
    else if (type === "session") model.sessions.push(entry);
    else if (type === "agenda_item") model.items.push(entry);
    else if (type === "glossary_term") model.terms.push(entry);
  }
  model.sessions.sort(
    (a, b) => position(a) - position(b) || String(a.doc.starts).localeCompare(String(b.doc.starts)),
  );
  model.items.sort(byPosition);
  return model;
}

/** The items of one session, in order. */
export function itemsOf(model, sessionId) {
  return model.items.filter((entry) => entry.doc.session === sessionId);
}

/** The person document of a member (by handle) or of an invitation (by invite id). */
export function personFor(model, { handle = null, inviteId = null }) {
  return (
    model.persons.find(
      (entry) =>
        (handle && entry.doc.handle === handle) || (inviteId && entry.doc.invite_id === inviteId),
    ) ?? null
  );
}

/** Parses "ar>fr, fr>ar" (or "ar-fr") into [["ar","fr"],["fr","ar"]]. */
export function parseLanguagePairs(text) {
  return String(text)
    .split(/[,;]/)
    .map((part) => part.trim().split(/\s*(?:>|→|-|\/)\s*/))
    .filter((pair) => pair.length === 2 && pair[0] && pair[1])
    .map(([from, to]) => [from.toLowerCase(), to.toLowerCase()]);
}

/** Parses "en, ar, fr" into canonical language tags; unknown tags are dropped. */
export function parseLanguages(text) {
  const tags = [];
  for (const part of String(text).split(/[\s,;]+/)) {
    if (!part) continue;
    try {
      const [tag] = Intl.getCanonicalLocales(part);
      if (!tags.includes(tag)) tags.push(tag);
    } catch {
      // not a language tag
    }
  }
  return tags;
}
