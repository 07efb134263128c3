// /dialogues/<id>/summary: a convener's summary, made on this device (docs/export.md).
//
// The notes of the items a summary may show, grouped by session, phase and kind, are the
// starting draft; the convener or a rapporteur writes their own text, saved as a draft sealed on
// this device for the conveners and rapporteurs only (summary-drafts.js, draft-panel.js), every
// save a version. Only conveners review and export. "Review" runs the anonymiser
// (static/js/export/anonymise.js) over the text and the notes with the roster, the sides and the
// convener's own terms; every passage found is shown with its proposed neutral label and decided
// one by one. Only then can the summary be saved as
// Markdown or JSON (Blob downloads) or printed, each with the manifest of the command-line export.
// Items off the record or without notes are never given to the anonymiser nor exported. Only the
// notes channel is read here (`readNotes`): the team's off-the-record notes, in the team channel
// under the team key, never reach this page, the anonymiser or an export.

import "../secure-context.js";
import { _, currentLocale, languageName, loadCatalog, loadOtherCatalogs, ngettext, supportedLocales } from "../i18n.js";
import * as anonymiser from "../export/anonymise.js";
import * as api from "./api.js";
import { renderArchiveKey, setupArchivePanel } from "./archive-panel.js";
import { openDialogue, readMeta } from "./crypto-state.js";
import { buildModel, preferences } from "./docs.js";
import { draftPanel } from "./draft-panel.js";
import { writesDrafts } from "./draft-roles.js";
import { describe, noteKindHeading, phaseLabel, roleLabel, ruleLabel } from "./labels.js";
import { NOTE_KINDS, currentNotes, readNotes } from "./notes.js";
import { pageLife, showDialogueTitle, showUnreadable } from "./page-life.js";
import {
  buildSummary, coarsenTimes, download, exportableAgenda, manifestFor, outline, renderSummary,
  toJson, toMarkdown,
} from "./summary-export.js";
import { decided, defaultDecisions, findingView, labelsIn, sameSource } from "./summary-findings.js";
import { isValidTimeZone, viewerTimeZone } from "./time.js";
import { setupConsent } from "./consent-view.js";
import { $, announce, h, say, textDirection, userText } from "./ui.js";

const root = $("summary-page");
await loadCatalog();

const page = {
  id: root.dataset.dialogueId,
  state: null,
  model: null,
  entries: [],
  notes: [],
  noteErrors: [],
  /** The current review: what was reviewed, its findings and the decisions taken so far. */
  review: null,
  /** The anonymised summary and its manifest, once every finding is decided. */
  ready: null,
  async reload() {
    const info = await api.get(`/dialogues/${this.id}`);
    if (!this.state || info.current_epoch !== this.state.epoch) this.state = await openDialogue(this.id);
    const [entries, noteEntries] = await Promise.all([readMeta(this.state), readNotes(this.state)]);
    this.entries = entries;
    this.model = buildModel(entries);
    ({ notes: this.notes, errors: this.noteErrors } = currentNotes(noteEntries));
    renderOverview();
    renderDraft();
    await renderArchiveKey(this);
  },
};

/** The summary's language: its neutral labels are written in it, its titles picked in it first. */
const summaryLanguage = () => $("summary-lang").value || currentLocale();
const prefs = () => preferences(page.model, summaryLanguage());

function setupLanguages() {
  const select = $("summary-lang");
  select.replaceChildren(...supportedLocales().map((tag) => h("option", { value: tag, text: languageName(tag) })));
  select.value = currentLocale();
  select.addEventListener("change", () => {
    renderDraft();
    invalidate();
  });
}

// --- overview and draft ----------------------------------------------------------------------

function renderOverview() {
  showDialogueTitle(page.model, prefs(), _("Summary and export"));
  showUnreadable(
    page.state, [...page.model.errors, ...page.noteErrors],
    _("Some notes or items were written before you joined and are not readable on this device; they cannot be part of this summary."),
  );
}

function renderDraft() {
  const { sessions, left } = exportableAgenda(page.model, page.notes, prefs());
  const parts = [];
  let count = 0;
  for (const session of sessions) {
    const items = session.items.filter((item) => item.notes.length);
    if (!items.length) continue;
    parts.push(h("section", { class: "draft-session" },
      userText("h3", session.title?.text ?? _("(untitled)"), session.title?.lang),
      items.map((item) => {
        count += item.notes.length;
        return h("section", { class: "draft-item" },
          h("h4", {},
            userText("span", item.title?.text ?? _("(untitled)"), item.title?.lang),
            ` — ${phaseLabel(item.entry.doc.phase)}`),
          NOTE_KINDS.flatMap((kind) => {
            const notes = item.notes.filter((note) => note.kind === kind);
            if (!notes.length) return [];
            return [h("h5", { text: noteKindHeading(kind) }), h("ul", {}, notes.map((note) => h("li", { dir: textDirection(note.lang) },
              userText("p", note.text, note.lang),
              note.translation?.text ? userText("p", note.translation.text, note.translation.lang, { class: "hint" }) : null)))];
          }));
      })));
  }
  $("draft-notes").replaceChildren(...parts);
  $("draft-empty").hidden = count > 0;
  const leftOut = $("left-out");
  if (left.length) {
    leftOut.replaceChildren(
      h("strong", { text: _("Left out of every summary:") }), " ",
      ...left.flatMap((item, i) => [
        i ? "; " : "",
        userText("span", item.title?.text ?? _("(untitled)"), item.title?.lang),
        ` (${ruleLabel(item.rule)})`,
      ]),
    );
    leftOut.hidden = false;
  } else {
    leftOut.hidden = true;
  }
}

