// Where a summary's approval stands (docs/export.md, "Consent"): pure functions over the
// requests and answers a convener's device opened and checked (approvals.js).
//
// A side has approved a text (its content_sha256) when at least one of its designated approvers
// answered "approve" for that hash and none of its designated approvers' latest answer for that
// hash is "changes". Export needs every side's approval; a dialogue without sides needs none.

/**
 * @typedef {{id: string, seq: number, content_sha256: string, approvers: {handle: string, side: string}[]}} Request
 * @typedef {{request: string, seq: number, author: string, decision: "approve" | "changes",
 *   comment: string, approval_public: string, signature: string}} Response
 * @typedef {{handle: string, side: string, decision: "approve" | "changes" | null, comment: string,
 *   approval_public?: string, signature?: string}} Answer
 * @typedef {{side: string, state: "approved" | "changes" | "waiting", answers: Answer[]}} SideState
 */

/** The distinct sides of the participants' person documents, sorted. */
export function participantSides(persons) {
  const sides = persons
    .map((entry) => entry?.doc ?? entry)
    .filter((doc) => doc && (doc.role ?? "participant") === "participant" && typeof doc.side === "string")
    .map((doc) => doc.side.trim())
    .filter(Boolean);
  return [...new Set(sides)].sort();
}

/**
 * Each side's state for the text with `contentSha256`: the designated approvers of every request
 * for that text (a later request's designation wins), each with their latest answer.
 * @param {Request[]} requests
 * @param {Response[]} responses already checked (designated author, hash, signature)
 * @param {string} contentSha256
 * @param {string[]} sides every side that has to approve
 * @returns {{sides: SideState[], approved: boolean, needed: number, requested: boolean}}
 */
export function approvalState(requests, responses, contentSha256, sides) {
  const forText = requests.filter((r) => r.content_sha256 === contentSha256).sort((a, b) => a.seq - b.seq);
  const ids = new Set(forText.map((r) => r.id));
  /** @type {Map<string, string>} handle -> side */
  const designated = new Map();
  for (const request of forText) for (const { handle, side } of request.approvers) designated.set(handle, side);
  /** @type {Map<string, Response>} handle -> latest answer */
  const latest = new Map();
  for (const response of [...responses].sort((a, b) => a.seq - b.seq)) {
    if (!ids.has(response.request) || !designated.has(response.author)) continue;
    latest.set(response.author, response);
  }
  const states = sides.map((side) => {
    const answers = [...designated].filter(([, s]) => s === side).map(([handle]) => {
      const answer = latest.get(handle);
      return answer
        ? {
          handle, side, decision: answer.decision, comment: answer.comment,
          approval_public: answer.approval_public, signature: answer.signature,
        }
        : { handle, side, decision: null, comment: "" };
    });
    let state = "waiting";
    if (answers.some((a) => a.decision === "changes")) state = "changes";
    else if (answers.some((a) => a.decision === "approve")) state = "approved";
    return { side, state, answers };
  });
  return {
    sides: /** @type {SideState[]} */ (states),
    approved: states.every((s) => s.state === "approved"),
    needed: sides.length,
    requested: forText.length > 0,
  };
}

/**
 * What the manifest's approvals are made of: one per approving approver of an approved side,
 * before the convener certifies them (approvals.js `certify`). Empty unless every side approved.
 * @param {{sides: SideState[], approved: boolean}} state
 * @returns {{side: string, approval_public: string, signature: string}[]}
 */
export function approvingAnswers(state) {
  if (!state.approved) return [];
  return state.sides.flatMap((side) => side.answers
    .filter((a) => a.decision === "approve" && a.approval_public && a.signature)
    .map((a) => ({ side: side.side, approval_public: /** @type {string} */ (a.approval_public), signature: /** @type {string} */ (a.signature) })));
}

/** The manifest's approvals in their order: by side digest, then by approval key (both base64url). */
export function sortApprovals(approvals) {
  const key = (a) => [a.side_sha256, a.approval_public];
  return [...approvals].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
}
