// An anonymised summary written out: its canonical JSON and hash, the manifest of
// facilitator/export/render.py, the Markdown, the JSON and the page that shows or prints it.
// The convener's summary page writes it (summary-export.js builds it), and an approver's phone
// shows the same text (page-approve.js) without loading the anonymiser or its tables.

import { _, currentLocale, inLocale } from "../i18n.js";
import { b64uEncode } from "../td2/index.js";
import { noteKindHeading, phaseLabel } from "./labels.js";
import { NOTE_KINDS } from "./notes.js";
import { direction, h, textDirection } from "./ui.js";

function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted(value[key])]));
  }
  return value;
}

/**
 * Python's json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).
 * (Keys compare by UTF-16 code units here and by code points there; they agree for the ASCII keys
 * a summary has.)
 */
export function canonicalJson(value) {
  return JSON.stringify(sorted(value));
}

export async function sha256Hex(text) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The manifest of facilitator/export/render.py: the epoch-chain head is the record hash of the
 * newest epoch this device verified, which commits to every roster and key before it.
 */
export async function manifestFor(summary, state) {
  const newest = state.records[state.records.length - 1];
  return {
    dialogue_id: state.id,
    epoch_chain_head: b64uEncode(newest.recordHash),
    epochs: state.records.length,
    content_sha256: await sha256Hex(canonicalJson(summary)),
    generated_on: new Date().toISOString().slice(0, 10),
  };
}

function provenance(manifest) {
  return _("Epoch-chain head %(head)s; content SHA-256 %(digest)s", {
    head: manifest.epoch_chain_head,
    digest: manifest.content_sha256,
  });
}

function grouped(notes) {
  return NOTE_KINDS
    .map((kind) => [kind, notes.filter((note) => note.kind === kind)])
    .filter(([, list]) => list.length);
}

const PHASES = ["opening", "perspectives", "joint_analysis", "solutions", "closing", "caucus", "break"];
const daySuffix = (day) => (day ? ` (${day})` : "");
const phaseSuffix = (phase) => (PHASES.includes(phase) ? ` — ${phaseLabel(phase)}` : "");

/**
 * `work()` with the headings' words in `lang`, the summary's language (whose catalogue the page
 * loaded with `loadOtherCatalogs`), as `--locale` gives them on the command line.
 * @template T
 * @param {string | undefined} lang
 * @param {() => T} work
 * @returns {T}
 */
function inSummaryLanguage(lang, work) {
  return !lang || lang === currentLocale() ? work() : inLocale(lang, direction(lang), work);
}

/**
 * The Markdown of facilitator/export/render.py, with the manifest appended as JSON; headings in
 * `lang` (the page's language when not given).
 */
export function toMarkdown(summary, manifest, lang = undefined) {
  return inSummaryLanguage(lang, () => markdownOf(summary, manifest));
}

function markdownOf(summary, manifest) {
  const lines = [`# ${summary.dialogue.title}`, "", `*${_("Anonymised summary")}*`, ""];
  if (summary.free_text) lines.push(`## ${_("Summary")}`, "", String(summary.free_text), "");
  for (const session of summary.sessions) {
    lines.push(`## ${session.title}${daySuffix(session.day)}`, "");
    for (const item of session.items) {
      lines.push(`### ${item.title}${phaseSuffix(item.phase)}`, "");
      for (const [kind, notes] of grouped(item.notes)) {
        lines.push(`**${noteKindHeading(kind)}**`, "");
        for (const note of notes) {
          lines.push(`- ${note.text}`);
          if (note.translation) lines.push(`  - *${_("Translation")}:* ${note.translation.text}`);
        }
        lines.push("");
      }
    }
  }
  lines.push("---", provenance(manifest), "", "```json", JSON.stringify({ manifest }, null, 2), "```", "");
  return lines.join("\n");
}

/** The JSON of facilitator/export/render.py: `{manifest, summary}`. */
export function toJson(summary, manifest) {
  return `${JSON.stringify({ manifest, summary }, null, 2)}\n`;
}

/** A text of the summary: in its language's direction when known (a note that now starts with
 * a label such as "[a participant]" must not turn left to right), else by its first letter. */
const text = (tag, value, lang = "", props = {}) =>
  h(tag, { ...props, dir: lang ? direction(lang) : "auto", lang: lang || null, text: value ?? "" });

/**
 * The summary as a page section (shown before export, and what "Print" prints), its headings in
 * `lang` and the section in that language and direction.
 */
export function renderSummary(holder, summary, manifest, lang = undefined) {
  const tag = lang || currentLocale();
  holder.lang = tag;
  holder.dir = direction(tag);
  holder.replaceChildren(...inSummaryLanguage(lang, () => summaryParts(summary, manifest)));
}

function summaryParts(summary, manifest) {
  const parts = [text("h1", summary.dialogue.title), h("p", {}, h("em", { text: _("Anonymised summary") }))];
  if (summary.free_text) {
    parts.push(h("h2", { text: _("Summary") }));
    for (const paragraph of String(summary.free_text).split(/\n{2,}/)) parts.push(text("p", paragraph, "", { class: "free-text" }));
  }
  for (const session of summary.sessions) {
    parts.push(text("h2", `${session.title}${daySuffix(session.day)}`));
    for (const item of session.items) {
      parts.push(text("h3", `${item.title}${phaseSuffix(item.phase)}`));
      for (const [kind, notes] of grouped(item.notes)) {
        parts.push(h("h4", { text: noteKindHeading(kind) }));
        parts.push(h("ul", {}, notes.map((note) => h(
          "li", { dir: textDirection(note.lang) },
          text("p", note.text, note.lang, { class: "exported-note" }),
          note.translation ? text("p", note.translation.text, note.translation.lang, { class: "translation" }) : null,
        ))));
      }
    }
  }
  parts.push(h("footer", { class: "manifest" },
    h("p", { dir: "auto", text: provenance(manifest) }),
    h("p", { dir: "ltr" }, h("code", { translate: "no", text: JSON.stringify(manifest) }))));
  return parts;
}

/** Saves `content` as a file on this device (a Blob download; nothing goes to the server). */
export function download(name, content, type) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
