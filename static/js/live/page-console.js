// /dialogues/<id>/live: the facilitator console. The agenda of the current session with the
// current item, its rule and timer (start, pause, resume); the speaking queue with hands from
// remote and in-room participants, people in the room added by label, "next speaker" and the
// speaker's timer; speaking time per person (the equity indicator); the message stream.
// Facilitators and conveners run the room (and may close the session); other team members
// follow it and may speak. The mediator team also has the team channel, a panel of its own
// that participants and observers never receive. A key steward sees requests to join at the
// top, and lets newcomers in (or refuses them) without leaving the room.

import "../secure-context.js";
import { _, numberFormat } from "../i18n.js";
import { pickText, preferences } from "../dialogues/docs.js";
import { languageName, phaseLabel, ruleLabel } from "../dialogues/labels.js";
import { watchKnocks } from "../dialogues/knock-notice.js";
import { displayLocale, isolate } from "../dialogues/time.js";
import { h, options, uiLabels, userText } from "../dialogues/ui.js";
import {
  FLOOR_FAR, describeWho, floorImbalance, itemSideTotals, ruleOf, sessionItems, shownSession, speakingTotals,
} from "./agenda.js";
import { $, boot, setupComposer, showTitle, workingLanguages } from "./boot.js";
import { formatDuration } from "./labels.js";
import { TRANSLATORS } from "./interpretation.js";
import { LEADS } from "./state.js";
import { itemView, nameOf, queueOrder, queueOutdated, queueView, renderStream, speakerView, timerView } from "./views.js";
import { renderInterpreterPanel } from "./interpreter-view.js";

let chosenSession = null;
const streamCache = new Map();
const teamCache = new Map();
const interpreterCache = new Map();
const interpretersStreamCache = new Map();
const isInterpreter = (live) => TRANSLATORS.has(live.role);
const forInterpreters = (entry) => entry.content?.audience === "interpreters";
const notForInterpreters = (entry) => !forInterpreters(entry);

const isLead = (live) => LEADS.has(live.role);
const prefs = (live) => preferences(live.model, $("message-lang").value || null);
/** Message fields naming someone: a member by handle, or a label for someone without a device. */
const aboutFields = (who, key) => (who.startsWith("label:") ? { label: who.slice(6) } : { [key]: who });
const handRaised = (live) => live.room.queue.includes(live.me);

function setup(live) {
  if (live.state.isSteward) {
    // Letting someone in cuts a new epoch: the room's poll opens it, as for anyone else's cut.
    watchKnocks($("knock-notice"), {
      dialogueId: live.dialogueId,
      state: () => live.state,
      model: () => live.model,
      reopen: () => live.poll(),
      pollMs: live.pollMs, // the room's own pace: slower in text-only mode
    });
  }
  const lead = isLead(live);
  for (const node of document.querySelectorAll(/** @type {".lead-only"} */ (".lead-only"))) {
    /** @type {HTMLElement} */ (node).hidden = !lead;
  }
  $("lead-hint").hidden = lead;
  const languages = workingLanguages(live);
  const page = document.documentElement.lang;
  options($("message-lang"), languages.map((tag) => [tag, languageName(tag)]), languages.includes(page) ? page : languages[0]);
  $("team-panel").hidden = !live.hasTeam;
  $("interpreter-panel").hidden = !(live.hasTeam && isInterpreter(live));
  if (live.hasTeam && isInterpreter(live)) {
    $("interpreter-composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("interpreter-text").value.trim();
      if (!text) return;
      live.send({ type: "text", text, lang: $("team-lang").value, audience: "interpreters" }, { team: true });
      $("interpreter-text").value = "";
    });
  }
  if (live.hasTeam) {
    options($("team-lang"), languages.map((tag) => [tag, languageName(tag)]), languages.includes(page) ? page : languages[0]);
    setupComposer(live, { form: "team-composer", text: "team-text", lang: "team-lang", team: true });
  }
  $("close-session").addEventListener("click", () => {
    const question = _("Close the session for everyone? Devices set to be cleared when the session closes will delete this dialogue's keys and messages.");
    if (window.confirm(question)) live.send({ type: "session_closed" });
  });

  $("pause-timer").addEventListener("click", () => live.send({ type: "timer_paused" }));
  $("resume-timer").addEventListener("click", () => live.send({ type: "timer_resumed" }));
  $("next-speaker").addEventListener("click", () => {
    // The first in the order every screen shows: who has not spoken yet today first.
    const first = queueOrder(live)[0]?.who;
    if (first) live.send({ type: "speaker_called", ...aboutFields(first, "handle") });
  });
  $("speaker-done").addEventListener("click", () => live.send({ type: "speaker_done" }));
  $("my-hand").addEventListener("click", () => live.send({ type: handRaised(live) ? "hand_lowered" : "hand_raised" }));
  $("add-label").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("label-name").value.trim();
    if (!name) return;
    live.send({ type: "hand_raised", label: name });
    $("label-name").value = "";
  });
  $("session-select").addEventListener("change", (event) => {
    chosenSession = event.target.value;
    render(live);
  });
  setupComposer(live);
}

