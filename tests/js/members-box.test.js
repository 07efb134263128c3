// The members' box (static/js/td2/members-box.js): only its recipients open it, an Auth-mode box
// opens only as coming from its sender, and its wraps cannot be moved to another text or envelope.

import assert from "node:assert/strict";
import { test } from "node:test";

import { buildAad } from "../../static/js/td2/aad.js";
import { generateMemberKeyPair } from "../../static/js/td2/keys.js";
import { boxRecipients, openForMember, sealForMembers } from "../../static/js/td2/members-box.js";
import { b64uDecode, b64uEncode } from "../../static/js/td2/bytes.js";

const random16 = () => crypto.getRandomValues(new Uint8Array(16));

async function member() {
  const pair = await generateMemberKeyPair();
  return { handle: random16(), x25519Public: pair.publicRaw, pair: { privateKey: pair.privateKey, publicKey: pair.publicKey } };
}

async function setting() {
  const dialogueId = random16();
  const messageId = random16();
  const author = random16();
  const channel = random16();
  const aad = buildAad("meta", dialogueId, channel, 3, messageId, author);
  return { dialogueId, messageId, aad, channel, author };
}

const errorName = async (promise) => {
  try {
    await promise;
    return null;
  } catch (error) {
    return error.name;
  }
};

test("recipients open the box; a member left out cannot", async () => {
  const [a, b, outsider] = await Promise.all([member(), member(), member()]);
  const ctx = await setting();
  const value = { text: "Draft: نقاط الاتفاق", version: 2 };
  const box = await sealForMembers({ ...ctx, recipients: [a, b], value });
  assert.deepEqual(new Set(boxRecipients(box)), new Set([b64uEncode(a.handle), b64uEncode(b.handle)]));
  for (const who of [a, b]) {
    assert.deepEqual(await openForMember(box, { ...ctx, handle: who.handle, recipient: who.pair }), value);
  }
  assert.equal(await errorName(openForMember(box, { ...ctx, handle: outsider.handle, recipient: outsider.pair })), "Td2FormatError");
  // An outsider who claims a recipient's handle still lacks the key.
  assert.equal(await errorName(openForMember(box, { ...ctx, handle: a.handle, recipient: outsider.pair })), "Td2DecryptError");
});

test("an Auth-mode box opens only as coming from its sender", async () => {
  const [sender, convener, other] = await Promise.all([member(), member(), member()]);
  const ctx = await setting();
  const box = await sealForMembers({ ...ctx, recipients: [convener], value: { decision: "approve" }, sender: sender.pair });
  const opened = await openForMember(box, { ...ctx, handle: convener.handle, recipient: convener.pair, senderPublic: sender.x25519Public });
  assert.deepEqual(opened, { decision: "approve" });
  assert.equal(await errorName(openForMember(box, { ...ctx, handle: convener.handle, recipient: convener.pair, senderPublic: other.x25519Public })), "Td2DecryptError");
  // A base-mode box (anyone with the public keys, the server included, can make one) is refused
  // where a sender is expected.
  const forged = await sealForMembers({ ...ctx, recipients: [convener], value: { decision: "approve" } });
  assert.equal(await errorName(openForMember(forged, { ...ctx, handle: convener.handle, recipient: convener.pair, senderPublic: sender.x25519Public })), "Td2DecryptError");
});

test("wraps are bound to their text and their envelope", async () => {
  const [a, b] = await Promise.all([member(), member()]);
  const ctx = await setting();
  const box = await sealForMembers({ ...ctx, recipients: [a, b], value: { text: "one" } });
  const other = await sealForMembers({ ...ctx, recipients: [a, b], value: { text: "two" } });
  const swapped = { wraps: box.wraps, ct: other.ct };
  assert.equal(await errorName(openForMember(swapped, { ...ctx, handle: a.handle, recipient: a.pair })), "Td2DecryptError");
  const moved = { ...ctx, messageId: random16() };
  assert.equal(await errorName(openForMember(box, { ...moved, handle: a.handle, recipient: a.pair })), "Td2DecryptError");
  const altered = b64uDecode(box.ct);
  altered[altered.length - 1] ^= 1;
  assert.equal(await errorName(openForMember({ ...box, ct: b64uEncode(altered) }, { ...ctx, handle: a.handle, recipient: a.pair })), "Td2DecryptError");
});

test("a box needs a recipient, and a non-box is refused", async () => {
  const ctx = await setting();
  assert.equal(await errorName(sealForMembers({ ...ctx, recipients: [], value: {} })), "Td2FormatError");
  const a = await member();
  assert.equal(await errorName(openForMember({ ct: 3 }, { ...ctx, handle: a.handle, recipient: a.pair })), "Td2FormatError");
});
