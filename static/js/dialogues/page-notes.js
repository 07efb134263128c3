// /dialogues/<id>/notes and /p/<id>/notes: the dialogue's notes, per agenda item and grouped by
// kind, opened on this device (docs/notes.md). Note takers (conveners, facilitators, rapporteurs;
// participants when a convener allows it) add, edit and delete notes. An item whose rule is "no
// notes" has no form. An item "off the record" takes no note in the notes channel either, so
// nothing said under it can reach a summary or an export; there the team's note takers (not
// participants) get a form whose notes are sealed under the team key in the team channel, shown
// to the mediator team only and marked as never exported. Polls for changes every few seconds.

import "../secure-context.js";
import { _, dateTimeFormat, loadCatalog } from "../i18n.js";
import * as api from "./api.js";
import { openDialogue, readMeta } from "./crypto-state.js";
import { signInDevice } from "./device.js";
import { EXPORTERS, RULES, buildModel, itemsOf, newDocId, pickText, preferences } from "./docs.js";
import {
  describe, envelopeError, explain, languageName, noteKindHeading, noteKindLabel, phaseLabel,
  roleLabel, ruleLabel,
} from "./labels.js";
import { rolesWith } from "../roles.js";
import { NOTE_KINDS, currentNotes, deleteNote, readNotes, readTeamNotes, writeNote } from "./notes.js";
import { displayLocale, formatRange, isValidTimeZone, isoToWall, viewerTimeZone, wallToIso } from "./time.js";
import { announce, busy, h, options, refuse, say, uiLabels, userText } from "./ui.js";

const POLL_MS = 5000;
const NOTE_TAKERS = new Set(rolesWith("take_notes"));
/** Rules under which notes are taken in the notes channel. */
const TAKES_NOTES = new Set(["on_record", "chatham_house"]);
const MAX_TEXT = 8000;
const $ = (id) => document.getElementById(id);
const root = $("notes-page");
await loadCatalog();

const page = {
  id: root.dataset.dialogueId,
  participant: root.dataset.participant === "true",
  state: null,
  model: null,
  notes: [],
  noteErrors: [],
  signature: "",
  busy: false,
};
/** Item id -> its note form (kept across re-renders, so typing survives a poll). */
const forms = new Map();
let timer = null;

function canTake() {
  if (page.state.role === "participant") return page.state.participantNotes;
  return NOTE_TAKERS.has(page.state.role);
}

/** Off-the-record notes: the team's note takers write them (every one of them is on the team). */
const canTakeTeam = () => NOTE_TAKERS.has(page.state.role);
const teamOnly = () => _("Off the record — team only, never exported");

const prefs = () => preferences(page.model);

function languages() {
  const tags = page.model.dialogue?.doc.languages;
  return Array.isArray(tags) && tags.length ? tags.filter((t) => typeof t === "string") : [document.documentElement.lang];
}

function timeZone() {
  const zone = page.model.dialogue?.doc.timezone;
  return typeof zone === "string" && isValidTimeZone(zone) ? zone : viewerTimeZone();
}

function ruleOf(item) {
  const own = item.doc.confidentiality;
  if (RULES.includes(own)) return own;
  const fallback = page.model.dialogue?.doc.confidentiality_default;
  return RULES.includes(fallback) ? fallback : "chatham_house";
}

/** Now, to the minute, with the dialogue's UTC offset (the day a summary shows is local). */
function nowIso() {
  const zone = timeZone();
  return wallToIso(isoToWall(new Date().toISOString(), zone), zone) ?? new Date().toISOString();
}

function formatWhen(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return dateTimeFormat(displayLocale(), {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
  }).format(date);
}

function shorten(text, size = 40) {
  const flat = String(text).replace(/\s+/g, " ").trim();
  return flat.length > size ? `${flat.slice(0, size)}…` : flat;
}

function ruleExplanation(rule) {
  if (rule === "no_notes") {
    return _("No notes are taken under this item's rule. There is no note form here, and the item is left out of every summary.");
  }
  if (rule === "off_record" && canTakeTeam()) {
    return _("Off the record: notes are not taken in the notes channel, so nothing said under this item can reach a summary or an export. The team may keep notes here in the team channel: only team members can read them, and they are never exported.");
  }
  if (rule === "off_record") {
    return _("Off the record: notes are not taken in the notes channel, so nothing said under this item can reach a summary or an export. There is no note form here.");
  }
  return null;
}