function agendaItem(live, entry) {
  const { doc } = entry;
  const title = pickText(doc.title, prefs(live));
  const current = live.room.item === doc.id;
  const rule = ruleOf(live.model, doc);
  const name = title?.text ?? _("(untitled)");
  return h(
    "li",
    { class: `live-item${current ? " current" : ""}`, dataset: { item: doc.id }, "aria-current": current ? "step" : null },
    userText("span", name, title?.lang, { class: "item-title" }),
    uiLabels(
      current ? h("span", { class: "badge now-badge", text: _("now") }) : null,
      h("span", { class: "badge", text: phaseLabel(doc.phase) }),
      h("span", { class: "badge", text: _("%(minutes)s min", { minutes: Number(doc.minutes) || 0 }) }),
      rule ? h("span", { class: `badge rule rule-${rule}`, text: ruleLabel(rule) }) : null,
    ),
    isLead(live) && !current
      ? h("button", {
        type: "button",
        class: "small start-item",
        "aria-label": _("Start: %(item)s", { item: name }),
        text: _("Start"),
        onclick: () => live.send({ type: "item_started", item: doc.id }),
      })
      : null,
  );
}

function renderAgenda(live) {
  const session = shownSession(live.model, live.room, chosenSession);
  options(
    $("session-select"),
    live.model.sessions.map((entry) => [entry.doc.id, pickText(entry.doc.title, prefs(live))?.text ?? _("(untitled)")]),
    session?.doc.id ?? null,
  );
  const items = sessionItems(live.model, session);
  $("live-agenda").replaceChildren(...items.map((entry) => agendaItem(live, entry)));
  $("no-agenda").hidden = items.length > 0;
  $("now-holder").replaceChildren(itemView(live, prefs(live), { headingLevel: "h3" }));
}

function renderTimers(live) {
  const now = Date.now();
  if (queueOutdated(live, now)) renderQueue(live);
  $("timer-holder").replaceChildren(timerView(live, now));
  $("speaker-holder").replaceChildren(speakerView(live, now));
  const started = live.room.itemStartedMs !== null;
  const paused = live.room.pausedAtMs !== null;
  const closed = live.room.closedAtMs !== null;
  $("pause-timer").disabled = !started || paused || closed;
  $("resume-timer").disabled = !paused || closed;
  $("close-session").disabled = closed;
  $("session-closed").hidden = !closed;
  renderTotals(live, now);
  renderBalance(live, now);
}

function queueControls(live) {
  if (!isLead(live)) return null;
  return (who, person) => h(
    "span",
    { class: "controls" },
    // The visible word, then the person's name for screen readers: the accessible name always
    // contains what is seen, in every language.
    h("button", {
      type: "button", class: "small",
      onclick: () => live.send({ type: "speaker_called", ...aboutFields(who, "handle") }),
    }, _("Call"), h("span", { class: "visually-hidden", text: ` ${person.name}` })),
    h("button", {
      type: "button", class: "small",
      onclick: () => live.send({ type: "hand_lowered", ...aboutFields(who, "for_handle") }),
    }, _("Remove"), h("span", { class: "visually-hidden", text: ` ${person.name}` })),
  );
}

