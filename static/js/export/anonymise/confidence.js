// Confidence: whether a finding is certainly a name, or possibly an ordinary word (see
// facilitator/export/anonymise/confidence.py, which gives the rules and their reasons).

import { LOWER, UPPER, fold, isWord, language, scriptOf } from "./fold.js";
import { ATTRIBUTIVE_ARTICLE, COMMON_WORDS, SENTENCE_ENDS } from "./languages.js";

export const CERTAIN = "certain";
export const POSSIBLE = "possible";

/** Whether the folded `word` is a common word of `lang` (never when it is unknown or has no list). */
export function common(word, lang) {
  return COMMON_WORDS.get(language(lang))?.has(word) ?? false;
}

function sentenceStart(chars, at) {
  let before = at - 1;
  while (before >= 0 && !isWord(chars[before]) && !SENTENCE_ENDS.has(chars[before])) before -= 1;
  return before < 0 || SENTENCE_ENDS.has(chars[before]);
}

function wordBefore(chars, at) {
  let end = at;
  while (end > 0 && !isWord(chars[end - 1])) end -= 1;
  let start = end;
  while (start > 0 && isWord(chars[start - 1])) start -= 1;
  return fold(chars.slice(start, end).join("")).join("");
}

/** The confidence of a finding of `kind` at chars[start..end), found by a needle at `position` in
 * its name, in a text of language `lang`. `chars` is the text's code points. */
export function confidence(chars, start, end, kind, position, lang) {
  if (kind !== "participant" || position === "whole") return CERTAIN;
  const folded = fold(chars.slice(start, end).join("")).join("");
  if (!common(folded, lang)) return CERTAIN;
  if (position === "inner") {
    const capital = UPPER.test(chars[start]);
    return capital && !sentenceStart(chars, start) ? CERTAIN : POSSIBLE;
  }
  if (LOWER.test(chars[start])) return POSSIBLE;
  const attributive =
    scriptOf([...folded][0]) === "arabic" &&
    folded.startsWith(ATTRIBUTIVE_ARTICLE) &&
    wordBefore(chars, start).startsWith(ATTRIBUTIVE_ARTICLE);
  return attributive ? POSSIBLE : CERTAIN;
}

/** Whether a certain finding at chars[start] makes the other findings of the same person in its
 * text certain: any but a single word of a name written in lower case in a script with capitals. */
export function vouches(chars, start, kind, position) {
  return kind !== "participant" || position === "whole" || !LOWER.test(chars[start]);
}

/** [where, lang] for every text of the parsed summary with a language: notes and translations.
 * @returns {Generator<[string, string]>} */
export function* languagesOf(summary) {
  for (const session of summary.sessions) {
    for (const item of session.items) {
      for (const note of item.notes) {
        const where = `sessions[${session.index}].items[${item.index}].notes[${note.index}]`;
        yield /** @type {[string, string]} */ ([`${where}.text`, note.lang]);
        if (note.translation !== null) {
          yield /** @type {[string, string]} */ ([`${where}.translation.text`, note.translation.lang]);
        }
      }
    }
  }
}
