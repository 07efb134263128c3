// The summary page's "Approval by each side" (docs/export.md, "Consent"): once the review is
// complete the convener chooses, per side, the participants who approve, and sends the
// anonymised summary to them; each side's state follows (waiting, approved, changes asked, with
// the sealed comments in words). Export is allowed only when every side approved the text being
// exported: `exportManifest()` is then the manifest with its certified approvals, else null and
// `reason()` says why.

import { _, ngettext } from "../i18n.js";
import { approvalState, loadApprovals, manifestApprovals, participantSides, sendRequest } from "./approvals.js";
import { describe } from "./labels.js";
import { $, announce, h, say, userText } from "./ui.js";

const POLL_MS = 4000;
/** Stands for a name in a translated sentence until the name is put in its own element. */
const MARK = "\uE000";

/**
 * @param {any} page the summary page (state, model, ready, id)
 * @param {{changed: () => void, language: () => string}} hooks `changed` when export may have
 *   turned allowed or refused; `language` the summary's language tag
 */
export function setupConsent(page, hooks) {
  const view = {
    loaded: null,
    status: null,
    /** The manifest with approvals for the text `hash`, once every side approved it. */
    approved: /** @type {{hash: string, manifest: any} | null} */ (null),
    error: "",
  };

  const persons = () => (page.model?.persons ?? []).map((entry) => entry.doc);
  const current = () => page.ready?.manifest.content_sha256 ?? null;
  const nameOf = (handle) => persons().find((doc) => doc.handle === handle)?.display_name || _("a participant");

  /** The participants who can approve for each side: joined (a handle in the verified roster). */
  function candidates() {
    const inRoster = new Set(page.state.roster.map((entry) => entry.handle));
    return participantSides(persons()).map((side) => ({
      side,
      people: persons().filter((doc) => doc.role === "participant" && doc.side?.trim() === side && inRoster.has(doc.handle)),
    }));
  }

  function renderChoice() {
    const groups = candidates();
    $("consent-none").hidden = groups.length > 0;
    $("consent-form").hidden = groups.length === 0;
    const unticked = /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll("#consent-approvers input:not(:checked)"));
    const kept = new Set([...unticked].map((input) => input.value));
    $("consent-approvers").replaceChildren(...groups.map(({ side, people }) => h("fieldset", { class: "consent-side" },
      userText("legend", side),
      people.length
        ? people.map((doc) => h("label", { class: "check" },
          h("input", { type: "checkbox", name: "approver", value: doc.handle, dataset: { side }, checked: !kept.has(doc.handle) }),
          userText("span", doc.display_name || _("a participant"))))
        : h("p", { class: "hint", text: _("No participant of this side has joined yet: this side cannot approve.") }))));
  }

  const STATE_WORDS = {
    approved: () => _("approved"),
    changes: () => _("changes asked"),
    waiting: () => _("waiting"),
  };

  /** A sentence naming someone, their name isolated (<bdi>) so that it reads right in any script. */
  function naming(sentence, name) {
    const [before, after = ""] = sentence.split(MARK);
    return [before, h("bdi", { text: name }), after];
  }

  function answerText(answer) {
    const name = { name: MARK };
    let sentence = _("%(name)s has not answered yet.", name);
    if (answer.decision === "approve") sentence = _("%(name)s approved.", name);
    if (answer.decision === "changes") sentence = _("%(name)s asked for changes.", name);
    return naming(sentence, nameOf(answer.handle));
  }

  function renderStatus() {
    const list = $("consent-sides");
    const status = view.status;
    if (!status?.requested) {
      list.replaceChildren();
      return;
    }
    list.replaceChildren(...status.sides.map((side) => h("li", { class: `consent-state ${side.state}`, dataset: { state: side.state } },
      h("p", {}, userText("strong", side.side), ": ", h("span", { class: "state-word", text: STATE_WORDS[side.state]() })),
      h("ul", { class: "plain" }, side.answers.map((answer) => h("li", { class: "consent-answer" },
        h("span", {}, ...answerText(answer)),
        answer.comment ? h("blockquote", { class: "consent-comment" }, userText("p", answer.comment)) : null))))));
  }

  /** Why export is not allowed now (empty when it is). */
  function reason() {
    if (!page.ready) return "";
    if (view.error) return view.error;
    const status = view.status;
    if (!status) return _("Checking the approvals…");
    if (status.needed === 0) return "";
    if (!status.requested) {
      const older = view.loaded?.requests.length;
      return older
        ? _("The text changed since it was sent for approval: it needs every side's approval again.")
        : _("Send the summary for approval: export needs the approval of every side.");
    }
    if (status.approved && view.approved?.hash === current()) return "";
    const done = status.sides.filter((s) => s.state === "approved").length;
    return _("Export waits for the approval of every side: %(done)s of %(total)s sides have approved.", {
      done, total: status.needed,
    });
  }

  function exportManifest() {
    if (!page.ready || reason()) return null;
    if (view.status?.needed === 0) return { ...page.ready.manifest, approvals: [], sides: 0 };
    return view.approved?.hash === current() ? view.approved.manifest : null;
  }

  let busy = false;
  let again = false;
  let lastWords = "";
  async function update() {
    const section = $("consent");
    section.hidden = !page.ready;
    if (busy) again = true;
    if (!page.ready || busy) {
      hooks.changed();
      return;
    }
    busy = true;
    const hash = current();
    try {
      view.loaded = await loadApprovals(page.state);
      const sides = participantSides(persons());
      view.status = approvalState(view.loaded.requests, view.loaded.responses, hash, sides);
      view.error = "";
      if (view.status.approved && sides.length && view.approved?.hash !== hash) {
        const extra = await manifestApprovals(page.state, view.loaded, persons(), hash);
        if (extra && current() === hash) view.approved = { hash, manifest: { ...page.ready.manifest, ...extra } };
      }
    } catch (error) {
      view.error = error?.reason === "not_steward"
        ? _("Only a convener whose device holds a key steward key can certify the approvals for an export.")
        : describe(error);
    } finally {
      busy = false;
    }
    if (again || current() !== hash) {
      again = false;
      await update();
      return;
    }
    $("consent-none").hidden = view.status?.needed !== 0;
    $("consent-refused").hidden = !view.loaded?.refused;
    renderStatus();
    const words = view.status?.sides.map((s) => `${s.side}:${s.state}:${s.answers.map((a) => a.decision).join()}`).join(";") ?? "";
    if (lastWords && words !== lastWords) announce(_("The approvals changed."));
    lastWords = words;
    hooks.changed();
  }

  $("consent-send").addEventListener("click", async () => {
    if (!page.ready) return;
    const ticked = /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll("#consent-approvers input[name=approver]:checked"));
    const chosen = [...ticked].map((input) => ({ handle: input.value, side: String(input.dataset.side) }));
    const sides = participantSides(persons());
    const covered = new Set(chosen.map((a) => a.side));
    if (sides.some((side) => !covered.has(side))) {
      say($("consent-status"), _("Choose at least one approver for every side."), "error");
      return;
    }
    const button = $("consent-send");
    button.disabled = true;
    try {
      await sendRequest(page.state, {
        summary: page.ready.clean, manifest: page.ready.manifest, language: hooks.language(), approvers: chosen,
      });
      say($("consent-status"), ngettext(
        "The summary was sent for approval to %(num)s approver.",
        "The summary was sent for approval to %(num)s approvers.", chosen.length));
      await update();
    } catch (error) {
      say($("consent-status"), describe(error), "error");
    } finally {
      button.disabled = false;
    }
  });

  window.setInterval(() => {
    if (page.ready && !document.hidden) update();
  }, POLL_MS);

  return {
    /** The review completed or was undone, or the roster changed. */
    refresh() {
      if (page.ready) renderChoice();
      say($("consent-status"), "");
      return update();
    },
    reason,
    exportManifest,
  };
}
