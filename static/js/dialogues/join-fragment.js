// The invitation's secret travels in the address's fragment (/j/<invite_id>#<secret>...). This
// module reads it and removes it from the address bar and the history. page-join.js imports it
// right after the secure-context check and before everything else, so it runs before any other
// module's code: the secret never lingers while the rest of the page loads.

/** The fragment as the page was opened, "#" included, or "" when there was none. */
export const fragment = window.location.hash;
if (fragment) window.history.replaceState(null, "", window.location.pathname + window.location.search);
