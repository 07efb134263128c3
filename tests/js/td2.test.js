// TD2 v1's JavaScript half (static/js/td2/) on Node's WebCrypto: the published vectors, entry by
// entry, the vendored HPKE against RFC 9180, tampering, and the public API's fresh randomness.
// What crosses to the Python reference, and what needs Chromium (the keystore's IndexedDB, the
// CSP), stays in tests/browser/test_td2_js.py.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import * as hpke from "../../static/vendor/hpke.js";
import * as td2 from "../../static/js/td2/index.js";
import { importX25519Private, importX25519Public } from "../../static/js/td2/keys.js";
import {
  EXTENSION_SECTIONS,
  SECTIONS,
  VectorMismatch,
  checkEntry,
  checkVectors,
  parseVectorJson,
} from "./td2-checker.js";

const VECTOR_TEXT = readFileSync(new URL("../vectors/td2v1.json", import.meta.url), "utf8");
const VECTORS = parseVectorJson(VECTOR_TEXT);
const U64_MAX = 2n ** 64n - 1n;

/** The error's name, or null when `f` succeeds. */
async function fails(f) {
  try {
    await f();
    return null;
  } catch (error) {
    return error.name;
  }
}

describe("published vectors", () => {
  for (const section of [...SECTIONS, ...EXTENSION_SECTIONS]) {
    test(`every ${section} entry checks`, async () => {
      const entries = VECTORS[section];
      assert.ok(Array.isArray(entries) && entries.length > 0, `section ${section} is empty`);
      const results = [];
      for (const [index, entry] of entries.entries()) {
        try {
          await checkEntry(section, entry);
          results.push("ok");
        } catch (error) {
          results.push(`${index}: ${error.name}: ${error.message}`);
        }
      }
      assert.deepEqual(results, entries.map(() => "ok"));
    });
  }

  test("the whole file checks, counting every entry of every section", async () => {
    const counts = Object.fromEntries(
      [...SECTIONS, ...EXTENSION_SECTIONS].map((section) => [section, VECTORS[section].length]),
    );
    assert.deepEqual(await checkVectors(VECTORS), { counts, failure: null, ok: true });
  });

  test("a summary approval for another side or text fails, as in Python", async () => {
    for (const [field, value, reason] of [
      ["side", "Lower Vell", "side_sha256 does not match"],
      ["content_sha256", "00".repeat(32), "approval_statement does not match"],
      ["content_sha256", VECTORS.summary_approval[0].content_sha256.toUpperCase(), "must be 64 lowercase hex digits"],
    ]) {
      const altered = { ...VECTORS.summary_approval[0], [field]: value };
      assert.match(String(await fails(() => checkEntry("summary_approval", altered))), /VectorMismatch/);
      await assert.rejects(() => checkEntry("summary_approval", altered), { message: new RegExp(reason) });
    }
    const forged = { ...VECTORS.summary_approval[0], certificate: VECTORS.summary_approval[1].certificate };
    const { signer_private: _private, ...withoutPrivate } = forged;
    await assert.rejects(() => checkEntry("summary_approval", withoutPrivate), { name: "Td2SignatureError" });
  });

  test("a file of another suite, or missing a section, fails with the reason", async () => {
    assert.deepEqual(await checkVectors({ ...VECTORS, suite: "td1" }), {
      counts: {},
      failure: "suite must be 'td2v1', got \"td1\"",
      ok: false,
    });
    const { roster: _roster, ...missing } = VECTORS;
    const report = await checkVectors(missing);
    assert.equal(report.failure, "section 'roster' is missing or not a list");
    assert.equal(report.ok, false);
  });

  test("an altered entry is reported with its section and index", async () => {
    const altered = structuredClone(VECTORS);
    altered.fingerprint[1].fingerprint = altered.fingerprint[0].fingerprint;
    const report = await checkVectors(altered);
    assert.equal(report.failure, "fingerprint[1]: VectorMismatch: fingerprint does not match");
    assert.equal(report.ok, false);
  });

  test("every negative entry fails to open with a TD2 error; bad padding only after decryption", async () => {
    const names = [];
    for (const entry of VECTORS.negative) {
      const open = entry.primitive === "wrap" ? td2.openWrap : td2.openBlob;
      names.push([entry.what, await fails(() => open(td2.b64uDecode(entry.key), td2.b64uDecode(entry.aad), td2.b64uDecode(entry.blob)))]);
    }
    const errors = new Set(["Td2DecryptError", "Td2FormatError", "Td2KeyError"]);
    for (const [what, name] of names) assert.ok(errors.has(name), `${what}: ${name}`);
    const padding = names.filter(([what]) => what.includes("padding")).map(([, name]) => name);
    assert.ok(padding.length > 0);
    assert.deepEqual(new Set(padding), new Set(["Td2FormatError"]));
  });
});

