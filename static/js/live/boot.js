// What the three live pages share: load the catalogue, open the room, show the connection's
// state and refused requests, redraw when something changed (coalesced), tick the timers every
// second, and replace the page with the reason when the room stops.

import { _, loadCatalog } from "../i18n.js";
import * as api from "../dialogues/api.js";
import { pickText, preferences } from "../dialogues/docs.js";
import { explain } from "../dialogues/labels.js";
import { liveTuning } from "../dialogues/low-bandwidth.js";
import { offerWipe } from "../dialogues/wipe-offer.js";
import { $, refuse, say } from "../dialogues/ui.js";
import { problemMessage, statusLabel, stopMessage, waitingLabel } from "./labels.js";
import { LiveRoom } from "./room.js";

export { $ };

/**
 * @param {object} options
 * @param {string} options.rootId the page's root element (carries data-dialogue-id)
 * @param {"team" | "device"} options.mode
 * @param {boolean} [options.readOnly]
 * @param {(live: LiveRoom) => void | Promise<void>} options.setup once, after the room opened
 * @param {(live: LiveRoom) => void} options.render after every change
 * @param {(live: LiveRoom) => void} options.tick every second (timers)
 */
export async function boot({ rootId, mode, readOnly = false, setup, render, tick }) {
  // The catalogue and the room load side by side (on a 300 ms link, one round trip and the
  // catalogue's transfer fewer before the page is ready); nothing is drawn before both are in.
  const catalogue = loadCatalog();
  const root = $(rootId);
  let scheduled = false;
  let live = null;
  let ticker = null;
  let ready = false; // the catalogue is in and the room open: drawing may start
  /**
   * The connection in words (never by colour alone): connecting, catching up, offline, or up to
   * date, and how many of this device's messages wait to be sent. Live with older history still
   * coming, it says so: the room's state (queue, speaker, item) is a replay of the whole log, so
   * it may still change.
   */
  const showStatus = () => {
    const holder = $("live-status");
    if (!holder || !live) return;
    const state = live.status;
    const earlier = state === "live" && Boolean(live.hasOlder);
    const waiting = live.outbox.length;
    holder.dataset.state = state;
    if (earlier) holder.dataset.older = "yes";
    else delete holder.dataset.older;
    holder.dataset.waiting = String(waiting);
    const words = [statusLabel(earlier ? "live_earlier" : state)];
    if (waiting) words.push(waitingLabel(waiting));
    const text = words.join(" · ");
    if (holder.textContent !== text) holder.textContent = text;
  };
  const redraw = () => {
    if (scheduled || !ready || !live?.model) return;
    scheduled = true;
    window.setTimeout(() => {
      scheduled = false;
      if (live.stopped) return;
      showStatus();
      render(live);
    }, 0);
  };
  const stop = (title, why) => {
    window.clearInterval(ticker);
    refuse(root, title, why);
  };
  /** A participant's device removed from the dialogue: said so, with the wipe at hand. */
  const removed = () => {
    stop(...stopMessage("removed"));
    if (mode === "device") offerWipe($("refusal"));
  };
  const tuning = liveTuning(); // text-only mode: fewer polls, slower timers, small pages
  live = new LiveRoom({
    dialogueId: root.dataset.dialogueId,
    mode,
    readOnly,
    pollMs: tuning.pollMs,
    pageSize: tuning.pageSize,
    onChange: redraw,
    onStatus: () => {
      showStatus();
      redraw();
    },
    onStopped: (reason, error) => {
      if (reason === "refused") stop(_("This dialogue cannot be shown"), explain(error));
      else if (reason === "removed") removed();
      else stop(...stopMessage(reason));
    },
    onProblem: (error) => say($("live-problem"), problemMessage(error), "error"),
  });
  try {
    await Promise.all([catalogue, live.start()]);
  } catch (error) {
    await catalogue.catch(() => undefined);
    if (api.isCutOff(error) && mode === "device") removed();
    else stop(_("This dialogue cannot be shown"), explain(error));
    console.warn("live room refused:", error?.name, error?.reason ?? error?.code ?? "");
    return null;
  }
  ready = true;
  showStatus(); // said again in the page's language, now that the catalogue is in
  await setup(live);
  $("loading").hidden = true;
  $("live-panels").hidden = false;
  render(live);
  ticker = window.setInterval(() => {
    if (!live.stopped) tick(live);
  }, tuning.tickMs);
  return live;
}

/** Shows the dialogue's title in the reader's languages. */
export function showTitle(live, prefs = preferences(live.model)) {
  const title = pickText(live.model.dialogue?.doc.title, prefs);
  const heading = $("dialogue-title");
  heading.textContent = title?.text ?? "";
  heading.lang = title?.lang ?? "";
  if (title) document.title = `${title.text} · ${_("Live room")}`;
}

/** The dialogue's working languages (else the page's). */
export function workingLanguages(live) {
  const tags = live.model.dialogue?.doc.languages;
  return Array.isArray(tags) && tags.length ? tags : [document.documentElement.lang];
}

/** A composer: Enter sends, Shift+Enter starts a new line. The room's by default; the team
 * channel's with `team` (its own form, text and language ids). */
export function setupComposer(live, { form = "composer", text: textId = "message-text", lang = "message-lang", team = false } = {}) {
  const text = $(textId);
  $(form).addEventListener("submit", (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    live.send({ type: "text", text: value, lang: $(lang).value }, { team });
    text.value = "";
    text.focus();
  });
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $(form).requestSubmit();
    }
  });
}
