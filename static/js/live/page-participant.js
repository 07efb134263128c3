// /p/<id>/live: a participant's live view, phone first. The current item and its confidentiality
// rule come first (an off-the-record or no-notes item is announced as it starts), then the
// hand (raise, lower, place in the queue), then the messages, in the participant's language.
// Last, this device: "clear this device when the session closes" (or the conveners' policy that
// does it for every participant) and the low-bandwidth text-only mode. When the facilitator
// closes the session, an ephemeral device deletes everything it holds for the dialogue and
// shows a neutral screen.

import "../secure-context.js";
import { _ } from "../i18n.js";
import { personFor } from "../dialogues/docs.js";
import { languageName, ruleExplanation } from "../dialogues/labels.js";
import * as store from "../dialogues/store.js";
import {
  clearDevice,
  ephemeralRecord,
  followPolicy,
  markEphemeral,
  policyApplies,
} from "../dialogues/ephemeral.js";
import { offerTextOnly, setTextOnly } from "../dialogues/low-bandwidth.js";
import { announce, direction, h, options, show } from "../dialogues/ui.js";
import { itemById, ruleOf } from "./agenda.js";
import { $, boot, setupComposer, showTitle, workingLanguages } from "./boot.js";
import { itemView, queueOrder, queueOutdated, queueView, renderStream, speakerView, timerView } from "./views.js";

let chosen = null;
let baseline = false;
let lastItem = null;
const streamCache = new Map();
let record = null; // this device's ephemeral record: {since, by} or null
let policyShown = null;
let clearing = false;

const prefs = (live) => [chosen, document.documentElement.lang, ...workingLanguages(live)];
const handRaised = (live) => live.room.queue.includes(live.me);

async function pickLanguage(live) {
  const languages = workingLanguages(live);
  const stored = await store.load(store.keys.contentLanguage(live.dialogueId)).catch(() => null);
  const mine = personFor(live.model, { handle: live.me })?.doc.language;
  const candidates = [stored, document.documentElement.lang, mine, languages[0]];
  return candidates.find((tag) => tag && languages.includes(tag)) ?? languages[0];
}

async function setup(live) {
  chosen = await pickLanguage(live);
  const languages = workingLanguages(live);
  options($("message-lang"), languages.map((tag) => [tag, languageName(tag)]), chosen);
  $("message-lang").addEventListener("change", async (event) => {
    chosen = event.target.value;
    await store.save(store.keys.contentLanguage(live.dialogueId), chosen).catch(() => undefined);
    live.onChange();
  });
  $("hand-button").addEventListener("click", () => {
    live.send({ type: handRaised(live) ? "hand_lowered" : "hand_raised" });
  });
  setupComposer(live);
  await setupDevice(live);
}

async function setupDevice(live) {
  record = await followPolicy(live.dialogueId, live.model, live.role, live.lastSeq());
  policyShown = policyApplies(live.model, live.role);
  const toggle = $("ephemeral-toggle");
  toggle.addEventListener("change", async () => {
    if (policyApplies(live.model, live.role)) {
      toggle.checked = true;
      return;
    }
    // From now on: a session closed before this choice does not clear the device.
    await markEphemeral(live.dialogueId, toggle.checked, { since: live.lastSeq(), by: "self" }).catch(() => undefined);
    record = await ephemeralRecord(live.dialogueId);
    renderDevice(live);
    announce(toggle.checked
      ? _("This device will be cleared when the session closes.")
      : _("This device will keep the dialogue when the session closes."));
  });
  $("text-only-toggle").addEventListener("change", (event) => setTextOnly(event.target.checked));
}

function renderDevice(live) {
  const policy = policyApplies(live.model, live.role);
  if (policy !== policyShown) {
    policyShown = policy;
    followPolicy(live.dialogueId, live.model, live.role, live.lastSeq()).then((value) => {
      record = value;
      renderDevice(live);
    });
  }
  const toggle = $("ephemeral-toggle");
  toggle.checked = policy || Boolean(record);
  toggle.disabled = policy;
  $("ephemeral-policy").hidden = !policy;
}

