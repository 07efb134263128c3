// A dialogue as this device sees it: the epoch chain verified from genesis against a pinned
// steward key (or extended from what this device verified before), this member's epoch secrets unwrapped with its non-extractable key, and the `meta`
// channel opened envelope by envelope. Nothing here trusts the server for content: a chain that
// does not verify is refused with its reason, and an envelope that does not open becomes an
// error entry, never content. See docs/dialogue-content.md for the documents themselves.

import {
  b64uDecode,
  b64uEncode,
  buildAad,
  buildEpochRecord,
  channelId,
  deriveSubkey,
  deriveTeamKey,
  isTeamRole,
  openJson,
  randomId,
  randomSecret,
  recordHash,
  rosterHash,
  sealJson,
  signEpochRecord,
  signStewardCert,
  unwrapEpochSecret,
  unwrapTeamSecret,
  verifyArchiveKey,
  wrapEpochSecret,
  wrapTeamSecret,
} from "../td2/index.js";
import { getDialogueKeys } from "../keystore.js";
import * as api from "./api.js";
import * as store from "./store.js";
import { cacheAllowed, forgetCache, seal, unseal } from "./device-cache.js";
import {
  META_WRITERS, StateError, beyondTip, checkSeen, checkWithheld, extend, keepChain, keptChain, resolveAnchor,
  restoreChain,
} from "./chain-trust.js";

export { META_WRITERS, StateError };

/**
 * The subkeys this device derived on earlier visits (non-extractable CryptoKeys, stored by
 * structured clone; which epoch and record each belongs to is sealed), or null.
 */
async function keptSubkeys(dialogueId) {
  const kept = await store.load(store.keys.subkeys(dialogueId)).catch(() => null);
  if (!kept || !Array.isArray(kept.keys)) return null;
  const index = await unseal(dialogueId, store.keys.subkeys(dialogueId), kept.index);
  return index?.v === 1 ? { ...index, keys: kept.keys } : null;
}

function keepSubkeys(state, to, teamTo) {
  const keys = [];
  const slot = (key) => keys.push(key) - 1;
  const hashOf = (epoch) => b64uEncode(state.records[epoch].recordHash);
  const epochs = [...state.metaKeys.keys()].map((epoch) => [
    epoch, hashOf(epoch), slot(state.metaKeys.get(epoch)), slot(state.noteKeys.get(epoch)), slot(state.msgKeys.get(epoch)),
  ]);
  const team = [...state.teamKeys.keys()].map((epoch) => [epoch, hashOf(epoch), slot(state.teamKeys.get(epoch))]);
  const name = store.keys.subkeys(state.id);
  const index = { v: 1, handle: state.handle, to, teamTo, epochs, team, unopened: [...state.unopenedEpochs] };
  return seal(state.id, name, index).then((sealed) => store.save(name, { keys, index: sealed }));
}

/** The kept subkeys whose epoch's record is the verified one; returns how far wraps were read. */
function restoreSubkeys(state, kept) {
  if (!kept || kept.handle !== state.handle) return { to: -1, teamTo: -1 };
  const tip = state.epoch;
  const matches = (epoch, hash) => epoch <= tip && b64uEncode(state.records[epoch].recordHash) === hash;
  for (const [epoch, hash, meta, note, msg] of kept.epochs) {
    if (!matches(epoch, hash)) continue;
    state.metaKeys.set(epoch, kept.keys[meta]);
    state.noteKeys.set(epoch, kept.keys[note]);
    state.msgKeys.set(epoch, kept.keys[msg]);
  }
  for (const [epoch, hash, key] of kept.team) if (matches(epoch, hash)) state.teamKeys.set(epoch, kept.keys[key]);
  for (const epoch of kept.unopened) if (epoch <= tip) state.unopenedEpochs.add(epoch);
  return { to: Math.min(kept.to, tip), teamTo: Math.min(kept.teamTo, tip) };
}

/**
 * Opens, with this member's key, each wrap of an epoch after `to` in the verified chain, bound
 * to that epoch's record; `open(pair, epoch, record, wrap)` unwraps and keeps what it derives,
 * `failed(epoch)` hears of a wrap that does not open. Returns the newest epoch read.
 */
async function unwrapAfter(state, wraps, to, open, failed) {
  const pair = { privateKey: state.keys.member.privateKey, publicKey: state.keys.member.publicKey };
  let newest = to;
  for (const { epoch, wrap } of wraps) {
    const record = state.records[epoch];
    if (epoch <= to || !record || record.epoch !== epoch) continue;
    newest = Math.max(newest, epoch);
    try {
      await open(pair, epoch, record, b64uDecode(wrap));
    } catch {
      failed(epoch);
    }
  }
  return newest;
}

