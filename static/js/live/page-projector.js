// /dialogues/<id>/projector: the room's screen. Read-only, large type: the current item with its
// rule and timer, who has the floor, and the queue. Never sends anything.

import "../secure-context.js";
import { languageName } from "../dialogues/labels.js";
import * as store from "../dialogues/store.js";
import { direction, options } from "../dialogues/ui.js";
import { $, boot, showTitle, workingLanguages } from "./boot.js";
import { itemView, queueOutdated, queueView, speakerView, timerView } from "./views.js";

let chosen = null;
const languageKey = (id) => `live-projector-lang:${id}`;
const prefs = (live) => [chosen, document.documentElement.lang, ...workingLanguages(live)];

async function setup(live) {
  const languages = workingLanguages(live);
  const stored = await store.load(languageKey(live.dialogueId)).catch(() => null);
  const page = document.documentElement.lang;
  chosen = [stored, page, languages[0]].find((tag) => tag && languages.includes(tag)) ?? languages[0];
  options($("content-language"), languages.map((tag) => [tag, languageName(tag)]), chosen);
  $("content-language").addEventListener("change", async (event) => {
    chosen = event.target.value;
    await store.save(languageKey(live.dialogueId), chosen).catch(() => undefined);
    live.onChange();
  });
}

function renderTimers(live) {
  const now = Date.now();
  if (queueOutdated(live, now)) $("queue-holder").replaceChildren(queueView(live));
  $("timer-holder").replaceChildren(timerView(live, now));
  $("speaker-holder").replaceChildren(speakerView(live, now));
}

function render(live) {
  showTitle(live, prefs(live));
  const now = itemView(live, prefs(live), { headingLevel: "h2" });
  now.lang = chosen;
  now.dir = direction(chosen);
  $("now-holder").replaceChildren(now);
  $("queue-holder").replaceChildren(queueView(live));
  renderTimers(live);
}

boot({ rootId: "projector", mode: "team", readOnly: true, setup, render, tick: renderTimers });
