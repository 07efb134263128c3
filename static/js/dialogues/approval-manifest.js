// The manifest's `approvals` and `sides` (docs/export.md, "Consent"): each approving key of an
// approved text certified for its side with the exporting convener's steward key. The manifest
// names neither approvers nor sides: a side is its SHA-256 digest.

import { b64uDecode, b64uEncode } from "../td2/bytes.js";
import { hexBytes, sideDigest, signApprover } from "../td2/approval.js";
import { approvalState, approvingAnswers, participantSides, sortApprovals } from "./approval-state.js";


/** Raised when approvals must be certified on a device without a steward key. */
export class NoStewardKey extends Error {
  constructor() {
    super("no steward key on this device");
    this.name = "StateError";
    this.reason = "not_steward";
  }
}

/**
 * The manifest's `approvals` and `sides` for the text with `contentSha256`, each approving key
 * certified for its side with this convener's steward key; null unless every side approved.
 */
export async function manifestApprovals(state, loaded, persons, contentSha256) {
  const sides = participantSides(persons);
  const status = approvalState(loaded.requests, loaded.responses, contentSha256, sides);
  if (!status.approved) return null;
  if (!sides.length) return { approvals: [], sides: 0 };
  if (!state.keys.steward) throw new NoStewardKey();
  const certifier = b64uEncode(state.keys.steward.publicRaw);
  const approvals = [];
  for (const answer of approvingAnswers(status)) {
    const digest = await sideDigest(answer.side);
    const certificate = await signApprover(state.keys.steward.privateKey, state.idBytes, hexBytes(contentSha256),
      b64uDecode(answer.approval_public, 32), digest);
    approvals.push({
      side_sha256: b64uEncode(digest), approval_public: answer.approval_public, signature: answer.signature,
      certifier, certificate: b64uEncode(certificate),
    });
  }
  return { approvals: sortApprovals(approvals), sides: sides.length };
}
