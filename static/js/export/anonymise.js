// The export anonymiser: who could be recognised in a summary, and the summary without them
// (docs/export.md, "Anonymisation").
//
// Pure code, no DOM and no I/O: it runs in the convener's browser, next to the plaintext. The
// command line runs the same rules in facilitator/export/anonymise.py; both pass every case in
// tests/export/anonymiser_cases.json, so the input, finding, decision and output shapes are
// described once, in that module's docstring and in docs/export.md.
//
//   review(summary, context) -> findings
//   apply(summary, context, decisions, labels = {}) -> anonymised summary (labels over
//   DEFAULT_LABELS)
//
// Offsets (`start`, `end`) count Unicode code points, as Python does, not UTF-16 code units:
// every text is handled as an array of code points here.

/** The English texts for the label keys; a user interface passes its own translations. */
export const DEFAULT_LABELS = Object.freeze({
  participant: "[a participant]",
  organisation: "[an organisation]",
  side: "[a side]",
  term: "[a term]",
});
export const LABEL_OF_KIND = Object.freeze({
  handle: "participant",
  pseudonym: "participant",
  participant: "participant",
  affiliation: "organisation",
  side: "side",
  term: "term",
});
// Where two findings cover the same passage, the earlier kind wins.
export const PRIORITY = Object.freeze(["handle", "pseudonym", "participant", "affiliation", "side", "term"]);
const ALWAYS_REPLACED = new Set(["handle", "pseudonym"]);
const EXPORTED_RULES = new Set(["chatham_house", "on_record"]);
const TEAM_CHANNEL = "team";
const SMALLEST_COUNT = 3;
const CONTEXT_CHARS = 24;
const HANDLE_LENGTH = 22;

// --- folding: the form in which names are compared ---------------------------------------------

// Invisible characters dropped before comparing: soft hyphen, combining grapheme joiner, Arabic
// letter mark, tatweel, ZWNJ, ZWJ, LRM, RLM, the bidi embeddings and overrides, word joiner, the
// bidi isolates, and the byte order mark.
const IGNORED = new Set(
  [
    0x00ad, 0x034f, 0x061c, 0x0640, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c,
    0x202d, 0x202e, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff,
  ].map((point) => String.fromCodePoint(point)),
);
const TATWEEL = "\u0640";
// Arabic-script letters written differently for the same name. Hamza forms (أ إ آ ؤ ئ) and ۀ reach
// their base letter by decomposition, before this table.
const VARIANTS = new Map([
  ["ٱ", "ا"], ["ى", "ي"], ["ی", "ي"], ["ة", "ه"], ["ۃ", "ه"], ["ہ", "ه"], ["ە", "ه"], ["ھ", "ه"],
  ["ک", "ك"], ["ڪ", "ك"],
]);
// What may stand between the words of a multi-word name.
const SEPARATORS = new Set([..." \t\n\r\f\v-\u2010'\u2019\u200b"]);
// Clitics written attached to the next word; with ل the article's alef drops (للخطيب).
const ARABIC_PREFIXES = ["و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"].map((p) => [...p]);
const LAM_PREFIXES = new Set(["ل", "ول", "فل"]);
// Persian ezafe or indefinite ی, the plural ها (the ZWNJ before it is ignored) and ها + ی.
const ARABIC_SUFFIXES = new Set(["ي", "ها", "هاي"]);
const HEBREW_PREFIX_LETTERS = new Set([..."והבלמשכ"]);
const HEBREW_PREFIX_MAX = 3;
// Russian and Ukrainian case endings of names; folded below, like the particles.
const CYRILLIC_ENDINGS = [
  "а", "я", "у", "ю", "е", "и", "ы", "о", "і", "ї",
  "ой", "ей", "ою", "ею", "ом", "ем", "ым", "им", "ых", "их", "ий", "ый", "ая", "ую",
  "ого", "его", "ому", "ему", "ами", "ями", "ам", "ям", "ах", "ях", "ові", "еві",
];
const CYRILLIC_FINALS = [..."аяйьоеы"];
const CYRILLIC_ADJECTIVE_FINALS = ["ий", "ый", "ой", "ая", "яя", "ое"];
const SHORTEST_STEM = 3;
const SHORTEST_PART = 3;
// Particles in names: never looked for alone or at the end of a part of a name, but a part may
// start with one ("Al-Mansour"). علي is here because the preposition على folds to the same letters.
const NAME_PARTICLES = [
  "al", "el", "bin", "ibn", "abu", "bint", "ould", "van", "von", "der", "den", "del",
  "della", "de", "da", "di", "du", "dos", "das", "la", "le", "los", "las",
  "بن", "ابن", "ابو", "بنت", "عبد", "الله", "علي",
];
// Scripts by code point range, for word boundaries (see the Python module).
const SCRIPTS = [
  [0x0041, 0x005a, "latin"], [0x0061, 0x007a, "latin"], [0x00c0, 0x02af, "latin"],
  [0x0370, 0x03ff, "greek"], [0x0400, 0x052f, "cyrillic"], [0x0590, 0x05ff, "hebrew"],
  [0x0600, 0x06ff, "arabic"], [0x0750, 0x077f, "arabic"], [0x0870, 0x08ff, "arabic"],
  [0x0e00, 0x0eff, "nospace"], [0x1000, 0x109f, "nospace"], [0x1780, 0x17ff, "nospace"],
  [0x1c80, 0x1c8f, "cyrillic"], [0x1e00, 0x1eff, "latin"], [0x1f00, 0x1fff, "greek"],
  [0x2c60, 0x2c7f, "latin"], [0x2de0, 0x2dff, "cyrillic"], [0x3005, 0x3007, "nospace"],
  [0x3040, 0x30ff, "nospace"], [0x31f0, 0x31ff, "nospace"], [0x3400, 0x4dbf, "nospace"],
  [0x4e00, 0x9fff, "nospace"], [0xa640, 0xa69f, "cyrillic"], [0xa720, 0xa7ff, "latin"],
  [0xab30, 0xab6f, "latin"], [0xf900, 0xfaff, "nospace"], [0xfb1d, 0xfb4f, "hebrew"],
  [0xfb50, 0xfdff, "arabic"], [0xfe70, 0xfeff, "arabic"], [0xff66, 0xff9f, "nospace"],
  [0x20000, 0x3ffff, "nospace"],
];
const BASE64URL = /^[A-Za-z0-9_-]$/;
// The last character of 16 bytes in unpadded base64url carries 2 bits and 4 zero bits.
const HANDLE_LAST = new Set([..."AQgw"]);
const ISO_DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/;

