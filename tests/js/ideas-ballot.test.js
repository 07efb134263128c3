// Ballots sealed to a round's tally key (static/js/ideas/ballot.js) against the vectors that
// facilitator/ideas/ballot.py made and opens (tests/ideas/test_ballot.py).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { POLL_SLOT, openBallot, sealBallot } from "../../static/js/ideas/ballot.js";
import { b64uDecode } from "../../static/js/td2/bytes.js";
import { Td2Error } from "../../static/js/td2/errors.js";
import { generateMemberKeyPair } from "../../static/js/td2/keys.js";

const V = JSON.parse(readFileSync(new URL("../ideas/ballot_vectors.json", import.meta.url), "utf8"));
const d = (text) => b64uDecode(text);

/** @param {string} priv @param {string} round @param {string} slot @param {string} sealed */
const open = (priv, round, slot, sealed) => openBallot(d(priv), d(V.dialogue_id), d(round), d(slot), d(sealed));

for (const ballot of V.ballots) {
  test(`opens ${JSON.stringify(ballot.content)}`, async () => {
    assert.deepEqual(await open(V.tally_private, V.round_id, ballot.slot, ballot.sealed), ballot.content);
    await assert.rejects(open(V.other_private, V.round_id, ballot.slot, ballot.sealed), Td2Error);
    await assert.rejects(open(V.tally_private, V.other_round_id, ballot.slot, ballot.sealed), Td2Error);
  });
}

for (const c of V.refused) {
  test(`refuses ${c.why}`, async () => {
    await assert.rejects(open(V.tally_private, V.round_id, c.slot, c.sealed), Td2Error);
  });
}

test("a sealed ballot opens again, padded to one block", async () => {
  const tally = await generateMemberKeyPair();
  const dialogue = crypto.getRandomValues(new Uint8Array(16));
  const round = crypto.getRandomValues(new Uint8Array(16));
  const sealed = await sealBallot(tally.publicKey, dialogue, round, POLL_SLOT, { choice: "agree", side: "A" });
  assert.equal(sealed.length, 80 + 12 + 256 + 16);
  assert.deepEqual(await openBallot(tally, dialogue, round, POLL_SLOT, sealed), { choice: "agree", side: "A" });
});