// --- review ----------------------------------------------------------------------------------

function invalidate() {
  if (!page.review && !page.ready) return;
  page.review = null;
  page.ready = null;
  $("findings").replaceChildren();
  $("undecided").hidden = true;
  $("preview").hidden = true;
  say($("review-status"), _("The text, the terms or the notes changed: review again before exporting."));
  updateButtons();
  consent.refresh();
}

function updateButtons() {
  const enabled = Boolean(page.ready) && Boolean(consent.exportManifest());
  for (const id of ["export-md", "export-json", "export-print"]) $(id).disabled = !enabled;
  $("export-hint").hidden = Boolean(page.ready);
  say($("consent-hint"), page.ready ? consent.reason() : "");
}

function terms() {
  return $("terms").value.split("\n").map((t) => t.trim()).filter(Boolean);
}

let settling = 0;
/** Once every finding is decided: the anonymised summary, its manifest and the preview. */
async function settle() {
  const review = page.review;
  if (!review) return;
  const ticket = ++settling;
  const open = review.findings.filter((f) => !decided(review.decisions.get(f.id))).length;
  const count = $("undecided");
  count.textContent = ngettext("%(num)s finding still undecided", "%(num)s findings still undecided", open);
  count.hidden = !review.findings.length;
  if (open) {
    page.ready = null;
    $("preview").hidden = true;
    say($("review-status"), ngettext(
      "%(num)s passage of %(total)s still to decide.",
      "%(num)s passages of %(total)s still to decide.",
      open, { total: review.findings.length }));
    updateButtons();
    return;
  }
  const decisions = review.findings.map((f) => review.decisions.get(f.id));
  const labels = review.labels;
  let clean;
  let manifest;
  try {
    clean = coarsenTimes(await anonymiser.apply(review.summary, review.context, decisions, labels));
    manifest = await manifestFor(clean, page.state);
  } catch (error) {
    page.ready = null;
    say($("review-status"), describe(error), "error");
    updateButtons();
    return;
  }
  if (page.review !== review || ticket !== settling) return; // a newer decision is being settled
  page.ready = { clean, manifest, language: review.language };
  renderSummary($("print-area"), clean, manifest, review.language);
  consent.refresh();
  $("preview").hidden = false;
  say($("review-status"), review.findings.length
    ? _("Every passage is decided. The summary below is what will be exported.")
    : _("Nothing was found that could identify someone. The summary below is what will be exported."));
  updateButtons();
}

async function runReview() {
  const button = $("run-review");
  button.disabled = true;
  say($("review-status"), _("Reviewing…"));
  try {
    await page.reload();
    const { summary, context } = buildSummary(page.model, page.notes, {
      prefs: prefs(),
      freeText: $("summary-text").value,
      includeNotes: $("include-notes").checked,
      terms: terms(),
    });
    const language = summaryLanguage();
    // Every locale's catalogue, not the chosen one's: the server must not learn the summary's language.
    if (language !== currentLocale()) await loadOtherCatalogs(supportedLocales());
    const labels = labelsIn(language);
    const findings = await anonymiser.review(summary, context);
    const review = { summary, context, findings, labels, language, decisions: defaultDecisions(findings) };
    page.review = review;
    page.ready = null;
    /** @type {any[]} */
    const views = findings.map((finding, i) => findingView(finding, i, summary, (decision, every) => {
      review.decisions.set(finding.id, decision);
      if (every) {
        findings.forEach((other, j) => {
          if (other === finding || !sameSource(other, finding)) return;
          const copy = decision && { ...decision, id: other.id };
          review.decisions.set(other.id, copy);
          views[j].take(copy);
        });
      }
      settle();
    }, { labels, others: findings.filter((other) => other !== finding && sameSource(other, finding)).length }));
    $("findings").replaceChildren(...views);
    announce(findings.length
      ? ngettext(
        "%(num)s passage may identify someone. Decide it.",
        "%(num)s passages may identify someone. Decide each of them.",
        findings.length)
      : _("Nothing was found that could identify someone."));
    await settle();
  } catch (error) {
    if (api.isCutOff(error)) return cutOff(error);
    say($("review-status"), describe(error), "error");
  } finally {
    button.disabled = false;
  }
  return undefined;
}

// --- export ----------------------------------------------------------------------------------

