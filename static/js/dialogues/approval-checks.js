// Which documents of the summary channel count (docs/export.md, "Consent"): the checks a reader
// makes on what its device opened, before anything is shown or counted as an approval.

import { b64uDecode } from "../td2/bytes.js";
import { hexBytes, verifyApproval } from "../td2/approval.js";
import { canonicalJson, sha256Hex } from "./written-summary.js";

const isHash = (value) => typeof value === "string" && /^[0-9a-f]{64}$/.test(value);

function requestOf({ env, doc, value, role }) {
  const approvers = Array.isArray(value?.approvers)
    ? value.approvers.filter((a) => typeof a?.handle === "string" && typeof a?.side === "string")
    : [];
  if (role !== "convener" || !isHash(doc.content_sha256) || !value?.summary || !value?.manifest) return null;
  if (value.manifest.content_sha256 !== doc.content_sha256) return null;
  return {
    id: String(doc.id), seq: env.seq, author: env.author_handle, content_sha256: doc.content_sha256,
    sent_at: String(doc.sent_at ?? ""), summary: value.summary, manifest: value.manifest,
    language: String(value.language ?? ""), approvers,
  };
}

async function responseOf(dialogueId, { env, doc, value }, requests) {
  const request = requests.get(doc.request);
  if (!request || !request.approvers.some((a) => a.handle === env.author_handle)) return null;
  if (value?.content_sha256 !== request.content_sha256 || !["approve", "changes"].includes(value.decision)) return null;
  try {
    await verifyApproval(b64uDecode(value.approval_public, 32), dialogueId, hexBytes(request.content_sha256),
      b64uDecode(value.signature, 64));
  } catch {
    return null;
  }
  return {
    request: request.id, seq: env.seq, author: env.author_handle, decision: value.decision,
    comment: String(value.comment ?? ""), approval_public: value.approval_public, signature: value.signature,
  };
}

/**
 * The requests, translations and answers among the opened documents of the summary channel
 * ({env, doc, value, role}, in `seq` order; `role` is the author's in the verified roster of the
 * envelope's epoch), each checked: requests by a convener, whose summary has the hash they are
 * sent for; translations by an interpreter, for that request's text (a later one into the same
 * language replaces an earlier one); answers by a designated approver of the request, for its
 * text, with an approval signature that verifies. `refused` counts the documents left out.
 * @param {Uint8Array} dialogueId
 * @param {{env: any, doc: any, value: any, role: string | null}[]} opened
 */
export async function checkApprovals(dialogueId, opened) {
  const requests = new Map();
  for (const entry of opened) {
    if (entry.doc.type !== "approval_request") continue;
    const request = requestOf(entry);
    // The text shown is the text whose hash is approved: the same canonical JSON as the manifest's.
    if (request && (await sha256Hex(canonicalJson(request.summary))) === request.content_sha256) {
      requests.set(request.id, request);
    }
  }
  /** @type {Map<string, Map<string, {text: string, lang: string, seq: number}>>} request id -> lang -> newest */
  const translations = new Map();
  const responses = [];
  let refused = 0;
  for (const entry of opened) {
    const { env, doc, value, role } = entry;
    if (doc.type === "approval_translation") {
      const request = requests.get(doc.request);
      const lang = String(value?.lang ?? "");
      if (!request || role !== "interpreter" || value?.of !== request.content_sha256 || !lang || typeof value.text !== "string") {
        refused += 1;
        continue;
      }
      const byLang = translations.get(request.id) ?? new Map();
      byLang.set(lang, { text: value.text, lang, seq: env.seq });
      translations.set(request.id, byLang);
    } else if (doc.type === "approval_response") {
      const response = await responseOf(dialogueId, entry, requests);
      if (response) responses.push(response);
      else refused += 1;
    }
  }
  return { requests: [...requests.values()], translations, responses, refused };
}

