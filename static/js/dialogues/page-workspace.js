// /dialogues/<id>: the team's workspace. Opens the dialogue on this device (chain verified,
// secrets unwrapped), then renders the agenda editor, the roster with its balance, and for key
// stewards the invitations and requests to join (counted at the top of the page), each section
// a tab with its own address (#agenda...). Polls for changes every few seconds.

import "../secure-context.js";
import { _, loadCatalog } from "../i18n.js";
import { setupAgenda, renderAgenda } from "./agenda-editor.js";
import * as api from "./api.js";
import { META_WRITERS, openDialogue, readMeta } from "./crypto-state.js";
import { EXPORTERS, buildModel, pickText, preferences } from "./docs.js";
import { writesDrafts } from "./draft-roles.js";
import { describe, envelopeError, languageName, roleLabel, ruleLabel, trackLabel } from "./labels.js";
import { renderGlossary, setupGlossary } from "./glossary-view.js";
import { renderDevicePolicy, setupDevicePolicy } from "./device-policy-view.js";
import { MetaWatch } from "./meta-watch.js";
import { pageLife } from "./page-life.js";
import { renderRoster } from "./roster-view.js";
import { renderStewardPanel, setupStewardPanel } from "./invitations-view.js";
import { knockLink } from "./knock-notice.js";
import { Tabs } from "./tabs.js";
import { isValidTimeZone, isolate, viewerTimeZone, zoneName } from "./time.js";
import { $, fingerprintView, h, say } from "./ui.js";

const POLL_MS = 4000;
await loadCatalog();
const showKnocks = knockLink($("knock-notice"));

const tabs = new Tabs($("workspace-tabs"));

const ws = {
  id: $("workspace").dataset.dialogueId,
  state: null,
  model: null,
  /** The opened meta documents the model was built from, and what tells when they change. */
  entries: [],
  meta: null,
  invitations: [],
  knocks: [],
  signature: "",
  busy: false,
  get canWrite() {
    return META_WRITERS.has(this.state.role);
  },
  get isSteward() {
    return this.state.isSteward;
  },
  get isTeam() {
    return this.state.role !== "participant";
  },
  prefs() {
    return preferences(this.model);
  },
  languages() {
    const tags = this.model.dialogue?.doc.languages;
    return Array.isArray(tags) && tags.length ? tags : [document.documentElement.lang];
  },
  timeZone() {
    const zone = this.model.dialogue?.doc.timezone;
    return typeof zone === "string" && isValidTimeZone(zone) ? zone : viewerTimeZone();
  },
  /**
   * Reads everything again and re-renders what changed (everything, when `force`). The
   * documents are opened again when `reopen`, or else only when their list changed.
   */
  async refresh(force = true, reopen = force) {
    const fresh = reopen || (await this.meta.changed(this.state));
    const [entries, lists] = await Promise.all([
      fresh ? readMeta(this.state) : this.entries,
      this.isSteward
        ? Promise.all([api.get(`/dialogues/${this.id}/invitations`), api.get(`/dialogues/${this.id}/knocks`)])
        : null,
    ]);
    if (fresh) this.meta.seen(this.state);
    this.entries = entries;
    if (lists) [this.invitations, this.knocks] = lists;
    const signature = JSON.stringify([
      this.state.epoch, entries.map((e) => e.env.message_id),
      this.knocks.map((k) => k.knock_id), this.invitations.map((i) => i.status),
    ]);
    if (!force && signature === this.signature) return;
    this.signature = signature;
    this.model = buildModel(entries);
    await render();
  },
  /** Runs a user action; shows its error; reloads the keys when someone else cut an epoch. */
  async guard(work) {
    say($("workspace-status"), "");
    this.busy = true;
    try {
      await work();
    } catch (error) {
      if (error instanceof api.ApiError && error.code === "epoch_stale") await reload();
      else if (api.isCutOff(error)) return cutOff(error);
      say($("workspace-status"), describe(error), "error");
    } finally {
      this.busy = false;
    }
  },
};

function renderOverview() {
  const dialogue = ws.model.dialogue?.doc;
  const title = pickText(dialogue?.title, ws.prefs());
  const heading = $("dialogue-title");
  heading.textContent = title?.text ?? _("(untitled dialogue)");
  heading.lang = title?.lang ?? "";
  document.title = `${heading.textContent} · ${_("Facilitator")}`;
  const facts = [
    [_("Your role"), roleLabel(ws.state.role)],
    [_("Your key fingerprint"), fingerprintView(ws.state.keys.member.fingerprint, { id: "my-fingerprint" })],
    [_("Key steward fingerprint"), fingerprintView(ws.state.anchor.fingerprint, { id: "anchor-fingerprint" })],
  ];
  if (dialogue) {
    facts.push(
      [_("Track"), trackLabel(dialogue.track)],
      [_("Working languages"), ws.languages().map(languageName).join(", ")],
      [_("Time zone"), h("span", { text: zoneName(ws.timeZone()), title: ws.timeZone(), dataset: { zone: ws.timeZone() } })],
      [_("Default confidentiality rule"), ruleLabel(dialogue.confidentiality_default)],
    );
  }
  $("dialogue-facts").replaceChildren(...facts.flatMap(([term, detail]) => [h("dt", { text: term }), h("dd", {}, detail)]));
  $("dialogue-facts").hidden = false;
  $("summary-link").hidden = !EXPORTERS.includes(ws.state.role) && !writesDrafts(ws.state.role);
  const joined = ws.state.members.find((m) => m.handle === ws.state.handle)?.joined_epoch ?? 0;
  const errors = ws.model.errors.filter((e) => !(e.error === "no_key" && e.env.epoch < joined));
  const waiting = ws.model.errors.length - errors.length;
  const notes = errors.map((e) => h("li", { class: "error", role: "note", text: envelopeError(e.error) }));
  if (waiting) notes.push(h("li", { class: "hint", text: _("Some items were written before you joined and are not readable on this device yet.") }));
  $("item-errors").replaceChildren(...notes);
}

async function render() {
  renderOverview();
  renderAgenda(ws);
  renderGlossary(ws);
  renderDevicePolicy(ws);
  await renderRoster(ws);
  await renderStewardPanel(ws);
  showKnocks(ws.isSteward ? ws.knocks.length : 0);
  tabs.offer("invitations", ws.isSteward);
}

const life = pageLife({
  content: "workspace",
  onRefused: (error) => console.warn("dialogue refused:", error),
});
const { cutOff } = life;

async function reload() {
  ws.state = await openDialogue(ws.id);
  await ws.refresh();
}

async function poll() {
  const info = await api.get(`/dialogues/${ws.id}`);
  if (info.current_epoch !== ws.state.epoch) await reload();
  else await ws.refresh(false);
}

try {
  ws.state = await openDialogue(ws.id);
  ws.entries = await readMeta(ws.state);
  ws.meta = new MetaWatch(ws.state);
  ws.model = buildModel(ws.entries);
  $("viewer-zone").textContent = _("Your time zone: %(zone)s", { zone: isolate(zoneName(viewerTimeZone())) });
  setupAgenda(ws);
  setupGlossary(ws);
  setupDevicePolicy(ws);
  setupStewardPanel(ws);
  await ws.refresh(true, false); // the documents just opened, unless they changed meanwhile
  tabs.start();
  $("loading").hidden = true;
  $("panels").hidden = false;
  life.poll(poll, POLL_MS, () => ws.busy);
} catch (error) {
  // A workspace that does not open says it cannot be shown, whatever the reason.
  life.refuseAll(error);
}

