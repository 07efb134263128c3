// The agenda editor: sessions and their items, each a `meta` document. Create, edit, delete, and
// reorder by drag and drop or by keyboard ("move up"/"move down", announced in a live region).

import { _ } from "../i18n.js";
import { deleteMeta, writeMeta } from "./crypto-state.js";
import { PHASES, RULES, cleanTexts, itemsOf, newDocId, pickText } from "./docs.js";
import { languageName, phaseLabel, ruleLabel } from "./labels.js";
import { formatRange, isoToWall, isolate, wallToIso, zoneName } from "./time.js";
import { $, announce, direction, h, onSubmit, options, readTexts, textInputs, uiLabels, userText } from "./ui.js";

const titleLabel = (tag) => _("Title in %(language)s", { language: languageName(tag) });
const guidanceLabel = (tag) => _("Guidance in %(language)s", { language: languageName(tag) });
let editingSession = null;
let editingItem = null;
let dragging = null;

const nextPosition = (list) => list.reduce((max, e) => Math.max(max, Number(e.doc.position) || 0), -1) + 1;
const titleOf = (ws, entry) => pickText(entry.doc.title, ws.prefs())?.text ?? _("(untitled)");

function resetSessionForm(ws) {
  editingSession = null;
  $("session-form").reset();
  textInputs($("session-titles"), ws.languages(), {}, { name: "session-title", label: titleLabel });
  $("session-form-heading").textContent = _("Add a session");
  $("session-cancel").hidden = true;
}

function resetItemForm(ws, sessionId = null) {
  editingItem = null;
  $("item-form").reset();
  textInputs($("item-titles"), ws.languages(), {}, { name: "item-title", label: titleLabel });
  textInputs($("item-guidance"), ws.languages(), {}, { name: "item-guidance", multiline: true, label: guidanceLabel });
  if (sessionId) $("item-session").value = sessionId;
  $("item-confidentiality").value = ws.model.dialogue?.doc.confidentiality_default ?? "chatham_house";
  $("item-form-heading").textContent = _("Add an agenda item");
  $("item-cancel").hidden = true;
}

function editSession(ws, entry) {
  editingSession = entry;
  const zone = ws.timeZone();
  textInputs($("session-titles"), ws.languages(), cleanTexts(entry.doc.title), { name: "session-title", label: titleLabel });
  $("session-starts").value = isoToWall(entry.doc.starts, zone);
  $("session-ends").value = isoToWall(entry.doc.ends, zone);
  $("session-form-heading").textContent = _("Edit session");
  $("session-cancel").hidden = false;
  $("session-editor").open = true;
  $("session-form-heading").focus();
}

function editItem(ws, entry) {
  editingItem = entry;
  const { doc } = entry;
  textInputs($("item-titles"), ws.languages(), cleanTexts(doc.title), { name: "item-title", label: titleLabel });
  textInputs($("item-guidance"), ws.languages(), cleanTexts(doc.guidance), { name: "item-guidance", multiline: true, label: guidanceLabel });
  $("item-session").value = doc.session;
  $("item-phase").value = doc.phase;
  $("item-minutes").value = Number(doc.minutes) || 0;
  $("item-confidentiality").value = doc.confidentiality;
  $("item-form-heading").textContent = _("Edit agenda item");
  $("item-cancel").hidden = false;
  $("item-editor").open = true;
  $("item-form-heading").focus();
}

async function saveSession(ws) {
  const zone = ws.timeZone();
  const title = readTexts($("session-titles"));
  const starts = wallToIso($("session-starts").value, zone);
  const ends = wallToIso($("session-ends").value, zone);
  if (!Object.keys(title).length) throw new Error(_("Give the session a title."));
  if (!starts || !ends || Date.parse(ends) <= Date.parse(starts)) {
    throw new Error(_("Give a start and an end; the end must come after the start."));
  }
  const base = editingSession?.doc ?? { type: "session", id: newDocId(), position: nextPosition(ws.model.sessions) };
  await writeMeta(ws.state, { ...base, title, starts, ends }, editingSession?.env.message_id);
  announce(editingSession ? _("Session saved.") : _("Session added."));
  resetSessionForm(ws);
}

