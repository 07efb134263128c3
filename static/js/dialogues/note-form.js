// One agenda item's note form on the notes page (page-notes.js): a note of a kind, in one of the
// dialogue's languages, with an optional translation into another. The same form adds a note
// and edits one; the page keeps it across re-renders, so typing survives a poll. Off the record,
// the team's form is marked as such: its notes are sealed under the team key (notes.js).

import { _ } from "../i18n.js";
import * as api from "./api.js";
import { newDocId } from "./docs.js";
import { describe, languageName, noteKindLabel } from "./labels.js";
import { NOTE_KINDS } from "./notes.js";
import { announce, busy, h, options, say } from "./ui.js";

const MAX_TEXT = 8000;

/**
 * What a form needs from its page.
 * @typedef {object} FormHost
 * @property {() => string[]} languages the dialogue's languages
 * @property {() => string} defaultLanguage the note's language when none is chosen yet
 * @property {() => string} teamOnly the words that mark the team's off-the-record notes
 * @property {() => string} now the time a new note is taken at
 * @property {(note: object, editing: object | null, team: boolean) => Promise<void>} save writes
 *   the note (a new one when `editing` is null)
 * @property {() => Promise<void>} refresh shows the page again, with the note
 * @property {(error: Error) => void} cutOff stops the page: this member is no longer in it
 */

/**
 * A built form: its controls and elements, the note being edited, and what `buildForm` adds.
 * @typedef {ReturnType<typeof controls> & ReturnType<typeof layout> & {editing: object | null,
 *   team: boolean, syncLanguages?: () => void, fillLanguages?: () => void, reset?: () => void,
 *   edit?: (entry: object) => void}} NoteForm
 */

/** The form's controls, their ids made from `p` so each item's labels point at its own. */
function controls(p) {
  return {
    kind: h("select", { id: `${p}-kind`, name: "kind" }),
    text: h("textarea", { id: `${p}-text`, name: "text", dir: "auto", rows: 3, maxlength: MAX_TEXT, required: true }),
    lang: h("select", { id: `${p}-lang`, name: "lang" }),
    translation: h("textarea", { id: `${p}-translation`, name: "translation", dir: "auto", rows: 2, maxlength: MAX_TEXT }),
    translationLang: h("select", { id: `${p}-translation-lang`, name: "translation_lang" }),
    status: h("p", { role: "alert", hidden: true }),
    submit: h("button", { type: "submit", class: "primary", text: _("Add note") }),
    cancel: h("button", { type: "button", hidden: true, text: _("Cancel editing") }),
    title: h("span", { class: "visually-hidden" }),
  };
}

/** The form and its disclosure around the controls. */
function layout(c, itemId, team, host, addLabel) {
  const field = (label, control) => h("div", { class: "field" }, h("label", { for: control.id, text: label }), control);
  const heading = h("h4", { tabindex: -1 }, h("span", { class: "form-label", text: addLabel }), c.title);
  const form = h(
    "form", { class: team ? "stack note-form team-form" : "stack note-form", novalidate: true },
    team
      ? h("p", { class: "team-only" },
        h("strong", { text: host.teamOnly() }), " ",
        _("Sealed with the team's key in the team channel: participants and observers never receive it, and no summary or export contains it."))
      : null,
    field(_("Kind"), c.kind),
    field(_("Note"), c.text),
    field(_("Language of the note"), c.lang),
    h("fieldset", {},
      h("legend", { text: _("Translation (optional)") }),
      field(_("Translation"), c.translation),
      field(_("Language of the translation"), c.translationLang)),
    c.status,
    h("div", { class: "row" }, c.submit, c.cancel),
  );
  const details = h("details", { class: "editor note-editor", dataset: { item: itemId, team: String(team) } }, h("summary", {}, heading), form);
  return { details, form, heading };
}

