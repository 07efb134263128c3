// The browser's translations come from the same catalogues as the server's pages: the server
// sends the current locale's messages used by static/js (see facilitator/core/i18n.py).
// Extraction: `pybabel extract` reads calls to `_()` and `ngettext()` in these files.

let messages = {};
let locale = document.documentElement.lang || "en";

export async function loadCatalog(tag = locale) {
  locale = tag;
  const response = await fetch(`/i18n/${encodeURIComponent(tag)}.json`, {
    credentials: "same-origin",
  });
  if (response.ok) {
    messages = (await response.json()).messages;
  }
  return messages;
}

function interpolate(text, params) {
  return text.replace(/%\((\w+)\)s/g, (whole, name) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Translate `msgid`; `%(name)s` placeholders are filled from `params`. */
export function _(msgid, params = {}) {
  const found = messages[msgid];
  return interpolate(typeof found === "string" ? found : msgid, params);
}

/** Translate `msgid` in a context (the catalogue key is `context + "\u0004" + msgid`). */
export function pgettext(context, msgid, params = {}) {
  const found = messages[`${context}\u0004${msgid}`];
  return interpolate(typeof found === "string" ? found : msgid, params);
}

/** Plural: the form is picked by `Intl.PluralRules`, as the catalogue maps categories to forms. */
export function ngettext(singular, plural, count, params = {}) {
  const found = messages[singular];
  const category = new Intl.PluralRules(locale).select(count);
  let text;
  if (found && typeof found === "object") {
    text = found[category] ?? found.other;
  } else {
    text = count === 1 ? singular : plural;
  }
  return interpolate(text, { num: new Intl.NumberFormat(locale).format(count), ...params });
}

export function currentLocale() {
  return locale;
}
