// The `channel` and `envelope` sections of tests/vectors/td2v1.json against static/js/td2: the
// browser derives the same channel ids as the server and the Python client, and seals and opens
// the same envelopes (facilitator/td2/vector_envelopes.py writes the sections).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { sealBlobWithNonce } from "../../static/js/td2/content.js";
import {
  b64uDecode as b,
  b64uEncode,
  buildAad,
  channelId,
  deriveSubkeyBytes,
  deriveTeamKeyBytes,
  openBlob,
} from "../../static/js/td2/index.js";

const VECTORS = JSON.parse(readFileSync(new URL("../vectors/td2v1.json", import.meta.url), "utf8"));

test("the channel section has the well-known names", () => {
  const names = VECTORS.channel.map((entry) => entry.name);
  for (const name of ["meta", "live", "team", "notes"]) assert.ok(names.includes(name), name);
});

for (const [index, entry] of VECTORS.channel.entries()) {
  test(`channel[${index}] ${entry.name}`, async () => {
    const id = await channelId(entry.name, b(entry.dialogue_id));
    assert.ok(id instanceof Uint8Array);
    assert.equal(id.length, 16);
    assert.equal(b64uEncode(id), entry.channel_id);
  });
}

async function envelopeKey(entry, epoch) {
  const args = [b(entry.secret), b(entry.dialogue_id), epoch, b(entry.record_hash)];
  return entry.key_name === "team" ? deriveTeamKeyBytes(...args) : deriveSubkeyBytes(...args, entry.key_name);
}

for (const [index, entry] of VECTORS.envelope.entries()) {
  test(`envelope[${index}] ${entry.envelope.kind} on ${entry.channel}`, async () => {
    const env = entry.envelope;
    const dialogue = b(entry.dialogue_id);
    assert.equal(b64uEncode(await channelId(entry.channel, dialogue)), env.channel_id);
    const key = await envelopeKey(entry, env.epoch);
    const aad = buildAad(env.kind, dialogue, b(env.channel_id), env.epoch, b(env.message_id), b(env.author_handle));
    const blob = await sealBlobWithNonce(key, aad, b(entry.plaintext), b(entry.nonce));
    assert.equal(b64uEncode(blob), env.blob);
    assert.equal(b64uEncode(await openBlob(key, aad, b(env.blob))), entry.plaintext);
  });
}

test("an envelope moved to another channel does not open", async () => {
  const entry = VECTORS.envelope.find((e) => e.channel === "live");
  const env = entry.envelope;
  const dialogue = b(entry.dialogue_id);
  const elsewhere = await channelId("team", dialogue);
  const aad = buildAad(env.kind, dialogue, elsewhere, env.epoch, b(env.message_id), b(env.author_handle));
  await assert.rejects(openBlob(await envelopeKey(entry, env.epoch), aad, b(env.blob)), { name: "Td2DecryptError" });
});