const MARK = /^\p{M}$/u;
const WORD = /^[\p{L}\p{N}]$/u;
const LETTER = /^\p{L}$/u;

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
    if (!IGNORED.has(char)) {
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

const foldedSet = (words) => new Set(words.map((word) => fold(word).join("")));
const FOLDED_ENDINGS = foldedSet(CYRILLIC_ENDINGS);
const FOLDED_FINALS = foldedSet(CYRILLIC_FINALS);
const FOLDED_ADJECTIVE_FINALS = foldedSet(CYRILLIC_ADJECTIVE_FINALS);
const FOLDED_PARTICLES = foldedSet(NAME_PARTICLES);

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

/** A text in compared form, with the way back to the original's code points. */
class Folded {
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

function startsAt(chars, token, at) {
  if (at + token.length > chars.length) return false;
  for (let i = 0; i < token.length; i += 1) {
    if (chars[at + i] !== token[i]) return false;
  }
  return true;
}

function slice(chars, start, end) {
  return chars.slice(start, end).join("");
}

// --- what is looked for ------------------------------------------------------------------------

function tokenScript(token) {
  for (const char of token) {
    const script = scriptOf(char);
    if (script) return script;
  }
  return "";
}

function tokensOf(text) {
  const folded = fold(text);
  return splitWords(folded).map(([start, end]) => folded.slice(start, end));
}

function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function list(value) {
  return Array.isArray(value) ? value.filter(isMapping) : [];
}

function strings(value) {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];
}

function str(value, fallback = "") {
  return typeof value === "string" ? value : fallback;
}

function mapping(value) {
  return isMapping(value) ? value : {};
}

/** A roster name in full, then every run of its words ("Marie-Claire", "Haddad-Lund",
 * "Al-Mansour", "Ndiaye") except single words under three letters and runs ending in a particle. */
function* nameNeedles(name) {
  const tokens = tokensOf(name);
  yield tokens;
  for (let start = 0; start < tokens.length; start += 1) {
    for (let end = tokens.length; end > start; end -= 1) {
      const run = tokens.slice(start, end);
      const short = run.length === 1 && run[0].length < SHORTEST_PART;
      if (!FOLDED_PARTICLES.has(run[run.length - 1].join("")) && !short) yield run;
    }
  }
}

/**
 * [tokens, kind, source] for everything the context names, in a fixed order.
 * @returns {Generator<[string[][], string, string]>}
 */
function* listed(context) {
  const roster = list(context.roster);
  for (const pseudonym of strings(context.pseudonyms)) yield [tokensOf(pseudonym), "pseudonym", pseudonym];
  for (const entry of roster) {
    const name = str(entry.display_name);
    for (const tokens of nameNeedles(name)) yield [tokens, "participant", name];
  }
  for (const entry of roster) {
    const affiliation = str(entry.affiliation);
    yield [tokensOf(affiliation), "affiliation", affiliation];
  }
  for (const side of [...roster.map((entry) => str(entry.side)), ...strings(context.sides)]) {
    yield [tokensOf(side), "side", side];
  }
  for (const term of strings(context.terms)) yield [tokensOf(term), "term", term];
}

/** One needle per distinct folded phrase, of the highest-priority kind that lists it. */
export function needles(context) {
  const best = new Map();
  for (const [tokens, kind, source] of listed(mapping(context))) {
    if (!tokens.length) continue;
    const key = JSON.stringify(tokens.map((token) => token.join("")));
    const known = best.get(key);
    if (!known || PRIORITY.indexOf(kind) < PRIORITY.indexOf(known.kind)) {
      best.set(key, { tokens, kind, source });
    }
  }
  return [...best.values()];
}

// --- matching ----------------------------------------------------------------------------------

/** Lengths of the clitic prefixes a word may start with, shortest first. */
function prefixLengths(word, script) {
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
      starts.get(word[length]).push([start + length, slice(word, 0, length)]);
    }
  }
  return starts;
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