function baseName() {
  const day = page.ready.manifest.generated_on;
  return `summary-${page.id.slice(0, 8)}-${day}`;
}

$("export-md").addEventListener("click", () => {
  const manifest = consent.exportManifest();
  if (!page.ready || !manifest) return;
  download(`${baseName()}.md`, toMarkdown(page.ready.clean, manifest, page.ready.language), "text/markdown;charset=utf-8");
  say($("export-status"), _("The Markdown file was saved on this device."));
});
$("export-json").addEventListener("click", () => {
  const manifest = consent.exportManifest();
  if (!page.ready || !manifest) return;
  download(`${baseName()}.json`, toJson(page.ready.clean, manifest), "application/json");
  say($("export-status"), _("The JSON file was saved on this device."));
});
$("export-print").addEventListener("click", () => {
  if (page.ready && consent.exportManifest()) window.print();
});

// --- consent of each side (docs/export.md "Consent"; consent-view.js) -------------------------

let printed = null;
/** Export follows the approvals; the printed page carries the manifest with them. */
function consentChanged() {
  updateButtons();
  const manifest = consent.exportManifest();
  if (page.ready && manifest && printed !== manifest) {
    printed = manifest;
    renderSummary($("print-area"), page.ready.clean, manifest, page.ready.language);
  }
}
const consent = setupConsent(page, { changed: consentChanged, language: summaryLanguage });

// --- drafts, saved sealed for the conveners and rapporteurs (draft-panel.js) ----------------

/** The form's value, as a draft saves it. */
function draftValue() {
  return { text: $("summary-text").value, terms: terms(), include_notes: $("include-notes").checked, language: summaryLanguage() };
}

/** A saved draft's value in the form: the text, terms, notes and language; reviewed again. */
function showDraftValue(value) {
  $("summary-text").value = value.text;
  $("terms").value = value.terms.join("\n");
  $("include-notes").checked = value.include_notes;
  if (supportedLocales().includes(value.language)) $("summary-lang").value = value.language;
  if (page.model) renderDraft();
  invalidate();
}

/** Versions are dated in the dialogue's zone, else the viewer's. */
function dialogueZone() {
  const zone = page.model?.dialogue?.doc.timezone;
  return typeof zone === "string" && isValidTimeZone(zone) ? zone : viewerTimeZone();
}

const drafts = draftPanel({
  id: page.id,
  state: () => page.state,
  reopen: async () => {
    page.state = await openDialogue(page.id);
    return page.state;
  },
  read: draftValue,
  write: showDraftValue,
  zone: dialogueZone,
  cutOff: (error) => cutOff(error),
});
const draftChanged = () => drafts.changed();
for (const id of ["summary-text", "terms"]) $(id).addEventListener("input", draftChanged);
for (const id of ["include-notes", "summary-lang"]) $(id).addEventListener("change", draftChanged);

/** What only conveners do here (review, export, approval, the archive key), hidden for others. */
function conveningOnly() {
  if (page.state.role === "convener") return;
  $("conveners-only").hidden = false;
  for (const id of ["run-review", "export-row", "export-hint", "archive"]) $(id).hidden = true;
}

// --- the text --------------------------------------------------------------------------------

$("summary-text").addEventListener("input", invalidate);
$("terms").addEventListener("input", invalidate);
$("include-notes").addEventListener("change", invalidate);
$("outline").addEventListener("click", () => {
  const area = $("summary-text");
  const text = outline(page.model, page.notes, prefs());
  if (!text) {
    announce(_("There is no note to start from."));
    return;
  }
  if (area.value.trim() && !window.confirm(_("Add the notes' outline after the text you have written?"))) return;
  area.value = area.value.trim() ? `${area.value.trimEnd()}\n\n${text}` : text;
  drafts.changed();
  invalidate();
  area.focus();
});
$("discard").addEventListener("click", () => {
  if ($("summary-text").value && !window.confirm(_("Clear your summary text? It cannot be brought back."))) return;
  $("summary-text").value = "";
  drafts.changed();
  invalidate();
});
$("run-review").addEventListener("click", runReview);

// --- the page --------------------------------------------------------------------------------

const life = pageLife({ content: "summary-content" });
const { cutOff, stop } = life;

try {
  page.state = await openDialogue(page.id);
  if (!writesDrafts(page.state.role)) {
    $("loading").hidden = true;
    stop(
      _("Only the dialogue's conveners and rapporteurs write summaries"),
      _("Your role in this dialogue is %(role)s. Summary drafts are sealed for the conveners and rapporteurs only, so this device cannot read them. The notes page shows the notes.", { role: roleLabel(page.state.role) }),
    );
  } else {
    setupLanguages();
    await page.reload();
    if (page.state.role === "convener") setupArchivePanel(page);
    conveningOnly();
    await drafts.open();
    updateButtons();
    $("loading").hidden = true;
    $("summary-content").hidden = false;
  }
} catch (error) {
  life.fail(error);
}
