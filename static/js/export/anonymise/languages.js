// The anonymiser's language tables, read from static/shared/anonymiser-languages.json: the
// Python anonymiser (facilitator/export/anonymise/languages.py) reads the same file, so the two
// cannot drift apart. Its `about` object gives the reason for each table.

import data from "../../../shared/anonymiser-languages.json" with { type: "json" };
import common from "../../../shared/common-words.json" with { type: "json" };

/** "U+00AD" -> 0xAD. */
export function codePoint(text) {
  return Number.parseInt(text.replace(/^U\+/, ""), 16);
}

export const IGNORED = new Set(data.ignored.map((point) => String.fromCodePoint(codePoint(point))));
export const VARIANTS = new Map(Object.entries(data.variants));
export const SEPARATORS = new Set([...data.separators]);
export const SPACED_JOINERS = new Set(data.spaced_joiners.map((point) => String.fromCodePoint(codePoint(point))));
/** Each prefix as an array of code points, to compare with folded text. */
export const ARABIC_PREFIXES = data.arabic_prefixes.map((prefix) => [...prefix]);
export const LAM_PREFIXES = new Set(data.lam_prefixes);
export const ARABIC_SUFFIXES = new Set(data.arabic_suffixes);
export const SENTENCE_ENDS = new Set([...data.sentence_ends]);
export const ATTRIBUTIVE_ARTICLE = data.attributive_article;
export const ALIAS_SEPARATORS = new Set([...data.alias_separators]);
/** Suffix rules by the text's language: {langs, script, after, min_stem, suffixes}. */
export const SUFFIX_RULES_RAW = data.suffixes;
export const LINE_BREAK_HYPHENS = new Set([...data.line_breaks.hyphens]);
export const LINE_BREAK_SPACES = new Set([...data.line_breaks.spaces]);
export const LINE_BREAKS = new Set([...data.line_breaks.breaks]);
export const HEBREW_PREFIX_LETTERS = new Set([...data.hebrew_prefix_letters]);
export const HEBREW_PREFIX_MAX = data.hebrew_prefix_max;
export const CYRILLIC_ENDINGS = data.cyrillic_endings;
export const CYRILLIC_FINALS = [...data.cyrillic_finals];
export const CYRILLIC_ADJECTIVE_FINALS = data.cyrillic_adjective_finals;
export const NAME_PARTICLES = data.name_particles;
/** [low, high, script] code point ranges. */
export const SCRIPTS = data.scripts.map(([low, high, name]) => [codePoint(low), codePoint(high), name]);
/** [low, high] code point ranges both implementations treat as unassigned (Python 3.11 knows
 * Unicode 14 only). */
export const UNASSIGNED_IN_14 = data.unassigned_in_unicode_14.map(([low, high]) => [codePoint(low), codePoint(high)]);
const transliteration = data.transliteration;
export const TRANSLITERATED_SCRIPTS = new Set(transliteration.scripts);
/** @type {Map<string, string[]>} */
export const SKELETON_LETTERS = new Map(Object.entries(transliteration.letters));
/** @type {Map<string, string[]>} */
export const SKELETON_RULES = new Map(
  transliteration.rules.map((rule) => /** @type {[string, string[]]} */ ([rule[0], rule[1]])),
);
export const SKELETON_DROP = new Set([...transliteration.drop]);
export const ARTICLES = new Set(transliteration.articles);
export const ARTICLE_PREFIXES = transliteration.article_prefixes;
export const SKELETON_MIN_SINGLE = transliteration.min_single;
export const SKELETON_MIN_TOTAL = transliteration.min_total;
export const MAX_SKELETONS = transliteration.max_skeletons;
/** The common words of each language (static/shared/common-words.json), folded: Map(lang -> Set). */
export const COMMON_WORDS = new Map(
  Object.entries(common.words).map(([lang, words]) => [lang, new Set(words.split(" ").filter(Boolean))]),
);
