// Low-bandwidth text-only mode (docs/live-room.md, "Low-bandwidth text-only mode"). A device
// preference kept in a cookie, so that the server sends the page its lean stylesheet and no
// decorative asset from the first byte; the page's scripts then poll less often, redraw timers
// less often and fetch the room's history in small pages. The cookie says nothing about the
// person or the dialogue. A slow connection (the browser's Save-Data or a 2G estimate, where the
// browser reports them) gets a suggestion to switch, which can be dismissed for good.

export const TEXT_ONLY_COOKIE = "facilitator_text_only";
const DISMISSED_KEY = "facilitator.text-only-suggestion";
const YEAR_S = 400 * 24 * 3600;

/** True when this page was served in text-only mode (the server read the cookie). */
export function textOnly() {
  return document.documentElement.dataset.textOnly === "true";
}

/** Remembers the choice on this device and reloads the page in the chosen mode. */
export function setTextOnly(on) {
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = on
    ? `${TEXT_ONLY_COOKIE}=1; Path=/; Max-Age=${YEAR_S}; SameSite=Lax${secure}`
    : `${TEXT_ONLY_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax${secure}`;
  window.location.reload();
}

/** What the browser says about the connection: slow or data-saving (false where it says nothing). */
export function slowConnection() {
  const connection = navigator.connection;
  if (!connection) return false;
  return Boolean(connection.saveData) || ["slow-2g", "2g"].includes(connection.effectiveType);
}

function dismissed() {
  try {
    return window.localStorage.getItem(DISMISSED_KEY) === "dismissed";
  } catch {
    return false;
  }
}

/** True when the page should suggest switching to text-only mode. */
export function shouldSuggest() {
  return !textOnly() && slowConnection() && !dismissed();
}

/** "Not now": the suggestion is not shown again on this device. */
export function dismissSuggestion() {
  try {
    window.localStorage.setItem(DISMISSED_KEY, "dismissed");
  } catch {
    // storage disabled: it will be suggested again next time
  }
}

/**
 * Shows the suggestion in `holder` (with its accept and dismiss buttons) when it applies, and
 * again when the browser reports the connection got slow.
 */
export function offerTextOnly(holder, accept, dismiss) {
  const update = () => {
    holder.hidden = !shouldSuggest();
  };
  accept.addEventListener("click", () => setTextOnly(true));
  dismiss.addEventListener("click", () => {
    dismissSuggestion();
    holder.hidden = true;
  });
  navigator.connection?.addEventListener?.("change", update);
  update();
}

/** How the live room behaves in each mode. */
export function liveTuning() {
  return textOnly()
    ? { pollMs: 60_000, tickMs: 5_000, pageSize: 50 }
    : { pollMs: 8_000, tickMs: 1_000, pageSize: 500 };
}