/** Where `token` ends if the word at `at` is it (allowing for endings), else null. */
function tokenEnd(folded, at, token, last) {
  if (at >= folded.text.length || folded.wordEnd[at] < 0) return null;
  const wordEnd = folded.wordEnd[at];
  const { text } = folded;
  const script = tokenScript(token);
  const end = at + token.length;
  if (startsAt(text, token, at) && end <= wordEnd) {
    const rest = slice(text, end, wordEnd);
    if (!rest || scriptOf(token[token.length - 1]) === "nospace") return end;
    if (last && script === "arabic" && ARABIC_SUFFIXES.has(rest)) return end;
  }
  if (script === "cyrillic") {
    for (const stem of cyrillicStems(token)) {
      if (startsAt(text, stem, at) && FOLDED_ENDINGS.has(slice(text, at + stem.length, wordEnd))) {
        return wordEnd;
      }
    }
  }
  return null;
}

/** The end of the needle when its words follow one another from `at`, else null. */
function matchFrom(folded, tokens, at) {
  let from = at;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    const end = tokenEnd(folded, from, token, index === tokens.length - 1);
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

/** Every [start, end] in the original's code points where the needle occurs. */
export function find(folded, needle) {
  const spans = new Map();
  for (const [at, first] of starts(folded, needle.tokens[0])) {
    const end = matchFrom(folded, [first, ...needle.tokens.slice(1)], at);
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
  const classes = new Set(run.map(characterClass));
  classes.delete("");
  return run.length === HANDLE_LENGTH && HANDLE_LAST.has(run[run.length - 1]) && classes.size > 1;
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

// --- review ------------------------------------------------------------------------------------

function compareHits(a, b) {
  return (
    a.start - b.start ||
    b.end - b.start - (a.end - a.start) ||
    PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind) ||
    a.order - b.order
  );
}

/** The hits in one text: earliest first, the longest where several start together, never
 * overlapping. */
function hitsIn(text, needleList, handles) {
  const folded = new Folded(text);
  const chars = folded.original;
  const found = findHandles(chars, handles).map(([start, end]) => ({
    start, end, kind: "handle", source: slice(chars, start, end), order: -1,
  }));
  needleList.forEach((needle, order) => {
    for (const [start, end] of find(folded, needle)) {
      found.push({ start, end, kind: needle.kind, source: needle.source, order });
    }
  });
  found.sort(compareHits);
  const kept = [];
  for (const hit of found) {
    if (!kept.length || hit.start >= kept[kept.length - 1].end) kept.push(hit);
  }
  return kept;
}

function* keptItems(session) {
  const items = Array.isArray(session.items) ? session.items : [];
  for (const [index, item] of items.entries()) {
    if (isMapping(item) && EXPORTED_RULES.has(item.rule)) yield [index, item];
  }
}

function* keptNotes(item) {
  const notes = Array.isArray(item.notes) ? item.notes : [];
  for (const [index, note] of notes.entries()) {
    if (isMapping(note) && note.channel !== TEAM_CHANNEL) yield [index, note];
  }
}

function* sessionsOf(summary) {
  const sessions = Array.isArray(summary.sessions) ? summary.sessions : [];
  for (const [index, session] of sessions.entries()) {
    if (isMapping(session)) yield [index, session];
  }
}

/** [where, text] for every text the export keeps, in reading order. */
export function* fields(summary) {
  yield ["dialogue.title", str(mapping(summary.dialogue).title)];
  if (typeof summary.free_text === "string") yield ["free_text", summary.free_text];
  for (const [s, session] of sessionsOf(summary)) {
    yield [`sessions[${s}].title`, str(session.title)];
    for (const [i, item] of keptItems(session)) {
      yield [`sessions[${s}].items[${i}].title`, str(item.title)];
      for (const [n, note] of keptNotes(item)) {
        const where = `sessions[${s}].items[${i}].notes[${n}]`;
        yield [`${where}.text`, str(note.text)];
        if (isMapping(note.translation)) yield [`${where}.translation.text`, str(note.translation.text)];
      }
    }
  }
}

function finding(where, chars, hit) {
  return {
    id: `${where}:${hit.start}-${hit.end}`,
    where,
    start: hit.start,
    end: hit.end,
    match: slice(chars, hit.start, hit.end),
    kind: hit.kind,
    label: LABEL_OF_KIND[hit.kind],
    source: hit.source,
    context: slice(chars, Math.max(0, hit.start - CONTEXT_CHARS), hit.end + CONTEXT_CHARS),
  };
}

/** Every finding in what the export keeps, in reading order. */
export function review(summary, context) {
  const needleList = needles(context);
  const handles = list(mapping(context).roster).map((entry) => str(entry.handle)).filter(Boolean);
  const findings = [];
  for (const [where, text] of fields(mapping(summary))) {
    const chars = [...text];
    for (const hit of hitsIn(text, needleList, handles)) findings.push(finding(where, chars, hit));
  }
  return findings;
}

// --- apply -------------------------------------------------------------------------------------

/** Rewrites each kept text with the convener's decisions on its findings. */
class Cleaner {
  constructor(findings, decisions, labels) {
    this.labels = labels;
    this.decisions = new Map();
    for (const decision of Array.isArray(decisions) ? decisions : []) {
      if (isMapping(decision) && typeof decision.id === "string") this.decisions.set(decision.id, decision);
    }
    this.byField = new Map();
    for (const found of findings) {
      if (!this.byField.has(found.where)) this.byField.set(found.where, []);
      this.byField.get(found.where).push(found);
    }
  }

  replacement(found) {
    const label = this.labels[found.label];
    if (ALWAYS_REPLACED.has(found.kind)) return label;
    const { action, replacement } = mapping(this.decisions.get(found.id));
    if (action === "keep") return found.match;
    return action === "replace" && typeof replacement === "string" ? replacement : label;
  }

  clean(where, value) {
    const chars = [...str(value)];
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

/** The ISO date a timestamp starts with, as written (no time zone arithmetic). */
export function dayOf(value) {
  return typeof value === "string" && ISO_DAY.test(value) ? value.slice(0, 10) : null;
}

/** A count by side under 3 (or not a number) becomes null and its side is listed in `suppressed`. */
export function suppressCounts(counts) {
  const bySide = mapping(counts).by_side;
  if (!isMapping(bySide)) return null;
  const kept = [];
  const suppressed = [];
  for (const [side, count] of Object.entries(bySide)) {
    const exact = typeof count === "number" && Number.isFinite(count);
    kept.push([side, exact && count >= SMALLEST_COUNT ? count : null]);
    if (!(exact && count >= SMALLEST_COUNT)) suppressed.push(side);
  }
  // fromEntries defines every side as an own property, "__proto__" included.
  return { by_side: Object.fromEntries(kept), suppressed };
}

function exportedNote(where, note, day, cleaner) {
  const out = {
    kind: str(note.kind, "point"),
    text: cleaner.clean(`${where}.text`, note.text),
    lang: str(note.lang),
  };
  if (isMapping(note.translation)) {
    out.translation = {
      text: cleaner.clean(`${where}.translation.text`, note.translation.text),
      lang: str(note.translation.lang),
    };
  }
  out.at = day ?? dayOf(note.at);
  return out;
}

function exportedSession(where, session, cleaner) {
  const day = dayOf(session.day);
  const items = [];
  for (const [i, item] of keptItems(session)) {
    const at = `${where}.items[${i}]`;
    const out = { title: cleaner.clean(`${at}.title`, item.title) };
    if (typeof item.phase === "string") out.phase = item.phase;
    out.rule = item.rule;
    out.notes = [...keptNotes(item)].map(([n, note]) =>
      exportedNote(`${at}.notes[${n}]`, note, day, cleaner),
    );
    const counts = suppressCounts(item.counts);
    if (counts !== null) out.counts = counts;
    items.push(out);
  }
  return { title: cleaner.clean(`${where}.title`, session.title), day, items };
}

/** The summary as exported. `summary` is not changed. */
export function apply(summary, context, decisions, labels = {}) {
  const source = mapping(summary);
  const cleaner = new Cleaner(review(source, context), decisions, { ...DEFAULT_LABELS, ...labels });
  const out = { dialogue: { title: cleaner.clean("dialogue.title", mapping(source.dialogue).title) } };
  if (typeof source.free_text === "string") out.free_text = cleaner.clean("free_text", source.free_text);
  out.sessions = [...sessionsOf(source)].map(([s, session]) =>
    exportedSession(`sessions[${s}]`, session, cleaner),
  );
  return out;
}
