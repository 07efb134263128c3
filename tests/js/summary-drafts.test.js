// Summary drafts (static/js/dialogues/summary-drafts.js), with real keys: a version sealed by a
// convener opens for the conveners and rapporteurs of the roster and for no one else; a version
// by someone whose verified role does not write drafts is refused; versions group by draft, the
// newest first; restoring gives the old value as the next version.

import assert from "node:assert/strict";
import { test } from "node:test";

globalThis.document = { documentElement: { lang: "en" }, querySelector: () => null };

const { b64uEncode } = await import("../../static/js/td2/bytes.js");
const { generateMemberKeyPair } = await import("../../static/js/td2/keys.js");
const { deriveSubkey } = await import("../../static/js/td2/subkeys.js");
const drafts = await import("../../static/js/dialogues/summary-drafts.js");

const random = (n) => crypto.getRandomValues(new Uint8Array(n));

/** A dialogue of one epoch whose roster has these roles, and each member's state. */
async function dialogue(roles) {
  const idBytes = random(16);
  const metaKey = await deriveSubkey(random(32), idBytes, 0, random(32), "meta");
  const members = await Promise.all(roles.map(async (role) => ({ role, handleBytes: random(16), pair: await generateMemberKeyPair() })));
  const roster = members.map((m) => ({ handle: b64uEncode(m.handleBytes), role: m.role, x25519_public: b64uEncode(m.pair.publicRaw) }));
  const stateOf = (member) => ({
    id: b64uEncode(idBytes), idBytes, handle: b64uEncode(member.handleBytes), handleBytes: member.handleBytes,
    role: member.role, epoch: 0, epochs: [{ roster }], roster, metaKeys: new Map([[0, metaKey]]),
    keys: { member: member.pair },
  });
  return Object.fromEntries(members.map((m) => [m.role, stateOf(m)]));
}

const VALUE = { text: "Both sides agreed on the gauge logs. CANARY-draft", terms: [" Kessa bridge ", ""], include_notes: false, language: "ar" };
let seq = 0;
const seal = async (state, draft) => ({ ...(await drafts.sealDraft(state, draft)), seq: ++seq });

test("a draft opens for the conveners and rapporteurs only", async () => {
  const d = await dialogue(["convener", "rapporteur", "interpreter", "participant"]);
  const env = await seal(d.convener, { id: "draft-a", version: 1, value: VALUE });
  assert.equal(env.kind, "summary");
  assert.ok(!JSON.stringify(env).includes("CANARY"));
  for (const role of ["convener", "rapporteur"]) {
    const entry = await drafts.openDraft(d[role], env);
    assert.equal(entry.error, null, role);
    assert.deepEqual(entry.value, { ...VALUE, terms: ["Kessa bridge"] });
    assert.equal(entry.authorRole, "convener");
  }
  for (const role of ["interpreter", "participant"]) {
    const entry = await drafts.openDraft(d[role], env);
    assert.equal(entry.error, "not_addressed", role);
    assert.equal(entry.value, null);
    assert.deepEqual(Object.keys(entry.doc.box.wraps).sort(), [d.convener.handle, d.rapporteur.handle].sort());
  }
});

test("a draft is refused when its author does not write drafts, or it was moved", async () => {
  const d = await dialogue(["convener", "rapporteur", "interpreter"]);
  const byInterpreter = await seal(d.interpreter, { id: "x", version: 1, value: VALUE });
  assert.equal((await drafts.openDraft(d.convener, byInterpreter)).error, "author");
  const env = await seal(d.rapporteur, { id: "x", version: 1, value: VALUE });
  assert.equal((await drafts.openDraft(d.convener, { ...env, author_handle: d.convener.handle })).error, "unreadable");
  assert.equal((await drafts.openDraft(d.convener, { ...env, kind: "meta" })).error, "misplaced");
  assert.equal((await drafts.openDraft(d.convener, { ...env, epoch: 1 })).error, "no_key");
});

test("versions group by draft, newest first; restore saves the old value as the next version", async () => {
  const d = await dialogue(["convener", "rapporteur"]);
  const at = (minute) => `2026-12-08T00:${String(minute).padStart(2, "0")}:00.000Z`;
  const envs = [
    await seal(d.convener, { id: "a", version: 1, value: { ...VALUE, text: "one" }, savedAt: at(1) }),
    await seal(d.rapporteur, { id: "a", version: 2, value: { ...VALUE, text: "two" }, savedAt: at(5) }),
    await seal(d.convener, { id: "b", version: 1, value: { ...VALUE, text: "other" }, savedAt: at(3) }),
    await seal(d.convener, { id: "a", version: 3, value: { ...VALUE, text: "three" }, savedAt: at(7) }),
  ];
  const { drafts: grouped, unreadable } = await drafts.openDrafts(d.rapporteur, envs.reverse());
  assert.deepEqual(unreadable, []);
  assert.deepEqual(grouped.map((g) => g.id), ["a", "b"]);
  const [a, b] = grouped;
  assert.deepEqual(a.versions.map((v) => v.value.text), ["three", "two", "one"]);
  assert.equal(drafts.newestVersion(a).value.text, "three");
  assert.equal(drafts.nextVersion(a), 4);
  assert.equal(drafts.nextVersion(b), 2);
  assert.equal(drafts.nextVersion(null), 1);
  const again = drafts.restoreOf(a, 1);
  assert.deepEqual(again, { value: { ...VALUE, text: "one", terms: ["Kessa bridge"] }, version: 4, restoredFrom: 1 });
  assert.equal(drafts.restoreOf(a, 9), null);
  // Saved as version 4 with restored_from 1, it becomes the newest.
  const restored = await seal(d.convener, { id: "a", version: again.version, value: again.value, restoredFrom: 1, savedAt: at(9) });
  const after = drafts.groupDrafts([...(await Promise.all([...envs, restored].map((e) => drafts.openDraft(d.convener, e))))]);
  assert.equal(drafts.newestVersion(after[0]).doc.restored_from, 1);
  assert.equal(drafts.newestVersion(after[0]).value.text, "one");
  // Another device's save is newer than the version a page started from; its own is not.
  assert.equal(drafts.newerThan(after[0], a.versions[0].env.message_id).doc.version, 4);
  assert.equal(drafts.newerThan(after[0], restored.message_id), null);
  assert.equal(drafts.newerThan(null, null), null);
});

test("the recipients are the roster's conveners and rapporteurs; values are compared cleaned", async () => {
  const d = await dialogue(["convener", "rapporteur", "facilitator", "interpreter", "participant", "convener"]);
  assert.equal(drafts.draftRecipients(d.convener.roster).length, 3);
  assert.ok(drafts.sameValue({ text: "a", terms: ["x ", ""], language: "fr" }, { text: "a", terms: ["x"], include_notes: true, language: "fr" }));
  assert.ok(!drafts.sameValue({ text: "a" }, { text: "b" }));
  assert.deepEqual(drafts.cleanValue(null), { text: "", terms: [], include_notes: true, language: "" });
});
