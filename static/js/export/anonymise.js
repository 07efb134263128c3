// The export anonymiser: who could be recognised in a summary, and the summary without them
// (docs/export.md, "Anonymisation"; names in other scripts: "Names in other scripts").
//
// Pure code, no DOM and no I/O: it runs in the convener's browser, next to the plaintext. The
// command line runs the same rules in facilitator/export/anonymise/, with the same language
// tables (static/shared/anonymiser-languages.json); both pass every case in
// tests/export/anonymiser_cases.json, so the input, finding, decision and output shapes are
// described once, in that package's modules and in docs/export.md.
//
//   review(summary, context) -> findings
//   apply(summary, context, decisions, labels = {}) -> anonymised summary (labels over
//   DEFAULT_LABELS)
//
// The stages, one module each under ./anonymise/: model (the inputs parsed once), fold (the form
// in which names are compared), match (names in a text), translit (roster names in other
// scripts), review (findings) and apply (the export). Offsets (`start`, `end`) count Unicode
// code points, as Python does, not UTF-16 code units: every text is handled as an array of code
// points.

import { Cleaner, DEFAULT_LABELS, exported, suppressed } from "./anonymise/apply.js";
import { Folded, fold, foldChar, scriptOf, splitWords } from "./anonymise/fold.js";
import { PRIORITY, crossNeedlesOf, find, findHandles, needlesOf } from "./anonymise/match.js";
import { dayOf, isMapping, mapping, parseContext, parseDecisions, parseSummary } from "./anonymise/model.js";
import { LABEL_OF_KIND, fieldsOf, findingsOf } from "./anonymise/review.js";

export { DEFAULT_LABELS, Folded, LABEL_OF_KIND, PRIORITY, dayOf, find, findHandles, fold, foldChar, scriptOf, splitWords };

/** One needle per distinct folded phrase of the context, of the highest-priority kind. */
export function needles(context) {
  return needlesOf(parseContext(context));
}

/** [where, text] for every text the export keeps, in reading order. */
export function fields(summary) {
  return fieldsOf(parseSummary(summary));
}

/** A count by side under 3 (or not a number) becomes null and its side is listed in `suppressed`. */
export function suppressCounts(counts) {
  const bySide = mapping(counts).by_side;
  return isMapping(bySide) ? suppressed(bySide) : null;
}

function findingsIn(summary, context) {
  const handles = context.roster.map((person) => person.handle).filter(Boolean);
  return findingsOf(summary, needlesOf(context), crossNeedlesOf(context), handles);
}

/** Every finding in what the export keeps, in reading order. */
export function review(summary, context) {
  return findingsIn(parseSummary(summary), parseContext(context));
}

/** The summary as exported. `summary` is not changed. */
export function apply(summary, context, decisions, labels = {}) {
  const parsed = parseSummary(summary);
  const found = findingsIn(parsed, parseContext(context));
  const cleaner = new Cleaner(found, parseDecisions(decisions), { ...DEFAULT_LABELS, ...labels });
  return exported(parsed, cleaner);
}
