// Drafts of a summary, saved sealed on the server (docs/export.md "Drafts"; the format is
// docs/protocol.md "Members' box").
//
// Every member holds the epoch's `meta` subkey, so a draft's text sits in a members' box
// (static/js/td2/members-box.js) addressed to the conveners and rapporteurs of the newest verified
// roster only: an interpreter or a participant opens the envelope and finds a box not addressed to
// them. Each save is a new `summary` envelope on the summary channel, never a replacement, so every
// version stays; restoring one saves its value again as the newest version. A reader keeps a
// version only when its author was a convener or a rapporteur in the verified roster of the epoch
// it was sealed in, whatever the server says.

import { b64uDecode, b64uEncode, buildAad, openJson, randomId, sealJson } from "../td2/index.js";
import { openForMember, sealForMembers } from "../td2/members-box.js";
import * as api from "./api.js";
import { DRAFT_WRITERS, writesDrafts } from "./draft-roles.js";
import { summaryChannel } from "./summary-channel.js";

export { DRAFT_WRITERS, summaryChannel, writesDrafts };

export const DRAFT_TYPE = "summary_draft";

/** @typedef {{text: string, terms: string[], include_notes: boolean, language: string}} DraftValue */

/**
 * A draft's value in its one shape: the text, the terms (trimmed, no empty line), whether the
 * notes follow the text and the summary's language.
 * @param {any} value
 * @returns {DraftValue}
 */
export function cleanValue(value) {
  const terms = Array.isArray(value?.terms) ? value.terms : [];
  return {
    text: typeof value?.text === "string" ? value.text : "",
    terms: terms.filter((t) => typeof t === "string").map((t) => t.trim()).filter(Boolean),
    include_notes: value?.include_notes !== false,
    language: typeof value?.language === "string" ? value.language : "",
  };
}

/** Whether two values say the same (after cleaning). */
export function sameValue(a, b) {
  return JSON.stringify(cleanValue(a)) === JSON.stringify(cleanValue(b));
}

/**
 * The box's recipients: every convener and rapporteur of the newest verified roster, with the
 * roster's keys (never the server's member list).
 * @param {{handle: string, role: string, x25519_public: string}[]} roster
 */
export function draftRecipients(roster) {
  return roster
    .filter((entry) => writesDrafts(entry.role))
    .map((entry) => ({ handle: b64uDecode(entry.handle, 16), x25519Public: b64uDecode(entry.x25519_public, 32) }));
}

const isVersion = (n) => Number.isSafeInteger(n) && n > 0;

function looksLikeDraft(doc) {
  return (
    typeof doc === "object" && doc !== null && doc.type === DRAFT_TYPE &&
    typeof doc.id === "string" && isVersion(doc.version) &&
    typeof doc.saved_at === "string" && !Number.isNaN(Date.parse(doc.saved_at)) &&
    (doc.restored_from === undefined || isVersion(doc.restored_from)) &&
    typeof doc.box === "object" && doc.box !== null
  );
}

/** The verified role of `handle` in the roster of `epoch`, or null. */
function roleAt(state, epoch, handle) {
  return state.epochs[epoch]?.roster.find((member) => member.handle === handle)?.role ?? null;
}

/**
 * One envelope of the summary channel, opened as far as this device can: `null` when it is
 * another kind of summary document (an approval's), else {env, doc, value, authorRole, error}.
 * Errors: misplaced, no_key, unreadable, malformed, author (not a convener or rapporteur in that
 * epoch's roster), not_addressed (the box has no wrap for this member).
 */
export async function openDraft(state, env) {
  const channel = await summaryChannel(state);
  const entry = { env, doc: null, value: null, authorRole: null, error: null };
  const key = state.metaKeys.get(env.epoch);
  if (env.kind !== "summary" || env.channel_id !== channel.text) return { ...entry, error: "misplaced" };
  if (!key) return { ...entry, error: "no_key" };
  let aad;
  let doc;
  try {
    aad = buildAad("summary", state.idBytes, channel.bytes, env.epoch, b64uDecode(env.message_id, 16), b64uDecode(env.author_handle, 16));
    doc = /** @type {any} */ (await openJson(key, aad, b64uDecode(env.blob)));
  } catch {
    return { ...entry, error: "unreadable" };
  }
  if (doc?.type !== DRAFT_TYPE) return null;
  if (!looksLikeDraft(doc)) return { ...entry, error: "malformed" };
  const authorRole = roleAt(state, env.epoch, env.author_handle);
  if (!writesDrafts(authorRole)) return { ...entry, error: "author" };
  if (typeof doc.box.wraps?.[state.handle] !== "string") return { ...entry, doc, authorRole, error: "not_addressed" };
  try {
    const value = await openForMember(doc.box, {
      dialogueId: state.idBytes,
      messageId: b64uDecode(env.message_id, 16),
      aad,
      handle: state.handleBytes,
      recipient: { privateKey: state.keys.member.privateKey, publicKey: state.keys.member.publicKey },
    });
    return { ...entry, doc, authorRole, value: cleanValue(value) };
  } catch {
    return { ...entry, doc, authorRole, error: "unreadable" };
  }
}

