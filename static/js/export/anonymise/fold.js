// Folding: the form in which names are compared, with the way back to the original text
// (see facilitator/export/anonymise/fold.py). Texts are arrays of code points here, so offsets
// count code points as Python does, not UTF-16 code units.

import {
  ARABIC_PREFIXES,
  CYRILLIC_ADJECTIVE_FINALS,
  CYRILLIC_ENDINGS,
  CYRILLIC_FINALS,
  HEBREW_PREFIX_LETTERS,
  HEBREW_PREFIX_MAX,
  IGNORED,
  LINE_BREAKS,
  LINE_BREAK_HYPHENS,
  LINE_BREAK_SPACES,
  NAME_PARTICLES,
  SCRIPTS,
  SUFFIX_RULES_RAW,
  UNASSIGNED_IN_14,
  VARIANTS,
} from "./languages.js";

const TATWEEL = "\u0640";
const MARK_RE = /^\p{M}$/u;
const WORD_RE = /^[\p{L}\p{N}]$/u;
const LETTER_RE = /^\p{L}$/u;

/** Whether `char` was assigned after Unicode 14: both implementations treat it as unassigned,
 * whatever their own Unicode version knows (Python 3.11 knows Unicode 14), so that they fold
 * alike. */
export function unknown(char) {
  const point = char.codePointAt(0);
  let low = 0;
  let high = UNASSIGNED_IN_14.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, last] = UNASSIGNED_IN_14[middle];
    if (point < first) high = middle - 1;
    else if (point > last) low = middle + 1;
    else return true;
  }
  return false;
}

/** A property test that says no for code points unknown to Unicode 14. */
const known = (re) => ({ test: (char) => !unknown(char) && re.test(char) });
const MARK = known(MARK_RE);
const WORD = known(WORD_RE);
const LETTER = known(LETTER_RE);

const scriptCache = new Map();
/** The script class of a letter ("" for digits and letters of other scripts). */
export function scriptOf(char) {
  let script = scriptCache.get(char);
  if (script === undefined) {
    script = "";
    if (LETTER.test(char)) {
      const point = char.codePointAt(0);
      const range = SCRIPTS.find(([low, high]) => low <= point && point <= high);
      script = range ? range[2] : "";
    }
    scriptCache.set(char, script);
  }
  return script;
}

const foldCache = new Map();
/**
 * One code point in compared form, as code points: compatibility-decomposed, without marks or
 * invisible controls, case-folded (upper then lower, as the Python module does), Arabic-script
 * variants unified.
 */
export function foldChar(char) {
  let folded = foldCache.get(char);
  if (folded === undefined) {
    folded = [];
    if (unknown(char)) {
      folded.push(char);
    } else if (!IGNORED.has(char)) {
      for (const part of char.normalize("NFKD")) {
        if (MARK.test(part)) continue;
        for (const cased of part.toUpperCase().toLowerCase().normalize("NFKD")) {
          if (!MARK.test(cased) && !IGNORED.has(cased)) folded.push(VARIANTS.get(cased) ?? cased);
        }
      }
    }
    foldCache.set(char, folded);
  }
  return folded;
}

/** The folded form of a string, as an array of code points. */
export function fold(text) {
  return [...text].flatMap(foldChar);
}

// The tables compared with folded text are folded too.
const foldedSet = (words) => new Set(words.map((word) => fold(word).join("")));
export const FOLDED_ENDINGS = foldedSet(CYRILLIC_ENDINGS);
export const FOLDED_FINALS = foldedSet(CYRILLIC_FINALS);
export const FOLDED_ADJECTIVE_FINALS = foldedSet(CYRILLIC_ADJECTIVE_FINALS);
export const FOLDED_PARTICLES = foldedSet(NAME_PARTICLES);
const SUFFIX_RULES = SUFFIX_RULES_RAW.map((rule) => ({
  langs: new Set(rule.langs),
  script: rule.script,
  after: new Set(fold(rule.after)),
  minStem: rule.min_stem,
  suffixes: foldedSet(rule.suffixes),
}));

/** The primary language subtag of a BCP 47 tag, lower case ("" when unknown). */
export function language(lang) {
  return lang.trim().toLowerCase().replaceAll("_", "-").split("-")[0];
}

const rulesCache = new Map();
/** The suffix rules for a text in `lang` (every rule for a text without a language). */
export function suffixRules(lang) {
  let rules = rulesCache.get(lang);
  if (rules === undefined) {
    const primary = language(lang);
    rules = SUFFIX_RULES.filter((rule) => !primary || !rule.langs.size || rule.langs.has(primary));
    rulesCache.set(lang, rules);
  }
  return rules;
}