/** The `seq` of the close in force (null while the session is open). */
function closedAt(live) {
  if (live.room.closedAtMs === null) return null;
  let seq = null;
  for (const entry of live.ordered) {
    if (entry.content?.type === "session_closed" && !entry.refused) seq = entry.env.seq;
  }
  return seq;
}

/** After the session closed, an ephemeral device clears itself; others say it is closed. */
function checkClosed(live) {
  const closed = closedAt(live);
  $("session-closed").hidden = closed === null;
  if (closed === null || clearing || !record || closed <= record.since) return false;
  clearing = true;
  clearNow(live);
  return true;
}

async function clearNow(live) {
  const dialogueId = live.dialogueId;
  let failed = false;
  await live.forget();
  try {
    await clearDevice(dialogueId);
  } catch (error) {
    failed = true;
    console.warn("clearing this device failed:", error?.name);
  }
  document.title = _("Facilitator");
  const screen = failed
    ? h(
      "section",
      { class: "card cleared", id: "device-cleared", role: "alert", dataset: { cleared: "partly" } },
      h("h1", { text: _("This device could not be fully cleared") }),
      h("p", { text: _("Close this tab and clear this site's data in the browser's settings.") }),
    )
    : h(
      "section",
      { class: "card cleared", id: "device-cleared", role: "status", dataset: { cleared: "yes" } },
      h("h1", { text: _("This device has been cleared") }),
      h("p", { text: _("The session has closed. The keys and messages this device held for it have been deleted.") }),
    );
  document.getElementById("live-participant").replaceChildren(screen);
}

/** Announces an item that starts while this page is open (not the one found on arrival). */
function announceItem(live, rule, title) {
  if (!baseline) {
    if (live.status !== "live" || live.hasOlder) return; // the item of the whole log
    baseline = true;
    lastItem = live.room.item;
    return;
  }
  if (live.room.item === lastItem) return;
  lastItem = live.room.item;
  if (!live.room.item) return;
  const parts = [_("Now: %(item)s", { item: title })];
  if (rule === "off_record") parts.push(_("This item is off the record."));
  else if (rule === "no_notes") parts.push(_("No notes during this item."));
  announce(parts.join(" "));
}

function renderNow(live) {
  const item = live.room.item ? itemById(live.model, live.room.item) : null;
  const rule = live.room.item ? ruleOf(live.model, item?.doc) : null;
  const now = itemView(live, prefs(live), { headingLevel: "h3" });
  now.lang = chosen;
  now.dir = direction(chosen);
  show($("now-holder"), now);
  const notice = $("rule-notice");
  notice.textContent = rule ? ruleExplanation(rule) : "";
  notice.className = `rule-notice rule-${rule ?? "none"}`;
  notice.hidden = !rule;
  announceItem(live, rule, now.querySelector(".item-now-title")?.textContent ?? "");
}

function renderHand(live) {
  const raised = handRaised(live);
  const button = $("hand-button");
  button.textContent = raised ? _("Lower my hand") : _("Raise my hand");
  button.setAttribute("aria-pressed", String(raised));
  const waiting = live.outbox.some((item) => item.content.type.startsWith("hand_"));
  let status = "";
  if (waiting) status = _("Waiting to send…");
  else if (live.room.speaker?.who === live.me) status = _("You have the floor.");
  else if (raised) status = _("You are number %(position)s in the queue.", { position: queueOrder(live).findIndex((row) => row.who === live.me) + 1 });
  $("hand-status").textContent = status;
  $("queue-holder").replaceChildren(queueView(live));
}

function renderTimers(live) {
  const now = Date.now();
  if (queueOutdated(live, now)) renderHand(live);
  show($("timer-holder"), timerView(live, now));
  show($("speaker-holder"), speakerView(live, now));
}

function render(live) {
  if (clearing || checkClosed(live)) return;
  renderDevice(live);
  showTitle(live, prefs(live));
  renderNow(live);
  renderHand(live);
  renderTimers(live);
  renderStream($("messages"), live, prefs(live), streamCache);
}

offerTextOnly($("text-only-suggestion"), $("suggestion-accept"), $("suggestion-dismiss"));
boot({ rootId: "live-participant", mode: "device", setup, render, tick: (live) => clearing || renderTimers(live) });
