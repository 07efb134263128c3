// The interpreter's panel in the live console: a queue of messages in the languages this
// interpreter covers that have no translation yet, a form to write one (sealed and sent like any
// message, with `translation_of` and its language), and their own translations with "Correct".
// Contested terms of the dialogue's glossary are highlighted in every original, with the agreed
// rendering in each working language (docs/live-room.md, "Interpretation").

import { _, languageName } from "../i18n.js";
import { h, uiLabels, userText } from "../dialogues/ui.js";
import { findTerms } from "../dialogues/glossary.js";
import { pickText } from "../dialogues/docs.js";
import { interpreterQueue, liveTranslationIndex, pairsOf } from "./interpretation.js";

/** `text` as a paragraph, glossary terms marked; each mark names the agreed renderings. */
export function withTerms(text, lang, terms) {
  const node = userText("p", "", lang, { class: "message-text" });
  let at = 0;
  for (const hit of findTerms(text, terms)) {
    if (hit.start > at) node.append(text.slice(at, hit.start));
    const agreed = Object.entries(hit.term.doc.agreed ?? {})
      .filter(([, value]) => typeof value === "string" && value)
      .map(([tag, value]) => `${languageName(tag)}: ${value}`)
      .join(" · ");
    const label = hit.rendering.contested
      ? _("Contested term. Agreed: %(renderings)s", { renderings: agreed })
      : _("Glossary term. Agreed: %(renderings)s", { renderings: agreed });
    node.append(
      h("mark", {
        class: hit.rendering.contested ? "term contested" : "term",
        title: label,
        "aria-label": `${text.slice(hit.start, hit.end)} (${label})`,
        dataset: { termId: hit.term.doc.id },
        text: text.slice(hit.start, hit.end),
      }),
    );
    at = hit.end;
  }
  if (at < text.length) node.append(text.slice(at));
  return node;
}

function myPairs(room) {
  const me = room.model?.persons.find((entry) => entry.doc.handle === room.me);
  return pairsOf(me);
}

function translationForm(room, original, targets, previous = null) {
  const id = `tr-${original.env.seq}`;
  const select = h(
    "select",
    { id: `${id}-lang`, "aria-label": _("Translate into") },
    ...targets.map((tag) => h("option", { value: tag, text: languageName(tag) })),
  );
  if (previous) select.value = previous.content.lang;
  const area = h("textarea", { id: `${id}-text`, rows: 2, dir: "auto", maxlength: 4000, required: true });
  area.value = previous?.content.text ?? "";
  const form = h(
    "form",
    { class: "translation-form stack", dataset: { original: original.env.message_id } },
    h("label", { for: `${id}-lang`, text: _("Translate into") }),
    select,
    h("label", { for: `${id}-text`, text: _("Translation") }),
    area,
    h("button", { type: "submit", class: "primary", text: previous ? _("Send correction") : _("Send translation") }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = area.value.trim();
    if (!text) return;
    area.lang = select.value;
    room.send({ type: "text", text, lang: select.value, translation_of: original.env.message_id });
    area.value = "";
  });
  return form;
}

/**
 * Renders the queue and the interpreter's own translations into `holder`. Nodes are kept in
 * `cache` by what they show, so a message arriving does not wipe a translation being typed, and
 * focus stays where it was.
 */
export function renderInterpreterPanel(holder, room, cache) {
  const pairs = myPairs(room);
  const terms = room.model?.terms ?? [];
  const roleOf = (entry) => room.roles(entry.env.author_handle, entry.env.epoch);
  const index = liveTranslationIndex(room.ordered, roleOf);
  const queue = interpreterQueue(room.ordered, index, pairs);
  const keys = [];
  const keep = (key, make) => {
    if (!cache.has(key)) cache.set(key, make());
    keys.push(key);
    return cache.get(key);
  };
  const items = queue.map(({ entry, missing }) =>
    keep(`q:${entry.env.message_id}:${missing.join(",")}:${terms.length}`, () =>
      h(
        "li",
        { class: "queue-original", dataset: { seq: entry.env.seq, messageId: entry.env.message_id } },
        uiLabels(h("span", { class: "badge lang", dataset: { lang: entry.content.lang }, text: languageName(entry.content.lang) })),
        withTerms(entry.content.text, entry.content.lang, terms),
        translationForm(room, entry, missing),
      )),
  );
  const mine = [];
  const byId = new Map(room.ordered.map((e) => [e.env.message_id, e]));
  for (const [original, languages] of index.byOriginal) {
    const source = byId.get(original);
    for (const { entry } of languages.values()) {
      if (entry.env.author_handle !== room.me || !source) continue;
      mine.push(keep(`m:${entry.env.message_id}`, () => {
        const item = h("li", { class: "my-translation", dataset: { original } });
        const correct = h("button", {
          type: "button",
          text: _("Correct"),
          onclick: () => correct.replaceWith(translationForm(room, source, [entry.content.lang], entry)),
        });
        item.append(
          withTerms(source.content.text, source.content.lang, terms),
          userText("p", entry.content.text, entry.content.lang, { class: "message-text translation-text" }),
          correct,
        );
        return item;
      }));
    }
  }
  const covered = pairs.map(([from, to]) => `${languageName(from)} → ${languageName(to)}`).join(", ");
  const signature = JSON.stringify([covered, keys]);
  if (holder.dataset.signature === signature) return;
  holder.dataset.signature = signature;
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  const focused = holder.contains(active) ? active : null;
  holder.replaceChildren(
    h("p", { class: "hint", text: pairs.length ? _("You translate: %(pairs)s", { pairs: covered }) : _("No language pairs are set for you in the roster.") }),
    h("h3", { text: _("Waiting for a translation") }),
    items.length ? h("ol", { class: "plain interpreter-queue", id: "interpreter-queue" }, ...items) : h("p", { class: "hint", id: "interpreter-queue-empty", text: _("Nothing is waiting.") }),
    h("h3", { text: _("Your translations") }),
    mine.length ? h("ol", { class: "plain", id: "my-translations" }, ...mine) : h("p", { class: "hint", text: _("None yet.") }),
  );
  if (focused?.isConnected) focused.focus();
}

/** The agreed renderings of a glossary, for a compact reference list. */
export function glossaryList(terms, prefs) {
  return h(
    "ul",
    { class: "plain glossary-list" },
    ...terms.map((entry) => {
      const title = pickText(entry.doc.agreed, prefs);
      return h("li", {}, userText("span", title?.text ?? "", title?.lang ?? null));
    }),
  );
}
