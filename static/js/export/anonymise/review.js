// Review: every place where the export would keep something that names someone, as findings
// for the convener to decide on (the finding's shape: facilitator/export/anonymise/review.py).

import { CERTAIN, confidence, languagesOf, vouches } from "./confidence.js";
import { Folded, slice } from "./fold.js";
import { PRIORITY, find, findHandles } from "./match.js";
import { Readings } from "./translit.js";

export const TRANSLITERATION = "transliteration";

export const LABEL_OF_KIND = Object.freeze({
  handle: "participant",
  pseudonym: "participant",
  participant: "participant",
  affiliation: "organisation",
  side: "side",
  term: "term",
});
const CONTEXT_CHARS = 24;

function compareHits(a, b) {
  return (
    a.start - b.start ||
    b.end - b.start - (a.end - a.start) ||
    Number(a.via !== null) - Number(b.via !== null) ||
    PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind) ||
    a.order - b.order
  );
}

/** The hits in one text: earliest first, the longest where several start together, never
 * overlapping; a same-script hit before a transliterated one of the same span. */
function hitsIn(text, needleList, crossList, handles, lang) {
  const folded = new Folded(text);
  const chars = folded.original;
  const found = findHandles(chars, handles).map(([start, end]) => ({
    start, end, kind: "handle", source: slice(chars, start, end), order: -1, via: null, position: "whole",
  }));
  needleList.forEach((needle, order) => {
    for (const [start, end] of find(folded, needle, lang)) {
      const { kind, source, position } = needle;
      found.push({ start, end, kind, source, order, via: null, position });
    }
  });
  if (crossList.length) {
    const readings = new Readings(folded);
    crossList.forEach((needle, at) => {
      const order = needleList.length + at;
      for (const [start, end] of readings.find(needle)) {
        const { kind, source, position } = needle;
        found.push({ start, end, kind, source, order, via: TRANSLITERATION, position });
      }
    });
  }
  found.sort(compareHits);
  const kept = [];
  for (const hit of found) {
    if (!kept.length || hit.start >= kept[kept.length - 1].end) kept.push(hit);
  }
  return kept;
}

/** [where, text] for every text of the parsed summary the export keeps, in reading order. */
export function* fieldsOf(summary) {
  yield ["dialogue.title", summary.title];
  if (summary.freeText !== null) yield ["free_text", summary.freeText];
  for (const session of summary.sessions) {
    yield [`sessions[${session.index}].title`, session.title];
    for (const item of session.items) {
      yield [`sessions[${session.index}].items[${item.index}].title`, item.title];
      for (const note of item.notes) {
        const where = `sessions[${session.index}].items[${item.index}].notes[${note.index}]`;
        yield [`${where}.text`, note.text];
        if (note.translation !== null) yield [`${where}.translation.text`, note.translation.text];
      }
    }
  }
}

function finding(where, chars, hit, level) {
  const out = {
    id: `${where}:${hit.start}-${hit.end}`,
    where,
    start: hit.start,
    end: hit.end,
    match: slice(chars, hit.start, hit.end),
    kind: hit.kind,
    label: LABEL_OF_KIND[hit.kind],
    source: hit.source,
    confidence: level,
    context: slice(chars, Math.max(0, hit.start - CONTEXT_CHARS), hit.end + CONTEXT_CHARS),
  };
  if (hit.via !== null) out.via = hit.via;
  return out;
}

/** Every finding in the parsed summary, in reading order, for the needles (same-script and
 * cross-script) and roster handles. */
export function findingsOf(summary, needleList, crossList, handles) {
  const findings = [];
  const langOf = new Map(languagesOf(summary));
  for (const [where, text] of fieldsOf(summary)) {
    const chars = [...text];
    const lang = langOf.get(where) ?? "";
    const hits = hitsIn(text, needleList, crossList, handles, lang);
    const levels = hits.map((hit) => confidence(chars, hit.start, hit.end, hit.kind, hit.position, lang));
    // A word that also names someone certainly found in the same text is that person.
    const named = new Set(
      hits
        .filter((hit, i) => levels[i] === CERTAIN && vouches(chars, hit.start, hit.kind, hit.position))
        .map((hit) => hit.source),
    );
    hits.forEach((hit, i) => {
      findings.push(finding(where, chars, hit, named.has(hit.source) ? CERTAIN : levels[i]));
    });
  }
  return findings;
}
