// Approvals of a summary (docs/protocol.md "Summary approvals"; docs/export.md "Consent"). An
// approver's device signs the summary's hash with an Ed25519 approval key of its own; a convener,
// who knows from the approver's Auth-mode box which member sent that key, certifies it for one
// side with their steward key. The manifest carries both signatures and no name, and the command
// line checks them (facilitator/td2/approval.py, the same bytes).
//
//   approval    = "td2/v1/summary-approval" || dialogue_id (16) || content_sha256 (32)
//   certificate = "td2/v1/approver" || dialogue_id (16) || content_sha256 (32)
//                 || approval_public (32) || SHA-256(UTF-8 side) (32)

import { concat, exactBytes, utf8 } from "./bytes.js";
import { ID_LENGTH } from "./ids.js";
import { signEd25519, verifyEd25519 } from "./keys.js";

const APPROVAL = utf8("td2/v1/summary-approval");

/** The bytes of a hash written in hex, as a manifest writes `content_sha256` and approvals sign it. */
export const hexBytes = (hex) => Uint8Array.from(String(hex).match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const CERTIFICATE = utf8("td2/v1/approver");

/** The statement an approver signs: this dialogue's summary with this hash. */
export function approvalStatement(dialogueId, contentSha256) {
  return concat(APPROVAL, exactBytes(dialogueId, ID_LENGTH, "dialogue_id"), exactBytes(contentSha256, 32, "content_sha256"));
}

/** SHA-256 of the side's name (UTF-8): the certificate names the side without spelling it. */
export async function sideDigest(side) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(side)));
}

/**
 * The statement a convener signs: this approval key speaks for the side with this digest
 * (`sideDigest`) on this text. A verifier needs the digest only, never the side's name.
 */
export function approverStatement(dialogueId, contentSha256, approvalPublic, sideSha256) {
  return concat(
    CERTIFICATE, exactBytes(dialogueId, ID_LENGTH, "dialogue_id"), exactBytes(contentSha256, 32, "content_sha256"),
    exactBytes(approvalPublic, 32, "approval_public"), exactBytes(sideSha256, 32, "side_sha256"),
  );
}

/** The approver's signature (64 bytes). */
export async function signApproval(approvalPrivate, dialogueId, contentSha256) {
  return signEd25519(approvalPrivate, approvalStatement(dialogueId, contentSha256));
}

/** Throws Td2SignatureError unless `approvalPublic` approved this text. */
export async function verifyApproval(approvalPublic, dialogueId, contentSha256, signature) {
  await verifyEd25519(approvalPublic, approvalStatement(dialogueId, contentSha256), signature, "approval");
}

/** The certifying convener's signature (64 bytes), with their steward key. */
export async function signApprover(stewardPrivate, dialogueId, contentSha256, approvalPublic, sideSha256) {
  return signEd25519(stewardPrivate, approverStatement(dialogueId, contentSha256, approvalPublic, sideSha256));
}

/** Throws Td2SignatureError unless `stewardPublic` certified this approval key for this side. */
export async function verifyApprover(stewardPublic, dialogueId, contentSha256, approvalPublic, sideSha256, signature) {
  const statement = approverStatement(dialogueId, contentSha256, approvalPublic, sideSha256);
  await verifyEd25519(stewardPublic, statement, signature, "approver certificate");
}
