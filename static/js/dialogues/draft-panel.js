// The summary page's saved drafts (docs/export.md "Drafts"): "Save draft", saving a few seconds
// after the last change, the versions with "Restore", and the notice of a version saved on another
// device. The crypto and the format are summary-drafts.js's; this module only keeps the page and
// the server's versions in step, and never overwrites a version nor the text on the page without
// saying so.
//
// The tab's sessionStorage keeps the text not saved yet (with the version it started from), so a
// reload loses nothing; on opening, the newest saved version is loaded unless the tab holds
// changes made after it, which are then kept and named as not saved.

import { _, dateTimeFormat } from "../i18n.js";
import * as api from "./api.js";
import { describe, roleLabel } from "./labels.js";
import {
  draftsPath, newDraftId, newerThan, newestVersion, nextVersion, openDrafts, readDrafts, restoreOf, sameValue,
  saveDraft,
} from "./summary-drafts.js";
import { displayLocale, formatIsolated } from "./time.js";
import { $, announce, h, say } from "./ui.js";

/** Saved this long after the last change. */
const AUTOSAVE_MS = 3000;
/** How often the page asks whether another device saved a version. */
const CHECK_MS = 20_000;

const isStale = (error) =>
  error instanceof api.ApiError &&
  (error.code === "epoch_stale" || (error.code === "envelope_rejected" && error.params.reason === "epoch"));

/**
 * @param {{
 *   id: string,
 *   state: () => any,
 *   reopen: () => Promise<any>,
 *   read: () => import("./summary-drafts.js").DraftValue,
 *   write: (value: import("./summary-drafts.js").DraftValue) => void,
 *   zone: () => string,
 *   cutOff: (error: any) => void,
 * }} host the page: its dialogue state (and a way to open it again after a new epoch), the
 *   form's value and a way to set it, the time zone dates are shown in
 */
