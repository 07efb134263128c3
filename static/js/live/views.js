// Pieces of the live room's screens shared by the console, the participant view and the
// projector: the current item with its rule and timer, the queue, the speaker, the message
// stream. Text goes in as text nodes; what people wrote carries dir="auto" and its language.

import { _, dateTimeFormat, ngettext, pgettext } from "../i18n.js";
import { pickText } from "../dialogues/docs.js";
import { languageName, phaseLabel, roleLabel, ruleLabel } from "../dialogues/labels.js";
import { dayIn, displayLocale } from "../dialogues/time.js";
import { h, uiLabels, userText } from "../dialogues/ui.js";
import { describeWho, dialogueTimeZone, floorOrder, itemById, ruleOf, speakerElapsedMs, timerOf } from "./agenda.js";
import { addToIndex, forReader, translationIndex } from "./interpretation.js";
import { entryError, formatDuration } from "./labels.js";

/** A person's name for screens: their display name, else their role, else "someone". */
export function nameOf(live, who) {
  // Kept per model and roster (both replaced, never changed in place): a stream of messages
  // asks for the same few authors again and again.
  let known = names.get(live.model);
  if (!known || known.state !== live.state) {
    known = { state: live.state, byWho: new Map() };
    if (live.model) names.set(live.model, known);
  }
  if (!known.byWho.has(who)) known.byWho.set(who, describe(live, who));
  return known.byWho.get(who);
}

const names = new WeakMap();

function describe(live, who) {
  const person = describeWho(live.model, who);
  if (person.name) return person;
  const role = person.handle ? live.roleNow(person.handle) : null;
  return { ...person, name: role ? roleLabel(role) : pgettext("a person", "Someone") };
}

