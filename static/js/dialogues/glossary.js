// The dialogue's contested-terms glossary (`glossary_term` documents in `meta`, see
// docs/dialogue-content.md): finding where a text uses a term, in any script.
//
// Matching ignores case, diacritics (Latin accents, Arabic harakat, Hebrew points), tatweel,
// bidirectional controls and joiners, and unifies Arabic-script letter variants (أ إ آ ٱ ا,
// ى ي ی, ة ه ۀ, ك ک), so "الادارة" finds "الإدارة" and "Chateau" finds "Château". A hit must not
// sit inside a longer word, except that a one-letter Arabic-script prefix (و ف ب ل ك) may be
// attached, as in "والاحتلال".

const IGNORED = /[\p{M}\u0640\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;
const VARIANTS = new Map(
  Object.entries({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ئ": "ي", "ۀ": "ه", "ة": "ه",
    "ہ": "ه", "ک": "ك", "ؤ": "و", "ۃ": "ه",
  }),
);
const LETTER = /[\p{L}\p{N}]/u;
const ARABIC_PREFIXES = new Set(["و", "ف", "ب", "ل", "ك"]);

/**
 * The folded form of `text`, with `index[i]` the offset in `text` (UTF-16) where the folded
 * character `i` came from, and `index[folded.length]` the end of the text.
 */
export function fold(text) {
  let folded = "";
  const index = [];
  let offset = 0;
  for (const char of String(text)) {
    for (const part of char.normalize("NFKD")) {
      if (IGNORED.test(part)) continue;
      const lower = part.toLocaleLowerCase("und");
      const mapped = VARIANTS.get(lower) ?? lower;
      folded += mapped;
      for (let unit = 0; unit < mapped.length; unit += 1) index.push(offset);
    }
    offset += char.length;
  }
  index.push(offset);
  return { folded, index };
}

/** Every rendering a term has (agreed and contested), with its language and standing. */
export function renderings(doc) {
  const out = [];
  for (const [lang, text] of Object.entries(doc.agreed ?? {})) {
    if (typeof text === "string" && text.trim()) out.push({ lang, text: text.trim(), contested: false });
  }
  for (const [lang, list] of Object.entries(doc.contested ?? {})) {
    for (const text of Array.isArray(list) ? list : []) {
      if (typeof text === "string" && text.trim()) out.push({ lang, text: text.trim(), contested: true });
    }
  }
  return out;
}

function standsAlone(folded, start, end) {
  const before = start > 0 ? folded[start - 1] : "";
  const after = end < folded.length ? folded[end] : "";
  if (after && LETTER.test(after)) return false;
  if (!before || !LETTER.test(before)) return true;
  const twoBefore = start > 1 ? folded[start - 2] : "";
  return ARABIC_PREFIXES.has(before) && (!twoBefore || !LETTER.test(twoBefore));
}

/**
 * Where `text` uses a glossary term: `[{start, end, term, rendering}]` in UTF-16 offsets of
 * `text`, earliest first, longest first at one place, never overlapping.
 */
export function findTerms(text, terms) {
  const { folded, index } = fold(text);
  const hits = [];
  for (const term of terms) {
    for (const rendering of renderings(term.doc)) {
      const needle = fold(rendering.text).folded;
      if (!needle) continue;
      for (let at = folded.indexOf(needle); at !== -1; at = folded.indexOf(needle, at + 1)) {
        const end = at + needle.length;
        if (standsAlone(folded, at, end)) {
          hits.push({ start: index[at], end: index[end], term, rendering });
        }
      }
    }
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept = [];
  for (const hit of hits) {
    if (!kept.length || hit.start >= kept[kept.length - 1].end) kept.push(hit);
  }
  return kept;
}
