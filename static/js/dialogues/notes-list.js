// The notes of the notes page (page-notes.js): each note with its translation, time and buttons,
// grouped by kind under its agenda item; the team's off-the-record notes apart and marked.

import { _, dateTimeFormat } from "../i18n.js";
import { languageName, noteKindHeading } from "./labels.js";
import { NOTE_KINDS } from "./notes.js";
import { displayLocale, formatIsolated } from "./time.js";
import { h, uiLabels, userText } from "./ui.js";

/** Rules under which notes are taken in the notes channel. */
export const TAKES_NOTES = new Set(["on_record", "chatham_house"]);

/**
 * What the list needs from its page.
 * @typedef {object} ListHost
 * @property {(entry: object) => boolean} canChange whether this member may edit or delete a note
 * @property {() => boolean} canTakeTeam whether this member takes the team's notes
 * @property {(entry: object) => void} edit loads a note into its item's form
 * @property {(entry: object) => void} remove deletes a note, after asking
 * @property {() => string} teamOnly the words that mark the team's off-the-record notes
 */

function formatWhen(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return formatIsolated(dateTimeFormat(displayLocale(), {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
  }), date);
}

function shorten(text, size = 40) {
  const flat = String(text).replace(/\s+/g, " ").trim();
  return flat.length > size ? `${flat.slice(0, size)}…` : flat;
}

/**
 * One note, with Edit (when `editable`) and Delete for those who may change it.
 * @param {any} entry a notes.currentNotes entry
 * @param {boolean} editable
 * @param {ListHost} host
 */
export function noteView(entry, editable, host) {
  const { note } = entry;
  const translation = note.translation && typeof note.translation.text === "string" && note.translation.text.trim()
    ? note.translation
    : null;
  const column = (label, text, lang, extra = "") =>
    h("div", { class: `note-text ${extra}`.trim() },
      uiLabels(h("span", { class: "note-lang", text: label })),
      userText("p", text, lang));
  const body = h(
    "div", { class: translation ? "note-body with-translation" : "note-body" },
    column(languageName(note.lang), note.text, note.lang),
    translation
      ? column(_("Translation (%(language)s)", { language: languageName(translation.lang) }), translation.text, translation.lang, "translation")
      : null,
  );
  // The visible word starts the accessible name; the note's first words tell the buttons apart.
  const about = h("span", { class: "visually-hidden", dir: "auto", text: ` — ${shorten(note.text)}` });
  const buttons = [];
  if (host.canChange(entry)) {
    if (editable) {
      buttons.push(h("button", {
        type: "button", class: "small", dataset: { action: "edit" }, onclick: () => host.edit(entry),
      }, _("Edit"), about.cloneNode(true)));
    }
    buttons.push(h("button", {
      type: "button", class: "small", dataset: { action: "delete" }, onclick: () => host.remove(entry),
    }, _("Delete"), about));
  }
  const when = typeof note.at === "string" ? formatWhen(note.at) : "";
  return h(
    "li", { class: entry.team ? "note team-note" : "note", dataset: { noteId: note.id, kind: note.kind } },
    entry.team ? uiLabels(h("span", { class: "badge team-only", text: host.teamOnly() })) : null,
    body,
    h("div", { class: "note-foot" },
      when ? h("span", { class: "hint note-when", text: when }) : null,
      buttons.length ? h("div", { class: "controls" }, buttons) : null),
  );
}

function kindGroups(list, editable, host) {
  return NOTE_KINDS
    .map((kind) => [kind, list.filter((entry) => entry.note.kind === kind)])
    .filter(([, notes]) => notes.length)
    .map(([kind, notes]) =>
      h("section", { class: "kind-group", dataset: { kind } },
        h("h4", { text: noteKindHeading(kind) }),
        h("ul", { class: "plain notes" }, notes.map((entry) => noteView(entry, editable, host)))));
}

/** The team's off-the-record notes of an item (team members only ever have any). */
function teamNotesView(list, rule, host) {
  if (!list.length) {
    return rule === "off_record" && host.canTakeTeam()
      ? h("p", { class: "hint", text: _("No off-the-record notes yet.") })
      : null;
  }
  return h("div", { class: "kind-groups team-notes" }, kindGroups(list, rule === "off_record", host));
}

/**
 * An item's notes, grouped by kind; the team's off-the-record ones apart.
 * @param {any[]} all the item's notes (notes.currentNotes entries)
 * @param {string} rule the item's rule
 * @param {ListHost} host
 */
export function notesView(all, rule, host) {
  const takes = TAKES_NOTES.has(rule);
  const list = all.filter((entry) => !entry.team);
  const team = teamNotesView(all.filter((entry) => entry.team), rule, host);
  if (!list.length) return takes ? h("p", { class: "hint", text: _("No notes yet.") }) : team;
  return [
    h(
      "div", { class: "kind-groups" },
      takes ? null : h("p", { class: "error", text: _("These notes were written although this item's rule takes none. They are never exported; delete them if they should not exist.") }),
      kindGroups(list, takes, host),
    ),
    team,
  ];
}
