// The summary a convener exports from the browser (docs/export.md): built from the opened
// `meta` documents and notes in the shape facilitator/export/summary.py gives the anonymiser, and
// written as Markdown, JSON or a printable page with the manifest of
// facilitator/export/render.py (same field names, same content hash).
//
// Items whose rule is "off the record" or "no notes" are left out here, before the anonymiser
// sees anything: their titles and any note that names them never reach a review or an export.

import { rosterEntry } from "../export/anonymise/model.js";
import { itemsOf, pickText } from "./docs.js";
import { noteKindHeading, phaseLabel } from "./labels.js";
import { NOTE_KINDS } from "./notes.js";

/** The agenda's rule codes -> the anonymiser's rule names (as summary.py). */
export const RULE_NAMES = {
  on_record: "on_record",
  chatham_house: "chatham_house",
  off_record: "off_the_record",
  no_notes: "no_notes",
};
/** Rules whose items may appear in a summary. */
export const EXPORTABLE = new Set(["on_record", "chatham_house"]);

function ruleOf(model, item) {
  const rules = Object.keys(RULE_NAMES);
  if (rules.includes(item.doc.confidentiality)) return item.doc.confidentiality;
  const fallback = model.dialogue?.doc.confidentiality_default;
  return rules.includes(fallback) ? fallback : "chatham_house";
}

function noteOut(note) {
  const out = {
    kind: NOTE_KINDS.includes(note.kind) ? note.kind : "point",
    text: String(note.text ?? ""),
    lang: String(note.lang ?? ""),
    at: String(note.at ?? ""),
  };
  const translation = note.translation;
  if (translation && typeof translation.text === "string" && translation.text.trim()) {
    out.translation = { text: translation.text, lang: String(translation.lang ?? "") };
  }
  return out;
}

/**
 * The exportable agenda with its notes: sessions in order, each with the items a summary may
 * show (and their notes, oldest first). `left` lists the items left out, for the page to say so.
 * @param {any} model from docs.buildModel
 * @param {{note: any}[]} notes current notes (notes.currentNotes), oldest first
 * @param {string[]} prefs languages to pick titles in
 */
export function exportableAgenda(model, notes, prefs) {
  const sessions = [];
  const left = [];
  for (const session of model.sessions) {
    const items = [];
    for (const item of itemsOf(model, session.doc.id)) {
      const rule = ruleOf(model, item);
      const title = pickText(item.doc.title, prefs);
      if (!EXPORTABLE.has(rule)) {
        left.push({ entry: item, rule, title });
        continue;
      }
      items.push({
        entry: item,
        rule,
        title,
        notes: notes.filter((n) => n.note.item === item.doc.id).map((n) => n.note),
      });
    }
    sessions.push({ entry: session, title: pickText(session.doc.title, prefs), items });
  }
  return { sessions, left };
}

/**
 * `{summary, context}` for the anonymiser: the same shape as facilitator/export/summary.py.
 * @param {any} model from docs.buildModel
 * @param {{note: any}[]} notes
 * @param {{prefs: string[], freeText?: string, includeNotes?: boolean, terms?: string[]}} options
 */
export function buildSummary(model, notes, { prefs, freeText = "", includeNotes = true, terms = [] }) {
  const agenda = exportableAgenda(model, notes, prefs);
  const sessions = includeNotes
    ? agenda.sessions.map((session) => ({
      title: session.title?.text ?? "",
      day: String(session.entry.doc.starts ?? "").slice(0, 10),
      items: session.items.map((item) => ({
        title: item.title?.text ?? "",
        phase: String(item.entry.doc.phase ?? ""),
        rule: RULE_NAMES[item.rule],
        notes: item.notes.map(noteOut),
      })),
    }))
    : [];
  const dialogueTitle = pickText(model.dialogue?.doc.title, prefs);
  const summary = { dialogue: { title: dialogueTitle?.text ?? "" }, sessions };
  if (freeText.trim()) summary.free_text = freeText;
  const roster = model.persons.map((person) => rosterEntry(person.doc)).filter((entry) => Object.keys(entry).length);
  const sides = [...new Set(roster.map((p) => p.side).filter(Boolean))].sort();
  const cleanTerms = [...new Set(terms.map((t) => String(t).trim()).filter(Boolean))];
  return { summary, context: { roster, sides, terms: cleanTerms, pseudonyms: [] } };
}

/** An outline of the exportable notes, as plain text, for the convener to start writing from. */
export function outline(model, notes, prefs) {
  const lines = [];
  for (const session of exportableAgenda(model, notes, prefs).sessions) {
    const withNotes = session.items.filter((item) => item.notes.length);
    if (!withNotes.length) continue;
    lines.push(session.title?.text ?? "", "");
    for (const item of withNotes) {
      lines.push(`${item.title?.text ?? ""} — ${phaseLabel(item.entry.doc.phase)}`);
      for (const kind of NOTE_KINDS) {
        const ofKind = item.notes.filter((note) => note.kind === kind);
        if (!ofKind.length) continue;
        lines.push(`${noteKindHeading(kind)}:`);
        for (const note of ofKind) lines.push(`- ${note.text}`);
      }
      lines.push("");
    }
  }
  return lines.join("\n").trim();
}

/** Dates only: the time a note was written could help tie it to a person's activity. */
export function coarsenTimes(summary) {
  const copy = structuredClone(summary);
  for (const session of copy.sessions ?? []) {
    if (typeof session.day === "string") session.day = session.day.slice(0, 10);
    for (const item of session.items ?? []) {
      for (const note of item.notes ?? []) {
        if (typeof note.at === "string") note.at = note.at.slice(0, 10);
      }
    }
  }
  return copy;
}

// The written forms (Markdown, JSON, the page) and the manifest live in written-summary.js, which
// an approver's phone loads without the anonymiser and its tables.
export {
  canonicalJson, download, manifestFor, renderSummary, sha256Hex, toJson, toMarkdown,
} from "./written-summary.js";