/** The meta, note and msg subkeys of every epoch after `to` this member holds a wrap for. */
function unwrapEpochKeys(state, wraps, to) {
  return unwrapAfter(state, wraps, to, async (pair, epoch, record, wrap) => {
    const secret = await unwrapEpochSecret(pair, state.idBytes, epoch, state.handleBytes, record.recordHash, wrap);
    for (const [label, keys] of [["meta", state.metaKeys], ["note", state.noteKeys], ["msg", state.msgKeys]]) {
      keys.set(epoch, await deriveSubkey(secret, state.idBytes, epoch, record.recordHash, label));
    }
    secret.fill(0);
  }, (epoch) => state.unopenedEpochs.add(epoch));
}

/** K_team of every epoch after `to` this member of the mediator team holds a team wrap for. */
function unwrapTeamKeys(state, wraps, to) {
  return unwrapAfter(state, wraps, to, async (pair, epoch, record, wrap) => {
    const secret = await unwrapTeamSecret(pair, state.idBytes, epoch, state.handleBytes, record.recordHash, wrap);
    state.teamKeys.set(epoch, await deriveTeamKey(secret, state.idBytes, epoch, record.recordHash));
    secret.fill(0);
  }, () => {
    // what was sealed under that epoch's team key (guidance, off-the-record notes) stays closed
  });
}

/** A request's outcome, kept for later so that starting it early never leaves a rejection unheard. */
const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));
const settled = (outcome) => {
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
};

/**
 * Loads and verifies a dialogue for this device. A device that verified the chain before keeps
 * it (sealed, device-cache.js) and fetches only the epochs from its tip on, which must include
 * the tip unchanged, each new one verified as the extension of the tip exactly as in a full
 * verification; only the wraps of new epochs are opened. An ephemeral device keeps nothing and
 * verifies from the genesis every time. The independent requests run in parallel.
 * @param {string} dialogueId base64url
 * @throws {StateError | api.ApiError}
 */
export async function openDialogue(dialogueId) {
  // The dialogue's details need nothing from the device: asked for while it reads its store.
  const asked = settle(api.get(`/dialogues/${dialogueId}`));
  const [keys, caching] = await Promise.all([getDialogueKeys(dialogueId), cacheAllowed(dialogueId)]);
  if (!keys?.member) throw new StateError("no_keys");
  if (!caching) await forgetCache(dialogueId).catch(() => undefined);
  const [kept, keptKeys] = caching
    ? await Promise.all([keptChain(dialogueId), keptSubkeys(dialogueId)])
    : [null, null];
  const tip = kept ? kept.epochs.length - 1 : -1;
  const wrapsFrom = kept && keptKeys ? Math.min(keptKeys.to, tip) : -1;
  const teamFrom = kept && keptKeys ? Math.min(keptKeys.teamTo, tip) : -1;
  const teamBefore = kept?.epochs[tip].roster.find((entry) => entry.handle === keys.memberHandle);
  const after = (from) => (from >= 0 ? `?after=${from}` : "");
  const teamRequest = (from) => settle(api.get(`/dialogues/${dialogueId}/team-wraps${after(from)}`));
  const early = teamBefore && isTeamRole(teamBefore.role) ? teamRequest(teamFrom) : null;
  const [info, served, wraps] = await Promise.all([
    asked.then(settled),
    api.get(`/dialogues/${dialogueId}/epochs${kept ? `?after=${tip - 1}` : ""}`),
    api.get(`/dialogues/${dialogueId}/wraps${after(wrapsFrom)}`),
  ]);
  const me = info.me;
  if (me.x25519_public !== b64uEncode(keys.member.publicRaw)) throw new StateError("key_mismatch");
  if (keys.memberHandle && keys.memberHandle !== me.handle) throw new StateError("key_mismatch");
  const idBytes = b64uDecode(dialogueId, 16);
  const handleBytes = b64uDecode(me.handle, 16);
  let anchor = await resolveAnchor(dialogueId, keys, info.members, kept ? kept.epochs : served);
  const base = await restoreChain(kept, me.handle, anchor);
  let fresh = served;
  if (base) {
    fresh = beyondTip(base, served, info.current_epoch);
  } else if (kept) {
    // Kept for another member or key: verified again in full, as on a first visit.
    fresh = await api.get(`/dialogues/${dialogueId}/epochs`);
    anchor = await resolveAnchor(dialogueId, keys, info.members, fresh);
  }
  if (!base && fresh.length === 0) throw new StateError("chain", { reason: "empty" });
  const chain = await extend(base, fresh, anchor, handleBytes, idBytes);
  checkWithheld(chain, info.current_epoch);
  await checkSeen(dialogueId, chain.records, chain.certified);
  if (caching && (!base || fresh.length)) await keepChain(dialogueId, me.handle, anchor, chain).catch(() => undefined);
  const { epochs, records, signers } = chain;
  const latest = epochs[epochs.length - 1];
  const mine = latest.roster.find((entry) => entry.handle === me.handle);
  const channel = await channelId("meta", idBytes);
  const state = {
    id: dialogueId,
    idBytes,
    handle: me.handle,
    handleBytes,
    role: mine.role,
    isSteward: Boolean(keys.steward) && me.is_steward,
    participantNotes: info.participant_notes === true,
    keys,
    members: info.members,
    epochs,
    records,
    epoch: records[records.length - 1].epoch,
    roster: latest.roster,
    anchor,
    signers,
    channel,
    channelText: b64uEncode(channel),
    metaKeys: new Map(),
    noteKeys: new Map(),
    msgKeys: new Map(),
    teamKeys: new Map(),
    unopenedEpochs: new Set(),
  };
  const from = restoreSubkeys(state, base && keptKeys);
  const allWraps = from.to === wrapsFrom ? wraps : await api.get(`/dialogues/${dialogueId}/wraps`);
  const to = await unwrapEpochKeys(state, allWraps, from.to);
  let teamTo = from.teamTo;
  if (isTeamRole(state.role)) {
    const teamWraps = settled(early && from.teamTo === teamFrom ? await early : await teamRequest(from.teamTo));
    teamTo = await unwrapTeamKeys(state, teamWraps, from.teamTo);
  } else {
    state.teamKeys.clear();
  }
  const changed = to !== from.to || teamTo !== from.teamTo || !keptKeys;
  if (caching && changed) await keepSubkeys(state, to, teamTo).catch(() => undefined);
  return state;
}