/** Whether `char` is a letter or digit (of Unicode 14). */
export function isWord(char) {
  return WORD.test(char);
}

/** The general category test for an upper-case letter (of Unicode 14). */
export const UPPER = known(/^\p{Lu}$/u);
export const LOWER = known(/^\p{Ll}$/u);

/** Where the next word starts when a word ending at `at` is broken there across a line by a
 * hyphen (hyphens, optional spaces, a line break, optional spaces), else null. */
export function lineBreakAfter(text, at) {
  let end = at;
  while (end < text.length && LINE_BREAK_HYPHENS.has(text[end])) end += 1;
  if (end === at) return null;
  let broken = false;
  while (end < text.length && (LINE_BREAK_SPACES.has(text[end]) || LINE_BREAKS.has(text[end]))) {
    broken = broken || LINE_BREAKS.has(text[end]);
    end += 1;
  }
  return broken && end < text.length && WORD.test(text[end]) ? end : null;
}

/** Dropped characters that belong to the letter before them: combining marks and tatweel. */
function attached(char) {
  return char === TATWEEL || MARK.test(char);
}

/** [start, end] of each run of letters and digits; a change of script between letters splits. */
export function splitWords(chars) {
  const words = [];
  let start = -1;
  let script = "";
  chars.forEach((char, at) => {
    if (!WORD.test(char)) {
      if (start >= 0) words.push([start, at]);
      start = -1;
      return;
    }
    const letterScript = scriptOf(char);
    if (start < 0) {
      start = at;
      script = letterScript;
    } else if (letterScript) {
      if (script && letterScript !== script) {
        words.push([start, at]);
        start = at;
      }
      script = letterScript;
    }
  });
  if (start >= 0) words.push([start, chars.length]);
  return words;
}

/** The folded words of a text, each an array of code points. */
export function tokensOf(text) {
  const folded = fold(text);
  return splitWords(folded).map(([start, end]) => folded.slice(start, end));
}

/** Whether the code points `token` stand in `chars` from `at`. */
export function startsAt(chars, token, at) {
  if (at + token.length > chars.length) return false;
  for (let i = 0; i < token.length; i += 1) {
    if (chars[at + i] !== token[i]) return false;
  }
  return true;
}

export function slice(chars, start, end) {
  return chars.slice(start, end).join("");
}

/** Lengths of the clitic prefixes a word may start with, shortest first. */
export function prefixLengths(word, script) {
  const lengths = [];
  if (script === "arabic") {
    for (const prefix of ARABIC_PREFIXES) {
      if (prefix.length < word.length && startsAt(word, prefix, 0)) lengths.push(prefix.length);
    }
    return lengths.sort((a, b) => a - b);
  }
  if (script === "hebrew") {
    const most = Math.min(HEBREW_PREFIX_MAX, word.length - 1);
    for (let length = 1; length <= most; length += 1) {
      if (!HEBREW_PREFIX_LETTERS.has(word[length - 1])) break;
      lengths.push(length);
    }
  }
  return lengths;
}

/** Where a name may begin, indexed by the letter there: each word's start, and the places after
 * each clitic prefix the word may start with (with that prefix): Map(letter -> [[at, prefix]]). */
function wordStarts(text, words) {
  const starts = new Map();
  for (const [start, end] of words) {
    const word = text.slice(start, end);
    for (const length of [0, ...prefixLengths(word, scriptOf(word[0]))]) {
      if (!starts.has(word[length])) starts.set(word[length], []);
      starts.get(word[length]).push([start + length, length ? slice(word, 0, length) : ""]);
    }
  }
  return starts;
}

/** A text in compared form, with the way back to the original's code points. */
export class Folded {
  constructor(original) {
    this.original = [...original];
    this.text = [];
    this.origin = [];
    this.original.forEach((char, at) => {
      for (const folded of foldChar(char)) {
        this.text.push(folded);
        this.origin.push(at);
      }
    });
    this.words = splitWords(this.text);
    this.wordEnd = new Array(this.text.length).fill(-1);
    for (const [start, end] of this.words) this.wordEnd.fill(end, start, end);
    this.starts = wordStarts(this.text, this.words);
  }

  /** The original code points that folded characters start..end came from, marks included. */
  span(start, end) {
    let last = this.origin[end - 1] + 1;
    while (last < this.original.length && attached(this.original[last])) last += 1;
    return [this.origin[start], last];
  }
}