const isStale = (error) =>
  error instanceof api.ApiError &&
  (error.code === "epoch_stale" || (error.code === "envelope_rejected" && error.params.reason === "epoch"));

/** Runs a write; when someone cut a new epoch meanwhile, reopens the keys and tries once more. */
async function write(work) {
  page.busy = true;
  try {
    try {
      return await work();
    } catch (error) {
      if (!isStale(error)) throw error;
      page.state = await openDialogue(page.id);
      return await work();
    }
  } finally {
    page.busy = false;
  }
}

// --- the form of one item ------------------------------------------------------------------

function defaultLanguage() {
  const tags = languages();
  const mine = document.documentElement.lang;
  return tags.includes(mine) ? mine : tags[0];
}

function buildForm(itemId, team) {
  const p = `note-${itemId}`;
  const field = (label, control, ...more) =>
    h("div", { class: "field" }, h("label", { for: control.id, text: label }), control, ...more);
  const kind = h("select", { id: `${p}-kind`, name: "kind" });
  const text = h("textarea", { id: `${p}-text`, name: "text", dir: "auto", rows: 3, maxlength: MAX_TEXT, required: true });
  const lang = h("select", { id: `${p}-lang`, name: "lang" });
  const translation = h("textarea", { id: `${p}-translation`, name: "translation", dir: "auto", rows: 2, maxlength: MAX_TEXT });
  const translationLang = h("select", { id: `${p}-translation-lang`, name: "translation_lang" });
  const status = h("p", { role: "alert", hidden: true });
  const addLabel = () => (team ? _("Add an off-the-record note") : _("Add a note"));
  const submit = h("button", { type: "submit", class: "primary", text: _("Add note") });
  const cancel = h("button", { type: "button", hidden: true, text: _("Cancel editing") });
  const title = h("span", { class: "visually-hidden" });
  const heading = h("h4", { tabindex: -1 }, h("span", { class: "form-label", text: addLabel() }), title);
  const form = h(
    "form", { class: team ? "stack note-form team-form" : "stack note-form", novalidate: true },
    team
      ? h("p", { class: "team-only" },
        h("strong", { text: teamOnly() }), " ",
        _("Sealed with the team's key in the team channel: participants and observers never receive it, and no summary or export contains it."))
      : null,
    field(_("Kind"), kind),
    field(_("Note"), text),
    field(_("Language of the note"), lang),
    h("fieldset", {},
      h("legend", { text: _("Translation (optional)") }),
      field(_("Translation"), translation),
      field(_("Language of the translation"), translationLang)),
    status,
    h("div", { class: "row" }, submit, cancel),
  );
  const details = h("details", { class: "editor note-editor", dataset: { item: itemId, team: String(team) } }, h("summary", {}, heading), form);
  const cached = { details, form, kind, text, lang, translation, translationLang, status, submit, cancel, heading, title, editing: null, team };

  const syncLanguages = () => {
    text.lang = lang.value;
    translation.lang = translationLang.value;
  };
  cached.fillLanguages = () => {
    const tags = languages();
    const chosen = tags.includes(lang.value) ? lang.value : defaultLanguage();
    options(lang, tags.map((tag) => [tag, languageName(tag)]), chosen);
    const other = tags.includes(translationLang.value) && translationLang.value !== chosen
      ? translationLang.value
      : tags.find((tag) => tag !== chosen) ?? chosen;
    options(translationLang, tags.map((tag) => [tag, languageName(tag)]), other);
    syncLanguages();
  };
  options(kind, NOTE_KINDS.map((code) => [code, noteKindLabel(code)]), "point");
  cached.fillLanguages();
  lang.addEventListener("change", syncLanguages);
  translationLang.addEventListener("change", syncLanguages);

  cached.reset = () => {
    cached.editing = null;
    kind.value = "point";
    text.value = "";
    translation.value = "";
    heading.firstChild.textContent = addLabel();
    submit.textContent = _("Add note");
    cancel.hidden = true;
    say(status, "");
  };
  cached.edit = (entry) => {
    const { note } = entry;
    cached.editing = entry;
    kind.value = note.kind;
    text.value = note.text;
    if (languages().includes(note.lang)) lang.value = note.lang;
    translation.value = note.translation?.text ?? "";
    if (note.translation && languages().includes(note.translation.lang)) translationLang.value = note.translation.lang;
    syncLanguages();
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
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(status, "");
    const body = text.value.trim();
    const translated = translation.value.trim();
    if (!body) {
      say(status, _("Write the note first."), "error");
      text.focus();
      return;
    }
    if (translated && translationLang.value === lang.value) {
      say(status, _("The translation must be in another language than the note."), "error");
      translationLang.focus();
      return;
    }
    const editing = cached.editing;
    const note = {
      id: editing?.note.id ?? newDocId(),
      item: itemId,
      kind: kind.value,
      text: body,
      lang: lang.value,
      at: typeof editing?.note.at === "string" ? editing.note.at : nowIso(),
    };
    if (translated) note.translation = { text: translated, lang: translationLang.value };
    await busy(form, async () => {
      try {
        await write(() => writeNote(page.state, note, editing?.env.message_id ?? null, { team }));
        cached.reset();
        announce(editing ? _("Note saved.") : _("Note added."));
        await refresh(true);
        text.focus();
      } catch (error) {
        if (api.isCutOff(error)) cutOff(error);
        else say(status, describe(error), "error");
      }
    });
  });
  return cached;
}

