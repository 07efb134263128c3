// Keys are made and used with WebCrypto, which browsers give only to secure contexts: https://
// addresses, and 127.0.0.1 or localhost on the device itself. Opened over plain http at a
// network address, `crypto.subtle` is missing and every key operation would fail out of sight.
// This module shows instead the notice base.html renders hidden (#needs-https, in the reader's
// language) and hides the rest of the page. base.html loads it on every page, and every module
// that needs keys imports it first: it throws at once, and a module whose import fails never
// runs, so nothing reaches for keys that cannot exist.

export const secureContext = Boolean(globalThis.isSecureContext && globalThis.crypto?.subtle);

if (!secureContext) {
  const page = globalThis.document;
  const notice = page?.getElementById("needs-https");
  /** @type {Iterable<HTMLElement>} */
  const children = /** @type {any} */ (page?.getElementById("main")?.children ?? []);
  for (const element of children) {
    if (element !== notice) element.hidden = true;
  }
  if (notice) notice.hidden = false;
  throw new Error("This page needs a secure (https://) address: WebCrypto is unavailable here.");
}
