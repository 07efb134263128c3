// The browser's translations come from the same catalogues as the server's pages: the server
// sends the current locale's messages used by static/js (see facilitator/core/i18n.py).
// Extraction: `pybabel extract` reads calls to `_()` and `ngettext()` in these files.

let messages = {};
let languageNames = {};
let zoneNames = {};
let locale = document.documentElement.lang || "en";

// Browsers' built-in ICU lacks CLDR data for some of our locales (Chromium formats `ps` and `ckb`
// dates in English). For those the page loads FormatJS's DateTimeFormat with that locale's data
// (static/vendor/intl-<tag>.js, built by scripts/vendor.mjs) and the server sends language names.
const CLDR_FALLBACK = new Set(["ps", "ckb"]);
let FallbackDateTimeFormat = null;

/** A locale's messages and, where the browser lacks its date data, FormatJS's formatter. */
async function fetchCatalog(tag) {
  const response = await fetch(`/i18n/${encodeURIComponent(tag)}.json`, {
    credentials: "same-origin",
  });
  const body = response.ok ? await response.json() : null;
  let fallback = null;
  if (CLDR_FALLBACK.has(tag) && Intl.DateTimeFormat.supportedLocalesOf([tag]).length === 0) {
    ({ DateTimeFormat: fallback } = await import(`../vendor/intl-${tag}.js`));
  }
  return body
    ? { messages: body.messages, names: body.language_names ?? {}, zones: body.zone_names ?? {}, fallback }
    : { fallback };
}

export async function loadCatalog(tag = locale) {
  locale = tag;
  const loaded = await fetchCatalog(tag);
  if (loaded.messages) {
    messages = loaded.messages;
    languageNames = loaded.names;
    zoneNames = loaded.zones;
  }
  FallbackDateTimeFormat = loaded.fallback;
  formatters.clear();
  return messages;
}

// Other locales than the page's, for text made in several languages on one page (the print
// pack): each one's messages, language names, date formatter and cached Intl formatters.
const others = new Map();
let directionOverride = null;

/**
 * Loads the catalogues of `tags` beside the page's own, for `inLocale`. A caller that must not
 * tell the server which languages it needs (they can be a dialogue's, which is encrypted) asks
 * for a list that does not depend on them, such as every supported locale.
 * @param {string[]} tags
 */
export async function loadOtherCatalogs(tags) {
  await Promise.all(tags.filter((tag) => !others.has(tag)).map(async (tag) => {
    const loaded = await fetchCatalog(tag);
    others.set(tag, {
      locale: tag, messages: loaded.messages ?? {}, languageNames: loaded.names ?? {}, zoneNames: loaded.zones ?? {},
      FallbackDateTimeFormat: loaded.fallback, formatters: new Map(),
    });
  }));
}

/**
 * Runs `work()` (synchronous) as if the page were in `tag`, written in `dir`: `_`, `ngettext`,
 * `languageName`, `dateTimeFormat`, `currentLocale` and `writingDirection` answer in that locale,
 * then the page's own is back. A tag without a loaded catalogue keeps the msgids (English) but
 * formats dates and numbers in its own language.
 * @template T
 * @param {string} tag
 * @param {"ltr" | "rtl"} dir
 * @param {() => T} work
 * @returns {T}
 */
export function inLocale(tag, dir, work) {
  const own = { locale, messages, languageNames, zoneNames, FallbackDateTimeFormat, formatters: new Map(formatters) };
  const other = others.get(tag) ?? {
    locale: tag, messages: {}, languageNames: {}, zoneNames: {}, FallbackDateTimeFormat: null, formatters: new Map(),
  };
  const saved = directionOverride;
  ({ locale, messages, languageNames, zoneNames, FallbackDateTimeFormat } = other);
  formatters.clear();
  other.formatters.forEach((value, key) => formatters.set(key, value));
  directionOverride = dir;
  try {
    return work();
  } finally {
    other.formatters = new Map(formatters);
    ({ locale, messages, languageNames, zoneNames, FallbackDateTimeFormat } = own);
    formatters.clear();
    own.formatters.forEach((value, key) => formatters.set(key, value));
    directionOverride = saved;
  }
}

/**
 * A time zone's name from the catalogue, for a locale whose names the browser lacks (the
 * server sends them with `ps` and `ckb`, from CLDR); null elsewhere, where Intl names it.
 * @param {string} timeZone
 * @returns {string | null}
 */
