// What a device keeps between visits to spare itself work, in the dialogue store's IndexedDB
// database (so "leave and wipe this device" deletes it with the rest): the epoch chain it
// verified, the per-epoch subkeys it derived, and the live room's envelope log. Every value is
// sealed with AES-256-GCM under a key made on this device for the dialogue, a non-extractable
// CryptoKey kept beside them, and bound (as associated data) to the name it is stored under, so
// a record cannot be moved to another name or dialogue. The subkeys are CryptoKeys themselves,
// stored by structured clone and never extractable; what they belong to is sealed.
//
// A device that is ephemeral for a dialogue (ephemeral.js: the person's choice or the conveners'
// policy) caches nothing for it: the chain is verified in full on every visit and the log is
// held in memory only. docs/threat-model.md, "What a device keeps".

import * as store from "./store.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Name prefixes of everything cached for a dialogue, the sealing key last. */
const cachedPrefixes = (dialogueId) => [
  store.keys.chain(dialogueId),
  store.keys.subkeys(dialogueId),
  `live-log:${dialogueId}:`,
  `live-seq:${dialogueId}`,
  `live-ctr:${dialogueId}:`,
  `approval-answer:${dialogueId}:`,
  store.keys.cacheKey(dialogueId),
];

/** False when the device is ephemeral for the dialogue: then nothing is cached. */
export async function cacheAllowed(dialogueId) {
  const record = await store.load(store.keys.ephemeral(dialogueId)).catch(() => null);
  return !(record && Number.isInteger(record.since));
}

const pendingKeys = new Map();

/** The dialogue's sealing key, made on first use (one per page at a time). */
function sealingKey(dialogueId) {
  if (!pendingKeys.has(dialogueId)) {
    const made = (async () => {
      const name = store.keys.cacheKey(dialogueId);
      const existing = await store.load(name);
      if (existing instanceof CryptoKey) return existing;
      const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
      await store.save(name, key);
      return key;
    })();
    pendingKeys.set(dialogueId, made);
    made.catch(() => pendingKeys.delete(dialogueId));
  }
  return pendingKeys.get(dialogueId);
}

const bound = (name) => encoder.encode(`facilitator/device-cache/v1/${name}`);

/** Seals `value` (anything JSON can carry) for storage under `name`. */
export async function seal(dialogueId, name, value) {
  const key = await sealingKey(dialogueId);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const blob = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: bound(name) }, key, encoder.encode(JSON.stringify(value)),
  );
  return { sealed: 1, iv, blob: new Uint8Array(blob) };
}

/** The value sealed under `name`, or null when it is absent, not sealed or does not open. */
export async function unseal(dialogueId, name, stored) {
  if (!stored || stored.sealed !== 1) return null;
  try {
    const key = await sealingKey(dialogueId);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: stored.iv, additionalData: bound(name) }, key, stored.blob,
    );
    return JSON.parse(decoder.decode(plain));
  } catch {
    return null;
  }
}

/** Seals and stores `value` under `name`. */
export async function saveSealed(dialogueId, name, value) {
  await store.save(name, await seal(dialogueId, name, value));
}

/** Loads and opens what is stored under `name`: null when absent or unreadable. */
export async function loadSealed(dialogueId, name) {
  return unseal(dialogueId, name, await store.load(name));
}

/** Deletes everything cached for the dialogue, its sealing key included. */
export async function forgetCache(dialogueId) {
  pendingKeys.delete(dialogueId);
  for (const prefix of cachedPrefixes(dialogueId)) {
    for (const [name] of await store.loadAll(prefix)) await store.forget(name);
  }
}