describe("parseVectorJson", () => {
  test("reads a u64 unix_ms of 2^64 - 1 exactly, and the record with it checks", async () => {
    const records = VECTORS.epoch_record.filter((entry) => entry.unix_ms === U64_MAX);
    assert.equal(records.length, 1);
    await checkEntry("epoch_record", records[0]);
    const parsed = await td2.parseEpochRecord(td2.b64uDecode(records[0].record));
    assert.equal(parsed.unixMs, U64_MAX);
  });

  test("keeps safe integers as numbers and strings as they are", () => {
    const text = '{"a": "1 2 \\"3\\" 18446744073709551615", "b": [1.5, -2, 0, 9007199254740991, 18446744073709551615]}';
    assert.deepEqual(parseVectorJson(text), {
      a: '1 2 "3" 18446744073709551615',
      b: [1.5, -2, 0, Number.MAX_SAFE_INTEGER, U64_MAX],
    });
  });

  test("refuses large integers it cannot read exactly, and strings posing as its marker", () => {
    assert.throws(() => parseVectorJson("[-18446744073709551615]"), VectorMismatch);
    assert.throws(() => parseVectorJson("[1e30]"), VectorMismatch);
    assert.throws(() => parseVectorJson('["\\u0000td2-big-integer:1"]'), VectorMismatch);
  });
});

const RFC_INFO = "4f6465206f6e2061204772656369616e2055726e"; // "Ode on a Grecian Urn"
const RFC_PT = "4265617574792069732074727574682c20747275746820626561757479";
const RFC_AAD = "436f756e742d30"; // "Count-0"
const hex = (text) => Uint8Array.from(text.match(/../g), (x) => parseInt(x, 16));
const toHex = (buf) => Array.from(new Uint8Array(buf), (x) => x.toString(16).padStart(2, "0")).join("");

