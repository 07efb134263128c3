// What every dialogue page (workspace, participant home, notes, summary) does around its own
// content: open the dialogue, signing a participant's device in by its key when the server has no
// session for it; poll for changes without two polls overlapping; and stop, the content replaced
// by the reason, when this member is cut off or the dialogue no longer verifies. Also the pieces
// their overviews share: the dialogue's title, and the list of what could not be opened.

import { _ } from "../i18n.js";
import * as api from "./api.js";
import { signInDevice } from "./device.js";
import { pickText } from "./docs.js";
import { envelopeError, explain } from "./labels.js";
import { $, h, refuse } from "./ui.js";

/**
 * `request()`; on a participant's device (`device` true), a 401 (no session yet, or an expired
 * one) signs the device in by its key and asks once more. A team account signs in with its
 * password elsewhere, so there the 401 stands.
 * @template T
 * @param {string} dialogueId
 * @param {() => Promise<T>} request
 * @param {boolean} [device]
 * @returns {Promise<T>}
 */
export async function withDeviceSession(dialogueId, request, device = true) {
  try {
    return await request();
  } catch (error) {
    if (!device || !(error instanceof api.ApiError) || error.status !== 401) throw error;
    await signInDevice(dialogueId);
    return request();
  }
}

/**
 * A page's stop and poll. When it stops, the reason replaces the element `content` (shown, the
 * #loading line hidden) after `also()` hid what else the page shows; the titles say the page was
 * cut off or the dialogue does not verify; `onRefused(error)`, when given, also hears of the latter.
 * @param {{content: string, also?: () => void, cutOffTitle?: string, refusedTitle?: string,
 *   onRefused?: (error: Error) => void}} page
 */
export function pageLife({
  content,
  also = () => {},
  cutOffTitle = _("You are no longer in this dialogue"),
  refusedTitle = _("This dialogue cannot be shown"),
  onRefused = () => {},
}) {
  const show = (title, why) => {
    $("loading").hidden = true;
    also();
    refuse($(content), title, why);
    $(content).hidden = false;
  };
  let timer = null;
  let polling = false;
  /** @param {string} title @param {string} why */
  const stop = (title, why) => {
    window.clearInterval(timer);
    show(title, why);
  };
  const cutOff = (error) => stop(cutOffTitle, explain(error));
  const refuseAll = (error) => {
    stop(refusedTitle, explain(error));
    onRefused(error);
  };
  /** Cut off: stop saying so; anything else: stop saying the dialogue cannot be shown. */
  const fail = (error) => (api.isCutOff(error) ? cutOff(error) : refuseAll(error));
  return {
    /** Ends the polling (leaving the page, say). */
    halt: () => window.clearInterval(timer),
    stop,
    cutOff,
    refuseAll,
    fail,
    /**
     * Every `ms`, `work()` unless the last one still runs or `busy()` (a write under way). A
     * network hiccup waits for the next round; being cut off, or a dialogue that stopped
     * verifying (a StateError), stops the page.
     * @param {() => Promise<void>} work
     * @param {number} ms
     * @param {() => boolean} [busy]
     */
    poll(work, ms, busy = () => false) {
      timer = window.setInterval(async () => {
        if (polling || busy()) return;
        polling = true;
        try {
          await work();
        } catch (error) {
          if (api.isCutOff(error)) cutOff(error);
          else if (error?.name === "StateError") refuseAll(error);
        } finally {
          polling = false;
        }
      }, ms);
    },
  };
}

/**
 * The dialogue's title in the page's heading (#dialogue-title), and "<page> · <dialogue>" as the
 * window's title.
 * @param {any} model from docs.buildModel
 * @param {string[]} prefs languages to pick the title in
 * @param {string} pageName
 */
export function showDialogueTitle(model, prefs, pageName) {
  const title = pickText(model.dialogue?.doc.title, prefs);
  $("dialogue-title").textContent = title?.text ?? "";
  $("dialogue-title").lang = title?.lang ?? "";
  document.title = `${pageName} · ${title?.text ?? _("Facilitator")}`;
}

/**
 * What did not open, in #item-errors: one line per error, except envelopes sealed before this
 * member joined (no key, by design), which are one `beforeJoining` hint.
 * @param {any} state the dialogue's state (crypto-state.openDialogue)
 * @param {{error: string, env: {epoch: number}}[]} all
 * @param {string} beforeJoining
 */
export function showUnreadable(state, all, beforeJoining) {
  const joined = state.members.find((m) => m.handle === state.handle)?.joined_epoch ?? 0;
  const errors = all.filter((e) => !(e.error === "no_key" && e.env.epoch < joined));
  const lines = errors.map((e) => h("li", { class: "error", text: envelopeError(e.error) }));
  if (errors.length < all.length) lines.push(h("li", { class: "hint", text: beforeJoining }));
  $("item-errors").replaceChildren(...lines);
}
