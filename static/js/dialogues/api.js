// The JSON API client: same-origin fetch, the page's CSRF token on unsafe calls, JSON bodies,
// and one error type carrying the server's code, parameters and translated message.

import { _ } from "../i18n.js";

const BASE = "/api/v1";
const SAFE = new Set(["GET", "HEAD"]);

/** A refused or failed call. `code` is the server's stable error code ("network" offline). */
export class ApiError extends Error {
  constructor(status, body, options) {
    const code = (body && typeof body.error === "string" && body.error) || "network";
    super(code, options);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.params = (body && body.params) || {};
    this.serverMessage = body && typeof body.message === "string" ? body.message : null;
  }

  /** Text for people: the server's translated message, or a local one. */
  get userMessage() {
    if (this.serverMessage) return this.serverMessage;
    if (this.status === 0) return _("The server could not be reached. Check the connection.");
    return _("The request could not be processed.");
  }
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") ?? "";
}

// The validators of GET answers, kept in this page's memory only: path -> {etag, text}. The
// server's answers are `Cache-Control: no-store` (never on the device's disk: shared phones,
// ephemeral devices), so the browser keeps nothing; this map lets a poll send `If-None-Match`
// and be answered with a 304 and headers instead of the whole roster or every document again.
// It goes with the page, or with forget() (a device that leaves or is wiped).
/** @type {Map<string, {etag: string, text: string}>} */
const validators = new Map();

/** Answers asked for ahead (`prefetch`), each taken by the next `get` of its path. */
const early = new Map();

/** Forgets every answer held for conditional GETs (signing out, wiping the device). */
export function forget() {
  validators.clear();
  early.clear();
}

/** The validator (ETag) of the answer to GET `path` this page holds, or null. */
export function versionOf(path) {
  return validators.get(path)?.etag ?? null;
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * @param {string} method
 * @param {string} path under /api/v1
 * @param {unknown} [body] sent as JSON
 * @returns {Promise<{text: string, etag: string | null}>} the answer's text (held, on a 304)
 * @throws {ApiError}
 */
async function send(method, path, body) {
  const headers = { Accept: "application/json" };
  /** @type {RequestInit} */
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (!SAFE.has(method)) headers["X-CSRFToken"] = csrfToken();
  const held = method === "GET" ? validators.get(path) : undefined;
  if (held) headers["If-None-Match"] = held.etag;
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch (error) {
    throw new ApiError(0, null, { cause: error });
  }
  const text = await response.text().catch(() => ""); // read even when empty: the load completes
  if (response.status === 304 && held) return held;
  if (!response.ok) {
    if (method === "GET") validators.delete(path);
    throw new ApiError(response.status, parse(text));
  }
  const etag = method === "GET" ? response.headers.get("ETag") : null;
  if (etag) validators.set(path, { etag, text });
  else if (method === "GET") validators.delete(path);
  return { text, etag };
}

/**
 * @param {string} method
 * @param {string} path under /api/v1, e.g. "/dialogues"
 * @param {unknown} [body] sent as JSON
 * @returns {Promise<any>} the decoded JSON answer: parsed afresh each time, a caller may change it
 * @throws {ApiError}
 */
export async function request(method, path, body) {
  return parse((await send(method, path, body)).text);
}

/**
 * GET `path`, or null when the server's answer is still the one whose validator is `known`
 * (by default the one this page last received for `path`): a poll that learns "nothing
 * changed" from a 304 without parsing or opening anything again.
 * @param {string} path under /api/v1
 * @param {string | null} [known] the validator of the answer the caller last used
 * @returns {Promise<any>}
 * @throws {ApiError}
 */
export async function getIfChanged(path, known = versionOf(path)) {
  const { text, etag } = await send("GET", path);
  return known !== null && etag === known ? null : parse(text);
}

/**
 * Asks for `path` now, for a `get` the page will make once it can use the answer (a list it
 * opens with keys it is still reading): the round trip overlaps that work.
 */
export function prefetch(path) {
  if (early.has(path)) return;
  const answer = request("GET", path);
  answer.catch(() => undefined); // a failure is the later get's to report
  early.set(path, answer);
}

export function get(path) {
  const answer = early.get(path);
  if (!answer) return request("GET", path);
  early.delete(path);
  return answer;
}

export const post = (path, body) => request("POST", path, body ?? {});
export const del = (path) => request("DELETE", path);

/** True for answers meaning "you are not (or no longer) let in": signed out or not a member. */
export function isCutOff(error) {
  return error instanceof ApiError && (error.status === 401 || error.code === "dialogue_not_found");
}