test("vendored @hpke/core matches RFC 9180 A.1.1 and an AES-256-GCM vector", async () => {
  const suite = (aead) =>
    new hpke.CipherSuite({ kem: new hpke.DhkemX25519HkdfSha256(), kdf: new hpke.HkdfSha256(), aead });
  // A.1.1: key pairs derived from ikmE / ikmR, AES-128-GCM.
  const a = suite(new hpke.Aes128Gcm());
  const ekm = await a.kem.deriveKeyPair(hex("7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234").buffer);
  const recipient = await a.kem.deriveKeyPair(hex("6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037").buffer);
  const sender = await a.createSenderContext({ recipientPublicKey: recipient.publicKey, info: hex(RFC_INFO), ekm });
  const ct128 = "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a";
  assert.equal(toHex(await sender.seal(hex(RFC_PT), hex(RFC_AAD))), ct128);
  assert.equal(toHex(sender.enc), "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
  assert.equal(
    toHex(await a.kem.serializePublicKey(recipient.publicKey)),
    "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
  );
  const opened = await a.open({ recipientKey: recipient, enc: sender.enc, info: hex(RFC_INFO) }, hex(ct128), hex(RFC_AAD));
  assert.equal(toHex(opened), RFC_PT);
  // Same suite with AES-256-GCM (what TD2 uses), from a fixed ephemeral private key.
  const b256 = suite(new hpke.Aes256Gcm());
  const eph = await importX25519Private(hex("28e212563a8b6f068af7ff17400ff1baf23612b7a738bbaf5dfb321b2b5b431a"), { extractable: true });
  const s256 = await b256.createSenderContext({
    recipientPublicKey: await importX25519Public(hex("ac66bae9ffa270cf4a89ed9f274e30c0456babae2572aaaf002ff0d8884ab018")),
    info: hex(RFC_INFO),
    ekm: { privateKey: eph.privateKey, publicKey: eph.publicKey },
  });
  assert.equal(
    toHex(await s256.seal(hex(RFC_PT), hex(RFC_AAD))),
    "23ded2d5d90ea89d975dac4792b297240f194952d7421aacbff0474100052b6bb8aa58d18ef6c42b6960e2e28f",
  );
});

test("tampering with any field, byte, key, length or framing is rejected", async () => {
  const rand = () => td2.randomId();
  const [d, ch, m, a, rh, secret] = [rand(), rand(), rand(), rand(), td2.randomSecret(), td2.randomSecret()];
  const key = await td2.deriveSubkey(secret, d, 5, rh, "msg");
  const aad = td2.buildAad("msg", d, ch, 5, m, a);
  const blob = await td2.sealJson(key, aad, { sender_ctr: 3, text: "tamper me" });
  const result = {};
  // The untampered blob opens: every rejection below is caused by the change made.
  assert.equal((await td2.openJson(key, aad, blob)).text, "tamper me");
  const open = (k, x, bl) => fails(() => td2.openBlob(k, x, bl));
  result.kind = await open(key, td2.buildAad("note", d, ch, 5, m, a), blob);
  result.kindMeta = await open(key, td2.buildAad("meta", d, ch, 5, m, a), blob);
  result.dialogue = await open(key, td2.buildAad("msg", rand(), ch, 5, m, a), blob);
  result.channel = await open(key, td2.buildAad("msg", d, rand(), 5, m, a), blob);
  result.epochField = await open(key, td2.buildAad("msg", d, ch, 6, m, a), blob);
  result.message = await open(key, td2.buildAad("msg", d, ch, 5, rand(), a), blob);
  result.author = await open(key, td2.buildAad("msg", d, ch, 5, m, rand()), blob);
  result.authorZero = await open(key, td2.buildAad("msg", d, ch, 5, m, td2.NOTE_AUTHOR), blob);
  // Each byte of the AAD matters (not only whole fields).
  const flips = [];
  for (let i = 0; i < aad.length; i += 1) {
    const bad = aad.slice();
    bad[i] ^= 0x80;
    flips.push(await open(key, bad, blob));
  }
  assert.equal(flips.length, 74);
  assert.deepEqual(new Set(flips), new Set(["Td2DecryptError"]));
  // Wrong epoch: the next epoch's key (with or without the next epoch's AAD).
  const next = await td2.deriveSubkey(secret, d, 6, rh, "msg");
  result.epochKey = await open(next, aad, blob);
  result.epochKeyAndAad = await open(next, td2.buildAad("msg", d, ch, 6, m, a), blob);
  // Wrong record hash: a key derived from another epoch record.
  const otherRh = rh.slice();
  otherRh[31] ^= 1;
  result.recordHash = await open(await td2.deriveSubkey(secret, d, 5, otherRh, "msg"), aad, blob);
  // Wrong label: the note key on a message.
  result.label = await open(await td2.deriveSubkey(secret, d, 5, rh, "note"), aad, blob);
  // Bit flips in nonce, ciphertext and tag.
  const flip = (i) => {
    const x = blob.slice();
    x[i] ^= 1;
    return x;
  };
  result.nonceFlip = await open(key, aad, flip(0));
  result.ciphertextFlip = await open(key, aad, flip(12 + 4));
  result.tagFlip = await open(key, aad, flip(blob.length - 1));
  // Length: truncated, extended, a block cut off, a block added.
  result.truncated = await open(key, aad, blob.slice(0, -1));
  result.extended = await open(key, aad, td2.concat(blob, new Uint8Array(1)));
  result.blockCut = await open(key, aad, td2.concat(blob.slice(0, 12), blob.slice(12 + 256)));
  result.blockAdded = await open(key, aad, td2.concat(blob, new Uint8Array(256)));
  result.empty = await open(key, aad, new Uint8Array(0));
  // Authentic blobs with bad framing, made with raw AES-GCM under the real key.
  const rawKey = await td2.deriveSubkeyBytes(secret, d, 5, rh, "msg");
  const gcm = await crypto.subtle.importKey("raw", rawKey, "AES-GCM", false, ["encrypt"]);
  const sealRaw = async (padded) => {
    const nonce = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: aad }, gcm, padded);
    return td2.concat(nonce, new Uint8Array(ct));
  };
  const data = new TextEncoder().encode('{"text":"framed"}');
  const good = td2.framePlaintext(data);
  assert.equal(new TextDecoder().decode(await td2.openBlob(key, aad, await sealRaw(good))), '{"text":"framed"}');
  const nonZero = good.slice();
  nonZero[255] = 1;
  result.nonZeroPadding = await open(key, aad, await sealRaw(nonZero));
  const tooLong = good.slice();
  tooLong.set(td2.u32(253), 0);
  result.lengthTooLarge = await open(key, aad, await sealRaw(tooLong));
  const beyond = good.slice();
  beyond.set(td2.u32(100000), 0);
  result.lengthBeyondBlob = await open(key, aad, await sealRaw(beyond));
  const shorter = good.slice();
  shorter.set(td2.u32(data.length - 1), 0);
  result.lengthTooSmall = await open(key, aad, await sealRaw(shorter));
  result.extraBlock = await open(key, aad, await sealRaw(td2.concat(good, new Uint8Array(256))));
  // Impossible lengths are refused before decryption; a block more is a plausible length and
  // fails authentication instead.
  const formatErrors = new Set(["truncated", "extended", "blockCut", "empty"]);
  const framing = new Set(["nonZeroPadding", "lengthTooLarge", "lengthBeyondBlob", "lengthTooSmall", "extraBlock"]);
  for (const [name, error] of Object.entries(result)) {
    const expected = formatErrors.has(name) || framing.has(name) ? "Td2FormatError" : "Td2DecryptError";
    assert.equal(error, expected, name);
  }
});