// An agenda item's facilitator guidance is for the mediator team only, so it is sealed under the
// team key inside the document (`guidance_sealed: {epoch, blob}`), bound to the team channel and
// the document's id, with no author (docs/dialogue-content.md). In memory a team member's copy
// carries the opened texts as `guidance`; every write seals them again and drops the plaintext.
const NO_AUTHOR = new Uint8Array(16);

async function guidanceAad(state, epoch, docId) {
  return buildAad("meta", state.idBytes, await channelId("team", state.idBytes), epoch, b64uDecode(docId, 16), NO_AUTHOR);
}

async function openGuidance(state, doc) {
  const sealed = doc.guidance_sealed;
  const key = state.teamKeys?.get(sealed?.epoch);
  if (!key) return null;
  try {
    return await openJson(key, await guidanceAad(state, sealed.epoch, doc.id), b64uDecode(sealed.blob));
  } catch {
    return null;
  }
}

/** The document as stored: guidance texts sealed under `teamKey` of `epoch`, never in clear. */
async function protectGuidance(state, doc, epoch, teamKey) {
  // Without opened texts (sealed under a key this device lacks) the sealed form stays as it is.
  if (doc.type !== "agenda_item" || !("guidance" in doc)) return doc;
  const { guidance, guidance_sealed: _old, ...rest } = doc;
  const texts = guidance && typeof guidance === "object" ? guidance : {};
  if (!Object.keys(texts).length) return rest;
  if (!teamKey) throw new StateError("no_current_key");
  const blob = await sealJson(teamKey, await guidanceAad(state, epoch, doc.id), texts);
  return { ...rest, guidance_sealed: { epoch, blob: b64uEncode(blob) } };
}

/** The verified role of `handle` in the roster of `epoch`, or null. */
export function roleAt(state, epoch, handle) {
  const entry = state.epochs[epoch]?.roster.find((member) => member.handle === handle);
  return entry ? entry.role : null;
}

function looksLikeDocument(value) {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) &&
    typeof value.type === "string" && typeof value.id === "string"
  );
}

