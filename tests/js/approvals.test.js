// Consent of each side (static/js/dialogues/approval-state.js, approval-manifest.js): when a side has
// approved a text, when export may go ahead, and the manifest's approvals, certified with a real
// steward key and checked against the statements of docs/protocol.md.

import assert from "node:assert/strict";
import { test } from "node:test";

import { approvalState, approvingAnswers, participantSides, sortApprovals } from "../../static/js/dialogues/approval-state.js";
import { manifestApprovals } from "../../static/js/dialogues/approval-manifest.js";
import { summaryText } from "../../static/js/dialogues/approval-text.js";
import { sideDigest, signApproval, verifyApproval, verifyApprover } from "../../static/js/td2/approval.js";
import { b64uDecode, b64uEncode } from "../../static/js/td2/bytes.js";
import { generateStewardKeyPair } from "../../static/js/td2/keys.js";


const HASH = "ab".repeat(32);
const OTHER = "cd".repeat(32);
const person = (handle, side, role = "participant") => ({ doc: { type: "person", handle, side, role, display_name: `Name ${handle}` } });
const request = (id, seq, approvers, hash = HASH) => ({ id, seq, content_sha256: hash, approvers });
const response = (request, seq, author, decision, comment = "") => ({
  request, seq, author, decision, comment, approval_public: `key-${author}`, signature: `sig-${author}-${seq}`,
});
const UP = [{ handle: "@a1", side: "Upper" }, { handle: "@a2", side: "Upper" }];
const DOWN = [{ handle: "@b1", side: "Lower" }];
const SIDES = ["Lower", "Upper"];
const states = (result) => Object.fromEntries(result.sides.map((s) => [s.side, s.state]));

test("the sides are the participants' distinct sides, trimmed and sorted", () => {
  const persons = [person("a", "Upper "), person("b", "Lower"), person("c", "Upper"), person("d", "Team", "interpreter"), person("e", "")];
  assert.deepEqual(participantSides(persons), ["Lower", "Upper"]);
  assert.deepEqual(participantSides([]), []);
});

test("nothing sent: every side waits and export is refused", () => {
  const result = approvalState([], [], HASH, SIDES);
  assert.equal(result.requested, false);
  assert.equal(result.approved, false);
  assert.deepEqual(states(result), { Lower: "waiting", Upper: "waiting" });
});

test("a dialogue without sides needs no approval", () => {
  const result = approvalState([], [], HASH, []);
  assert.equal(result.approved, true);
  assert.equal(result.needed, 0);
});

test("one approval per side is enough, unless another approver of that side asks for changes", () => {
  const requests = [request("r", 1, [...UP, ...DOWN])];
  let result = approvalState(requests, [response("r", 2, "@a1", "approve")], HASH, SIDES);
  assert.deepEqual(states(result), { Lower: "waiting", Upper: "approved" });
  assert.equal(result.approved, false);
  result = approvalState(requests, [response("r", 2, "@a1", "approve"), response("r", 3, "@b1", "approve")], HASH, SIDES);
  assert.equal(result.approved, true);
  result = approvalState(requests, [
    response("r", 2, "@a1", "approve"), response("r", 3, "@b1", "approve"), response("r", 4, "@a2", "changes", "say more"),
  ], HASH, SIDES);
  assert.deepEqual(states(result), { Lower: "approved", Upper: "changes" });
  assert.equal(result.approved, false);
  assert.equal(result.sides.find((s) => s.side === "Upper").answers.find((a) => a.handle === "@a2").comment, "say more");
});

test("an approver's latest answer counts: changes, then approve", () => {
  const requests = [request("r", 1, [...UP, ...DOWN])];
  const answers = [response("r", 2, "@a1", "approve"), response("r", 5, "@b1", "approve"), response("r", 3, "@b1", "changes", "no")];
  assert.equal(approvalState(requests, answers, HASH, SIDES).approved, true);
  const reversed = [response("r", 2, "@a1", "approve"), response("r", 3, "@b1", "approve"), response("r", 5, "@b1", "changes", "no")];
  assert.equal(approvalState(requests, reversed, HASH, SIDES).approved, false);
});

test("answers by someone not designated, or to a request for another text, do not count", () => {
  const requests = [request("r", 1, [...UP, ...DOWN]), request("old", 0, [...UP, ...DOWN], OTHER)];
  const answers = [response("r", 2, "@a1", "approve"), response("r", 3, "intruder", "approve"), response("old", 4, "@b1", "approve")];
  const result = approvalState(requests, answers, HASH, SIDES);
  assert.deepEqual(states(result), { Lower: "waiting", Upper: "approved" });
  assert.equal(result.sides.flatMap((s) => s.answers).some((a) => a.handle === "intruder"), false);
});

