// Pieces of the live room's screens shared by the console, the participant view and the
// projector: the current item with its rule and timer, the queue, the speaker, the message
// stream. Text goes in as text nodes; what people wrote carries dir="auto" and its language.

import { _, dateTimeFormat, ngettext, pgettext } from "../i18n.js";
import { pickText } from "../dialogues/docs.js";
import { languageName, phaseLabel, roleLabel, ruleLabel } from "../dialogues/labels.js";
import { displayLocale } from "../dialogues/time.js";
import { h, uiLabels, userText } from "../dialogues/ui.js";
import { describeWho, itemById, ruleOf, speakerElapsedMs, timerOf } from "./agenda.js";
import { forReader, translationIndex } from "./interpretation.js";
import { entryError, formatDuration } from "./labels.js";

/** A person's name for screens: their display name, else their role, else "someone". */
export function nameOf(live, who) {
  const person = describeWho(live.model, who);
  if (person.name) return person;
  const role = person.handle ? live.roleNow(person.handle) : null;
  return { ...person, name: role ? roleLabel(role) : pgettext("a person", "Someone") };
}

function whoBadges(live, person) {
  const badges = [];
  if (person.handle && person.handle === live.me) badges.push(h("span", { class: "badge you", text: _("you") }));
  if (person.label) badges.push(h("span", { class: "badge", text: _("in the room, no device") }));
  else if (person.inRoom) badges.push(h("span", { class: "badge", text: _("in the room") }));
  return badges.length ? uiLabels(badges) : null;
}

/** The current item: title in the reader's language, phase, rule; null when none started. */
export function itemView(live, prefs, { headingLevel = "h2", id = "current-item" } = {}) {
  const entry = live.room.item ? itemById(live.model, live.room.item) : null;
  if (!live.room.item) {
    return h("div", { id, class: "current-item none" }, h("p", { class: "hint", text: _("No agenda item has been started yet.") }));
  }
  const doc = entry?.doc ?? {};
  const title = pickText(doc.title, prefs);
  const rule = ruleOf(live.model, doc);
  return h(
    "div",
    { id, class: `current-item rule-${rule ?? "none"}`, dataset: { item: live.room.item } },
    userText(headingLevel, title?.text ?? _("(an item this device cannot read)"), title?.lang, { class: "item-now-title", id: `${id}-title` }),
    uiLabels(
      doc.phase ? h("span", { class: "badge", text: phaseLabel(doc.phase) }) : null,
      rule ? h("span", { class: `badge rule rule-${rule}`, id: `${id}-rule`, dataset: { rule }, text: ruleLabel(rule) }) : null,
    ),
  );
}

/** The item timer: elapsed of the time box, with "soon" and "over time" states. */
export function timerView(live, nowMs, { id = "item-timer" } = {}) {
  const timer = timerOf(live.model, live.room, nowMs);
  const digits = [h("span", { class: "elapsed", text: formatDuration(timer.elapsedMs) })];
  if (timer.limitMs !== null) digits.push(h("span", { class: "limit", text: ` / ${formatDuration(timer.limitMs)}` }));
  const notes = [];
  if (timer.paused) notes.push(h("span", { class: "badge", text: _("paused") }));
  if (timer.state === "overrun") {
    notes.push(h("span", { class: "badge warning", role: "status", text: _("Over time by %(duration)s", { duration: formatDuration(-timer.remainingMs) }) }));
  } else if (timer.state === "soon") {
    notes.push(h("span", { class: "badge soon", text: _("%(duration)s left", { duration: formatDuration(timer.remainingMs) }) }));
  }
  return h(
    "div",
    { id, class: `timer timer-${timer.state}${timer.paused ? " timer-paused" : ""}`, dataset: { state: timer.state } },
    h("span", { class: "timer-digits", dir: "ltr" }, digits),
    notes.length ? uiLabels(notes) : null,
  );
}

/** The queue, in order. `controls(who, person)` may add buttons to each entry. */
export function queueView(live, { id = "queue", controls = null } = {}) {
  if (!live.room.queue.length) {
    return h("p", { id, class: "hint queue-empty", text: _("No one is waiting to speak.") });
  }
  return h(
    "ol",
    { id, class: "queue" },
    live.room.queue.map((who) => {
      const person = nameOf(live, who);
      return h(
        "li",
        { dataset: { who } },
        userText("span", person.name, null, { class: "who" }),
        whoBadges(live, person),
        controls ? controls(who, person) : null,
      );
    }),
  );
}

/** Who is speaking, and for how long. */
export function speakerView(live, nowMs, { id = "speaker" } = {}) {
  if (!live.room.speaker) return h("p", { id, class: "hint speaker none", text: _("No one has the floor.") });
  const person = nameOf(live, live.room.speaker.who);
  return h(
    "p",
    { id, class: "speaker", dataset: { who: live.room.speaker.who } },
    h("span", { class: "speaker-label", text: _("Speaking:") }), " ",
    userText("strong", person.name, null, { class: "who" }), " ",
    whoBadges(live, person),
    h("span", { class: "timer-digits speaker-time", dir: "ltr", text: formatDuration(speakerElapsedMs(live.room, nowMs)) }),
  );
}

const clock = () => dateTimeFormat(displayLocale(), { hour: "2-digit", minute: "2-digit" });
const langOf = (content) => (typeof content.lang === "string" && content.lang ? content.lang : null);

