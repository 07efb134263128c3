// Interpretation in text (docs/live-room.md, "Interpretation"). Every message carries its
// language; an interpreter's translation is a `text` message with `translation_of` (the
// original's message_id) and its own `lang`. A later translation of the same original into the
// same language corrects the earlier one. Only members who are interpreters in the verified
// roster may translate: anyone else's translation is shown as an error and never replaces text.
// Pure functions over the room's ordered, opened entries.

import { rolesWith } from "../roles.js";

export const TRANSLATORS = new Set(rolesWith("interpret"));

const isText = (entry) => !entry.error && !entry.refused && entry.content?.type === "text";
const isTranslation = (entry) => typeof entry.content.translation_of === "string";
const langOf = (entry) => (typeof entry.content.lang === "string" ? entry.content.lang : "");

/** The language pairs an interpreter covers, from their person document: [[from, to], …]. */
export function pairsOf(person) {
  const pairs = person?.doc?.language_pairs;
  return Array.isArray(pairs)
    ? pairs.filter((p) => Array.isArray(p) && p.length === 2 && p.every((t) => typeof t === "string"))
    : [];
}

/**
 * Translations of each original: Map(original message_id -> Map(lang -> {entry, versions})),
 * plus the translations refused because their author is not an interpreter.
 * `roleOf(entry)` is the author's role in the entry's verified roster.
 */
export function translationIndex(ordered, roleOf) {
  const index = { byOriginal: new Map(), refused: new Set() };
  for (const entry of ordered) addToIndex(index, entry, roleOf);
  return index;
}

/**
 * The translation index of a room's `ordered` entries, kept per array: the room adds entries to
 * the end of the same array while they come in order and makes a new array when it replays its
 * log (room-log.js), so only the entries added since the last call are read.
 */
export function liveTranslationIndex(ordered, roleOf) {
  const kept = indexes.get(ordered);
  if (!kept) {
    indexes.set(ordered, { length: ordered.length, index: translationIndex(ordered, roleOf) });
    return indexes.get(ordered).index;
  }
  for (let i = kept.length; i < ordered.length; i += 1) addToIndex(kept.index, ordered[i], roleOf);
  kept.length = ordered.length;
  return kept.index;
}

const indexes = new WeakMap();

/**
 * Adds one entry, following every entry added so far in `seq` order, to a translation index.
 * Returns the original's message_id when the entry is a translation it now holds, else null.
 */
export function addToIndex(index, entry, roleOf) {
  if (!isText(entry) || !isTranslation(entry)) return null;
  if (!TRANSLATORS.has(roleOf(entry))) {
    index.refused.add(entry.env.message_id);
    return null;
  }
  const original = entry.content.translation_of;
  const lang = langOf(entry);
  if (!index.byOriginal.has(original)) index.byOriginal.set(original, new Map());
  const languages = index.byOriginal.get(original);
  const seen = languages.get(lang);
  languages.set(lang, { entry, versions: (seen?.versions ?? 0) + 1 });
  return original;
}

/**
 * What a reader sees for an original: its translation into `readLang` when there is one (and
 * the original is in another language), else the original.
 */
export function forReader(entry, index, readLang) {
  const lang = langOf(entry);
  const translated = readLang && lang !== readLang ? index.byOriginal.get(entry.env.message_id)?.get(readLang) : null;
  return translated
    ? { shown: translated.entry, translation: true, corrected: translated.versions > 1 }
    : { shown: entry, translation: false, corrected: false };
}

/**
 * The interpreter's queue: originals in a language the interpreter translates from that lack a
 * translation into one of its targets, oldest first: [{entry, missing: [lang, …]}].
 */
export function interpreterQueue(ordered, index, pairs) {
  const targets = new Map();
  for (const [from, to] of pairs) {
    if (!targets.has(from)) targets.set(from, []);
    targets.get(from).push(to);
  }
  const queue = [];
  for (const entry of ordered) {
    if (!isText(entry) || isTranslation(entry)) continue;
    const wanted = targets.get(langOf(entry));
    if (!wanted) continue;
    const done = index.byOriginal.get(entry.env.message_id) ?? new Map();
    const missing = wanted.filter((to) => !done.has(to));
    if (missing.length) queue.push({ entry, missing });
  }
  return queue;
}

/** The originals only (translations are shown in their place, not as messages of their own). */
export function originals(ordered) {
  return ordered.filter((entry) => !isText(entry) || !isTranslation(entry));
}