/** Language choices: the note's, and a different one for its translation. */
function languageChoices(cached, host) {
  const { text, lang, translation, translationLang } = cached;
  const sync = () => {
    text.lang = lang.value;
    translation.lang = translationLang.value;
  };
  cached.syncLanguages = sync;
  cached.fillLanguages = () => {
    const tags = host.languages();
    const chosen = tags.includes(lang.value) ? lang.value : host.defaultLanguage();
    options(lang, tags.map((tag) => [tag, languageName(tag)]), chosen);
    const other = tags.includes(translationLang.value) && translationLang.value !== chosen
      ? translationLang.value
      : tags.find((tag) => tag !== chosen) ?? chosen;
    options(translationLang, tags.map((tag) => [tag, languageName(tag)]), other);
    sync();
  };
  lang.addEventListener("change", sync);
  translationLang.addEventListener("change", sync);
}

/** `reset()` back to adding a note; `edit(entry)` loads a note to change it. */
function modes(cached, host, addLabel) {
  const { kind, text, lang, translation, translationLang, heading, submit, cancel, status, details } = cached;
  cached.reset = () => {
    cached.editing = null;
    kind.value = "point";
    text.value = "";
    translation.value = "";
    heading.firstChild.textContent = addLabel;
    submit.textContent = _("Add note");
    cancel.hidden = true;
    say(status, "");
  };
  cached.edit = (entry) => {
    const { note } = entry;
    cached.editing = entry;
    kind.value = note.kind;
    text.value = note.text;
    if (host.languages().includes(note.lang)) lang.value = note.lang;
    translation.value = note.translation?.text ?? "";
    if (note.translation && host.languages().includes(note.translation.lang)) translationLang.value = note.translation.lang;
    cached.syncLanguages();
    heading.firstChild.textContent = _("Edit note");
    submit.textContent = _("Save changes");
    cancel.hidden = false;
    details.open = true;
    text.focus();
  };
  cancel.addEventListener("click", () => {
    cached.reset();
    heading.focus();
  });
}

/** The note the form describes, or null after saying what is missing. */
function readNote(cached, itemId, host) {
  const { kind, text, lang, translation, translationLang, status } = cached;
  const body = text.value.trim();
  const translated = translation.value.trim();
  if (!body) {
    say(status, _("Write the note first."), "error");
    text.focus();
    return null;
  }
  if (translated && translationLang.value === lang.value) {
    say(status, _("The translation must be in another language than the note."), "error");
    translationLang.focus();
    return null;
  }
  const editing = cached.editing;
  const note = {
    id: editing?.note.id ?? newDocId(),
    item: itemId,
    kind: kind.value,
    text: body,
    lang: lang.value,
    at: typeof editing?.note.at === "string" ? editing.note.at : host.now(),
  };
  if (translated) note.translation = { text: translated, lang: translationLang.value };
  return note;
}

/**
 * The note form of one agenda item: `{details, form, title, fillLanguages, reset, edit, editing,
 * team, ...}`; `details` goes in the page, `title` names the item for screen readers.
 * @param {string} itemId
 * @param {boolean} team the team's off-the-record notes
 * @param {FormHost} host
 * @returns {NoteForm}
 */
export function buildForm(itemId, team, host) {
  const addLabel = team ? _("Add an off-the-record note") : _("Add a note");
  const c = controls(`note-${itemId}`);
  /** @type {NoteForm} */
  const cached = { ...c, ...layout(c, itemId, team, host, addLabel), editing: null, team };
  languageChoices(cached, host);
  options(c.kind, NOTE_KINDS.map((code) => [code, noteKindLabel(code)]), "point");
  cached.fillLanguages();
  modes(cached, host, addLabel);
  cached.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(c.status, "");
    const note = readNote(cached, itemId, host);
    if (!note) return;
    const editing = cached.editing;
    await busy(cached.form, async () => {
      try {
        await host.save(note, editing, team);
        cached.reset();
        announce(editing ? _("Note saved.") : _("Note added."));
        await host.refresh();
        c.text.focus();
      } catch (error) {
        if (api.isCutOff(error)) host.cutOff(error);
        else say(c.status, describe(error), "error");
      }
    });
  });
  return cached;
}