test("vector-only helpers are not exported; nonces, salts and wraps are fresh", async () => {
  const key = td2.randomSecret();
  const aad = td2.buildAad("msg", td2.randomId(), td2.randomId(), 0, td2.randomId(), td2.randomId());
  const one = await td2.sealBlob(key, aad, new Uint8Array(3), { nonce: new Uint8Array(12) });
  const two = await td2.sealBlob(key, aad, new Uint8Array(3), { nonce: new Uint8Array(12) });
  const pair = await td2.generateMemberKeyPair({ extractable: true });
  const der = await td2.exportPkcs8(pair.privateKey);
  const files = [];
  for (let i = 0; i < 2; i += 1) {
    const sealed = await td2.sealKeyFile(der, "p", { salt: new Uint8Array(16), nonce: new Uint8Array(12), iterations: 1 });
    files.push(JSON.parse(new TextDecoder().decode(sealed)));
  }
  assert.deepEqual(["sealBlobWithNonce", "sealKeyFileFixed", "sealWrapFixed"].filter((name) => name in td2), []);
  const [zeroNonce, zeroSalt] = [td2.b64uEncode(new Uint8Array(12)), td2.b64uEncode(new Uint8Array(16))];
  const nonces = [one, two].map((blob) => td2.b64uEncode(blob.slice(0, 12)));
  assert.ok(!nonces.includes(zeroNonce) && new Set(nonces).size === 2);
  const salts = files.map((f) => f.salt);
  assert.ok(!salts.includes(zeroSalt) && new Set(salts).size === 2);
  const fileNonces = files.map((f) => f.nonce);
  assert.ok(!fileNonces.includes(zeroNonce) && new Set(fileNonces).size === 2);
  assert.deepEqual(files.map((f) => f.iterations), [td2.KEY_FILE_ITERATIONS, td2.KEY_FILE_ITERATIONS]);
});

test("low-order X25519 public keys are refused, for import and for a wrap", async () => {
  const points = [
    new Uint8Array(32),
    Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)),
    hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
  ];
  const context = [td2.randomId(), 7, td2.randomId(), td2.randomSecret(), td2.randomSecret()];
  for (const point of points) {
    assert.equal(await fails(() => td2.importX25519Public(point)), "Td2KeyError");
    assert.equal(await fails(() => td2.wrapEpochSecret(point, ...context)), "Td2KeyError");
  }
  const good = await td2.generateMemberKeyPair();
  assert.equal(await fails(() => td2.importX25519Public(good.publicRaw)), null);
});

test("an invitation fragment carries the secret and the steward's fingerprint, typed or pasted", async () => {
  const entry = VECTORS.fingerprint[0];
  const secret = td2.randomId();
  const fragment = td2.inviteFragment(secret, entry.fingerprint);
  assert.equal(fragment, `${td2.b64uEncode(secret)}.${entry.fingerprint}`);
  const parsed = td2.parseInviteFragment(`#${fragment}`);
  assert.deepEqual(parsed.inviteSecret, secret);
  assert.equal(parsed.stewardFingerprint, entry.fingerprint);
  const typed = td2.parseInviteFragment(`${td2.b64uEncode(secret)}.${entry.fingerprint.toLowerCase().replaceAll("-", " ")}`);
  assert.equal(typed.stewardFingerprint, entry.fingerprint);
  assert.equal(await fails(() => td2.parseInviteFragment("nodot")), "Td2FormatError");
});