test("a changed text (a new hash) needs approval again", () => {
  const requests = [request("r", 1, [...UP, ...DOWN])];
  const answers = [response("r", 2, "@a1", "approve"), response("r", 3, "@b1", "approve")];
  assert.equal(approvalState(requests, answers, HASH, SIDES).approved, true);
  const changed = approvalState(requests, answers, OTHER, SIDES);
  assert.equal(changed.requested, false);
  assert.equal(changed.approved, false);
});

test("only approving answers of an approved text go into the manifest, in their order", () => {
  const requests = [request("r", 1, [...UP, ...DOWN])];
  const answers = [response("r", 2, "@a1", "approve"), response("r", 3, "@b1", "approve"), response("r", 4, "@a2", "approve")];
  assert.equal(approvingAnswers(approvalState(requests, answers.slice(0, 1), HASH, SIDES)).length, 0);
  assert.deepEqual(approvingAnswers(approvalState(requests, answers, HASH, SIDES)).map((a) => a.side).sort(), ["Lower", "Upper", "Upper"]);
  const sorted = sortApprovals([
    { side_sha256: "b", approval_public: "a" }, { side_sha256: "a", approval_public: "z" }, { side_sha256: "a", approval_public: "c" },
  ]);
  assert.deepEqual(sorted.map((a) => a.side_sha256 + a.approval_public), ["ac", "az", "ba"]);
});

test("the manifest's approvals verify: each approval and its certificate, no name, handle or side", async () => {
  const dialogueId = crypto.getRandomValues(new Uint8Array(16));
  const content = Uint8Array.from(HASH.match(/../g), (x) => Number.parseInt(x, 16));
  const steward = await generateStewardKeyPair();
  const keys = {};
  const responses = [];
  for (const [seq, handle] of [[2, "@a1"], [3, "@b1"]]) {
    keys[handle] = await generateStewardKeyPair();
    responses.push({
      request: "r", seq, author: handle, decision: "approve", comment: "",
      approval_public: b64uEncode(keys[handle].publicRaw),
      signature: b64uEncode(await signApproval(keys[handle].privateKey, dialogueId, content)),
    });
  }
  const state = { idBytes: dialogueId, keys: { steward } };
  const persons = [person("@a1", "Upper"), person("@a2", "Upper"), person("@b1", "Lower")];
  const loaded = { requests: [request("r", 1, [...UP, ...DOWN])], responses };
  assert.equal(await manifestApprovals(state, { ...loaded, responses: responses.slice(0, 1) }, persons, HASH), null);
  const made = await manifestApprovals(state, loaded, persons, HASH);
  assert.equal(made.sides, 2);
  assert.equal(made.approvals.length, 2);
  const digests = { Upper: b64uEncode(await sideDigest("Upper")), Lower: b64uEncode(await sideDigest("Lower")) };
  assert.deepEqual(new Set(made.approvals.map((a) => a.side_sha256)), new Set(Object.values(digests)));
  for (const approval of made.approvals) {
    const key = b64uDecode(approval.approval_public, 32);
    await verifyApproval(key, dialogueId, content, b64uDecode(approval.signature, 64));
    await verifyApprover(b64uDecode(approval.certifier, 32), dialogueId, content, key,
      b64uDecode(approval.side_sha256, 32), b64uDecode(approval.certificate, 64));
    assert.equal(approval.certifier, b64uEncode(steward.publicRaw));
  }
  // Certified for the other side, a certificate does not verify.
  const upper = made.approvals.find((a) => a.side_sha256 === digests.Upper);
  await assert.rejects(verifyApprover(steward.publicRaw, dialogueId, content, b64uDecode(upper.approval_public, 32),
    b64uDecode(digests.Lower, 32), b64uDecode(upper.certificate, 64)), { name: "Td2SignatureError" });
  const text = JSON.stringify(made);
  for (const secret of ["@a1", "@b1", "Upper", "Lower", "Name @"]) assert.equal(text.includes(secret), false, secret);
});

test("without sides the manifest says so and holds no approval", async () => {
  const made = await manifestApprovals({ idBytes: new Uint8Array(16), keys: {} }, { requests: [], responses: [] }, [], HASH);
  assert.deepEqual(made, { approvals: [], sides: 0 });
});

test("the text an interpreter translates has the summary's headings and notes", () => {
  const summary = {
    dialogue: { title: "Round 3" }, free_text: "Agreed.",
    sessions: [{ title: "Day 1", day: "2026-01-02", items: [{ title: "Opening", notes: [{ kind: "point", text: "Logs" }] }] }],
  };
  assert.equal(summaryText(summary, (kind) => kind.toUpperCase()), "Round 3\n\nAgreed.\n\nDay 1 (2026-01-02)\n\nOpening\nPOINT:\n- Logs");
});

