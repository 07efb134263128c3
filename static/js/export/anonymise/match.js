// Matching: what is looked for (needles made from the context) and where it occurs in a text
// (see facilitator/export/anonymise/match.py).

import {
  FOLDED_ADJECTIVE_FINALS,
  FOLDED_ENDINGS,
  FOLDED_FINALS,
  FOLDED_PARTICLES,
  lineBreakAfter,
  scriptOf,
  slice,
  startsAt,
  suffixRules,
  tokensOf,
} from "./fold.js";
import { ARABIC_SUFFIXES, LAM_PREFIXES, SEPARATORS, SPACED_JOINERS } from "./languages.js";
import { crossNeedle } from "./translit.js";

// Where two findings cover the same passage, the earlier kind wins.
export const PRIORITY = Object.freeze(["handle", "pseudonym", "participant", "affiliation", "side", "term"]);
const SHORTEST_STEM = 3;
const SHORTEST_PART = 3;
const HANDLE_LENGTH = 22;
const BASE64URL = /^[A-Za-z0-9_-]$/;
// The last character of 16 bytes in unpadded base64url carries 2 bits and 4 zero bits.
const HANDLE_LAST = new Set([..."AQgw"]);
// Which part of a name a needle is, most certain first (see match.py).
export const POSITIONS = Object.freeze(["whole", "last", "inner"]);

/** Whether a needle listed as (kind, position) wins over the one already kept. */
function better(kind, position, known) {
  const rank = PRIORITY.indexOf(kind) - PRIORITY.indexOf(known.kind);
  return rank < 0 || (rank === 0 && POSITIONS.indexOf(position) < POSITIONS.indexOf(known.position));
}

function tokenScript(token) {
  for (const char of token) {
    const script = scriptOf(char);
    if (script) return script;
  }
  return "";
}

/** `text` with its joiners typed as spaces ("رضایی نژاد" for "رضایی‌نژاد"), or null when it has
 * none. */
function spaced(text) {
  const out = [...text].map((char) => (SPACED_JOINERS.has(char) ? " " : char)).join("");
  return out === text ? null : out;
}

/** A roster name in full, then every run of its words ("Marie-Claire", "Haddad-Lund",
 * "Al-Mansour", "Ndiaye") except single words under three letters and runs ending in a particle;
 * each as [tokens, position in the name]. A name written with a ZWNJ is also looked for in full
 * with a space there (`spaced`). */
function* nameNeedles(name) {
  const tokens = tokensOf(name);
  yield [tokens, "whole"];
  const written = spaced(name);
  if (written !== null) yield [tokensOf(written), "whole"];
  for (let start = 0; start < tokens.length; start += 1) {
    for (let end = tokens.length; end > start; end -= 1) {
      const run = tokens.slice(start, end);
      const short = run.length === 1 && run[0].length < SHORTEST_PART;
      if (FOLDED_PARTICLES.has(run[run.length - 1].join("")) || short) continue;
      yield [run, run.length === tokens.length ? "whole" : end === tokens.length ? "last" : "inner"];
    }
  }
}

/** [tokens, kind, source] for the roster's names, aliases and affiliations. An alias is looked for
 * like the name, and its findings name the person by the display name. */
function* rosterListed(context) {
  for (const person of context.roster) {
    for (const name of [person.displayName, ...person.aliases]) {
      for (const [tokens, position] of nameNeedles(name)) {
        yield [tokens, "participant", person.displayName || name, position];
      }
    }
  }
  for (const person of context.roster) {
    yield [tokensOf(person.affiliation), "affiliation", person.affiliation, "whole"];
    const written = spaced(person.affiliation);
    if (written !== null) yield [tokensOf(written), "affiliation", person.affiliation, "whole"];
  }
}

/** The roster's names, aliases and affiliations as looked for in other scripts: one needle per
 * distinct set of skeletons, the first listed. */
export function crossNeedlesOf(context) {
  const best = new Map();
  for (const [tokens, kind, source, position] of rosterListed(context)) {
    const needle = tokens.length ? crossNeedle(tokens, kind, source) : null;
    if (needle === null) continue;
    const known = best.get(needle.key);
    if (!known || better(kind, position, known)) best.set(needle.key, { ...needle, position });
  }
  return [...best.values()];
}

/** [tokens, kind, source] for everything the parsed context names, in a fixed order. */
function* listed(context) {
  for (const pseudonym of context.pseudonyms) yield [tokensOf(pseudonym), "pseudonym", pseudonym, "whole"];
  yield* rosterListed(context);
  for (const side of [...context.roster.map((person) => person.side), ...context.sides]) {
    yield [tokensOf(side), "side", side, "whole"];
  }
  for (const term of context.terms) yield [tokensOf(term), "term", term, "whole"];
}

/** One needle per distinct folded phrase, of the highest-priority kind that lists it (and the
 * most certain position). */
export function needlesOf(context) {
  const best = new Map();
  for (const [tokens, kind, source, position] of listed(context)) {
    if (!tokens.length) continue;
    const key = JSON.stringify(tokens.map((token) => token.join("")));
    const known = best.get(key);
    if (!known || better(kind, position, known)) best.set(key, { tokens, kind, source, position });
  }
  return [...best.values()];
}

