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

/**
 * @param {string} method
 * @param {string} path under /api/v1, e.g. "/dialogues"
 * @param {unknown} [body] sent as JSON
 * @returns {Promise<any>} the decoded JSON answer
 * @throws {ApiError}
 */
export async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  /** @type {RequestInit} */
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (!SAFE.has(method)) headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch (error) {
    throw new ApiError(0, null, { cause: error });
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path) => request("GET", path);
export const post = (path, body) => request("POST", path, body ?? {});
export const del = (path) => request("DELETE", path);

/** True for answers meaning "you are not (or no longer) let in": signed out or not a member. */
export function isCutOff(error) {
  return error instanceof ApiError && (error.status === 401 || error.code === "dialogue_not_found");
}
