// Times: sessions are stored as ISO 8601 with the dialogue's UTC offset, edited as wall-clock time
// in the dialogue's time zone, and shown in each viewer's own time zone and locale.

import { catalogZoneName, currentLocale, dateTimeFormat, writingDirection } from "../i18n.js";

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

function wallParts(instantMs, timeZone) {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const parts = Object.fromEntries(
    format.formatToParts(new Date(instantMs)).map((part) => [part.type, part.value]),
  );
  return parts;
}

/** Minutes east of UTC of `timeZone` at an instant. */
export function offsetMinutes(instantMs, timeZone) {
  const p = wallParts(instantMs, timeZone);
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60000);
}

function formatOffset(minutes) {
  const sign = minutes < 0 ? "-" : "+";
  const size = Math.abs(minutes);
  const hours = String(Math.floor(size / 60)).padStart(2, "0");
  return `${sign}${hours}:${String(size % 60).padStart(2, "0")}`;
}

/** "2026-12-07T09:00" in `timeZone` -> "2026-12-07T09:00:00+03:00", or null. */
export function wallToIso(wall, timeZone) {
  const m = WALL.exec(wall);
  if (!m) return null;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let offset = offsetMinutes(asUtc, timeZone);
  const corrected = offsetMinutes(asUtc - offset * 60000, timeZone);
  if (corrected !== offset) offset = corrected;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${formatOffset(offset)}`;
}

/** An ISO instant as "YYYY-MM-DDTHH:mm" wall time in `timeZone` (for datetime-local inputs). */
export function isoToWall(iso, timeZone) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "";
  const p = wallParts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day}T${String(+p.hour % 24).padStart(2, "0")}:${p.minute}`;
}

const dayFormats = new Map(); // time zone -> formatter: a queue asks for the same zone again and again

/** The calendar day ("2026-12-07") of an instant in `timeZone`. */
export function dayIn(instantMs, timeZone) {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(new Date(instantMs)).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** Zones already asked about: making a formatter to find out costs a slow phone a millisecond. */
const validZones = new Map();

export function isValidTimeZone(timeZone) {
  if (!validZones.has(timeZone)) {
    try {
      new Intl.DateTimeFormat("en", { timeZone });
      validZones.set(timeZone, true);
    } catch {
      validZones.set(timeZone, false);
    }
  }
  return validZones.get(timeZone);
}

/** Every IANA zone this browser knows, for a picker. */
export function timeZones() {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [Intl.DateTimeFormat().resolvedOptions().timeZone];
  }
}

/** This device's zone, read again at most once a minute (a traveller's phone may change it). */
const viewerZone = { zone: "", readAt: -Infinity };

export function viewerTimeZone() {
  const now = Date.now();
  if (now - viewerZone.readAt > 60_000 || now < viewerZone.readAt) {
    viewerZone.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    viewerZone.readAt = now;
  }
  return viewerZone.zone;
}

/**
 * The viewer's own locale for dates and numbers: the browser's preferred variant of the page's
 * language ("en-GB" on an English page), else the page's language.
 */
export function displayLocale() {
  const page = currentLocale();
  const base = page.split("-")[0].toLowerCase();
  const own = (navigator.languages ?? []).find((tag) => tag.split("-")[0].toLowerCase() === base);
  return own ?? page;
}

// Inside right-to-left text, a time such as "11:00 AM – 7:00 PM" or a zone such as "GMT +5" is
// made of weak characters (digits, colons, dashes) and left-to-right letters, and the bidi
// algorithm scatters it among the words around it ("AM – 7:00 PM 11:00"). Each run of a date, a
// time (or a range of times) and a zone is wrapped in a Unicode isolate, so it is laid out as a
// unit in its own direction and placed as a unit in the sentence.
const FSI = "\u2068";
const LRI = "\u2066";
const RLI = "\u2067";
const PDI = "\u2069";
const LETTER = /\p{L}/u;
const TIME_PARTS = new Set(["hour", "minute", "second", "fractionalSecond", "dayPeriod"]);
const ZONE_PARTS = new Set(["timeZoneName"]);

/**
 * `text` as one isolate (the empty string stays empty): in the direction of its first letter,
 * and without letters ("11:00–19:00") in the page's direction, so that a Hebrew reader reads the
 * range from the right as the rest of the line.
 */
export function isolate(text) {
  if (!text) return "";
  if (LETTER.test(text)) return `${FSI}${text}${PDI}`;
  return `${writingDirection() === "rtl" ? RLI : LRI}${text}${PDI}`;
}

function kindOf(part) {
  if (part.type === "literal") return null;
  if (TIME_PARTS.has(part.type)) return "time";
  if (ZONE_PARTS.has(part.type)) return "zone";
  return "date";
}

