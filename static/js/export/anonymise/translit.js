// Cross-script matching: a roster name written in another script than the roster's (see
// facilitator/export/anonymise/translit.py, which gives the reasons). Words become sets of
// consonant skeletons through any-ascii (vendored from npm; the same release and tables as PyPI
// anyascii) and the shared rules of static/shared/anonymiser-languages.json. Texts are arrays of
// code points, as in fold.js.

import anyAscii from "../../../vendor/any-ascii.js";
import { fold, prefixLengths, scriptOf, slice, startsAt } from "./fold.js";
import {
  ARTICLE_PREFIXES,
  ARTICLES,
  LAM_PREFIXES,
  LINE_BREAK_HYPHENS,
  MAX_SKELETONS,
  SEPARATORS,
  SKELETON_DROP,
  SKELETON_LETTERS,
  SKELETON_MIN_SINGLE,
  SKELETON_MIN_TOTAL,
  SKELETON_RULES,
  TRANSLITERATED_SCRIPTS,
} from "./languages.js";

const LONGEST_RULE = Math.max(...[...SKELETON_RULES.keys()].map((pattern) => pattern.length));
const FOLDED_ARTICLES = new Set([...ARTICLES].map((article) => fold(article).join("")));
const FOLDED_ARTICLE_PREFIXES = ARTICLE_PREFIXES.map((prefix) => fold(prefix));
const SHORTEST_REST = 2;

/** The lower-case ASCII letters any-ascii writes for a folded word (a string). */
export function latin(word) {
  return [...anyAscii(word).toLowerCase()].filter((char) => char >= "a" && char <= "z").join("");
}

/** The ASCII letters of a folded word (code points) in the pieces the rules see, each piece as
 * its alternatives: a Latin word whole (a final h may be a written final vowel), any other word
 * letter by letter (Hebrew כהן is k-h-n, not kh-n), by the letters table where it has one. */
function segmentsOf(word) {
  if (word.length && scriptOf(word[0]) === "latin") {
    const letters = latin(word.join(""));
    if (letters.length > 1 && letters.endsWith("h") && !SKELETON_RULES.has(letters.slice(-2))) {
      return [[letters, letters.slice(0, -1)]];
    }
    return [[letters]];
  }
  const pieces = word.map((char) => SKELETON_LETTERS.get(char) ?? [latin(char)]);
  return pieces.filter((piece) => piece.some((alternative) => alternative));
}

/** Every rewriting of `letters` by the rules, in order. */
function rules(letters) {
  let variants = [""];
  let at = 0;
  while (at < letters.length) {
    let length = 1;
    let alternatives = [letters[at]];
    for (let size = Math.min(LONGEST_RULE, letters.length - at); size > 0; size -= 1) {
      const rule = SKELETON_RULES.get(letters.slice(at, at + size));
      if (rule !== undefined) {
        length = size;
        alternatives = rule;
        break;
      }
    }
    variants = variants.flatMap((v) => alternatives.map((a) => v + a)).slice(0, MAX_SKELETONS);
    at += length;
  }
  return variants;
}

/** A rewritten variant (ASCII letters) as a skeleton: doubled letters collapsed, then the
 * vowel-like letters dropped. */
function skeletonOf(variant) {
  let out = "";
  for (let at = 0; at < variant.length; at += 1) {
    const char = variant[at];
    if ((at === 0 || variant[at - 1] !== char) && !SKELETON_DROP.has(char)) out += char;
  }
  return out;
}

const skeletonCache = new Map();
/** The consonant skeletons of a folded word (a string), distinct, in a fixed order. */
export function skeletons(word) {
  let out = skeletonCache.get(word);
  if (out === undefined) {
    let variants = [""];
    for (const piece of segmentsOf([...word])) {
      const rewritten = piece.flatMap(rules);
      variants = variants.flatMap((v) => rewritten.map((r) => v + r)).slice(0, MAX_SKELETONS);
    }
    out = [];
    for (const variant of variants) {
      const skeleton = skeletonOf(variant);
      if (skeleton && !out.includes(skeleton)) out.push(skeleton);
    }
    skeletonCache.set(word, out);
  }
  return out;
}

/** `word` (code points), and `word` without the article prefix it starts with. */
function withoutArticle(word) {
  const forms = [word];
  for (const prefix of FOLDED_ARTICLE_PREFIXES) {
    if (startsAt(word, prefix, 0) && word.length - prefix.length >= SHORTEST_REST) {
      forms.push(word.slice(prefix.length));
    }
  }
  return forms;
}

function skeletonSet(forms) {
  const found = new Set();
  for (const form of forms) for (const skeleton of skeletons(form.join(""))) found.add(skeleton);
  return found;
}

function tokenScript(token) {
  for (const char of token) {
    const script = scriptOf(char);
    if (script) return script;
  }
  return "";
}

/** The needle for a run of folded name words (arrays of code points), or null when it cannot be
 * looked for in other scripts: {words: [[script, Set(skeletons)]], kind, source, key}. */