/**
 * A message as its reader sees it: in the reader's language when an interpreter translated it,
 * marked as a translation, with the original one tap away (docs/live-room.md).
 */
function messageView(live, entry, reading) {
  const { env, content } = entry;
  const person = nameOf(live, env.author_handle);
  const lang = langOf(content);
  const at = Number.isFinite(content.at) ? new Date(content.at) : null;
  const shownLang = reading.translation ? langOf(reading.shown.content) : lang;
  const original = userText("p", typeof content.text === "string" ? content.text : "", lang, { class: "message-text original-text" });
  const body = [];
  if (reading.translation) {
    const text = reading.shown.content.text;
    body.push(userText("p", typeof text === "string" ? text : "", shownLang, { class: "message-text translation-text" }));
    original.hidden = true;
    const toggle = h("button", { type: "button", class: "link-button show-original", "aria-expanded": "false", text: _("Show original") });
    toggle.addEventListener("click", () => {
      original.hidden = !original.hidden;
      toggle.setAttribute("aria-expanded", String(!original.hidden));
      toggle.textContent = original.hidden ? _("Show original") : _("Hide original");
    });
    body.push(toggle, original);
  } else {
    body.push(original);
  }
  const marker = reading.translation
    ? h("span", {
      class: "badge translated",
      dataset: { from: lang ?? "" },
      text: reading.corrected
        ? _("Translated from %(language)s by an interpreter (corrected)", { language: languageName(lang ?? "") })
        : _("Translated from %(language)s by an interpreter", { language: languageName(lang ?? "") }),
    })
    : null;
  const audience = content.audience === "interpreters"
    ? h("span", { class: "badge", text: _("interpreters only") })
    : null;
  return h(
    "li",
    {
      class: `message${env.author_handle === live.me ? " mine" : ""}${reading.translation ? " is-translation" : ""}`,
      dataset: { seq: env.seq, messageId: env.message_id },
    },
    h(
      "div",
      { class: "message-head" },
      userText("span", person.name, null, { class: "author" }),
      uiLabels(
        shownLang ? h("span", { class: "badge lang", dataset: { lang: shownLang }, text: languageName(shownLang) }) : null,
        marker,
        audience,
      ),
      at ? h("time", { datetime: at.toISOString(), text: clock().format(at) }) : null,
    ),
    ...body,
  );
}

function pendingView(live, item) {
  const lang = item.content.lang || null;
  return h(
    "li",
    { class: "message mine pending", dataset: { pending: "true" } },
    h(
      "div",
      { class: "message-head" },
      userText("span", nameOf(live, live.me).name, null, { class: "author" }),
      uiLabels(
        lang ? h("span", { class: "badge lang", dataset: { lang }, text: languageName(lang) }) : null,
        h("span", { class: "badge", text: _("sending…") }),
      ),
    ),
    userText("p", item.content.text, lang, { class: "message-text" }),
  );
}

function errorView(entry, code) {
  return h("li", { class: "message error-entry", dataset: { seq: entry.env.seq, error: code } }, h("p", { class: "error", text: entryError(code) }));
}

/**
 * The message stream: texts in seq order, error entries in their place, this device's unsent
 * messages last. Nodes are kept by seq, so a new message does not redraw the others. With
 * `team`, the team channel's stream (the mediator team only) instead of the room's.
 */
export function renderStream(list, live, prefs, cache, { team = false, only = null } = {}) {
  const joined = live.joinedEpoch();
  const ordered = team ? live.teamOrdered : live.ordered;
  const index = translationIndex(ordered, (entry) => live.roles(entry.env.author_handle, entry.env.epoch));
  const readLang = prefs[0] ?? null;
  let before = 0;
  const nodes = [];
  for (const entry of ordered) {
    const seq = entry.env.seq;
    if (only && !entry.error && !entry.refused && !only(entry)) continue;
    const code = entry.error ?? entry.refused;
    let key;
    let make;
    if (code === "no_key" && entry.env.epoch < joined) {
      before += 1;
      continue;
    } else if (code) {
      key = `e${seq}:${code}`;
      make = () => errorView(entry, code);
    } else if (entry.content.type === "text" && typeof entry.content.translation_of === "string") {
      // A translation is shown in place of its original, to readers of its language.
      if (!index.refused.has(entry.env.message_id)) continue;
      key = `e${seq}:translator`;
      make = () => errorView(entry, "translator");
    } else if (entry.content.type === "text") {
      const reading = forReader(entry, index, readLang);
      key = `m${seq}:${reading.shown.env.message_id}`;
      make = () => messageView(live, entry, reading);
    } else continue;
    if (!cache.has(key)) cache.set(key, make());
    nodes.push(cache.get(key));
    if (entry.warning) {
      const warningKey = `w${seq}:${entry.warning}`;
      if (!cache.has(warningKey)) cache.set(warningKey, errorView(entry, entry.warning));
      nodes.push(cache.get(warningKey));
    }
  }
  for (const item of live.outbox) {
    if (item.content.type === "text" && Boolean(item.team) === team) nodes.push(pendingView(live, item));
  }
  const hint = before
    ? h("li", {
      class: "hint",
      text: ngettext(
        "%(num)s earlier message was sent before you joined; this device cannot read it.",
        "%(num)s earlier messages were sent before you joined; this device cannot read them.",
        before,
      ),
    })
    : null;
  const nearEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren(...(hint ? [hint] : []), ...nodes);
  if (nearEnd) list.scrollTop = list.scrollHeight;
}
