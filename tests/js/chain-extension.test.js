// A device that verified a dialogue's epoch chain keeps it and later verifies only the epochs
// after its tip (static/js/dialogues/chain-trust.js `extend`, `beyondTip`). The extension must
// be exactly as strict as a full verification from the genesis: the same chain, the same
// trusted steward keys, and the same refusals, with the failing epoch's position in the whole
// chain. Chains are built here with real keys and signatures on Node's WebCrypto.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as td2 from "../../static/js/td2/index.js";
import { StateError, beyondTip, extend, verify } from "../../static/js/dialogues/chain-trust.js";

const b64 = td2.b64uEncode;

async function person(role, steward = false) {
  const handle = td2.randomId();
  const member = await td2.generateMemberKeyPair();
  const pair = steward ? await td2.generateStewardKeyPair() : null;
  return { handle, text: b64(handle), role, member, steward: pair };
}

const entry = (p) => ({ handle: p.text, x25519_public: b64(p.member.publicRaw), role: p.role });
const rosterBytes = (people) =>
  people.map((p) => ({ handle: p.handle, x25519Public: p.member.publicRaw, role: p.role }));

/** Signs the next epoch admitting `people` (the whole roster), by `by`, with optional certs. */
async function cut(dialogue, by, people, { certify = [], signer = by.steward.privateKey, prev } = {}) {
  const epoch = dialogue.epochs.length;
  const previous = prev ?? (epoch ? dialogue.records[epoch - 1] : new Uint8Array(32));
  const record = td2.buildEpochRecord(
    dialogue.id, epoch, previous, await td2.rosterHash(rosterBytes(people)), by.handle, 1_700_000_000_000 + epoch,
  );
  const steward_certs = [];
  for (const p of certify) {
    const signature = await td2.signStewardCert(by.steward.privateKey, dialogue.id, epoch, p.handle, p.steward.publicRaw);
    steward_certs.push({ handle: p.text, ed25519_public: b64(p.steward.publicRaw), signature: b64(signature) });
  }
  const served = {
    epoch,
    record: b64(record),
    signature: b64(await td2.signEpochRecord(signer, record)),
    roster: people.map(entry),
    creator_handle: by.text,
    steward_certs,
  };
  dialogue.epochs.push(served);
  dialogue.records.push(await td2.recordHash(record));
  return served;
}

/**
 * A convener's dialogue of `size` epochs admitting one participant at a time; a facilitator
 * holding a steward key is admitted and certified at epoch 2 and signs from epoch 4 on.
 */
async function buildDialogue(size = 8) {
  const id = td2.randomId();
  const convener = await person("convener", true);
  const facilitator = await person("facilitator", true);
  const me = await person("participant");
  const dialogue = { id, convener, facilitator, me, epochs: [], records: [], people: [convener] };
  await cut(dialogue, convener, dialogue.people);
  dialogue.people = [convener, me];
  await cut(dialogue, convener, dialogue.people);
  dialogue.people = [convener, me, facilitator];
  await cut(dialogue, convener, dialogue.people, { certify: [facilitator] });
  while (dialogue.epochs.length < size) {
    dialogue.people = [...dialogue.people, await person("participant")];
    const by = dialogue.epochs.length >= 4 ? facilitator : convener;
    await cut(dialogue, by, dialogue.people);
  }
  const anchor = {
    publicRaw: convener.steward.publicRaw,
    fingerprint: await td2.fingerprint(convener.steward.publicRaw),
    handle: convener.text,
    source: "first_use",
  };
  return { ...dialogue, anchor };
}

const full = (d, epochs = d.epochs) => verify(epochs, d.anchor, d.me.handle, epochs.length - 1, d.id);
const extendFrom = (d, base, epochs) => extend(base, epochs, d.anchor, d.me.handle, d.id);

/** What later code reads from a verified chain, comparable with deepEqual. */
const summary = (chain) => ({
  epochs: chain.epochs,
  hashes: chain.records.map((r) => b64(r.recordHash)),
  numbers: chain.records.map((r) => r.epoch),
  certified: [...chain.certified].map(([who, key]) => [who, b64(key)]).sort(),
  signers: [...chain.signers].map(([who, key]) => [who, b64(key)]).sort(),
});

/** The refusal's detail ({reason, index}): a StateError "chain", never an acceptance. */
async function refusal(work) {
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof StateError, String(error));
    assert.equal(error.reason, "chain");
    return error.detail;
  }
  return assert.fail("accepted");
}

/** Copies an epoch with its record rewritten (one byte of the timestamp) and signed again. */
async function rewritten(d, epoch, key = d.convener.steward.privateKey) {
  const record = td2.b64uDecode(epoch.record);
  record[record.length - 1] ^= 1;
  return { ...epoch, record: b64(record), signature: b64(await td2.signEpochRecord(key, record)) };
}

