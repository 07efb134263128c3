// The workspace's contested-terms glossary: terms with loaded or disputed renderings and the
// rendering the dialogue agreed on in each working language. Sealed as `meta` documents of type
// `glossary_term`; conveners and facilitators edit, everyone in the dialogue reads. Interpreters
// see the terms highlighted in the live room (static/js/live/interpretation.js).

import { _ } from "../i18n.js";
import { deleteMeta, writeMeta } from "./crypto-state.js";
import { cleanTexts, newDocId, pickText } from "./docs.js";
import { languageName } from "./labels.js";
import { $, announce, h, onSubmit, readTexts, textInputs, uiLabels, userText } from "./ui.js";

const agreedLabel = (tag) => _("Agreed rendering in %(language)s", { language: languageName(tag) });
const contestedLabel = (tag) =>
  _("Contested renderings in %(language)s (one per line)", { language: languageName(tag) });
let editing = null;

function contestedTexts(doc) {
  const out = {};
  for (const [tag, list] of Object.entries(doc?.contested ?? {})) {
    if (Array.isArray(list)) out[tag] = list.filter((t) => typeof t === "string").join("\n");
  }
  return out;
}

function readContested(holder) {
  const out = {};
  for (const [tag, text] of Object.entries(readTexts(holder))) {
    const lines = text.split(/\n+/).map((line) => line.trim()).filter(Boolean);
    if (lines.length) out[tag] = lines;
  }
  return out;
}

function resetForm(ws) {
  editing = null;
  $("term-form").reset();
  textInputs($("term-agreed"), ws.languages(), {}, { name: "term-agreed", label: agreedLabel });
  textInputs($("term-contested"), ws.languages(), {}, { name: "term-contested", multiline: true, label: contestedLabel });
  $("term-form-heading").textContent = _("Add a term");
  $("term-cancel").hidden = true;
}

function editTerm(ws, entry) {
  editing = entry;
  textInputs($("term-agreed"), ws.languages(), cleanTexts(entry.doc.agreed), { name: "term-agreed", label: agreedLabel });
  textInputs($("term-contested"), ws.languages(), contestedTexts(entry.doc), { name: "term-contested", multiline: true, label: contestedLabel });
  $("term-note").value = typeof entry.doc.note === "string" ? entry.doc.note : "";
  $("term-form-heading").textContent = _("Edit term");
  $("term-cancel").hidden = false;
  $("term-editor").open = true;
  $("term-form-heading").focus();
}

async function saveTerm(ws) {
  const agreed = readTexts($("term-agreed"));
  if (!Object.keys(agreed).length) throw new Error(_("Give the agreed rendering in at least one language."));
  const base = editing?.doc ?? { type: "glossary_term", id: newDocId() };
  const doc = { ...base, agreed, contested: readContested($("term-contested")), note: $("term-note").value.trim() };
  await writeMeta(ws.state, doc, editing?.env.message_id);
  announce(editing ? _("Term saved.") : _("Term added."));
  resetForm(ws);
}

function termRow(ws, entry) {
  const { doc } = entry;
  const title = pickText(doc.agreed, ws.prefs());
  const cells = ws.languages().map((tag) => {
    const agreed = cleanTexts(doc.agreed)[tag];
    const contested = (doc.contested?.[tag] ?? []).filter((t) => typeof t === "string");
    return h(
      "td",
      {},
      agreed ? userText("span", agreed, tag, { class: "agreed" }) : h("span", { class: "hint", text: "—" }),
      ...contested.map((text) => h("div", { class: "contested" }, uiLabels(h("span", { class: "badge", text: _("contested") })), " ", userText("s", text, tag))),
    );
  });
  const actions = ws.canWrite
    ? h(
        "td",
        { class: "row" },
        h("button", { type: "button", text: _("Edit"), "aria-label": _("Edit term: %(term)s", { term: title?.text ?? "" }), onclick: () => editTerm(ws, entry) }),
        h("button", {
          type: "button",
          class: "danger",
          text: _("Delete"),
          "aria-label": _("Delete term: %(term)s", { term: title?.text ?? "" }),
          onclick: () =>
            ws.guard(async () => {
              await deleteMeta(ws.state, entry.env.message_id);
              announce(_("Term deleted."));
              await ws.refresh();
            }),
        }),
      )
    : null;
  const note = typeof doc.note === "string" && doc.note ? userText("p", doc.note, null, { class: "hint" }) : null;
  return h("tr", { class: "term", dataset: { termId: doc.id } }, ...cells, h("td", {}, note), actions);
}

/** Renders the terms table (and, for editors, keeps the form's languages current). */
export function renderGlossary(ws) {
  const terms = ws.model.terms ?? [];
  const head = [...ws.languages().map((tag) => languageName(tag)), _("Note")];
  if (ws.canWrite) head.push(_("Actions"));
  $("terms-table").replaceChildren(
    h("thead", {}, h("tr", {}, ...head.map((text) => h("th", { scope: "col", text })))),
    h("tbody", {}, ...terms.map((entry) => termRow(ws, entry))),
  );
  $("terms-scroll").hidden = !terms.length;
  $("terms-empty").hidden = terms.length > 0;
  $("term-forms").hidden = !ws.canWrite;
}

export function setupGlossary(ws) {
  if (!ws.canWrite) return;
  resetForm(ws);
  const form = $("term-form");
  onSubmit(form, $("term-status"), async () => {
    await saveTerm(ws);
    await ws.refresh();
  });
  $("term-cancel").addEventListener("click", () => resetForm(ws));
}