// --- the reader's checks (approval-checks.js) -----------------------------------------------
// summary-export.js (the canonical JSON) reads the page's language through i18n.js when loaded,
// and the modules it loads need WebCrypto, which Node has (a secure context, as a browser's).
globalThis.document ??= { documentElement: { lang: "en", dir: "ltr", dataset: { locales: "en" } } };
globalThis.isSecureContext = true;
const { checkApprovals } = await import("../../static/js/dialogues/approval-checks.js");
const { canonicalJson, sha256Hex } = await import("../../static/js/dialogues/summary-export.js");

async function channel() {
  const dialogueId = crypto.getRandomValues(new Uint8Array(16));
  const summary = { dialogue: { title: "Round 3" }, sessions: [], free_text: "Agreed." };
  const hash = await sha256Hex(canonicalJson(summary));
  const content = Uint8Array.from(hash.match(/../g), (x) => Number.parseInt(x, 16));
  const approvalKeyOf = await generateStewardKeyPair();
  const sign = async (pair = approvalKeyOf, bytes = content) => b64uEncode(await signApproval(pair.privateKey, dialogueId, bytes));
  let seq = 0;
  const entry = (author, role, doc, value) => ({ env: { seq: ++seq, author_handle: author }, doc, value, role });
  const requestEntry = (overrides = {}) => entry("conv", "convener",
    { type: "approval_request", id: "req", content_sha256: hash },
    { summary, manifest: { content_sha256: hash }, language: "en", approvers: [...UP, ...DOWN], ...overrides });
  const answer = async (author, overrides = {}, doc = {}) => entry(author, "participant",
    { type: "approval_response", id: `ans-${seq}`, request: "req", ...doc },
    { content_sha256: hash, decision: "approve", comment: "", approval_public: b64uEncode(approvalKeyOf.publicRaw), signature: await sign(), ...overrides });
  return { dialogueId, summary, hash, entry, requestEntry, answer, sign };
}

test("a reader counts a signed answer of a designated approver, and the newest translation", async () => {
  const c = await channel();
  const opened = [
    c.requestEntry(),
    c.entry("int", "interpreter", { type: "approval_translation", id: "t1", request: "req", lang: "ar" }, { text: "أولى", lang: "ar", of: c.hash }),
    c.entry("int", "interpreter", { type: "approval_translation", id: "t2", request: "req", lang: "ar" }, { text: "ثانية", lang: "ar", of: c.hash }),
    await c.answer("@a1"),
  ];
  const checked = await checkApprovals(c.dialogueId, opened);
  assert.equal(checked.requests.length, 1);
  assert.equal(checked.translations.get("req").get("ar").text, "ثانية");
  assert.deepEqual(checked.responses.map((r) => [r.author, r.decision]), [["@a1", "approve"]]);
  assert.equal(checked.refused, 0);
});

test("a reader refuses forged or misplaced answers, translations and requests", async () => {
  const c = await channel();
  const other = await generateStewardKeyPair();
  const wrongText = Uint8Array.from("00".repeat(32).match(/../g), (x) => Number.parseInt(x, 16));
  const opened = [
    c.requestEntry(),
    await c.answer("intruder"), // not designated
    await c.answer("@a1", { signature: await c.sign(other) }), // signed by another key
    await c.answer("@a2", { signature: await c.sign(undefined, wrongText) }), // signed for another text
    await c.answer("@b1", { content_sha256: "00".repeat(32) }), // for another text
    await c.answer("@b1", { decision: "maybe" }),
    await c.answer("@b1", {}, { request: "nowhere" }),
    c.entry("p", "participant", { type: "approval_translation", id: "t", request: "req", lang: "ar" }, { text: "x", lang: "ar", of: c.hash }),
    c.entry("int", "interpreter", { type: "approval_translation", id: "t", request: "req", lang: "ru" }, { text: "x", lang: "ru", of: "00".repeat(32) }),
  ];
  const checked = await checkApprovals(c.dialogueId, opened);
  assert.equal(checked.responses.length, 0);
  assert.equal(checked.translations.size, 0);
  assert.equal(checked.refused, opened.length - 1);
  // A request by someone who is not a convener, or whose summary is not the text of its hash.
  const forged = c.requestEntry();
  forged.role = "rapporteur";
  const altered = c.requestEntry({ summary: { ...c.summary, free_text: "Changed." } });
  assert.equal((await checkApprovals(c.dialogueId, [forged, altered])).requests.length, 0);
});