describe("extending a verified chain", () => {
  test("is the full verification, split anywhere", async () => {
    const d = await buildDialogue(9);
    const whole = await full(d);
    // From epoch 1 on the roster lists this member; the genesis alone does not.
    for (let split = 2; split < d.epochs.length; split += 1) {
      const base = await extendFrom(d, null, d.epochs.slice(0, split));
      const longer = await extendFrom(d, base, d.epochs.slice(split));
      assert.deepEqual(summary(longer), summary(whole), `split at ${split}`);
      assert.equal(base.epochs.length, split, "the base is not changed");
    }
    const same = await extendFrom(d, whole, []);
    assert.deepEqual(summary(same), summary(whole));
  });

  test("accepts the new epochs in steps, from the kept tip", async () => {
    const d = await buildDialogue(5);
    let chain = await full(d);
    for (let step = 0; step < 3; step += 1) {
      d.people = [...d.people, await person("participant")];
      const next = await cut(d, d.facilitator, d.people);
      chain = await extendFrom(d, chain, beyondTip(chain, [d.epochs[next.epoch - 1], next], next.epoch));
    }
    assert.deepEqual(summary(chain), summary(await full(d)));
  });

  test("refuses a record that does not chain to the kept tip (a fork)", async () => {
    const d = await buildDialogue(6);
    const base = await extendFrom(d, null, d.epochs.slice(0, 4));
    const other = { ...d, epochs: d.epochs.slice(0, 3), records: d.records.slice(0, 3) };
    await cut(other, d.facilitator, d.people); // another epoch 3, signed by a steward
    const forked = await cut(other, d.facilitator, d.people); // and an epoch 4 after it
    assert.deepEqual(await refusal(() => extendFrom(d, base, [forked])), { reason: "prev_hash", index: 4 });
    // The same history is accepted from the genesis: only what the device kept tells it apart.
    await full(other);
  });

  test("refuses a server that serves another tip, or none (fork, rollback)", async () => {
    const d = await buildDialogue(6);
    const chain = await full(d);
    const tip = d.epochs[5];
    assert.deepEqual(beyondTip(chain, [tip], 5), []);
    const otherTip = await rewritten(d, tip, d.facilitator.steward.privateKey);
    assert.deepEqual(await refusal(() => beyondTip(chain, [otherTip], 5)), { reason: "fork", index: 5 });
    // an older epoch sent along, rewritten: also a fork
    const older = await rewritten(d, d.epochs[2]);
    assert.deepEqual(await refusal(() => beyondTip(chain, [older, tip], 5)), { reason: "fork", index: 2 });
    // the tip withheld, or the server claiming an older current epoch: a rollback
    assert.deepEqual(await refusal(() => beyondTip(chain, [], 5)), { reason: "rollback" });
    assert.deepEqual(await refusal(() => beyondTip(chain, [d.epochs[4]], 4)), { reason: "rollback" });
    assert.deepEqual(await refusal(() => beyondTip(chain, [tip], 4)), { reason: "rollback" });
  });

  test("refuses a tampered new record, with its index in the whole chain", async () => {
    const d = await buildDialogue(7);
    const base = await extendFrom(d, null, d.epochs.slice(0, 5));
    const tampered = { ...d.epochs[5], record: (await rewritten(d, d.epochs[5])).record };
    const refused = await refusal(() => extendFrom(d, base, [tampered, d.epochs[6]]));
    assert.equal(refused.reason, "signature");
    assert.equal(refused.index, 5);
    const wrongRoster = { ...d.epochs[5], roster: d.epochs[4].roster };
    assert.deepEqual(await refusal(() => extendFrom(d, base, [wrongRoster])), { reason: "roster_mismatch", index: 5 });
    const skipped = await refusal(() => extendFrom(d, base, [d.epochs[6]]));
    assert.equal(skipped.index, 5);
    assert.equal(skipped.reason, "prev_hash");
  });

  test("refuses a new record signed by a key that is not a steward's", async () => {
    const d = await buildDialogue(5);
    const base = await full(d);
    const outsider = await td2.generateStewardKeyPair();
    d.people = [...d.people, await person("participant")];
    const forged = await cut(d, d.facilitator, d.people, { signer: outsider.privateKey });
    assert.deepEqual(await refusal(() => extendFrom(d, base, [forged])), { reason: "signature", index: 5 });
    // a participant of the kept roster is no steward either, whatever key it holds
    const participant = d.people[1];
    const own = await td2.generateStewardKeyPair();
    const byParticipant = { ...d, epochs: d.epochs.slice(0, 5), records: d.records.slice(0, 5) };
    const forgedByParticipant = await cut(byParticipant, { ...participant, steward: own }, d.people);
    assert.equal((await refusal(() => extendFrom(d, base, [forgedByParticipant]))).reason, "signature");
  });

  test("keeps the steward keys certified before the tip, and refuses a second certificate", async () => {
    const d = await buildDialogue(5);
    const base = await extendFrom(d, null, d.epochs.slice(0, 3));
    assert.ok(base.certified.has(d.facilitator.text));
    const longer = await extendFrom(d, base, d.epochs.slice(3));
    assert.deepEqual(summary(longer), summary(await full(d)));
    // Certifying the facilitator again with another key, in a new epoch: refused.
    const twin = await person("facilitator", true);
    const again = { ...twin, handle: d.facilitator.handle, text: d.facilitator.text };
    const kept = await full(d);
    const next = await cut(d, d.convener, d.people, { certify: [again] });
    assert.deepEqual(await refusal(() => extendFrom(d, kept, [next])), { reason: "signature", index: 5 });
  });

  test("refuses a kept chain whose newest roster no longer lists this member", async () => {
    const d = await buildDialogue(4);
    const base = await full(d);
    d.people = d.people.filter((p) => p !== d.me);
    const without = await cut(d, d.facilitator, d.people);
    assert.equal((await refusal(() => extendFrom(d, base, [without]))).reason, "self");
    const stranger = { ...d, me: await person("participant") };
    assert.deepEqual(await refusal(() => extendFrom(stranger, base, [])), { reason: "self", index: 3 });
  });
});