export function catalogZoneName(timeZone) {
  return Object.hasOwn(zoneNames, timeZone) ? zoneNames[timeZone] : null;
}

/** The direction of the text being made: the page's, or the one `inLocale` runs in. */
export function writingDirection() {
  return directionOverride ?? (document.documentElement.dir === "rtl" ? "rtl" : "ltr");
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
  const category = remember(["plural", locale], () => new Intl.PluralRules(locale)).select(count);
  let text;
  if (found && typeof found === "object") {
    text = found[category] ?? found.other;
  } else {
    text = count === 1 ? singular : plural;
  }
  return interpolate(text, { num: numberFormat(locale).format(count), ...params });
}

export function currentLocale() {
  return locale;
}

/** Every locale the interface is translated into (the server lists them on the page). */
export function supportedLocales() {
  const listed = document.documentElement.dataset.locales ?? "";
  return listed.split(" ").filter(Boolean);
}

/** A language's name in the page's language ("ar" -> "Arabic"), else the tag itself. */
export function languageName(tag) {
  if (Object.hasOwn(languageNames, tag)) return languageNames[tag];
  try {
    return remember(["names", locale], () => new Intl.DisplayNames([locale], { type: "language" })).of(tag) || String(tag);
  } catch {
    return String(tag);
  }
}

// Intl formatters are costly to make (tens of microseconds each, more on a slow phone) and
// pages format many values with the same few: each is made once per locale and options.
const formatters = new Map();

function remember(key, make) {
  const text = JSON.stringify(key);
  if (!formatters.has(text)) formatters.set(text, make());
  return formatters.get(text);
}

/**
 * `new Intl.DateTimeFormat(tag, options)`, or where the browser lacks the page locale's data,
 * FormatJS's formatter with the same interface (format, formatRange, formatToParts,
 * resolvedOptions).
 */
export function dateTimeFormat(tag, options = {}) {
  return remember(["date", tag, options], () =>
    FallbackDateTimeFormat ? zonedFallback(options) : new Intl.DateTimeFormat(tag, options));
}

/** `new Intl.NumberFormat(tag, options)` in the digits of the page locale. */
export function numberFormat(tag, options = {}) {
  return remember(["number", tag, options], () => makeNumberFormat(tag, options));
}

function makeNumberFormat(tag, options) {
  if (!FallbackDateTimeFormat) return new Intl.NumberFormat(tag, options);
  const { numberingSystem } = new FallbackDateTimeFormat(locale).resolvedOptions();
  return new Intl.NumberFormat(`en-u-nu-${numberingSystem}`, options);
}

/**
 * The fallback formats in UTC a "wall clock" date that the browser's own ICU computed for the
 * wanted time zone, so no time-zone database has to be shipped with it. The zone's name, when
 * asked for, is its offset ("GMT+3") in the page's digits.
 */
function zonedFallback(options) {
  const { timeZone, timeZoneName, ...rest } = options;
  const inner = new FallbackDateTimeFormat(locale, { ...rest, timeZone: "UTC" });
  const zone = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
    timeZoneName: "shortOffset",
  });
  const digits = numberFormat(locale, { useGrouping: false });
  const wall = (date) => {
    const parts = Object.fromEntries(zone.formatToParts(date).map((p) => [p.type, p.value]));
    const utc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24,
      +parts.minute, +parts.second, new Date(date).getUTCMilliseconds());
    const offset = parts.timeZoneName.replace(/\d+/g, (n) => digits.format(Number(n)));
    return { date: new Date(utc), offset };
  };
  const named = (text, offset) => (timeZoneName ? `${text} ${offset}` : text);
  const namedParts = (parts, offset) => (timeZoneName
    ? [...parts, { type: "literal", value: " " }, { type: "timeZoneName", value: offset }]
    : parts);
  return {
    format(date) {
      const { date: shifted, offset } = wall(date);
      return named(inner.format(shifted), offset);
    },
    formatRange(start, end) {
      const from = wall(start);
      return named(inner.formatRange(from.date, wall(end).date), from.offset);
    },
    formatToParts(date) {
      const { date: shifted, offset } = wall(date);
      return namedParts(inner.formatToParts(shifted), offset);
    },
    resolvedOptions() {
      return { ...inner.resolvedOptions(), timeZone: zone.resolvedOptions().timeZone };
    },
  };
}