export function crossNeedle(tokens, kind, source) {
  const kept = tokens.length > 1 ? tokens.filter((t) => !FOLDED_ARTICLES.has(t.join(""))) : tokens;
  const words = [];
  for (const token of kept) {
    const script = tokenScript(token);
    const found = skeletonSet(withoutArticle(token));
    if (!TRANSLITERATED_SCRIPTS.has(script) || !found.size) return null;
    words.push([script, found]);
  }
  if (!words.length) return null;
  // A word alone must be long under every reading ("ثمینہ" reads smnh, smnt or smn, and smnt is
  // also "cement"); a longer name is checked by its longest readings.
  const lengths = (found) => [...found].map((s) => s.length);
  if (words.length === 1) {
    if (Math.min(...lengths(words[0][1])) < SKELETON_MIN_SINGLE) return null;
  } else {
    const total = words.map(([, found]) => Math.max(...lengths(found))).reduce((a, b) => a + b, 0);
    if (total < SKELETON_MIN_TOTAL) return null;
  }
  const key = JSON.stringify(words.map(([script, found]) => [script, [...found].sort()]));
  return { words, kind, source, key };
}

/** Where a name may begin in a folded word and the skeletons read from there:
 * Map(offset -> Set). */
const readingsCache = new Map();
function readingsOf(word, script) {
  const key = `${script}:${word.join("")}`;
  let readings = readingsCache.get(key);
  if (readings === undefined) {
    readings = wordReadings(word, script);
    readingsCache.set(key, readings);
  }
  return readings;
}

function wordReadings(word, script) {
  const bases = new Map([[0, [word]]]);
  for (const length of prefixLengths(word, script)) {
    const rest = word.slice(length);
    if (!bases.has(length)) bases.set(length, []);
    bases.get(length).push(rest);
    if (LAM_PREFIXES.has(slice(word, 0, length)) && rest[0] === "ل" && rest.length > SHORTEST_REST) {
      bases.get(length).push(rest.slice(1));
    }
  }
  const readings = new Map();
  for (const [at, forms] of bases) readings.set(at, skeletonSet(forms.flatMap(withoutArticle)));
  return readings;
}

function sharedLength(found, wanted) {
  let best = 0;
  for (const skeleton of found) if (wanted.has(skeleton) && skeleton.length > best) best = skeleton.length;
  return best;
}

/** The words of a folded text in the transliterated scripts, with their skeletons. */
export class Readings {
  constructor(folded) {
    this.folded = folded;
    this.words = [];
    this.bySkeleton = new Map();
    for (const [start, end] of folded.words) {
      const text = folded.text.slice(start, end);
      const script = scriptOf(text[0]);
      const article = FOLDED_ARTICLES.has(text.join(""));
      // An article is skipped, never read as a word of a name ("al" is also "Ali"'s l).
      const translit = TRANSLITERATED_SCRIPTS.has(script) && !article;
      const readings = translit ? readingsOf(text, script) : new Map();
      const index = this.words.length;
      const shifted = new Map();
      for (const [at, found] of readings) shifted.set(start + at, found);
      this.words.push({ start, end, script, article, readings: shifted });
      for (const [at, found] of readings) {
        for (const skeleton of found) {
          if (!this.bySkeleton.has(skeleton)) this.bySkeleton.set(skeleton, []);
          this.bySkeleton.get(skeleton).push([index, start + at]);
        }
      }
    }
  }

  gap(before) {
    return this.folded.text.slice(this.words[before].end, this.words[before + 1].start);
  }

  joined(before) {
    const gap = this.gap(before);
    return gap.length > 0 && gap.every((char) => SEPARATORS.has(char));
  }

  shared(index, at, script, wanted) {
    const word = this.words[index];
    if (word.script === script || !TRANSLITERATED_SCRIPTS.has(word.script)) return 0;
    return sharedLength(word.readings.get(at) ?? new Set(), wanted);
  }

  /** [end, shared letters] when the needle's words from `word` on follow word `index`. */
  rest(index, needle, word) {
    if (word === needle.words.length) return [this.words[index].end, 0];
    const [script, wanted] = needle.words[word];
    const candidates = [index + 1];
    if (index + 2 < this.words.length && this.words[index + 1].article) candidates.push(index + 2);
    for (const candidate of candidates) {
      if (candidate >= this.words.length || !this.joined(candidate - 1)) return null;
      const shared = this.shared(candidate, this.words[candidate].start, script, wanted);
      if (shared) {
        const rest = this.rest(candidate, needle, word + 1);
        if (rest !== null) return [rest[0], rest[1] + shared];
      }
    }
    return null;
  }

  /** Every [start, end] in the original's code points where the needle is written in another
   * script. */
  find(needle) {
    const [script, wanted] = needle.words[0];
    const least = needle.words.length === 1 ? SKELETON_MIN_SINGLE : SKELETON_MIN_TOTAL;
    // Keyed by where the name would begin, which also tells the word.
    const places = new Map();
    for (const skeleton of wanted) {
      for (const place of this.bySkeleton.get(skeleton) ?? []) places.set(place[1], place);
    }
    const spans = new Map();
    for (const [index, at] of places.values()) {
      const shared = this.shared(index, at, script, wanted);
      if (!shared) continue;
      const rest = this.rest(index, needle, 1);
      if (rest === null || shared + rest[1] < least) continue;
      let start = at;
      const word = this.words[index];
      if (at === word.start && index > 0 && this.words[index - 1].article) {
        const gap = this.gap(index - 1);
        if (gap.length > 0 && gap.every((char) => LINE_BREAK_HYPHENS.has(char))) start = this.words[index - 1].start;
      }
      const span = this.folded.span(start, rest[0]);
      spans.set(span.join(":"), span);
    }
    return [...spans.values()];
  }
}