/**
 * Joins formatted parts (`formatToParts`, `formatRangeToParts`) with each run of one kind (date,
 * time, zone) isolated. A literal between two parts of the same kind ("–" between two times,
 * ":" between hour and minute) stays inside the run; one between runs stays outside.
 * @param {{type: string, value: string}[]} parts
 */
export function isolatedParts(parts) {
  let out = "";
  let run = "";
  let runKind = null;
  let pending = ""; // literals after the run, not yet known to be inside it
  for (const part of parts) {
    const kind = kindOf(part);
    if (kind === null) {
      if (runKind === null) out += part.value;
      else pending += part.value;
    } else if (kind === runKind) {
      run += pending + part.value;
      pending = "";
    } else {
      out += isolate(run) + pending;
      run = part.value;
      runKind = kind;
      pending = "";
    }
  }
  return out + isolate(run) + pending;
}

/** `format.formatToParts(date)` isolated, or `format.format(date)` where parts are missing. */
export function formatIsolated(format, date) {
  if (typeof format.formatToParts !== "function") return isolate(format.format(date));
  return isolatedParts(format.formatToParts(date));
}

/** "Mon 7 Dec 2026, 06:00–14:00 GMT" in the viewer's own time zone (or `timeZone`) and locale,
 * its date, times and zone isolated (above), so that it reads right inside right-to-left text.
 * @param {string} startIso
 * @param {string} endIso
 * @param {string} [timeZone] an IANA zone; the viewer's own when absent */
export function formatRange(startIso, endIso, timeZone = undefined) {
  const start = new Date(startIso);
  const end = new Date(endIso);
  if (Number.isNaN(start.getTime())) return "";
  const format = dateTimeFormat(displayLocale(), {
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
    ...(timeZone ? { timeZone } : {}),
  });
  if (Number.isNaN(end.getTime()) || end < start) return formatIsolated(format, start);
  return isolatedParts(rangeParts(format, start, end));
}

/** The parts of a range, made of the two ends' parts where the formatter cannot (the CLDR
 * fallback of `ps` and `ckb`): the date once when both ends fall on the same day. */
function rangeParts(format, start, end) {
  if (typeof format.formatRangeToParts === "function") return format.formatRangeToParts(start, end);
  const first = format.formatToParts(start);
  const last = format.formatToParts(end);
  const dash = { type: "literal", value: " – " };
  const day = (parts) => parts.filter((part) => kindOf(part) === "date").map((part) => part.value).join();
  if (day(first) !== day(last)) return [...first, dash, ...last];
  const zone = first.findIndex((part) => part.type === "timeZoneName");
  const head = zone < 0 ? first : first.slice(0, zone);
  while (head.length && head[head.length - 1].type === "literal") head.pop();
  const timeAt = last.findIndex((part) => kindOf(part) === "time");
  return [...head, dash, ...last.slice(Math.max(0, timeAt))];
}

/** A time zone's name in the viewer's language ("שעון טורקיה" for "Europe/Istanbul"), else its
 * id: ids are English city names that a reader of another language may not recognise. */
export function zoneName(timeZone) {
  const named = catalogZoneName(timeZone);
  if (named) return named;
  for (const style of ["longGeneric", "long"]) {
    try {
      const parts = dateTimeFormat(displayLocale(), { timeZone, timeZoneName: style }).formatToParts(new Date());
      const name = parts.find((part) => part.type === "timeZoneName")?.value;
      if (name && name !== timeZone) return name;
    } catch {
      // this engine lacks that style, or the zone: try the next, else the id
    }
  }
  return timeZone;
}

/** A zone for a picker, where several zones share a name ("Central European Time"): the
 * localized name and the id's city, each isolated. */
export function zoneChoiceLabel(timeZone) {
  const city = timeZone.split("/").pop()?.replaceAll("_", " ") ?? timeZone;
  const name = zoneName(timeZone);
  return name === timeZone ? isolate(timeZone) : `${isolate(name)} (${isolate(city)})`;
}

/** The session running now, else the next one, else the last one. */
export function currentOrNext(sessions, now = Date.now()) {
  const timed = sessions.filter((entry) => !Number.isNaN(Date.parse(entry.doc.starts)));
  timed.sort((a, b) => Date.parse(a.doc.starts) - Date.parse(b.doc.starts));
  const running = timed.find(
    (entry) => Date.parse(entry.doc.starts) <= now && now < Date.parse(entry.doc.ends),
  );
  if (running) return { entry: running, running: true };
  const next = timed.find((entry) => Date.parse(entry.doc.starts) > now);
  if (next) return { entry: next, running: false };
  return timed.length ? { entry: timed[timed.length - 1], running: false } : null;
}
