// Device keystore: private keys as non-extractable CryptoKeys in IndexedDB.
//
// One entry per dialogue, keyed by the dialogue id (base64url). Each entry holds key slots:
//   member  — X25519 key pair of this device in the dialogue (always present once created)
//   steward — optional Ed25519 signing key of a key steward
//   archive — optional X25519 convener archive key (default mode: it lives in the browser)
// CryptoKey objects are stored by structured clone, never exported: IndexedDB keeps the key
// material opaque, and a non-extractable key stays non-extractable after a reload. Anyone with
// the unlocked device can still *use* the keys; they cannot copy them out through WebCrypto.

import "./secure-context.js";
import {
  b64uEncode,
  fingerprint,
  generateMemberKeyPair,
  generateStewardKeyPair,
  importKeyFile,
  Td2KeyError,
} from "./td2/index.js";

const DB_NAME = "td2-keystore";
const DB_VERSION = 1;
const STORE = "dialogue_keys";

/** Slot name -> key type it holds. */
export const SLOTS = Object.freeze({ member: "x25519", steward: "ed25519", archive: "x25519", approval: "ed25519" });

/** Raised when IndexedDB fails or an entry is missing. */
export class KeystoreError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "KeystoreError";
  }
}

/**
 * @typedef {object} StoredKeyPair
 * @property {CryptoKey} privateKey non-extractable
 * @property {CryptoKey} publicKey
 * @property {Uint8Array} publicRaw
 * @property {string} fingerprint
 * @typedef {object} DialogueKeys
 * @property {string} dialogueId base64url
 * @property {string | null} memberHandle base64url, once the steward has approved the knock
 * @property {number} createdAt unix ms
 * @property {StoredKeyPair} [member]
 * @property {StoredKeyPair} [steward]
 * @property {StoredKeyPair} [archive]
 * @property {StoredKeyPair} [approval] signs this device's approvals of a summary
 */

function dialogueKey(dialogueId) {
  if (typeof dialogueId === "string" && dialogueId.length > 0) return dialogueId;
  if (dialogueId instanceof Uint8Array && dialogueId.length === 16) return b64uEncode(dialogueId);
  throw new KeystoreError("dialogue id must be 16 bytes or its base64url");
}

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new KeystoreError("IndexedDB request failed", { cause: request.error }));
  });
}

/** @returns {Promise<IDBDatabase>} */
function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) {
        request.result.createObjectStore(STORE, { keyPath: "dialogueId" });
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // Let a wipe (deleteDatabase) in this or another tab proceed instead of blocking.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () =>
      reject(new KeystoreError("cannot open the keystore", { cause: request.error }));
    request.onblocked = () => reject(new KeystoreError("keystore is blocked by another tab"));
  });
}

/**
 * Runs `work(store)` in one transaction and resolves when it has committed.
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => Promise<T> | T} work
 * @returns {Promise<T>}
 */
async function withStore(mode, work) {
  const db = await openDatabase();
  try {
    const tx = db.transaction(STORE, mode);
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onabort = () =>
        reject(new KeystoreError("keystore transaction aborted", { cause: tx.error }));
      tx.onerror = () =>
        reject(new KeystoreError("keystore transaction failed", { cause: tx.error }));
    });
    let result;
    try {
      result = await work(tx.objectStore(STORE));
    } catch (error) {
      done.catch(() => {});
      try {
        tx.abort();
      } catch {
        // already finished
      }
      throw error;
    }
    await done;
    return result;
  } finally {
    db.close();
  }
}

async function stored(pair) {
  if (pair.privateKey.extractable) {
    throw new Td2KeyError("refusing to store an extractable private key");
  }
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicRaw: pair.publicRaw,
    fingerprint: await fingerprint(pair.publicRaw),
  };
}

/**
 * Puts a key pair into a slot of a dialogue's entry, creating the entry if needed.
 * Key generation happens before the transaction: IndexedDB transactions end at the first await
 * on anything that is not an IndexedDB request.
 */
async function putSlot(dialogueId, slot, pair, { replace }) {
  if (!Object.hasOwn(SLOTS, slot)) throw new KeystoreError(`unknown key slot ${slot}`);
  const id = dialogueKey(dialogueId);
  const value = await stored(pair);
  return withStore("readwrite", async (store) => {
    const existing = await promised(store.get(id));
    if (existing?.[slot] && !replace) {
      throw new KeystoreError(`dialogue already has a ${slot} key on this device`);
    }
    const entry = existing ?? { dialogueId: id, memberHandle: null, createdAt: Date.now() };
    entry[slot] = value;
    await promised(store.put(entry));
    return value;
  });
}

/**
 * Generates this device's X25519 member key pair for a dialogue (non-extractable) and stores it.
 * @param {Uint8Array | string} dialogueId
 * @param {{replace?: boolean}} [options]
 * @returns {Promise<StoredKeyPair>}
 */
