// /dialogues/<id>/notes and /p/<id>/notes: the dialogue's notes, per agenda item and grouped by
// kind, opened on this device (docs/notes.md). Note takers (conveners, facilitators, rapporteurs;
// participants when a convener allows it) add, edit and delete notes. An item whose rule is "no
// notes" has no form. An item "off the record" takes no note in the notes channel either, so
// nothing said under it can reach a summary or an export; there the team's note takers (not
// participants) get a form whose notes are sealed under the team key in the team channel, shown
// to the mediator team only and marked as never exported. Polls for changes every few seconds.
// A key steward also sees requests to join at the top and decides them here (knock-notice.js).

import "../secure-context.js";
import { _, loadCatalog } from "../i18n.js";
import * as api from "./api.js";
import { openDialogue, readMeta } from "./crypto-state.js";
import { EXPORTERS, RULES, buildModel, itemsOf, pickText, preferences } from "./docs.js";
import { writesDrafts } from "./draft-roles.js";
import { describe, phaseLabel, roleLabel, ruleLabel } from "./labels.js";
import { MetaWatch } from "./meta-watch.js";
import { pageLife, showDialogueTitle, showUnreadable, withDeviceSession } from "./page-life.js";
import { rolesWith } from "../roles.js";
import { buildForm } from "./note-form.js";
import { TAKES_NOTES, noteView, notesView } from "./notes-list.js";
import { currentNotes, deleteNote, readNotes, readTeamNotes, writeNote } from "./notes.js";
import { formatRange, isValidTimeZone, isoToWall, viewerTimeZone, wallToIso } from "./time.js";
import { $, announce, h, say, uiLabels, userText } from "./ui.js";

const POLL_MS = 5000;
const NOTE_TAKERS = new Set(rolesWith("take_notes"));
const root = $("notes-page");
await loadCatalog();

const page = {
  id: root.dataset.dialogueId,
  participant: root.dataset.participant === "true",
  state: null,
  model: null,
  /** The opened meta documents, and what tells when their list changes. */
  entries: [],
  meta: null,
  notes: [],
  noteErrors: [],
  signature: "",
  busy: false,
};
/** Item id -> its note form (kept across re-renders, so typing survives a poll). */
const forms = new Map();

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

/** What each item's note form needs from this page. */
const formHost = {
  languages,
  defaultLanguage,
  teamOnly,
  now: nowIso,
  save: (note, editing, team) => write(() => writeNote(page.state, note, editing?.env.message_id ?? null, { team })),
  refresh: () => refresh(true),
  cutOff: (error) => cutOff(error),
};

function formFor(entry, rule, itemTitle) {
  const id = entry.doc.id;
  const team = rule === "off_record";
  if (team ? !canTakeTeam() : !TAKES_NOTES.has(rule) || !canTake()) {
    forms.delete(id);
    return null;
  }
  let cached = forms.get(id);
  if (!cached || cached.team !== team) {
    cached = buildForm(id, team, formHost);
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

/** What the notes' list needs from this page. */
const listHost = {
  canChange: (entry) => (entry.team ? canTakeTeam() : canTake()),
  canTakeTeam,
  edit: (entry) => forms.get(entry.note.item)?.edit(entry),
  remove,
  teamOnly,
};

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
    notesView(page.notes.filter((n) => n.note.item === doc.id), rule, listHost),
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
  showDialogueTitle(page.model, prefs(), _("Notes"));
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
  if (summaryLink) summaryLink.hidden = page.participant || !writesDrafts(page.state.role);
  showUnreadable(
    page.state, [...page.model.errors, ...page.noteErrors],
    _("Some notes or items were written before you joined and are not readable on this device."),
  );
}

function render() {
  const active = document.activeElement;
  const keep = /** @type {HTMLInputElement | null} */ (
    [...forms.values()].some((cached) => cached.form.contains(active)) ? active : null
  );
  /** @type {[number, number] | null} */
  const selection = keep && "selectionStart" in keep ? [keep.selectionStart, keep.selectionEnd] : null;
  renderOverview();
  const shown = new Set(page.model.sessions.flatMap((s) => itemsOf(page.model, s.doc.id)).map((i) => i.doc.id));
  $("note-sessions").replaceChildren(...page.model.sessions.map(sessionView));
  $("agenda-empty").hidden = page.model.sessions.length > 0;
  for (const id of [...forms.keys()]) if (!shown.has(id)) forms.delete(id);
  const orphans = page.notes.filter((entry) => !shown.has(entry.note.item));
  $("orphan-notes").replaceChildren(...orphans.map((entry) => noteView(entry, false, listHost)));
  $("orphans").hidden = orphans.length === 0;
  if (keep && document.body.contains(keep) && document.activeElement !== keep) {
    keep.focus({ preventScroll: true });
    if (selection) keep.setSelectionRange(...selection);
  }
  $("notes-content").hidden = false;
}

/** Reads again and re-renders what changed (everything, when `force`); the meta documents are
 * opened again when `reopen`, or else only when their list changed. */
async function refresh(force, reopen = force) {
  const fresh = reopen || !page.meta || (await page.meta.changed(page.state));
  const [entries, noteEntries, teamEntries] = await Promise.all([
    fresh ? readMeta(page.state) : page.entries, readNotes(page.state), readTeamNotes(page.state),
  ]);
  if (fresh) (page.meta ??= new MetaWatch(page.state)).seen(page.state);
  page.entries = entries;
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

const life = pageLife({ content: "notes-content" });
const { cutOff } = life;

/** Participants' devices sign in by their key; the team's accounts have a session already. */
const signedIn = (request) => withDeviceSession(page.id, request, page.participant);

async function poll() {
  const info = await signedIn(() => api.get(`/dialogues/${page.id}`));
  const newEpoch = info.current_epoch !== page.state.epoch;
  if (newEpoch) page.state = await openDialogue(page.id);
  page.state.participantNotes = info.participant_notes === true;
  await refresh(false, newEpoch);
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

/** A key steward's notice of requests to join (loaded only on a steward's device). */
async function watchKnocksHere() {
  if (page.participant || !page.state.isSteward) return;
  const { watchKnocks } = await import("./knock-notice.js");
  // Letting someone in cuts a new epoch: the page's poll opens it, as for anyone else's cut.
  watchKnocks($("knock-notice"), { dialogueId: page.id, state: () => page.state, model: () => page.model, reopen: poll });
}

try {
  page.state = await signedIn(() => openDialogue(page.id));
  await refresh(true);
  $("loading").hidden = true;
  life.poll(poll, POLL_MS, () => page.busy);
  watchKnocksHere().catch((error) => console.warn("requests to join not shown:", error?.name));
} catch (error) {
  life.fail(error);
}
