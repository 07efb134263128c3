// What every dialogue page (workspace, participant home, notes, summary) does around its own
// content: open the dialogue, signing a participant's device in by its key when the server has no
// session for it; poll for changes without two polls overlapping; and stop, the content replaced
// by the reason, when this member is cut off or the dialogue no longer verifies.

import * as api from "./api.js";
import { signInDevice } from "./device.js";
import { explain } from "./labels.js";

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
 * A page's stop and poll. `show(title, why)` replaces the page's content by the reason it
 * stopped; the titles are the page's own words for being cut off and for a dialogue that does
 * not verify; `onRefused(error)`, when given, also hears of the latter.
 * @param {{show: (title: string, why: string) => void, cutOffTitle: string, refusedTitle: string,
 *   onRefused?: (error: Error) => void}} page
 */
export function pageLife({ show, cutOffTitle, refusedTitle, onRefused = () => {} }) {
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