function formFor(entry, rule, itemTitle) {
  const id = entry.doc.id;
  const team = rule === "off_record";
  if (team ? !canTakeTeam() : !TAKES_NOTES.has(rule) || !canTake()) {
    forms.delete(id);
    return null;
  }
  let cached = forms.get(id);
  if (!cached || cached.team !== team) {
    cached = buildForm(id, team);
    forms.set(id, cached);
  } else if (!cached.form.contains(document.activeElement)) {
    cached.fillLanguages();
  }
  cached.title.textContent = `: ${itemTitle}`;
  return cached.details;
}

// --- notes -----------------------------------------------------------------------------------

async function remove(entry) {
  if (!window.confirm(_("Delete this note? It cannot be brought back."))) return;
  try {
    await write(() => deleteNote(page.state, entry.env.message_id));
    const cached = forms.get(entry.note.item);
    if (cached?.editing?.note.id === entry.note.id) cached.reset();
    announce(_("Note deleted."));
    await refresh(true);
  } catch (error) {
    if (api.isCutOff(error)) cutOff(error);
    else say($("notes-status"), describe(error), "error");
  }
}

function noteView(entry, editable) {
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
  if (entry.team ? canTakeTeam() : canTake()) {
    if (editable) {
      buttons.push(h("button", {
        type: "button", class: "small", dataset: { action: "edit" }, onclick: () => forms.get(note.item)?.edit(entry),
      }, _("Edit"), about.cloneNode(true)));
    }
    buttons.push(h("button", {
      type: "button", class: "small", dataset: { action: "delete" }, onclick: () => remove(entry),
    }, _("Delete"), about));
  }
  const when = typeof note.at === "string" ? formatWhen(note.at) : "";
  return h(
    "li", { class: entry.team ? "note team-note" : "note", dataset: { noteId: note.id, kind: note.kind } },
    entry.team ? uiLabels(h("span", { class: "badge team-only", text: teamOnly() })) : null,
    body,
    h("div", { class: "note-foot" },
      when ? h("span", { class: "hint note-when", text: when }) : null,
      buttons.length ? h("div", { class: "controls" }, buttons) : null),
  );
}

function kindGroups(list, editable) {
  return NOTE_KINDS
    .map((kind) => [kind, list.filter((entry) => entry.note.kind === kind)])
    .filter(([, notes]) => notes.length)
    .map(([kind, notes]) =>
      h("section", { class: "kind-group", dataset: { kind } },
        h("h4", { text: noteKindHeading(kind) }),
        h("ul", { class: "plain notes" }, notes.map((entry) => noteView(entry, editable)))));
}