async function openEnvelope(state, env) {
  const entry = { env, doc: null, error: null };
  const key = state.metaKeys.get(env.epoch);
  if (env.kind !== "meta" || env.channel_id !== state.channelText) {
    entry.error = "misplaced";
  } else if (!key) {
    entry.error = "no_key";
  } else if (!META_WRITERS.has(roleAt(state, env.epoch, env.author_handle))) {
    entry.error = "author";
  } else {
    entry.authorRole = roleAt(state, env.epoch, env.author_handle);
    try {
      const aad = buildAad(
        "meta", state.idBytes, state.channel, env.epoch,
        b64uDecode(env.message_id, 16), b64uDecode(env.author_handle, 16),
      );
      const doc = /** @type {any} */ (await openJson(key, aad, b64uDecode(env.blob)));
      if (!looksLikeDocument(doc)) entry.error = "malformed";
      else if (doc.guidance_sealed) {
        const { guidance_sealed: _sealed, ...rest } = doc;
        const guidance = await openGuidance(state, doc);
        // A reader outside the team keeps the sealed form, so a write never loses it.
        entry.doc = guidance ? { ...rest, guidance } : doc;
      } else entry.doc = doc;
    } catch {
      entry.error = "unreadable";
    }
  }
  return entry;
}

/** Every current `meta` envelope, opened: [{env, doc, error}] in `seq` order. */
/** The list readMeta asks for: every current `meta` envelope of the dialogue. */
export const metaPath = (state) =>
  `/dialogues/${state.id}/envelopes?channel=${encodeURIComponent(state.channelText)}`;

/** The same, known from the dialogue's id alone, so a page can ask for it before it is open. */
export async function metaPathOf(dialogueId) {
  const channel = await channelId("meta", b64uDecode(dialogueId, 16));
  return metaPath({ id: dialogueId, channelText: b64uEncode(channel) });
}

export async function readMeta(state) {
  const envelopes = await api.get(metaPath(state));
  return Promise.all(envelopes.map((env) => openEnvelope(state, env)));
}

/** A `meta` envelope of this member: `doc` sealed under `key` of `epoch`. */
async function sealEnvelope(state, key, epoch, doc, replaces) {
  const messageId = randomId();
  const aad = buildAad("meta", state.idBytes, state.channel, epoch, messageId, state.handleBytes);
  const body = {
    kind: "meta",
    channel_id: state.channelText,
    message_id: b64uEncode(messageId),
    epoch,
    author_handle: state.handle,
    blob: b64uEncode(await sealJson(key, aad, doc)),
  };
  if (replaces) body.replaces = replaces;
  return body;
}

/** Seals a document under the current epoch and posts it; `replaces` makes it an edit. */
export async function writeMeta(state, doc, replaces = null) {
  const key = state.metaKeys.get(state.epoch);
  if (!key) throw new StateError("no_current_key");
  const stored = await protectGuidance(state, doc, state.epoch, state.teamKeys?.get(state.epoch));
  const body = await sealEnvelope(state, key, state.epoch, stored, replaces);
  await api.post(`/dialogues/${state.id}/envelopes`, body);
  return body.message_id;
}

/**
 * The dialogue's archive key, as named in the newest sealed `archive_key` document (never as the
 * server says: a server could name its own key). Any writer of `meta` can seal a document, and a
 * steward who cuts an epoch reseals them all under their own handle, so the document counts only
 * with a signature by a convener of the newest verified roster, under the key the chain trusts
 * for them (docs/protocol.md, "Archive key statement"). Null when none was named; a StateError
 * `archive_key` when the newest is not a convener's: nothing is then wrapped to it.
 */
export async function archivePublic(state, entries) {
  let newest = null;
  for (const entry of entries) {
    if (entry.doc?.type !== "archive_key") continue;
    if (!newest || newest.env.seq < entry.env.seq) newest = entry;
  }
  if (!newest) return null;
  const { x25519_public: named, signer, signature } = newest.doc;
  const conveners = state.roster.filter((entry) => entry.role === "convener").map((entry) => entry.handle);
  const key = conveners.includes(signer) ? state.signers.get(signer) : null;
  try {
    if (!key) throw new Error("not a convener");
    const publicRaw = b64uDecode(named, 32);
    await verifyArchiveKey(key, state.idBytes, publicRaw, b64uDecode(signature, 64));
    return publicRaw;
  } catch {
    throw new StateError("archive_key");
  }
}

/** The epoch secret wrapped to the archive key, as to the all-zero handle (docs/export.md). */
async function wrapToArchive(state, entries, epoch, hash, secret) {
  const archive = await archivePublic(state, entries);
  if (!archive) return null;
  return b64uEncode(await wrapEpochSecret(archive, state.idBytes, epoch, ARCHIVE_HANDLE, hash, secret));
}

export const ARCHIVE_HANDLE = new Uint8Array(16);