/** The newest first: the higher version, then the later save, then the later envelope. */
function newestFirst(a, b) {
  return (
    b.doc.version - a.doc.version ||
    Date.parse(b.doc.saved_at) - Date.parse(a.doc.saved_at) ||
    (b.env.seq ?? 0) - (a.env.seq ?? 0)
  );
}

/**
 * The readable versions grouped by draft id: [{id, versions}] with each draft's versions newest
 * first, and the drafts by their newest version's save, the latest first.
 * @param {({doc: any, value: any, error: string | null} | null)[]} entries
 * @returns {{id: string, versions: any[]}[]}
 */
export function groupDrafts(entries) {
  /** @type {Map<string, any[]>} */
  const byId = new Map();
  for (const entry of entries) {
    if (!entry || entry.error || !entry.value) continue;
    const list = byId.get(entry.doc.id) ?? [];
    list.push(entry);
    byId.set(entry.doc.id, list);
  }
  const drafts = [...byId].map(([id, versions]) => ({ id, versions: versions.sort(newestFirst) }));
  return drafts.sort((a, b) =>
    Date.parse(b.versions[0].doc.saved_at) - Date.parse(a.versions[0].doc.saved_at) ||
    (b.versions[0].env.seq ?? 0) - (a.versions[0].env.seq ?? 0));
}

/** The newest version of a draft (the newest draft's when given the grouped list), or null. */
export function newestVersion(draft) {
  return draft?.versions?.[0] ?? null;
}

/** The number the next save of `draft` takes: one more than the highest, 1 for a new draft. */
export function nextVersion(draft) {
  return draft?.versions?.length ? Math.max(...draft.versions.map((v) => v.doc.version)) + 1 : 1;
}

/**
 * What restoring version `version` saves: its value, as the next version, restored from it.
 * @returns {{value: DraftValue, version: number, restoredFrom: number} | null}
 */
export function restoreOf(draft, version) {
  const old = draft?.versions?.find((v) => v.doc.version === version);
  if (!old) return null;
  return { value: cleanValue(old.value), version: nextVersion(draft), restoredFrom: version };
}

/**
 * The newest version when it is not `baseMessageId` (the version this page loaded or saved
 * last): saved since by another device, or null.
 */
export function newerThan(draft, baseMessageId) {
  const newest = newestVersion(draft);
  return newest && newest.env.message_id !== baseMessageId ? newest : null;
}

/**
 * The envelope of a new version, sealed on this device: the value in a base-mode box for every
 * convener and rapporteur of the newest verified roster, the document under the current epoch's
 * `meta` subkey with the summary kind's AAD.
 * @param {any} state the dialogue's state (crypto-state.openDialogue)
 * @param {{id: string, version: number, value: any, restoredFrom?: number | null, savedAt?: string}} draft
 */
export async function sealDraft(state, { id, version, value, restoredFrom = null, savedAt = new Date().toISOString() }) {
  const key = state.metaKeys.get(state.epoch);
  if (!key) throw Object.assign(new Error("no_current_key"), { name: "StateError", reason: "no_current_key" });
  const channel = await summaryChannel(state);
  const messageId = randomId();
  const aad = buildAad("summary", state.idBytes, channel.bytes, state.epoch, messageId, state.handleBytes);
  const box = await sealForMembers({
    dialogueId: state.idBytes, messageId, aad, recipients: draftRecipients(state.roster), value: cleanValue(value),
  });
  const doc = { type: DRAFT_TYPE, id, version, saved_at: savedAt, ...(restoredFrom ? { restored_from: restoredFrom } : {}), box };
  return {
    kind: "summary",
    channel_id: channel.text,
    message_id: b64uEncode(messageId),
    epoch: state.epoch,
    author_handle: state.handle,
    blob: b64uEncode(await sealJson(key, aad, doc)),
  };
}

/** A new draft's id: 16 random bytes, base64url. */
export const newDraftId = () => b64uEncode(randomId());

/** The list readDrafts asks for: every envelope of the summary channel. */
export async function draftsPath(state) {
  return `/dialogues/${state.id}/envelopes?channel=${encodeURIComponent((await summaryChannel(state)).text)}`;
}

/**
 * Every draft this member can read among `envelopes` (the summary channel's), grouped
 * (groupDrafts), and the versions it cannot read.
 * @returns {Promise<{drafts: {id: string, versions: any[]}[], unreadable: any[]}>}
 */
export async function openDrafts(state, envelopes) {
  const entries = (await Promise.all(envelopes.map((env) => openDraft(state, env)))).filter(Boolean);
  return { drafts: groupDrafts(entries), unreadable: entries.filter((e) => e.error) };
}

/** The same, read from the server now. */
export async function readDrafts(state) {
  return openDrafts(state, await api.get(await draftsPath(state)));
}

/** Seals and posts a version; returns its message id. */
export async function saveDraft(state, draft) {
  const body = await sealDraft(state, draft);
  await api.post(`/dialogues/${state.id}/envelopes`, body);
  return body.message_id;
}