/** The team's off-the-record notes of an item (team members only ever have any). */
function teamNotesView(list, rule) {
  if (!list.length) {
    return rule === "off_record" && canTakeTeam()
      ? h("p", { class: "hint", text: _("No off-the-record notes yet.") })
      : null;
  }
  return h("div", { class: "kind-groups team-notes" }, kindGroups(list, rule === "off_record"));
}

function notesView(all, rule) {
  const takes = TAKES_NOTES.has(rule);
  const list = all.filter((entry) => !entry.team);
  const team = teamNotesView(all.filter((entry) => entry.team), rule);
  if (!list.length) return takes ? h("p", { class: "hint", text: _("No notes yet.") }) : team;
  return [
    h(
      "div", { class: "kind-groups" },
      takes ? null : h("p", { class: "error", text: _("These notes were written although this item's rule takes none. They are never exported; delete them if they should not exist.") }),
      kindGroups(list, takes),
    ),
    team,
  ];
}

function itemView(entry) {
  const { doc } = entry;
  const rule = ruleOf(entry);
  const title = pickText(doc.title, prefs());
  const titleText = title?.text ?? _("(untitled)");
  const explanation = ruleExplanation(rule);
  return h(
    "li", { class: "note-item", dataset: { id: doc.id, rule } },
    h("div", { class: "item-head" },
      userText("h3", titleText, title?.lang, { class: "item-title" }),
      uiLabels(
        h("span", { class: "badge", text: phaseLabel(doc.phase) }),
        h("span", { class: `badge rule-${rule}`, text: ruleLabel(rule) }))),
    explanation ? h("p", { class: "rule-explanation", text: explanation }) : null,
    notesView(page.notes.filter((n) => n.note.item === doc.id), rule),
    formFor(entry, rule, titleText),
  );
}

function sessionView(entry) {
  const title = pickText(entry.doc.title, prefs());
  const items = itemsOf(page.model, entry.doc.id);
  return h(
    "li", { class: "card note-session", dataset: { id: entry.doc.id } },
    userText("h2", title?.text ?? _("(untitled)"), title?.lang),
    h("p", { class: "when", text: formatRange(entry.doc.starts, entry.doc.ends) }),
    items.length
      ? h("ol", { class: "plain note-items" }, items.map(itemView))
      : h("p", { class: "hint", text: _("No agenda item in this session yet.") }),
  );
}

function renderOverview() {
  const title = pickText(page.model.dialogue?.doc.title, prefs());
  $("dialogue-title").textContent = title?.text ?? "";
  $("dialogue-title").lang = title?.lang ?? "";
  document.title = `${_("Notes")} · ${title?.text ?? _("Facilitator")}`;
  const role = $("notes-role");
  if (canTake()) {
    role.hidden = true;
  } else {
    role.textContent = page.state.role === "participant"
      ? _("The conveners have not opened note-taking to participants. You can read the notes.")
      : _("Your role in this dialogue (%(role)s) reads the notes but does not take them.", { role: roleLabel(page.state.role) });
    role.hidden = false;
  }
  const isConvener = !page.participant && EXPORTERS.includes(page.state.role);
  $("participant-switch").hidden = !isConvener;
  if (isConvener && document.activeElement !== $("participant-notes")) $("participant-notes").checked = page.state.participantNotes;
  const summaryLink = $("summary-link");
  if (summaryLink) summaryLink.hidden = !isConvener;
  const joined = page.state.members.find((m) => m.handle === page.state.handle)?.joined_epoch ?? 0;
  const all = [...page.model.errors, ...page.noteErrors];
  const errors = all.filter((e) => !(e.error === "no_key" && e.env.epoch < joined));
  const lines = errors.map((e) => h("li", { class: "error", text: envelopeError(e.error) }));
  if (errors.length < all.length) {
    lines.push(h("li", { class: "hint", text: _("Some notes or items were written before you joined and are not readable on this device.") }));
  }
  $("item-errors").replaceChildren(...lines);
}