export function deleteMeta(state, messageId) {
  return api.del(`/dialogues/${state.id}/envelopes/${encodeURIComponent(messageId)}`);
}

/**
 * The team wraps of an epoch: a fresh team secret sealed to each member of the mediator team in
 * `members` ({handle, x25519Public, role} with bytes), and to no one else (docs/protocol.md,
 * "Team channel"). The secret is wiped here once wrapped.
 */
export async function teamWraps(members, dialogueIdBytes, epoch, hash) {
  return (await teamWrapsAndKey(members, dialogueIdBytes, epoch, hash)).wraps;
}

/** The team wraps of an epoch and its K_team, for guidance sealed again with the epoch. */
async function teamWrapsAndKey(members, dialogueIdBytes, epoch, hash) {
  const secret = randomSecret();
  try {
    const wraps = [];
    for (const member of members.filter((m) => isTeamRole(m.role))) {
      const wrap = await wrapTeamSecret(member.x25519Public, dialogueIdBytes, epoch, member.handle, hash, secret);
      wraps.push({ handle: b64uEncode(member.handle), wrap: b64uEncode(wrap) });
    }
    return { wraps, key: await deriveTeamKey(secret, dialogueIdBytes, epoch, hash) };
  } finally {
    secret.fill(0);
  }
}

/**
 * Cuts the next epoch (steward only): a new secret, the record chained to the last verified one
 * and signed with this device's steward key, one wrap per roster member, a new team secret
 * wrapped to the mediator team only (`team_wraps`), and every readable
 * `meta` document sealed again under the new epoch in the same request (`reseal`), so newcomers,
 * who hold only the new epoch's secret, can read them. `change` may alter a document on the way.
 * @param {any} state the dialogue's state (openDialogue)
 * @param {{handle: string, x25519_public: string, role: string}[]} roster
 * @param {{approve?: string[], entries?: {env: any, doc: object | null}[],
 *   change?: (doc: object) => object, stewards?: {handle: string, ed25519_public: string}[]}} [options]
 */
export async function cutEpoch(state, roster, { approve = [], entries = [], change = (doc) => doc, stewards = [] } = {}) {
  if (!state.keys.steward) throw new StateError("not_steward");
  const epoch = state.epoch + 1;
  const members = roster.map((entry) => ({
    handle: b64uDecode(entry.handle, 16),
    x25519Public: b64uDecode(entry.x25519_public, 32),
    role: entry.role,
  }));
  const previous = state.records[state.records.length - 1];
  const record = buildEpochRecord(
    state.idBytes, epoch, previous.recordHash, await rosterHash(members), state.handleBytes, Date.now(),
  );
  const signature = await signEpochRecord(state.keys.steward.privateKey, record);
  const hash = await recordHash(record);
  const secret = randomSecret();
  const wraps = [];
  let metaKey;
  let archiveWrap;
  try {
    for (const member of members) {
      const wrap = await wrapEpochSecret(member.x25519Public, state.idBytes, epoch, member.handle, hash, secret);
      wraps.push({ handle: b64uEncode(member.handle), wrap: b64uEncode(wrap) });
    }
    archiveWrap = await wrapToArchive(state, entries, epoch, hash, secret);
    metaKey = await deriveSubkey(secret, state.idBytes, epoch, hash, "meta");
  } finally {
    secret.fill(0);
  }
  const team = await teamWrapsAndKey(members, state.idBytes, epoch, hash);
  const reseal = [];
  for (const entry of entries) {
    if (!entry.doc) continue;
    const doc = await protectGuidance(state, change(entry.doc), epoch, team.key);
    reseal.push(await sealEnvelope(state, metaKey, epoch, doc, entry.env.message_id));
  }
  const body = {
    epoch, record: b64uEncode(record), signature: b64uEncode(signature), roster, wraps,
    team_wraps: team.wraps,
  };
  if (approve.length) body.approve = approve;
  // Newcomers who hold a steward key: this steward certifies it with the epoch that admits them.
  if (stewards.length) {
    body.steward_certs = [];
    for (const { handle, ed25519_public: key } of stewards) {
      const certificate = await signStewardCert(
        state.keys.steward.privateKey, state.idBytes, epoch, b64uDecode(handle, 16), b64uDecode(key, 32),
      );
      body.steward_certs.push({ handle, ed25519_public: key, signature: b64uEncode(certificate) });
    }
  }
  if (reseal.length) body.reseal = reseal;
  if (archiveWrap) body.archive_wrap = archiveWrap;
  return api.post(`/dialogues/${state.id}/epochs`, body);
}