/** Where a needle's first word may begin, and the form it takes there: [[at, token], ...]. */
function* starts(folded, first) {
  if (scriptOf(first[0]) === "nospace") {
    for (let at = 0; at < folded.text.length; at += 1) {
      if (startsAt(folded.text, first, at)) yield [at, first];
    }
    return;
  }
  for (const [at] of folded.starts.get(first[0]) ?? []) yield [at, first];
  if (first[0] === "ا" && first[1] === "ل") {
    for (const [at, prefix] of folded.starts.get("ل") ?? []) {
      if (LAM_PREFIXES.has(prefix)) yield [at, first.slice(1)];
    }
  }
}

function cyrillicStems(token) {
  const stems = [token];
  if (token.length - 1 >= SHORTEST_STEM && FOLDED_FINALS.has(token[token.length - 1])) {
    stems.push(token.slice(0, -1));
  }
  if (token.length - 2 >= SHORTEST_STEM && FOLDED_ADJECTIVE_FINALS.has(token.slice(-2).join(""))) {
    stems.push(token.slice(0, -2));
  }
  return stems;
}

/** Whether `rest`, attached to a name's last word `token`, is a suffix of the text's language. */
function suffixed(token, rest, script, lang) {
  if (script === "arabic" && ARABIC_SUFFIXES.has(rest)) return true;
  return suffixRules(lang).some(
    (rule) =>
      rule.script === script &&
      token.length >= rule.minStem &&
      (!rule.after.size || rule.after.has(token[token.length - 1])) &&
      rule.suffixes.has(rest),
  );
}

/** Where `token` ends if the word at `at` is it (allowing for endings, and for a break across a
 * line by a hyphen), else null. */
function tokenEnd(folded, at, token, last, lang) {
  if (at >= folded.text.length || folded.wordEnd[at] < 0) return null;
  const wordEnd = folded.wordEnd[at];
  const { text } = folded;
  const script = tokenScript(token);
  const end = at + token.length;
  if (startsAt(text, token, at) && end <= wordEnd) {
    const rest = slice(text, end, wordEnd);
    if (!rest || scriptOf(token[token.length - 1]) === "nospace") return end;
    if (last && suffixed(token, rest, script, lang)) return end;
  }
  if (script === "cyrillic") {
    for (const stem of cyrillicStems(token)) {
      if (startsAt(text, stem, at) && FOLDED_ENDINGS.has(slice(text, at + stem.length, wordEnd))) {
        return wordEnd;
      }
    }
  }
  const head = wordEnd - at;
  if (head > 0 && head < token.length && startsAt(text, token.slice(0, head), at)) {
    const after = lineBreakAfter(text, wordEnd);
    if (after !== null) return tokenEnd(folded, after, token.slice(head), last, lang);
  }
  return null;
}

/** The end of the needle when its words follow one another from `at`, else null. */
function matchFrom(folded, tokens, at, lang) {
  let from = at;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    const end = tokenEnd(folded, from, token, index === tokens.length - 1, lang);
    if (end === null) return null;
    if (index === tokens.length - 1) return end;
    let gap = end;
    while (gap < folded.text.length && SEPARATORS.has(folded.text[gap])) gap += 1;
    const joined =
      scriptOf(token[token.length - 1]) === "nospace" && scriptOf(tokens[index + 1][0]) === "nospace";
    if (gap === end && !joined) return null;
    from = gap;
  }
  return null;
}

/** Every [start, end] in the original's code points where the needle occurs, in a text of
 * language `lang` (a BCP 47 tag; "" when unknown). */
export function find(folded, needle, lang = "") {
  const spans = new Map();
  for (const [at, first] of starts(folded, needle.tokens[0])) {
    const end = matchFrom(folded, [first, ...needle.tokens.slice(1)], at, lang);
    if (end !== null) {
      const span = folded.span(at, end);
      spans.set(span.join(":"), span);
    }
  }
  return [...spans.values()];
}

function characterClass(char) {
  if (/[0-9]/.test(char)) return "digit";
  if (/[A-Z]/.test(char)) return "upper";
  return /[a-z]/.test(char) ? "lower" : "";
}

/** 22 base64url characters ending as 16 bytes do, mixing at least two of lower case, upper case
 * and digits (a hyphenated word like "well-meaning-following" does not). */
function looksLikeHandle(run) {
  if (run.length !== HANDLE_LENGTH || !HANDLE_LAST.has(run[run.length - 1])) return false;
  const classes = new Set(run.map(characterClass));
  classes.delete("");
  return classes.size > 1;
}

/** Member handles: runs of base64url characters that look like one, and the roster's handles
 * wherever they stand alone. `chars` is the text's code points. */
export function findHandles(chars, handles) {
  const spans = [];
  let at = 0;
  while (at < chars.length) {
    if (!BASE64URL.test(chars[at])) {
      at += 1;
      continue;
    }
    let end = at;
    while (end < chars.length && BASE64URL.test(chars[end])) end += 1;
    if (looksLikeHandle(chars.slice(at, end))) spans.push([at, end]);
    at = end;
  }
  for (const handle of handles) {
    const needle = [...handle];
    for (let start = 0; start + needle.length <= chars.length; start += 1) {
      if (!startsAt(chars, needle, start)) continue;
      const end = start + needle.length;
      const before = start > 0 ? chars[start - 1] : "";
      const after = end < chars.length ? chars[end] : "";
      if (!BASE64URL.test(before) && !BASE64URL.test(after)) spans.push([start, end]);
    }
  }
  return spans;
}