async function saveItem(ws) {
  const session = $("item-session").value;
  const title = readTexts($("item-titles"));
  const minutes = Number.parseInt($("item-minutes").value, 10);
  if (!session) throw new Error(_("Add a session first."));
  if (!Object.keys(title).length) throw new Error(_("Give the agenda item a title."));
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) throw new Error(_("The time box is a number of minutes."));
  const moved = editingItem && editingItem.doc.session !== session;
  const base = editingItem?.doc ?? { type: "agenda_item", id: newDocId() };
  const position = !editingItem || moved ? nextPosition(itemsOf(ws.model, session)) : base.position;
  const doc = {
    ...base, session, title, phase: $("item-phase").value, minutes,
    confidentiality: $("item-confidentiality").value, guidance: readTexts($("item-guidance")), position,
  };
  await writeMeta(ws.state, doc, editingItem?.env.message_id);
  announce(editingItem ? _("Agenda item saved.") : _("Agenda item added."));
  resetItemForm(ws, session);
}

/** Rewrites the position of every document whose place changed, then re-renders. */
async function applyOrder(ws, order, movedId) {
  for (const [index, entry] of order.entries()) {
    if (entry.doc.position !== index) await writeMeta(ws.state, { ...entry.doc, position: index }, entry.env.message_id);
  }
  await ws.refresh();
  const index = order.findIndex((entry) => entry.doc.id === movedId);
  announce(_("“%(title)s” is now at position %(position)s of %(count)s.", {
    title: titleOf(ws, order[index]), position: index + 1, count: order.length,
  }));
}

function siblings(ws, kind, id) {
  if (kind === "session") return ws.model.sessions.slice();
  const item = ws.model.items.find((entry) => entry.doc.id === id);
  return itemsOf(ws.model, item?.doc.session).slice();
}

async function move(ws, kind, id, delta, action) {
  const order = siblings(ws, kind, id);
  const from = order.findIndex((entry) => entry.doc.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= order.length) return;
  order.splice(to, 0, ...order.splice(from, 1));
  await ws.guard(() => applyOrder(ws, order, id));
  /** @type {(selector: string) => HTMLButtonElement | null} */
  const find = (selector) => document.querySelector(selector);
  const again = find(`[data-id="${CSS.escape(id)}"] [data-action="${action}"]`);
  (again && !again.disabled ? again : find(`[data-id="${CSS.escape(id)}"] [data-action]`))?.focus();
}

async function drop(ws, kind, draggedId, targetId) {
  const order = siblings(ws, kind, targetId);
  const from = order.findIndex((entry) => entry.doc.id === draggedId);
  const to = order.findIndex((entry) => entry.doc.id === targetId);
  if (from < 0 || to < 0 || from === to) return;
  order.splice(to, 0, ...order.splice(from, 1));
  await ws.guard(() => applyOrder(ws, order, draggedId));
}

async function remove(ws, kind, entry) {
  const title = titleOf(ws, entry);
  const question = kind === "session"
    ? _("Delete the session “%(title)s” and all its agenda items?", { title })
    : _("Delete the agenda item “%(title)s”?", { title });
  if (!window.confirm(question)) return;
  await ws.guard(async () => {
    const doomed = kind === "session" ? [...itemsOf(ws.model, entry.doc.id), entry] : [entry];
    for (const victim of doomed) await deleteMeta(ws.state, victim.env.message_id);
    await ws.refresh();
    announce(_("Deleted “%(title)s”.", { title }));
  });
}

function controls(ws, kind, entry, index, count) {
  if (!ws.canWrite) return null;
  const title = titleOf(ws, entry);
  const button = (action, text, label, handler, disabled = false) =>
    h("button", { type: "button", class: "small", dataset: { action }, "aria-label": label, disabled, text, onclick: handler });
  return h(
    "div", { class: "controls" },
    button("up", _("Move up"), _("Move up: %(title)s", { title }), () => move(ws, kind, entry.doc.id, -1, "up"), index === 0),
    button("down", _("Move down"), _("Move down: %(title)s", { title }), () => move(ws, kind, entry.doc.id, 1, "down"), index === count - 1),
    button("edit", _("Edit"), _("Edit: %(title)s", { title }), () => (kind === "session" ? editSession(ws, entry) : editItem(ws, entry))),
    button("delete", _("Delete"), _("Delete: %(title)s", { title }), () => remove(ws, kind, entry)),
    kind === "session"
      ? button("add-item", _("Add item"), _("Add item to: %(title)s", { title }), () => {
        resetItemForm(ws, entry.doc.id);
        $("item-editor").open = true;
        $("item-form-heading").focus();
      })
      : null,
  );
}