export function draftPanel(host) {
  const BUFFER_KEY = `summary-buffer:${host.id}`;
  const panel = {
    /** The draft this page edits: {id, versions} (newest first), or null before the first save. */
    draft: null,
    /** The message id of the version the page's text started from (loaded or saved last). */
    base: null,
    /** That version's value: an automatic save happens only when the text differs from it. */
    savedValue: null,
    /** A version saved elsewhere since `base`, while the notice about it is shown. */
    newer: null,
    saving: false,
    timer: 0,
  };

  // --- the tab's unsaved buffer ------------------------------------------------------------

  const loadBuffer = () => {
    try {
      const kept = JSON.parse(window.sessionStorage.getItem(BUFFER_KEY) ?? "null");
      return kept && typeof kept === "object" && kept.value ? kept : null;
    } catch {
      return null;
    }
  };
  const keepBuffer = () => {
    try {
      window.sessionStorage.setItem(BUFFER_KEY, JSON.stringify({
        value: host.read(), base: panel.base, edited_at: new Date().toISOString(),
      }));
    } catch {
      // storage full or unavailable: the text lives in the page only
    }
  };
  const dropBuffer = () => {
    try {
      window.sessionStorage.removeItem(BUFFER_KEY);
    } catch {
      // unavailable
    }
  };

  // --- what the panel shows ------------------------------------------------------------------

  /** @param {string} iso @param {Intl.DateTimeFormatOptions} [style] */
  const when = (iso, style = { dateStyle: "medium", timeStyle: "short" }) =>
    formatIsolated(dateTimeFormat(displayLocale(), { ...style, timeZone: host.zone() }), new Date(iso));

  function renderVersions() {
    const versions = panel.draft?.versions ?? [];
    $("versions-empty").hidden = versions.length > 0;
    $("draft-versions").replaceChildren(...versions.map((entry, index) => {
      const { version, saved_at: savedAt, restored_from: from } = entry.doc;
      const onPage = entry.env.message_id === panel.base;
      return h("li", { class: "draft-version", "data-version": String(version) },
        h("strong", { text: _("Version %(num)s", { num: version }) }),
        " · ", h("time", { datetime: savedAt, text: when(savedAt) }),
        " · ", _("Saved by: %(role)s", { role: roleLabel(entry.authorRole) }),
        from ? [" · ", h("span", { class: "restored-from", text: _("restored from version %(num)s", { num: from }) })] : null,
        onPage ? [" ", h("span", { class: "badge", text: _("On this page") })] : null,
        index > 0
          ? h("button", { type: "button", class: "restore", text: _("Restore version %(num)s", { num: version }),
            onclick: () => restore(version) })
          : null);
    }));
  }

  function renderUnreadable(unreadable) {
    say($("draft-unreadable"), unreadable.length
      ? _("Some saved versions cannot be read on this device: they were saved before you could read drafts, or are not addressed to you.")
      : "");
  }

  const status = (message, kind) => say($("draft-status"), message, kind);

  function showNewer(entry) {
    if (sameValue(entry.value, host.read())) {
      // The same text: nothing to choose between; the page now stands on that version.
      adopt(entry);
      return;
    }
    panel.newer = entry;
    $("draft-newer-text").textContent = _(
      "Version %(num)s was saved on another device at %(time)s, after the version on this page. Nothing was overwritten: load it, or save your text as the next version.",
      { num: entry.doc.version, time: when(entry.doc.saved_at, { timeStyle: "short" }) },
    );
    $("draft-newer").hidden = false;
  }

  function hideNewer() {
    panel.newer = null;
    $("draft-newer").hidden = true;
  }

  /** The page stands on `entry` (loaded or just saved): its text is the saved one. */
  function adopt(entry) {
    panel.base = entry.env.message_id;
    panel.savedValue = entry.value;
    hideNewer();
    if (sameValue(host.read(), entry.value)) dropBuffer();
    else keepBuffer();
    renderVersions();
  }

  function load(entry) {
    host.write(entry.value);
    adopt(entry);
  }

  // --- reading and saving --------------------------------------------------------------------

  /** The dialogue's state, opened again when the server is past its epoch (a new roster). */
  async function freshState() {
    const info = await api.get(`/dialogues/${host.id}`);
    return info.current_epoch === host.state().epoch ? host.state() : host.reopen();
  }

  /** The server's drafts; `this` draft by its id (or the newest, before this page saved one). */
  async function fetchDraft() {
    const { drafts, unreadable } = await readDrafts(await freshState());
    renderUnreadable(unreadable);
    return (panel.draft && drafts.find((d) => d.id === panel.draft.id)) || drafts[0] || null;
  }

  async function post(draft) {
    try {
      return await saveDraft(host.state(), draft);
    } catch (error) {
      if (!isStale(error)) throw error;
      await host.reopen(); // a new epoch: sealed again under its key, for its roster
      return saveDraft(host.state(), draft);
    }
  }

  /**
   * Saves the page's value as the next version, unless another device saved one since the
   * version the page started from (`force`: the person chose to save theirs on top of it).
   * @returns {Promise<boolean>} whether a version was saved
   */
  async function save({ force = false, manual = false } = {}) {
    window.clearTimeout(panel.timer);
    if (panel.saving) return false;
    panel.saving = true;
    $("draft-save").disabled = true;
    if (manual) status(_("Saving the draft…"));
    try {
      const draft = await fetchDraft();
      panel.draft = draft;
      const newer = newerThan(draft, panel.base);
      if (newer && !force && !sameValue(newer.value, host.read())) {
        renderVersions();
        showNewer(newer);
        status("");
        return false;
      }
      const value = host.read();
      const newest = newestVersion(draft);
      if (newest && sameValue(value, newest.value)) {
        adopt(newest);
        if (manual) status(_("No change since the last saved version."));
        return false;
      }
      const version = nextVersion(draft);
      await post({ id: draft?.id ?? newDraftId(), version, value });
      panel.draft = await fetchDraft() ?? draft;
      const saved = panel.draft?.versions.find((v) => v.doc.version === version && sameValue(v.value, value));
      if (saved) adopt(saved);
      const message = _("Draft saved at %(time)s (version %(num)s).", {
        time: when(saved?.doc.saved_at ?? new Date().toISOString(), { timeStyle: "short" }), num: version,
      });
      status(message);
      return true;
    } catch (error) {
      if (api.isCutOff(error)) host.cutOff(error);
      else status(describe(error), "error");
      return false;
    } finally {
      panel.saving = false;
      $("draft-save").disabled = false;
    }
  }

  async function restore(version) {
    if (!window.confirm(_("Restore version %(num)s? It is saved again as the newest version and replaces the text on this page. Every version is kept.", { num: version }))) return;
    window.clearTimeout(panel.timer);
    try {
      const draft = await fetchDraft();
      const again = restoreOf(draft, version);
      if (!again) return;
      await post({ id: draft.id, version: again.version, value: again.value, restoredFrom: again.restoredFrom });
      panel.draft = await fetchDraft();
      const saved = panel.draft?.versions.find((v) => v.doc.version === again.version && v.doc.restored_from === version);
      host.write(again.value);
      if (saved) adopt(saved);
      status(_("Version %(old)s restored as version %(num)s.", { old: version, num: again.version }));
    } catch (error) {
      if (api.isCutOff(error)) host.cutOff(error);
      else status(describe(error), "error");
    }
  }

  /** Whether another device saved a version (a conditional GET: nothing opened when unchanged). */
  async function check() {
    if (panel.saving) return;
    let state = host.state();
    const envelopes = await api.getIfChanged(await draftsPath(state));
    if (!envelopes) return;
    if (envelopes.some((env) => env.epoch > state.epoch)) state = await freshState();
    const { drafts, unreadable } = await openDrafts(state, envelopes);
    renderUnreadable(unreadable);
    panel.draft = (panel.draft && drafts.find((d) => d.id === panel.draft.id)) || drafts[0] || null;
    renderVersions();
    const newer = newerThan(panel.draft, panel.base);
    if (newer && newer !== panel.newer) {
      showNewer(newer);
      if (panel.newer) announce($("draft-newer-text").textContent);
    }
  }

  $("draft-save").addEventListener("click", () => save({ manual: true }));
  $("draft-keep-mine").addEventListener("click", () => save({ force: true, manual: true }));
  $("draft-load-newer").addEventListener("click", () => {
    const entry = panel.newer;
    if (!entry) return;
    load(entry);
    status(_("Version %(num)s loaded.", { num: entry.doc.version }));
    $("summary-text").focus();
  });

  return {
    /** Loads the newest version, or keeps the tab's newer unsaved text (and says so). */
    async open() {
      panel.draft = await fetchDraft();
      const newest = newestVersion(panel.draft);
      const buffer = loadBuffer();
      if (newest) {
        panel.base = newest.env.message_id;
        panel.savedValue = newest.value;
      }
      const unsaved = buffer && (!newest || !sameValue(buffer.value, newest.value));
      const bufferNewer = unsaved && (
        !newest || buffer.base === newest.env.message_id || Date.parse(buffer.edited_at) > Date.parse(newest.doc.saved_at));
      if (bufferNewer) {
        host.write(buffer.value);
        panel.base = buffer.base ?? null;
        panel.savedValue = panel.draft?.versions.find((v) => v.env.message_id === panel.base)?.value ?? null;
        status(_("This tab holds changes made after the last saved version. They are kept here and not saved yet."));
        if (newest && newest.env.message_id !== panel.base) showNewer(newest);
      } else if (newest) {
        host.write(newest.value);
        dropBuffer();
      }
      renderVersions();
      window.setInterval(() => {
        check().catch((error) => {
          if (api.isCutOff(error)) host.cutOff(error);
        });
      }, CHECK_MS);
    },
    /** The page's value changed: kept in the tab, saved a few seconds after the last change. */
    changed() {
      keepBuffer();
      window.clearTimeout(panel.timer);
      panel.timer = window.setTimeout(() => {
        if (panel.newer) return; // the person chooses first: load the other version, or save theirs
        if (panel.savedValue && sameValue(host.read(), panel.savedValue)) return;
        if (!panel.savedValue && !host.read().text.trim()) return;
        save();
      }, AUTOSAVE_MS);
    },
    save,
    check,
  };
}