function render() {
  const active = document.activeElement;
  const keep = [...forms.values()].some((cached) => cached.form.contains(active)) ? active : null;
  const selection = keep && "selectionStart" in keep ? [keep.selectionStart, keep.selectionEnd] : null;
  renderOverview();
  const shown = new Set(page.model.sessions.flatMap((s) => itemsOf(page.model, s.doc.id)).map((i) => i.doc.id));
  $("note-sessions").replaceChildren(...page.model.sessions.map(sessionView));
  $("agenda-empty").hidden = page.model.sessions.length > 0;
  for (const id of [...forms.keys()]) if (!shown.has(id)) forms.delete(id);
  const orphans = page.notes.filter((entry) => !shown.has(entry.note.item));
  $("orphan-notes").replaceChildren(...orphans.map((entry) => noteView(entry, false)));
  $("orphans").hidden = orphans.length === 0;
  if (keep && document.body.contains(keep) && document.activeElement !== keep) {
    keep.focus({ preventScroll: true });
    if (selection) keep.setSelectionRange(...selection);
  }
  $("notes-content").hidden = false;
}

async function refresh(force) {
  const [entries, noteEntries, teamEntries] = await Promise.all([
    readMeta(page.state), readNotes(page.state), readTeamNotes(page.state),
  ]);
  const signature = JSON.stringify([
    page.state.epoch, page.state.participantNotes,
    entries.map((e) => e.env.message_id), noteEntries.map((e) => e.env.message_id),
    teamEntries.map((e) => e.env.message_id),
  ]);
  if (!force && signature === page.signature) return;
  page.signature = signature;
  page.model = buildModel(entries);
  const shared = currentNotes(noteEntries);
  const team = currentNotes(teamEntries);
  page.notes = [...shared.notes, ...team.notes];
  page.noteErrors = [...shared.errors, ...team.errors];
  render();
}

// --- the page --------------------------------------------------------------------------------

function stop(title, why) {
  window.clearInterval(timer);
  $("loading").hidden = true;
  refuse($("notes-content"), title, why);
  $("notes-content").hidden = false;
}
const cutOff = (error) => stop(_("You are no longer in this dialogue"), explain(error));
const refuseAll = (error) => stop(_("This dialogue cannot be shown"), explain(error));

async function getInfo() {
  try {
    return await api.get(`/dialogues/${page.id}`);
  } catch (error) {
    if (!page.participant || !(error instanceof api.ApiError) || error.status !== 401) throw error;
    await signInDevice(page.id);
    return api.get(`/dialogues/${page.id}`);
  }
}

async function open() {
  try {
    return await openDialogue(page.id);
  } catch (error) {
    if (!page.participant || !(error instanceof api.ApiError) || error.status !== 401) throw error;
    await signInDevice(page.id);
    return openDialogue(page.id);
  }
}

let polling = false;
async function poll() {
  if (polling || page.busy) return;
  polling = true;
  try {
    const info = await getInfo();
    if (info.current_epoch !== page.state.epoch) page.state = await openDialogue(page.id);
    page.state.participantNotes = info.participant_notes === true;
    await refresh(false);
  } catch (error) {
    if (api.isCutOff(error)) cutOff(error);
    else if (error?.name === "StateError") refuseAll(error);
  } finally {
    polling = false;
  }
}

$("participant-notes").addEventListener("change", async (event) => {
  const box = event.target;
  const wanted = box.checked;
  box.disabled = true;
  say($("notes-status"), "");
  try {
    const info = await api.request("PUT", `/dialogues/${page.id}/settings`, { participant_notes: wanted });
    page.state.participantNotes = info.participant_notes === true;
    announce(page.state.participantNotes ? _("Participants may now take notes.") : _("Participants no longer take notes."));
  } catch (error) {
    box.checked = !wanted;
    say($("notes-status"), describe(error), "error");
  } finally {
    box.disabled = false;
  }
});

try {
  page.state = await open();
  await refresh(true);
  $("loading").hidden = true;
  timer = window.setInterval(poll, POLL_MS);
} catch (error) {
  if (api.isCutOff(error)) cutOff(error);
  else refuseAll(error);
}
