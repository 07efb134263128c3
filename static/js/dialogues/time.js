// Times: sessions are stored as ISO 8601 with the dialogue's UTC offset, edited as wall-clock time
// in the dialogue's time zone, and shown in each viewer's own time zone and locale.

import { currentLocale, dateTimeFormat } from "../i18n.js";

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

export function isValidTimeZone(timeZone) {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Every IANA zone this browser knows, for a picker. */
export function timeZones() {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [Intl.DateTimeFormat().resolvedOptions().timeZone];
  }
}

export function viewerTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
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

/** "Mon 7 Dec 2026, 06:00–14:00 GMT" in the viewer's own time zone and locale. */
export function formatRange(startIso, endIso) {
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
  });
  if (Number.isNaN(end.getTime()) || end < start) return format.format(start);
  return format.formatRange(start, end);
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
