// Small DOM helpers shared by the dialogue pages. Text always goes in as text nodes (never as
// HTML), user-written text carries dir="auto", and status changes are announced politely.

import { _ } from "../i18n.js";
import { describe } from "./labels.js";

/**
 * The page's element with this id. Typed `any` on purpose: the element's kind (input, form,
 * details...) is fixed by the page's template, which the type checker does not read.
 * @param {string} id
 * @returns {any}
 */
export const $ = (id) => document.getElementById(id);

const RTL = new Set(["ar", "fa", "he", "ur", "ps", "sd", "yi", "dv", "ckb", "ug"]);

/**
 * Creates an element. Props: `text`, `class`, `dataset`, `on<event>` handlers, anything else
 * as an attribute (true -> present, false/null/undefined -> absent). Children: nodes or strings.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** Text a person wrote, in a known language when there is one. */
export function userText(tag, text, lang = null, props = {}) {
  return h(tag, { ...props, dir: "auto", lang: lang || null, text: text ?? "" });
}

/** "rtl" or "ltr" for a language tag. */
export function direction(tag) {
  try {
    const locale = new Intl.Locale(tag);
    const info = typeof locale.getTextInfo === "function" ? locale.getTextInfo() : locale.textInfo;
    if (info?.direction) return info.direction;
  } catch {
    // fall through
  }
  return RTL.has(String(tag).split("-")[0].toLowerCase()) ? "rtl" : "ltr";
}

/** The direction of a text in `lang`, else "auto" (found from the text itself): a list item
 * of a note takes it, so that its bullet stands beside the note's first line. */
export function textDirection(lang) {
  return typeof lang === "string" && lang ? direction(lang) : "auto";
}

/** Labels in the page's own language inside content that may be in another one. */
export function uiLabels(...children) {
  const root = document.documentElement;
  return h("span", { class: "badges", lang: root.lang, dir: root.dir || "ltr" }, ...children);
}

/** A key fingerprint, always left to right, in its own monospace box. */
export function fingerprintView(print, props = {}) {
  return h("code", { class: "fingerprint", dir: "ltr", translate: "no", ...props, text: print });
}

/** Polite announcement for screen readers (the page's #announcer live region). */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = message;
  }, 30);
}

/** Shows a status or error message in `holder` (role=status / role=alert set by the template). */
export function say(holder, message, kind = "notice") {
  if (!holder) return;
  holder.className = kind === "error" ? "error" : "notice";
  holder.textContent = message;
  holder.hidden = !message;
}

/** Replaces the page's working area with a refusal: what happened and why, no content. */
export function refuse(container, title, why) {
  container.replaceChildren(
    h(
      "section",
      { class: "card refusal", role: "alert", id: "refusal" },
      h("h2", { text: title }),
      h("p", { class: "error", text: why }),
    ),
  );
}

/** Options for a <select>: [[value, label], …]; `selected` is a value. */
export function options(select, pairs, selected = null) {
  select.replaceChildren(
    ...pairs.map(([value, label]) =>
      h("option", { value, selected: value === selected, text: label }),
    ),
  );
}

/** Disables a form's controls while `work` runs, then re-enables them. */
export async function busy(form, work) {
  const controls = [...form.querySelectorAll("button, input, select, textarea")];
  const before = controls.map((control) => control.disabled);
  controls.forEach((control) => {
    control.disabled = true;
  });
  form.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    controls.forEach((control, i) => {
      control.disabled = before[i];
    });
    form.removeAttribute("aria-busy");
  }
}

/** One labelled text input per language (for texts objects), with lang and dir set. */
export function textInputs(holder, languages, values = {}, { name, multiline = false, label }) {
  holder.replaceChildren(
    ...languages.map((tag) => {
      const id = `${name}-${tag}`;
      const field = h(multiline ? "textarea" : "input", {
        id,
        name: id,
        lang: tag,
        dir: direction(tag),
        dataset: { lang: tag },
        rows: multiline ? 2 : null,
      });
      field.value = values[tag] ?? "";
      return h("div", { class: "field" }, h("label", { for: id, text: label(tag) }), field);
    }),
  );
}

/** Reads the inputs made by textInputs back into a texts object (empty ones left out). */
export function readTexts(holder) {
  const texts = {};
  for (const field of holder.querySelectorAll("[data-lang]")) {
    if (field.value.trim()) texts[field.dataset.lang] = field.value.trim();
  }
  return texts;
}

/** Copies text to the clipboard, announcing the result. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    announce(_("Copied."));
  } catch {
    announce(_("Could not copy; select the text and copy it."));
  }
}

/**
 * On the form's submit, `work()` with the form busy; what fails is said in `status`.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} status
 * @param {() => Promise<void>} work
 */
export function onSubmit(form, status, work) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(status, "");
    await busy(form, async () => {
      try {
        await work();
      } catch (error) {
        say(status, describe(error), "error");
      }
    });
  });
}

/**
 * Shows `node` as `holder`'s only child, unless an equal one is there already: a panel drawn
 * again unchanged is then not laid out and painted again, which on a slow phone is most of
 * what drawing costs.
 */
export function show(holder, node) {
  if (holder.childElementCount === 1 && holder.firstElementChild?.isEqualNode(node)) return;
  holder.replaceChildren(node);
}
