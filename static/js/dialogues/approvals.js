// A summary sent for approval, its translations and the approvers' answers (docs/export.md,
// "Consent"; the shared design in docs/protocol.md, "Summary approvals"). Every document is an
// envelope of kind `summary` on the summary channel, sealed under the epoch's `meta` subkey, and
// holds a members' box that only the members it names can open:
//
//   approval_request      a convener -> the approvers, interpreters, conveners and rapporteurs
//   approval_translation  an interpreter -> the same members as the request
//   approval_response     an approver -> the conveners and rapporteurs
//
// Requests, translations and answers are in Auth mode: a reader opens each box only as coming
// from its author's member key in the verified roster, so the server (which knows every public
// key) cannot write one. An answer also carries an Ed25519 signature by an approval key made on
// the approver's device (approval-key.js); the exporting convener certifies each approving key
// for its side with their steward key, and the manifest carries both, with no name or side.

import {
  b64uDecode, b64uEncode, buildAad, openJson, randomId, sealJson,
} from "../td2/index.js";
import { hexBytes, signApproval } from "../td2/approval.js";
import { openForMember, sealForMembers } from "../td2/members-box.js";
import * as api from "./api.js";
import { approvalKey } from "./approval-key.js";
import { checkApprovals } from "./approval-checks.js";
import { manifestApprovals } from "./approval-manifest.js";
import { approvalState, participantSides } from "./approval-state.js";
import { StateError, roleAt } from "./crypto-state.js";
import { summaryChannel } from "./summary-channel.js";

export { approvalState, manifestApprovals, participantSides };

const READERS_OF_ANSWERS = new Set(["convener", "rapporteur"]);
const READERS_OF_REQUESTS = new Set(["convener", "rapporteur", "interpreter"]);

/** The member key pair of this device, for Auth-mode boxes and for opening boxes. */
const memberPair = (state) => ({ privateKey: state.keys.member.privateKey, publicKey: state.keys.member.publicKey });

/** The newest verified roster's entries with these handles (or roles), as box recipients. */
function recipients(state, handles, roles = new Set()) {
  return state.roster
    .filter((entry) => handles.has(entry.handle) || roles.has(entry.role))
    .map((entry) => ({ handle: b64uDecode(entry.handle, 16), x25519Public: b64uDecode(entry.x25519_public, 32) }));
}

/** The x25519 key of `handle` in the verified roster of `epoch` (an Auth-mode box's sender). */
function senderKey(state, epoch, handle) {
  const entry = state.epochs[epoch]?.roster.find((member) => member.handle === handle);
  return entry ? b64uDecode(entry.x25519_public, 32) : null;
}

/** Seals `doc` (with a box for `to`, holding `value`) into a `summary` envelope and posts it. */
async function write(state, fields, to, value) {
  const key = state.metaKeys.get(state.epoch);
  if (!key) throw new StateError("no_current_key");
  const channel = (await summaryChannel(state)).bytes;
  const messageId = randomId();
  const aad = buildAad("summary", state.idBytes, channel, state.epoch, messageId, state.handleBytes);
  const box = await sealForMembers({
    dialogueId: state.idBytes, messageId, aad, recipients: to, value, sender: memberPair(state),
  });
  const doc = { ...fields, id: b64uEncode(randomId()), box };
  await api.post(`/dialogues/${state.id}/envelopes`, {
    kind: "summary",
    channel_id: b64uEncode(channel),
    message_id: b64uEncode(messageId),
    epoch: state.epoch,
    author_handle: state.handle,
    blob: b64uEncode(await sealJson(key, aad, doc)),
  });
  return doc;
}

/**
 * Every document of the summary channel this device can open, its box opened as coming from
 * its author: [{env, doc, value, role}] in `seq` order, and how many could not be read here.
 */
export async function readSummaryDocs(state) {
  const { bytes: channel, text } = await summaryChannel(state);
  const envelopes = await api.get(`/dialogues/${state.id}/envelopes?channel=${encodeURIComponent(text)}`);
  const opened = [];
  let unreadable = 0;
  for (const env of envelopes) {
    const key = state.metaKeys.get(env.epoch);
    const sender = senderKey(state, env.epoch, env.author_handle);
    if (env.kind !== "summary" || env.channel_id !== text || !key || !sender) {
      unreadable += 1;
      continue;
    }
    try {
      const messageId = b64uDecode(env.message_id, 16);
      const aad = buildAad("summary", state.idBytes, channel, env.epoch, messageId, b64uDecode(env.author_handle, 16));
      const doc = /** @type {any} */ (await openJson(key, aad, b64uDecode(env.blob)));
      if (!doc || typeof doc.type !== "string" || !doc.type.startsWith("approval_")) continue; // drafts and others
      const value = await openForMember(doc.box, {
        dialogueId: state.idBytes, messageId, aad, handle: state.handleBytes, recipient: memberPair(state), senderPublic: sender,
      });
      opened.push({ env, doc, value, role: roleAt(state, env.epoch, env.author_handle) });
    } catch {
      unreadable += 1;
    }
  }
  return { opened, unreadable };
}

/**
 * The requests, translations and answers this device may read, each checked
 * (approval-checks.js), and how many documents could not be opened here.
 */
export async function loadApprovals(state) {
  const { opened, unreadable } = await readSummaryDocs(state);
  return { ...(await checkApprovals(state.idBytes, opened)), unreadable };
}

/**
 * Sends the anonymised summary for approval: to the approvers chosen ({handle, side}), every
 * interpreter (to translate it), and the conveners and rapporteurs.
 */
export async function sendRequest(state, { summary, manifest, language, approvers }) {
  if (!approvers.length) throw new StateError("no_approvers");
  const to = recipients(state, new Set(approvers.map((a) => a.handle)), READERS_OF_REQUESTS);
  const { approvals: _a, sides: _s, ...plain } = manifest;
  return write(state, {
    type: "approval_request", content_sha256: plain.content_sha256, sent_at: new Date().toISOString(),
  }, to, { summary, manifest: plain, language, approvers });
}

/** An interpreter's translation of a request's text into `lang`, for the request's readers. */
export function sendTranslation(state, request, lang, text) {
  const to = recipients(state, new Set(request.approvers.map((a) => a.handle)), READERS_OF_REQUESTS);
  return write(state, { type: "approval_translation", request: request.id, lang }, to,
    { text, lang, of: request.content_sha256 });
}

/**
 * This approver's answer, signed with the device's approval key for this dialogue: to the
 * conveners and rapporteurs only.
 */
export async function sendResponse(state, request, decision, comment) {
  const key = await approvalKey(state.id);
  const signature = await signApproval(key.privateKey, state.idBytes, hexBytes(request.content_sha256));
  const to = recipients(state, new Set(), READERS_OF_ANSWERS);
  return write(state, { type: "approval_response", request: request.id }, to, {
    content_sha256: request.content_sha256, decision, comment,
    approval_public: b64uEncode(key.publicRaw), signature: b64uEncode(signature),
  });
}
