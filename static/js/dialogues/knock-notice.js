// A key steward's notice of requests to join, near the top of the workspace, the live console and
// the notes page: how many devices are waiting, in words, said politely to screen readers when it
// changes. On the console and the notes page it unfolds to each request (knock-view.js), whose
// fingerprint the steward compares with the one on the newcomer's screen before letting them in
// or refusing; on the workspace it leads to the requests' own list. Only a steward's device asks
// the server for knocks (the server refuses anyone else), and a poll that finds nothing new costs
// a 304 (api.getIfChanged).

import { _, ngettext } from "../i18n.js";
import * as api from "./api.js";
import { knockItem } from "./knock-view.js";
import { describe } from "./labels.js";
import { approveKnock } from "./steward.js";
import { announce, h, say } from "./ui.js";

const POLL_MS = 4000;
const COMPARE = () => _("Compare the codes and let in");

/**
 * The notice's first line, a polite live region: it is in the page from the start (an element
 * that appears already filled is not reliably announced) and hidden only visually while empty.
 * @param {HTMLElement} holder
 */
function countLine(holder) {
  const line = h("p", { class: "knock-count visually-hidden", role: "status", "aria-live": "polite" });
  holder.replaceChildren(line);
  return (count) => {
    const text = count ? ngettext("%(num)s request to join", "%(num)s requests to join", count) : "";
    if (line.textContent !== text) line.textContent = text;
    line.classList.toggle("visually-hidden", !count);
    holder.toggleAttribute("data-waiting", count > 0);
    holder.dataset.count = String(count);
  };
}

/**
 * The workspace's notice: the count and a link to the list of requests (the holder's
 * `data-requests`, an address on the page), where they are compared and decided.
 * @param {HTMLElement} holder
 * @returns {(count: number) => void} shows how many requests are waiting
 */
export function knockLink(holder) {
  const show = countLine(holder);
  const link = h("a", { class: "button primary", href: holder.dataset.requests || "#knocks-heading", text: COMPARE(), hidden: true });
  holder.append(link);
  return (count) => {
    show(count);
    link.hidden = !count;
  };
}

/**
 * The console's and notes page's notice: polls the requests while the page's member is a key
 * steward, and decides them here. Letting someone in cuts a new epoch (steward.js), after which
 * `host.reopen()` opens the dialogue again as the page does when it sees a new epoch.
 * @param {HTMLElement} holder
 * @param {{dialogueId: string, state: () => any, model: () => any, reopen: () => Promise<void>,
 *   pollMs?: number}} host `state()` is the page's current dialogue state
 *   (crypto-state.openDialogue), null once stopped; `pollMs` how often to ask (the page's pace)
 * @returns {{check: () => Promise<void>, stop: () => void}}
 */
export function watchKnocks(holder, host) {
  const show = countLine(holder);
  const list = h("ul", { class: "plain knocks" });
  const summary = h("summary", { text: COMPARE() });
  const details = h("details", { class: "knock-details", hidden: true },
    summary,
    h("p", { class: "hint", text: _("Compare the code on the newcomer's screen with the one here, in person or over a call you trust, before you let them in.") }),
    list);
  const status = h("p", { role: "alert", hidden: true });
  holder.append(details, status);
  const path = `/dialogues/${host.dialogueId}/knocks`;
  let known = null; // the validator of the list shown
  let checking = false;
  let deciding = false;
  let again = false;
  let timer = null;

  async function render(knocks) {
    const invitations = knocks.length
      ? new Map((await api.get(`/dialogues/${host.dialogueId}/invitations`)).map((i) => [i.invite_id, i]))
      : new Map();
    const items = await Promise.all(knocks.map((knock) => knockItem(knock, {
      model: host.model(),
      invitation: invitations.get(knock.invite_id),
      decide: (approve, name) => decide(knock, approve, name),
    })));
    const hadFocus = holder.contains(document.activeElement) && document.activeElement !== summary;
    list.replaceChildren(...items);
    details.hidden = knocks.length === 0;
    show(knocks.length);
    // The button just used went with its request: the next one is a step away.
    if (hadFocus && knocks.length) summary.focus();
  }

  async function check() {
    if (!holder.isConnected) return stop(); // the page stopped and replaced its content
    const state = host.state();
    if (deciding || !state?.isSteward) return undefined;
    if (checking) {
      again = true; // the answer under way may predate a decision: ask once more after it
      return undefined;
    }
    checking = true;
    try {
      const knocks = await api.getIfChanged(path, known);
      if (knocks !== null) {
        await render(knocks);
        known = api.versionOf(path);
      }
    } catch {
      // A network hiccup waits for the next round; being cut off is for the page to say.
    } finally {
      checking = false;
    }
    if (again) {
      again = false;
      return check();
    }
    return undefined;
  }

  async function decide(knock, approve, name) {
    if (deciding) return;
    deciding = true;
    const refocus = holder.contains(document.activeElement); // disabling the button drops focus
    list.setAttribute("aria-busy", "true");
    for (const button of list.querySelectorAll("button")) button.disabled = true;
    say(status, "");
    try {
      if (approve) {
        const ws = { id: host.dialogueId, state: host.state() };
        await approveKnock(ws, knock);
        await host.reopen();
        announce(_("%(name)s is now in the dialogue.", { name }));
      } else {
        await api.post(`${path}/${knock.knock_id}/refuse`);
        announce(_("Request refused."));
      }
    } catch (error) {
      // Someone else cut an epoch meanwhile: this page opens it, and the steward decides again.
      if (error instanceof api.ApiError && error.code === "epoch_stale") await host.reopen().catch(() => {});
      say(status, describe(error), "error");
    } finally {
      deciding = false;
      list.removeAttribute("aria-busy");
      known = null; // drawn again whatever the answer: the buttons come back, or their request goes
    }
    await check();
    if (refocus && !details.hidden && !holder.contains(document.activeElement)) summary.focus();
  }

  function stop() {
    window.clearInterval(timer);
  }

  timer = window.setInterval(check, host.pollMs ?? POLL_MS);
  check();
  return { check, stop };
}
