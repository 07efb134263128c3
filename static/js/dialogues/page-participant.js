// /p/<dialogue_id>: a participant device's home. Signs the device in by its key when needed,
// verifies the dialogue, and shows what is next: the current or next session's agenda in the
// participant's language, the programme, its own fingerprint, and "leave and wipe this device".

import "../secure-context.js";
import { _, loadCatalog } from "../i18n.js";
import * as api from "./api.js";
import { loadApprovals } from "./approvals.js";
import { openDialogue, readMeta } from "./crypto-state.js";
import { wipeDevice } from "./device.js";
import { buildModel, itemsOf, personFor, pickText } from "./docs.js";
import { envelopeError, languageName, phaseLabel, ruleLabel } from "./labels.js";
import { MetaWatch } from "./meta-watch.js";
import { pageLife, withDeviceSession } from "./page-life.js";
import * as store from "./store.js";
import { currentOrNext, formatRange } from "./time.js";
import { $, direction, h, options, say, uiLabels, userText } from "./ui.js";

const POLL_MS = 5000;
const id = $("participant").dataset.dialogueId;
await loadCatalog();

let state = null;
let model = null;
let chosen = null;
let signature = "";
let meta = null;

function languages() {
  const tags = model.dialogue?.doc.languages;
  return Array.isArray(tags) && tags.length ? tags : [document.documentElement.lang];
}

async function pickLanguage() {
  const stored = await store.load(store.keys.contentLanguage(id));
  const mine = personFor(model, { handle: state.handle })?.doc.language;
  const candidates = [stored, document.documentElement.lang, mine, languages()[0]];
  return candidates.find((tag) => tag && languages().includes(tag)) ?? languages()[0];
}

const prefs = () => [chosen, document.documentElement.lang, ...languages()];

function itemView(entry) {
  const { doc } = entry;
  const title = pickText(doc.title, prefs());
  const facts = [phaseLabel(doc.phase), _("%(minutes)s min", { minutes: Number(doc.minutes) || 0 }), ruleLabel(doc.confidentiality)];
  return h("li", { class: "item" },
    userText("span", title?.text ?? _("(untitled)"), title?.lang, { class: "item-title" }),
    uiLabels(facts.map((text) => h("span", { class: "badge", text }))));
}

function render() {
  const title = pickText(model.dialogue?.doc.title, prefs());
  $("dialogue-title").textContent = title?.text ?? "";
  $("dialogue-title").lang = title?.lang ?? "";
  options($("content-language"), languages().map((tag) => [tag, languageName(tag)]), chosen);
  $("language-row").hidden = false;
  const next = currentOrNext(model.sessions);
  $("no-sessions").hidden = Boolean(next);
  const agenda = $("next-agenda");
  agenda.lang = chosen;
  agenda.dir = direction(chosen);
  if (next) {
    const sessionTitle = pickText(next.entry.doc.title, prefs());
    $("next-state").textContent = next.running ? _("Now") : _("Next");
    $("next-title").textContent = sessionTitle?.text ?? "";
    $("next-title").lang = sessionTitle?.lang ?? "";
    $("next-when").textContent = formatRange(next.entry.doc.starts, next.entry.doc.ends);
    Object.assign($("next-when").dataset, { starts: next.entry.doc.starts, ends: next.entry.doc.ends });
    agenda.replaceChildren(...itemsOf(model, next.entry.doc.id).map(itemView));
  } else {
    agenda.replaceChildren();
  }
  $("programme").replaceChildren(...model.sessions.map((entry) => {
    const text = pickText(entry.doc.title, prefs());
    return h("li", {}, userText("span", text?.text ?? _("(untitled)"), text?.lang), " — ",
      h("span", { text: formatRange(entry.doc.starts, entry.doc.ends) }));
  }));
  const joined = state.members.find((m) => m.handle === state.handle)?.joined_epoch ?? 0;
  $("item-errors").replaceChildren(...model.errors
    .filter((e) => !(e.error === "no_key" && e.env.epoch < joined))
    .map((e) => h("li", { class: "error", text: envelopeError(e.error) })));
  $("notes-link-row").hidden = !state.participantNotes;
  $("content").hidden = false;
}

/**
 * Opens the documents again and re-renders when they changed; `reopen` skips the question
 * "did the list change?" (new keys after an epoch can open what could not be opened before).
 */
async function refresh(force, reopen = force) {
  if (!reopen && !(await meta.changed(state))) return;
  const entries = await readMeta(state);
  meta.seen(state);
  const next = JSON.stringify([state.epoch, entries.map((e) => e.env.message_id)]);
  if (!force && next === signature) return;
  signature = next;
  model = buildModel(entries);
  chosen = chosen ?? (await pickLanguage());
  render();
}

/** Stops showing the dialogue: the content goes, the reason stays. */
const life = pageLife({
  content: "content",
  also() {
    $("language-row").hidden = true;
    $("notes-link-row").hidden = true;
    $("approve-link-row").hidden = true;
    $("dialogue-title").textContent = "";
  },
  cutOffTitle: _("You are no longer part of this dialogue"),
});

/** A link to the approval page when a summary was sent to this participant for approval. */
async function showApproval() {
  const { requests } = await loadApprovals(state).catch(() => ({ requests: [] }));
  $("approve-link-row").hidden = !requests.some((r) => r.approvers.some((a) => a.handle === state.handle));
}

async function poll() {
  const info = await withDeviceSession(id, () => api.get(`/dialogues/${id}`));
  const newEpoch = info.current_epoch !== state.epoch;
  if (newEpoch) state = await openDialogue(id);
  if (state.participantNotes !== (info.participant_notes === true)) {
    state.participantNotes = info.participant_notes === true;
    $("notes-link-row").hidden = !state.participantNotes;
  }
  await refresh(false, newEpoch);
  await showApproval();
}

$("content-language").addEventListener("change", async (event) => {
  chosen = event.target.value;
  await store.save(store.keys.contentLanguage(id), chosen);
  render();
});

$("wipe").addEventListener("click", async () => {
  if (!window.confirm(_("Leave this dialogue on this device and delete its keys? You will need a new invitation to come back."))) return;
  life.halt();
  await wipeDevice();
  $("content").replaceChildren();
  $("notes-link-row").hidden = true;
  $("dialogue-title").textContent = "";
  $("language-row").hidden = true;
  $("my-fingerprint").textContent = "";
  $("wipe").hidden = true;
  say($("wipe-status"), _("This device has left the dialogue and holds no key any more."));
});

try {
  state = await withDeviceSession(id, () => openDialogue(id));
  meta = new MetaWatch(state);
  $("my-fingerprint").textContent = state.keys.member.fingerprint;
  await refresh(true);
  await showApproval();
  $("loading").hidden = true;
  life.poll(poll, POLL_MS);
} catch (error) {
  life.fail(error);
}
