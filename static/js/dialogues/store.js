// What this device keeps besides its keys (keystore.js holds those): invitation secrets a steward
// made here (to check knocks), the steward key fingerprint a dialogue is anchored on, pending
// knocks, and the sealed device cache (device-cache.js). One IndexedDB database; "leave and wipe
// this device" deletes it with the keystore.

const DB_NAME = "facilitator-dialogues";
const STORE = "records";

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => {
      request.result.onversionchange = () => request.result.close();
      resolve(request.result);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("local store blocked by another tab"));
  });
}

async function run(mode, work) {
  const db = await open();
  try {
    const tx = db.transaction(STORE, mode);
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    const [result] = await Promise.all([promised(work(tx.objectStore(STORE))), done]);
    return result;
  } finally {
    db.close();
  }
}

/** @returns {Promise<any | null>} */
export async function load(key) {
  const row = await run("readonly", (store) => store.get(key));
  return row ? row.value : null;
}

export function save(key, value) {
  return run("readwrite", (store) => store.put({ key, value }));
}

export function forget(key) {
  return run("readwrite", (store) => store.delete(key));
}

/** Every value whose key starts with `prefix`, as [key, value] pairs. */
export async function loadAll(prefix) {
  const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
  const rows = await run("readonly", (store) => store.getAll(range));
  return rows.map((row) => [row.key, row.value]);
}

export function wipe() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = () => resolve(undefined);
    request.onerror = () => reject(request.error);
  });
}

// Key names, in one place.
export const keys = {
  inviteSecret: (inviteId) => `invite:${inviteId}`,
  anchor: (dialogueId) => `anchor:${dialogueId}`,
  seen: (dialogueId) => `seen:${dialogueId}`,
  pendingJoin: (inviteId) => `join:${inviteId}`,
  contentLanguage: (dialogueId) => `lang:${dialogueId}`,
  ephemeral: (dialogueId) => `ephemeral:${dialogueId}`,
  // The device cache (device-cache.js): sealed under the dialogue's own key, stored last.
  chain: (dialogueId) => `chain:${dialogueId}`,
  subkeys: (dialogueId) => `subkeys:${dialogueId}`,
  cacheKey: (dialogueId) => `cache-key:${dialogueId}`,
};
