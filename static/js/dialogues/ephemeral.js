// Ephemeral devices: a participant (here, or on the invitation page) or the conveners' policy can
// mark a device so that when the facilitator closes the session, the device deletes its keys,
// its IndexedDB databases, what it stored for the page and what it holds in memory, and shows
// a neutral "this device has been cleared" screen (docs/live-room.md, "Ephemeral devices").
//
// The conveners' policy lives in the sealed `dialogue` document (`participant_devices:
// "ephemeral"`, docs/dialogue-content.md): the server never learns it, and every participant's
// device reads and enforces it. A device is cleared by a close it could see after it became
// ephemeral: the record kept here says from which `seq` on (`since`), so a device marked after a
// session was closed waits for the next close, and one that was offline at a close is cleared
// as soon as it catches up.

import { deleteDialogueKeys, listDialogues, wipeKeystore } from "../keystore.js";
import * as api from "./api.js";
import * as store from "./store.js";
import { forgetCache } from "./device-cache.js";
import { TEXT_ONLY_COOKIE } from "./low-bandwidth.js";

/** The conveners' policy from the dialogue document: "ephemeral" or "keep". */
export function policyOf(model) {
  return model?.dialogue?.doc?.participant_devices === "ephemeral" ? "ephemeral" : "keep";
}

/** True when the policy makes a device of this role ephemeral (participants only). */
export function policyApplies(model, role) {
  return role === "participant" && policyOf(model) === "ephemeral";
}

/** This device's record for the dialogue: {since, by: "self" | "policy"} or null. */
export async function ephemeralRecord(dialogueId) {
  const value = await store.load(store.keys.ephemeral(dialogueId)).catch(() => null);
  return value && Number.isInteger(value.since) ? value : null;
}

/** Marks (or unmarks) this device as ephemeral for the dialogue, from `since` on. Marking it
 * deletes what the device cached for the dialogue (device-cache.js): from then on it keeps the
 * chain and the room's log in memory only. */
export async function markEphemeral(dialogueId, on, { since = 0, by = "self" } = {}) {
  if (on) {
    await store.save(store.keys.ephemeral(dialogueId), { since, by });
    await forgetCache(dialogueId);
  } else await store.forget(store.keys.ephemeral(dialogueId));
}

/**
 * Brings the record in line with the policy (a device that first sees the policy is marked from
 * `lastSeq` on; one whose policy was lifted is unmarked unless the person chose it), and returns
 * the record in force.
 */
export async function followPolicy(dialogueId, model, role, lastSeq) {
  const record = await ephemeralRecord(dialogueId);
  const applies = policyApplies(model, role);
  if (applies && !record) {
    const fresh = { since: lastSeq, by: "policy" };
    await markEphemeral(dialogueId, true, fresh).catch(() => undefined);
    return fresh;
  }
  if (!applies && record?.by === "policy") {
    await markEphemeral(dialogueId, false).catch(() => undefined);
    return null;
  }
  return record;
}

function dropStorage(storage, dialogueId, everything) {
  try {
    if (everything) storage.clear();
    else for (const key of Object.keys(storage)) if (key.includes(dialogueId)) storage.removeItem(key);
  } catch {
    // storage disabled: nothing kept there
  }
}

/**
 * Deletes everything this device holds for the dialogue: the device session (server side), the
 * keys, the stored log and every record naming the dialogue. When no other dialogue's keys remain
 * (the usual case), both IndexedDB databases are deleted whole, with localStorage, sessionStorage,
 * the Cache Storage and the text-only cookie.
 */
export async function clearDevice(dialogueId) {
  try {
    await api.del("/device-sessions/current");
  } catch {
    // offline or signed out already: the keys go all the same
  }
  api.forget(); // the answers held in memory for conditional GETs
  await deleteDialogueKeys(dialogueId).catch(() => undefined);
  const rows = await store.loadAll("").catch(() => []);
  for (const [key, value] of rows) {
    if (key.includes(dialogueId) || JSON.stringify(value ?? null).includes(dialogueId)) {
      await store.forget(key).catch(() => undefined);
    }
  }
  const others = await listDialogues().catch(() => []);
  const everything = others.length === 0;
  if (everything) {
    await wipeKeystore();
    await store.wipe();
    document.cookie = `${TEXT_ONLY_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`;
    if (globalThis.caches) {
      for (const name of await caches.keys().catch(() => [])) await caches.delete(name).catch(() => undefined);
    }
  }
  dropStorage(window.localStorage, dialogueId, everything);
  dropStorage(window.sessionStorage, dialogueId, everything);
}