function whoBadges(live, person, { firstToday = false } = {}) {
  const badges = [];
  if (firstToday) badges.push(h("span", { class: "badge first-today", text: _("First time today") }));
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

/** The day (in the dialogue's time zone) each live room's queue was last drawn for. */
const queueDays = new WeakMap();

/** Whether the queue was drawn on another day than `nowMs`'s: at midnight everyone is a first-timer again. */
export function queueOutdated(live, nowMs = Date.now()) {
  return queueDays.has(live) && queueDays.get(live) !== dayIn(nowMs, dialogueTimeZone(live.model));
}

/** The queue as it is called: who has not spoken yet today first, marked. */
export function queueOrder(live, nowMs = Date.now()) {
  const zone = dialogueTimeZone(live.model);
  queueDays.set(live, dayIn(nowMs, zone));
  return floorOrder(live.room, zone, nowMs);
}

/** The queue, in order. `controls(who, person)` may add buttons to each entry. */
export function queueView(live, { id = "queue", controls = null } = {}) {
  const order = queueOrder(live);
  if (!order.length) {
    return h("p", { id, class: "hint queue-empty", text: _("No one is waiting to speak.") });
  }
  return h(
    "ol",
    { id, class: "queue" },
    order.map(({ who, firstToday }) => {
      const person = nameOf(live, who);
      return h(
        "li",
        { dataset: { who, firstToday: String(firstToday) } },
        userText("span", person.name, null, { class: "who" }),
        whoBadges(live, person, { firstToday }),
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

const CLOCK = { hour: "2-digit", minute: "2-digit" };
const clock = () => dateTimeFormat(displayLocale(), CLOCK);
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


// The stream holds thousands of messages; the page holds a window of them (docs/live-room.md,
// "The message stream"): the newest while the reader follows the room, older ones as they
// scroll up or ask for them, so a new message costs the same with ten messages held or ten
// thousand.
const WINDOW = 80; // rows kept while following the newest
const MAX_ROWS = 140; // rows kept at most while reading back
const PAGE = 40; // rows added when the reader reaches an end of the window
const EDGE_PX = 240; // this near an end of the list, the window moves
const NEAR_END_PX = 80; // this near the end, the list follows new messages

/** Per list: its rows (what each held entry shows as), the window, the reader's place. */
const streams = new WeakMap();

function streamOf(list) {
  let stream = streams.get(list);
  if (!stream) {
    stream = {
      source: null, // the `ordered` array the rows were made from, and how far
      scanned: 0,
      readLang: null,
      joined: 0,
      only: null,
      index: null,
      rows: [], // {seq, key, make, entry?}: one per node of the stream, in seq order
      byId: new Map(), // message_id -> row, for a translation arriving after its original
      before: 0,
      start: 0, // the window: rows[start, end)
      end: 0,
      loading: false,
      wantOlder: /** @type {false | "button" | "scroll"} */ (false),
      args: null,
      pending: new WeakMap(),
      control: null,
      hint: null,
      hintCount: 0,
      frame: 0,
      // Whether the list follows new messages: true until the reader scrolls away from the end
      // (read from scroll events, not at each render: a list drawn while hidden has no
      // scroll position yet, and must still open at the newest message once shown).
      follow: true,
    };
    streams.set(list, stream);
    list.addEventListener("scroll", () => {
      const fromEnd = list.scrollHeight - list.scrollTop - list.clientHeight;
      stream.follow = stream.end === stream.rows.length && fromEnd < NEAR_END_PX;
      if (stream.frame) return;
      stream.frame = window.requestAnimationFrame(() => {
        stream.frame = 0;
        scrolled(list, stream);
      });
    }, { passive: true });
  }
  return stream;
}

/** The rows of the entries from `stream.scanned` on (all of them when `fresh`). */
function scan(stream, live, ordered, fresh) {
  const { index, readLang } = stream;
  const roleOf = (entry) => live.roles(entry.env.author_handle, entry.env.epoch);
  const changed = new Set();
  if (fresh) {
    stream.index = translationIndex(ordered, roleOf);
  } else {
    for (let i = stream.scanned; i < ordered.length; i += 1) {
      const original = addToIndex(index, ordered[i], roleOf);
      if (original !== null) changed.add(original);
    }
  }
  for (let i = stream.scanned; i < ordered.length; i += 1) {
    const entry = ordered[i];
    const seq = entry.env.seq;
    if (stream.only && !entry.error && !entry.refused && !stream.only(entry)) continue;
    const code = entry.error ?? entry.refused;
    if (code === "no_key" && entry.env.epoch < stream.joined) {
      stream.before += 1;
      continue;
    } else if (code) {
      stream.rows.push({ seq, key: `e${seq}:${code}`, make: () => errorView(entry, code) });
    } else if (entry.content.type === "text" && typeof entry.content.translation_of === "string") {
      // A translation is shown in place of its original, to readers of its language.
      if (!stream.index.refused.has(entry.env.message_id)) continue;
      stream.rows.push({ seq, key: `e${seq}:translator`, make: () => errorView(entry, "translator") });
    } else if (entry.content.type === "text") {
      const row = { seq, entry, key: "", make: null };
      messageRow(stream, live, row, readLang);
      stream.byId.set(entry.env.message_id, row);
      stream.rows.push(row);
    } else continue;
    if (entry.warning) {
      const warning = entry.warning;
      stream.rows.push({ seq, key: `w${seq}:${warning}`, make: () => errorView(entry, warning) });
    }
  }
  // A translation (or a correction) changes what its original shows, wherever it is.
  for (const id of changed) {
    const row = stream.byId.get(id);
    if (row) messageRow(stream, live, row, readLang);
  }
  stream.scanned = ordered.length;
}

function messageRow(stream, live, row, readLang) {
  const reading = forReader(row.entry, stream.index, readLang);
  row.key = `m${row.seq}:${reading.shown.env.message_id}`;
  row.make = () => messageView(live, row.entry, reading);
}

/** The first row at or after `seq` (`after`: the first after it). */
function rowAt(rows, seq, after = false) {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (rows[mid].seq < seq || (after && rows[mid].seq === seq)) low = mid + 1;
    else high = mid;
  }
  return low;
}

function nodeOf(row, cache) {
  if (!cache.has(row.key)) cache.set(row.key, row.make());
  return cache.get(row.key);
}

/** The line above the window: older messages to show, or being fetched; null when none. */
function controlOf(list, stream, live) {
  if (!stream.loading && stream.start === 0 && !hasOlder(live)) return null;
  if (!stream.control) {
    const button = h("button", { type: "button", class: "link-button show-earlier", text: _("Show earlier messages") });
    button.addEventListener("click", () => earlier(list, stream, true));
    const status = h("p", { class: "hint", role: "status" });
    stream.control = h("li", { class: "stream-earlier" }, button, status);
  }
  // The same button throughout, so that focus stays on it while older messages are fetched.
  const [button, status] = stream.control.children;
  button.setAttribute("aria-disabled", String(stream.loading));
  status.textContent = stream.loading ? _("Loading earlier messages…") : "";
  status.hidden = !stream.loading;
  return stream.control;
}

const hasOlder = (live) => Boolean(live.hasOlder) && typeof live.loadOlder === "function";

/** Puts the window's nodes in the list, moving only what changed; keeps `anchor` in place. */
function place(list, stream, { follow = false, anchor = null } = {}) {
  const [live, , cache] = stream.args;
  const rows = stream.rows;
  const wanted = [];
  const control = controlOf(list, stream, live);
  if (control) wanted.push(control);
  if (stream.start === 0 && stream.before) {
    if (!stream.hint || stream.hintCount !== stream.before) {
      stream.hintCount = stream.before;
      stream.hint = h("li", {
        class: "hint",
        text: ngettext(
          "%(num)s earlier message was sent before you joined; this device cannot read it.",
          "%(num)s earlier messages were sent before you joined; this device cannot read them.",
          stream.before,
        ),
      });
    }
    wanted.push(stream.hint);
  }
  for (let i = stream.start; i < stream.end; i += 1) wanted.push(nodeOf(rows[i], cache));
  for (const item of live.outbox) {
    if (item.content.type !== "text" || Boolean(item.team) !== stream.team) continue;
    if (!stream.pending.has(item)) stream.pending.set(item, pendingView(live, item));
    wanted.push(stream.pending.get(item));
  }
  // Where the reader is: the first message in view, to keep it where it is on screen.
  let mark = anchor;
  if (!mark && !follow) {
    const top = list.getBoundingClientRect().top;
    for (const node of list.children) {
      if (node.classList.contains("message") && node.getBoundingClientRect().bottom > top) {
        mark = node;
        break;
      }
    }
  }
  const markTop = mark ? mark.getBoundingClientRect().top : 0;
  const keep = new Set(wanted);
  const focusLost = stream.control && !keep.has(stream.control) && stream.control.contains(document.activeElement);
  for (const node of [...list.children]) if (!keep.has(node)) node.remove();
  if (focusLost) list.focus({ preventScroll: true });
  let cursor = list.firstElementChild;
  for (const node of wanted) {
    if (node === cursor) cursor = cursor.nextElementSibling;
    else list.insertBefore(node, cursor);
  }
  if (follow) list.scrollTop = list.scrollHeight;
  else if (mark?.isConnected) list.scrollTop += mark.getBoundingClientRect().top - markTop;
}

/** Shows older rows above the window, or asks the room for older history when it holds none. */
function earlier(list, stream, byButton = false) {
  const [live] = stream.args;
  if (stream.loading) return;
  stream.follow = false;
  if (stream.start > 0) {
    stream.start = Math.max(0, stream.start - PAGE);
    stream.end = Math.min(stream.end, stream.start + MAX_ROWS);
    // From the button, the button stays where it is and the older messages appear after it.
    place(list, stream, { anchor: byButton ? stream.control : null });
  } else if (hasOlder(live)) {
    stream.loading = true;
    stream.wantOlder = byButton ? "button" : "scroll";
    place(list, stream, { anchor: byButton ? stream.control : null });
    const done = () => {
      stream.loading = false;
      renderStream(list, ...stream.args);
    };
    Promise.resolve()
      .then(() => live.loadOlder())
      .then(done, done);
  }
}

function scrolled(list, stream) {
  if (!stream.args) return;
  const fromEnd = list.scrollHeight - list.scrollTop - list.clientHeight;
  if (list.scrollTop < EDGE_PX) {
    earlier(list, stream);
  } else if (fromEnd < EDGE_PX && stream.end < stream.rows.length) {
    stream.end = Math.min(stream.rows.length, stream.end + PAGE);
    stream.start = Math.max(stream.start, stream.end - MAX_ROWS);
    place(list, stream);
  }
}

/**
 * The message stream: texts in seq order, error entries in their place, this device's unsent
 * messages last. With `team`, the team channel's stream (the mediator team only) instead of the
 * room's; with `only`, the entries it accepts (a function kept from call to call).
 *
 * Only a window of it is in the list: while the reader is at the end, the newest `WINDOW`
 * messages, and a new message adds its node and drops the oldest; scrolled up (or with the
 * "Show earlier messages" button), older ones, with the message in view kept in place. At the
 * oldest message held, older history the room has not fetched (`live.hasOlder`) is asked for
 * with `live.loadOlder()`. Nodes are kept in `cache` by what they show, so a message shown again
 * keeps its state (the original shown or not).
 */
export function renderStream(list, live, prefs, cache, { team = false, only = null } = {}) {
  const stream = streamOf(list);
  stream.args = [live, prefs, cache, { team, only }];
  stream.team = team;
  const ordered = team ? live.teamOrdered : live.ordered;
  const readLang = prefs[0] ?? null;
  const joined = live.joinedEpoch();
  const oldLength = stream.rows.length;
  const atEnd = stream.end === oldLength;
  const follow = atEnd && stream.follow;
  const fresh = stream.source !== ordered || stream.readLang !== readLang || stream.joined !== joined
    || stream.only !== only || ordered.length < stream.scanned;
  if (fresh) {
    // Not a batch appended (a retraction, an entry out of order, keys reloaded, another
    // language): the rows are made again and the window found again by seq.
    const first = stream.rows[stream.start]?.seq;
    const last = stream.rows[stream.end - 1]?.seq;
    Object.assign(stream, { source: ordered, scanned: 0, readLang, joined, only, rows: [], byId: new Map(), before: 0 });
    scan(stream, live, ordered, true);
    if (follow || first === undefined) {
      stream.end = stream.rows.length;
      stream.start = Math.max(0, stream.end - WINDOW);
    } else {
      stream.start = rowAt(stream.rows, first);
      stream.end = atEnd ? stream.rows.length : rowAt(stream.rows, last, true);
      stream.end = Math.min(stream.end, stream.start + MAX_ROWS);
    }
  } else {
    scan(stream, live, ordered, false);
    if (follow) {
      stream.end = stream.rows.length;
      stream.start = Math.max(0, stream.end - WINDOW);
    } else if (atEnd) {
      // Reading back: new messages join the window below the reader until it is full.
      stream.end = Math.min(stream.rows.length, stream.start + MAX_ROWS);
    }
  }
  if (stream.end <= stream.start) {
    // Every message of the window gone (retracted): back to the newest.
    stream.end = stream.rows.length;
    stream.start = Math.max(0, stream.end - WINDOW);
  }
  let anchor = null;
  if (stream.wantOlder && !stream.loading) {
    // Older history arrived as asked: show a page of it, as scrolling up does.
    if (stream.wantOlder === "button") anchor = stream.control;
    stream.wantOlder = false;
    if (stream.start > 0) {
      stream.start = Math.max(0, stream.start - PAGE);
      stream.end = Math.min(stream.end, stream.start + MAX_ROWS);
    }
  }
  place(list, stream, { follow: follow && !anchor, anchor });
}