export async function createMemberKey(dialogueId, options = {}) {
  const pair = await generateMemberKeyPair({ extractable: false });
  return putSlot(dialogueId, "member", pair, { replace: options.replace === true });
}

/**
 * Generates a key steward's Ed25519 signing key for a dialogue (non-extractable) and stores it.
 * @param {Uint8Array | string} dialogueId
 * @param {{replace?: boolean}} [options]
 * @returns {Promise<StoredKeyPair>}
 */
export async function createStewardKey(dialogueId, options = {}) {
  const pair = await generateStewardKeyPair({ extractable: false });
  return putSlot(dialogueId, "steward", pair, { replace: options.replace === true });
}

/**
 * Stores an existing non-extractable key pair (e.g. an archive key made for this browser).
 * @param {Uint8Array | string} dialogueId
 * @param {"member" | "steward" | "archive" | "approval"} slot
 * @param {{privateKey: CryptoKey, publicKey: CryptoKey, publicRaw: Uint8Array}} pair
 * @param {{replace?: boolean}} [options]
 * @returns {Promise<StoredKeyPair>}
 */
export async function storeKeyPair(dialogueId, slot, pair, options = {}) {
  return putSlot(dialogueId, slot, pair, { replace: options.replace === true });
}

/**
 * Imports a passphrase-sealed key file into a slot; the stored private key is non-extractable.
 * The slot defaults to "steward" for Ed25519 files and "member" for X25519 ones.
 * @param {Uint8Array | string} dialogueId
 * @param {Uint8Array | string} keyFile
 * @param {string} passphrase
 * @param {{slot?: "member" | "steward" | "archive", replace?: boolean}} [options]
 * @returns {Promise<StoredKeyPair>}
 */
export async function importKeyFileInto(dialogueId, keyFile, passphrase, options = {}) {
  const imported = await importKeyFile(keyFile, passphrase);
  const slot = options.slot ?? (imported.keyType === "ed25519" ? "steward" : "member");
  if (SLOTS[slot] !== imported.keyType) {
    throw new Td2KeyError(`a ${imported.keyType} key cannot go into the ${slot} slot`);
  }
  return putSlot(dialogueId, slot, imported, { replace: options.replace === true });
}

/**
 * Records the member handle the server assigned after approval.
 * @param {Uint8Array | string} dialogueId
 * @param {Uint8Array} memberHandle
 * @returns {Promise<void>}
 */
export async function setMemberHandle(dialogueId, memberHandle) {
  const id = dialogueKey(dialogueId);
  const handle = b64uEncode(memberHandle);
  await withStore("readwrite", async (store) => {
    const entry = await promised(store.get(id));
    if (!entry) throw new KeystoreError("no keys for this dialogue");
    entry.memberHandle = handle;
    await promised(store.put(entry));
  });
}

/**
 * @param {Uint8Array | string} dialogueId
 * @returns {Promise<DialogueKeys | null>}
 */
export async function getDialogueKeys(dialogueId) {
  const id = dialogueKey(dialogueId);
  return withStore("readonly", async (store) => (await promised(store.get(id))) ?? null);
}

/**
 * What is stored, without the keys themselves: for a "this device" page.
 * @returns {Promise<{dialogueId: string, memberHandle: string | null, createdAt: number,
 *   slots: Record<string, string>}[]>} slots maps slot name to the public key's fingerprint
 */
export async function listDialogues() {
  const entries = await withStore("readonly", (store) => promised(store.getAll()));
  return entries.map((entry) => ({
    dialogueId: entry.dialogueId,
    memberHandle: entry.memberHandle,
    createdAt: entry.createdAt,
    slots: Object.fromEntries(
      Object.keys(SLOTS)
        .filter((slot) => entry[slot])
        .map((slot) => [slot, entry[slot].fingerprint]),
    ),
  }));
}

/**
 * Deletes one dialogue's keys from this device ("leave this dialogue").
 * @param {Uint8Array | string} dialogueId
 * @returns {Promise<void>}
 */
export async function deleteDialogueKeys(dialogueId) {
  const id = dialogueKey(dialogueId);
  await withStore("readwrite", (store) => promised(store.delete(id)));
}

/**
 * Deletes every key on this device ("leave and wipe this device"): the whole database goes.
 * @returns {Promise<void>}
 */
export function wipeKeystore() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = () => resolve();
    request.onerror = () =>
      reject(new KeystoreError("cannot wipe the keystore", { cause: request.error }));
    // onblocked: other connections get `versionchange` and close themselves (see openDatabase);
    // the deletion then proceeds and onsuccess fires.
  });
}

/** Name of the IndexedDB database, for tests and the wipe confirmation page. */
export const KEYSTORE_DATABASE = DB_NAME;
