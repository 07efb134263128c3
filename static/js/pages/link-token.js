// A one-time link (/setup#<token>, /join-team#<token>) carries its token in the fragment, which
// browsers never send to a server: it reaches no access log, proxy or Referer. This script takes
// the token out of the address bar and the history at once, and puts it in the form, which
// posts it in its body. The tab keeps it (sessionStorage, this tab only) so that a page reloaded
// by a language change or a refused form still has it; the link is single use and expiring.
const field = /** @type {HTMLInputElement | null} */ (document.getElementById("link-token"));
const key = `link-token:${window.location.pathname}`;
const fragment = window.location.hash.slice(1);
if (fragment) {
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  window.sessionStorage.setItem(key, fragment);
}
if (field) field.value = fragment || window.sessionStorage.getItem(key) || "";
