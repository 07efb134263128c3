// /p/<id>/approve (a participant's device) and /dialogues/<id>/approve (the team's): a summary
// sent for approval (docs/export.md, "Consent"). A designated approver reads the anonymised
// summary in their language when an interpreter translated it, the original one tap away as in
// the live room, and approves it or asks for changes with a comment sealed for the conveners; the
// answer is signed with this device's approval key. An interpreter translates the text beside
// the original. Everything is opened and sealed on this device.

import "../secure-context.js";
import { _, loadCatalog } from "../i18n.js";
import * as api from "./api.js";
import { loadApprovals, sendResponse, sendTranslation } from "./approvals.js";
import { summaryText } from "./approval-text.js";
import { openDialogue, readMeta } from "./crypto-state.js";
import { buildModel, personFor, pickText } from "./docs.js";
import { describe, languageName, noteKindHeading } from "./labels.js";
import { pageLife, withDeviceSession } from "./page-life.js";
import { cacheAllowed, loadSealed, saveSealed } from "./device-cache.js";
import { renderSummary } from "./written-summary.js";
import { $, announce, direction, h, options, say } from "./ui.js";

const POLL_MS = 5000;
const root = $("approve-page");
const id = root.dataset.dialogueId;
const participant = root.dataset.participant === "true";
await loadCatalog();

const page = { state: null, model: null, loaded: null, shown: "" };
/**
 * This device's own answers (the box is for the conveners only, so it cannot read them back):
 * sealed in the device cache, or held in memory on a device that is ephemeral for the dialogue.
 */
const answerKey = (requestId) => `approval-answer:${id}:${requestId}`;
const answered = new Map();
async function keepAnswer(requestId, answer) {
  answered.set(requestId, answer);
  if (await cacheAllowed(id)) await saveSealed(id, answerKey(requestId), answer).catch(() => undefined);
}
async function answerTo(requestId) {
  return answered.get(requestId) ?? (await loadSealed(id, answerKey(requestId)).catch(() => null));
}
const signedIn = (request) => withDeviceSession(id, request, participant);

function languages() {
  const tags = page.model.dialogue?.doc.languages;
  return Array.isArray(tags) ? tags.filter((t) => typeof t === "string") : [];
}

/** The reader's language: their person document's, else the page's. */
function readerLanguage() {
  return personFor(page.model, { handle: page.state.handle })?.doc.language || document.documentElement.lang;
}

/** The newest request that names this member as an approver. */
function myRequest() {
  const mine = page.loaded.requests.filter((r) => r.approvers.some((a) => a.handle === page.state.handle));
  return mine.sort((a, b) => b.seq - a.seq)[0] ?? null;
}

/** The summary as the live room shows a message: translated when it can be, the original a tap away. */
function readingView(request) {
  const lang = readerLanguage();
  const translation = page.loaded.translations.get(request.id)?.get(lang);
  const original = h("div", { class: "approval-original", lang: request.language || null });
  renderSummary(original, request.summary, request.manifest);
  if (!translation || lang === request.language) return [original];
  original.hidden = true;
  const toggle = h("button", { type: "button", class: "link-button show-original", "aria-expanded": "false", text: _("Show original") });
  toggle.addEventListener("click", () => {
    original.hidden = !original.hidden;
    toggle.setAttribute("aria-expanded", String(!original.hidden));
    toggle.textContent = original.hidden ? _("Show original") : _("Hide original");
  });
  return [
    h("p", {}, h("span", {
      class: "badge translated", dataset: { from: request.language },
      text: _("Translated from %(language)s by an interpreter", { language: languageName(request.language) }),
    })),
    h("div", { class: "approval-translation", lang: translation.lang, dir: direction(translation.lang) },
      ...translation.text.split(/\n{2,}/).map((part) => h("p", { class: "translation-text", text: part }))),
    toggle,
    original,
  ];
}

function sentWords(answer) {
  return answer.decision === "approve"
    ? _("You approved this text. Your approval, signed by this device, was sent to the conveners.")
    : _("You asked for changes. Your comment was sent, sealed, to the conveners.");
}

async function renderApprover() {
  const request = myRequest();
  $("to-approve").hidden = !request;
  if (!request) return false;
  const key = `${request.id}:${page.loaded.translations.get(request.id)?.size ?? 0}`;
  if (page.shown !== key) {
    page.shown = key;
    $("approve-reading").replaceChildren(...readingView(request));
  }
  const answer = await answerTo(request.id);
  $("answer-form").dataset.request = request.id;
  say($("answer-sent"), answer ? `${sentWords(answer)}${answer.comment ? ` ${_("Your comment:")} “${answer.comment}”` : ""}` : "");
  return true;
}