function renderQueue(live) {
  $("queue-holder").replaceChildren(queueView(live, { controls: queueControls(live) }));
  $("next-speaker").disabled = live.room.queue.length === 0;
  $("speaker-done").disabled = live.room.speaker === null;
  const raised = handRaised(live);
  $("my-hand").textContent = raised ? _("Lower my hand") : _("Raise my hand");
  $("my-hand").setAttribute("aria-pressed", String(raised));
}

function renderTotals(live, now) {
  const rows = speakingTotals(live.room, live.state.roster, now);
  const total = rows.reduce((sum, row) => sum + row.ms, 0);
  const percent = numberFormat(displayLocale(), { style: "percent", maximumFractionDigits: 0 });
  const sides = new Map();
  $("totals").tBodies[0].replaceChildren(...rows.map(({ who, ms }) => {
    const person = nameOf(live, who);
    const side = describeWho(live.model, who).side;
    if (side) sides.set(side, (sides.get(side) ?? 0) + ms);
    const share = total ? ms / total : 0;
    return h(
      "tr",
      { dataset: { who } },
      h("td", {}, userText("span", person.name)),
      h("td", {}, side ? userText("span", side) : null),
      h("td", { class: "timer-digits", dir: "ltr", text: formatDuration(ms) }),
      h("td", {}, h("meter", { min: 0, max: 1, value: share, "aria-hidden": "true" }), " ", h("span", { text: percent.format(share) })),
    );
  }));
  $("sides").replaceChildren(...[...sides].flatMap(([side, ms], index) => [
    index ? " · " : "",
    userText("span", side), " ",
    h("span", { dir: "ltr", class: "timer-digits", text: formatDuration(ms) }),
  ]));
}

/** The sentence for a side that has had markedly more of the item (floorImbalance). */
function balanceText({ side, other, times }) {
  const names = { side: isolate(side), other: isolate(other) };
  if (times === null) return _("%(side)s has had the floor in this item and %(other)s has not spoken yet.", names);
  if (times >= FLOOR_FAR) return _("%(side)s has spoken far longer than %(other)s in this item.", names);
  if (times === 2) return _("%(side)s has spoken about twice as long as %(other)s in this item.", names);
  const number = numberFormat(displayLocale(), { maximumFractionDigits: 1 }).format(times);
  return _("%(side)s has spoken about %(times)s times as long as %(other)s in this item.", { ...names, times: number });
}

/**
 * Fair floor time: a quiet note in words when one side has had markedly more of the current item.
 * The note is a polite live region, written only when its words change (each second's tick
 * leaves it alone), and gone when the balance returns or another item starts.
 */
function renderBalance(live, now) {
  const imbalance = floorImbalance(itemSideTotals(live.model, live.room, live.state.roster, now));
  const text = imbalance ? balanceText(imbalance) : "";
  const holder = $("floor-balance");
  if ((holder.textContent ?? "") === text) return;
  const note = imbalance ? [h("p", { class: "floor-note", dataset: { side: imbalance.side, other: imbalance.other }, text })] : [];
  holder.replaceChildren(...note);
}

function render(live) {
  showTitle(live, prefs(live));
  renderAgenda(live);
  renderQueue(live);
  renderTimers(live);
  renderStream($("messages"), live, prefs(live), streamCache);
  if (live.hasTeam) {
    // The interpreters' channel lives inside the team channel; interpreters read it in their panel.
    const teamOnly = isInterpreter(live) ? notForInterpreters : null;
    renderStream($("team-messages"), live, prefs(live), teamCache, { team: true, only: teamOnly });
  }
  if (live.hasTeam && isInterpreter(live)) {
    renderInterpreterPanel($("interpreter-holder"), live, interpreterCache);
    renderStream($("interpreter-messages"), live, prefs(live), interpretersStreamCache, { team: true, only: forInterpreters });
  }
}

boot({ rootId: "live-console", mode: "team", setup, render, tick: renderTimers });