function draggable(ws, node, kind, entry) {
  if (!ws.canWrite) return node;
  node.draggable = true;
  node.addEventListener("dragstart", (event) => {
    event.stopPropagation();
    dragging = { kind, id: entry.doc.id, session: entry.doc.session ?? null };
    event.dataTransfer.setData("text/plain", entry.doc.id);
    event.dataTransfer.effectAllowed = "move";
    node.classList.add("dragging");
  });
  node.addEventListener("dragend", () => node.classList.remove("dragging"));
  const fits = () => dragging && dragging.kind === kind && (kind === "session" || dragging.session === entry.doc.session);
  node.addEventListener("dragover", (event) => {
    if (!fits()) return;
    event.preventDefault();
    event.stopPropagation();
    node.classList.add("drop-target");
  });
  node.addEventListener("dragleave", () => node.classList.remove("drop-target"));
  node.addEventListener("drop", (event) => {
    if (!fits()) return;
    event.preventDefault();
    event.stopPropagation();
    node.classList.remove("drop-target");
    const dragged = dragging.id;
    dragging = null;
    drop(ws, kind, dragged, entry.doc.id);
  });
  return node;
}

function itemView(ws, entry, index, count) {
  const { doc } = entry;
  const title = pickText(doc.title, ws.prefs());
  const guidance = ws.isTeam ? pickText(doc.guidance, ws.prefs()) : null;
  const node = h(
    "li", { class: "item", dataset: { id: doc.id } },
    h("div", { class: "item-head" },
      userText("span", title?.text ?? _("(untitled)"), title?.lang, { class: "item-title" }),
      uiLabels(
        h("span", { class: "badge", text: phaseLabel(doc.phase) }),
        h("span", { class: "badge", text: _("%(minutes)s min", { minutes: Number(doc.minutes) || 0 }) }),
        h("span", { class: `badge rule-${String(doc.confidentiality)}`, text: ruleLabel(doc.confidentiality) }))),
    guidance ? userText("p", guidance.text, guidance.lang, { class: "guidance" }) : null,
    controls(ws, "item", entry, index, count),
  );
  return draggable(ws, node, "item", entry);
}

function sessionView(ws, entry, index, count) {
  const title = pickText(entry.doc.title, ws.prefs());
  const items = itemsOf(ws.model, entry.doc.id);
  const lang = title?.lang ?? ws.prefs()[0];
  const node = h(
    "li", { class: "session", dataset: { id: entry.doc.id } },
    h("div", { class: "session-head" },
      userText("h3", title?.text ?? _("(untitled)"), title?.lang),
      h("p", { class: "when", text: formatRange(entry.doc.starts, entry.doc.ends) })),
    controls(ws, "session", entry, index, count),
    h("ol", { class: "plain items", lang, dir: direction(lang) }, items.map((item, i) => itemView(ws, item, i, items.length))),
  );
  return draggable(ws, node, "session", entry);
}

export function renderAgenda(ws) {
  const { sessions } = ws.model;
  $("sessions").replaceChildren(...sessions.map((entry, i) => sessionView(ws, entry, i, sessions.length)));
  $("agenda-empty").hidden = sessions.length > 0;
  const chosen = $("item-session").value;
  options($("item-session"), sessions.map((entry) => [entry.doc.id, titleOf(ws, entry)]), chosen || null);
  $("agenda-forms").hidden = !ws.canWrite;
}

function bind(ws, form, status, save, reset) {
  onSubmit(form, status, async () => {
    await save(ws);
    await ws.refresh();
  });
  form.querySelector("button[id$=cancel]").addEventListener("click", () => reset(ws));
}

/** Wires the forms once the dialogue is open (selects, language inputs, handlers). */
export function setupAgenda(ws) {
  options($("item-phase"), PHASES.map((code) => [code, phaseLabel(code)]));
  options($("item-confidentiality"), RULES.map((code) => [code, ruleLabel(code)]));
  $("session-zone").textContent = _("Start and end in the dialogue's time zone: %(zone)s", { zone: isolate(zoneName(ws.timeZone())) });
  resetSessionForm(ws);
  resetItemForm(ws);
  bind(ws, $("session-form"), $("session-status"), saveSession, resetSessionForm);
  bind(ws, $("item-form"), $("item-status"), saveItem, resetItemForm);
}