function translateView(request) {
  const done = page.loaded.translations.get(request.id) ?? new Map();
  const choices = languages().filter((tag) => tag !== request.language);
  const text = summaryText(request.summary, noteKindHeading);
  const form = h("form", { class: "stack translate-form", novalidate: true },
    h("label", { text: _("Into") }, " ", h("select", { name: "lang" })),
    h("label", { text: _("Translation") }),
    h("textarea", { name: "text", rows: 10, dir: "auto", "aria-label": _("Translation") }),
    h("p", { class: "row" }, h("button", { type: "submit", class: "primary", text: _("Send the translation") })),
    h("p", { class: "status", role: "status", hidden: true }));
  options(form.querySelector("select"), choices.map((tag) => [tag, languageName(tag)]));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const lang = form.querySelector("select").value;
    const value = form.querySelector("textarea").value.trim();
    const status = form.querySelector(".status");
    if (!lang || !value) {
      say(status, _("Choose a language and write the translation."), "error");
      return;
    }
    try {
      await sendTranslation(page.state, request, lang, value);
      form.querySelector("textarea").value = "";
      say(status, _("The translation into %(language)s was sent.", { language: languageName(lang) }));
      await refresh(true);
    } catch (error) {
      say(status, describe(error), "error");
    }
  });
  return h("li", { class: "translate-request", dataset: { request: request.id } },
    h("div", { class: "translate-pair" },
      h("div", { class: "translate-original" },
        h("h3", { text: _("Original (%(language)s)", { language: languageName(request.language) }) }),
        h("pre", { class: "original-text", lang: request.language || null, dir: "auto", text })),
      form),
    done.size
      ? h("p", { class: "hint translated-into", dataset: { langs: [...done.keys()].join(" ") }, text: _("Translated into: %(languages)s", {
        languages: [...done.keys()].map(languageName).join(", "),
      }) })
      : null);
}

let translating = "";
function renderInterpreter() {
  const interpreter = page.state.role === "interpreter";
  const requests = interpreter ? [...page.loaded.requests].sort((a, b) => b.seq - a.seq) : [];
  $("to-translate").hidden = !requests.length;
  const key = JSON.stringify(requests.map((r) => [r.id, [...(page.loaded.translations.get(r.id)?.keys() ?? [])]]));
  // Redrawn only when something changed: a translation being typed is never wiped.
  if (key !== translating) {
    translating = key;
    $("translate-list").replaceChildren(...requests.map(translateView));
  }
  return requests.length > 0;
}

async function refresh(force = false) {
  const [entries, loaded] = await Promise.all([readMeta(page.state), loadApprovals(page.state)]);
  page.model = buildModel(entries);
  page.loaded = loaded;
  const title = pickText(page.model.dialogue?.doc.title, [document.documentElement.lang, ...languages()]);
  $("dialogue-title").textContent = title?.text ?? "";
  const approving = await renderApprover();
  const translating = renderInterpreter();
  $("nothing-waiting").hidden = approving || translating;
  if (force) $("approve-content").hidden = false;
}

$("answer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.currentTarget);
  const request = page.loaded.requests.find((r) => r.id === form.dataset.request);
  if (!request) return;
  const decision = /** @type {HTMLInputElement} */ (form.querySelector("input[name=decision]:checked")).value;
  const comment = $("answer-comment").value.trim();
  if (decision === "changes" && !comment) {
    say($("approve-status"), _("Say what should change: the conveners need your comment."), "error");
    $("answer-comment").focus();
    return;
  }
  $("answer-send").disabled = true;
  try {
    await signedIn(() => sendResponse(page.state, request, decision, comment));
    const answer = { decision, comment, at: new Date().toISOString() };
    await keepAnswer(request.id, answer);
    $("answer-comment").value = "";
    say($("approve-status"), "");
    await renderApprover();
    announce(sentWords(answer));
  } catch (error) {
    say($("approve-status"), describe(error), "error");
  } finally {
    $("answer-send").disabled = false;
  }
});

const life = pageLife({ content: "approve-content" });

try {
  page.state = await signedIn(() => openDialogue(id));
  await signedIn(() => refresh(true));
  $("loading").hidden = true;
  life.poll(async () => {
    const info = await signedIn(() => api.get(`/dialogues/${id}`));
    if (info.current_epoch !== page.state.epoch) page.state = await openDialogue(id);
    await refresh();
  }, POLL_MS);
} catch (error) {
  life.fail(error);
}
