// Checks a vector file in the TD2 v1 format (ours or another implementation's), entry by entry,
// with the browser modules of static/js/td2/: the mirror of facilitator/td2/checker.py. Beyond the
// Python checker it also re-seals each vector key file with its salt and nonce and expects the
// same document. Only the tests use it (tests/js/td2.test.js on Node, and the browser test, which
// serves it to Chromium), so it is not shipped in static/.

import { buildAad } from "../../static/js/td2/aad.js";
import {
  approvalStatement,
  approverStatement,
  sideDigest,
  signApproval,
  signApprover,
  verifyApproval,
  verifyApprover,
} from "../../static/js/td2/approval.js";
import { archiveKeyStatement, signArchiveKey, verifyArchiveKey } from "../../static/js/td2/archive.js";
import { b64uDecode, equalBytes, utf8 } from "../../static/js/td2/bytes.js";
import { channelId } from "../../static/js/td2/channels.js";
import { openBlob, sealBlobWithNonce } from "../../static/js/td2/content.js";
import { buildEpochRecord, parseEpochRecord, recordHash, verifyEpochSignature } from "../../static/js/td2/epoch.js";
import { Td2Error } from "../../static/js/td2/errors.js";
import { fingerprint } from "../../static/js/td2/fingerprint.js";
import { inviteSecretHash, joinProof, verifyJoinProof } from "../../static/js/td2/invite.js";
import { MAX_ITERATIONS, deriveKeyFileKey, openKeyFile, sealKeyFileFixed } from "../../static/js/td2/keyfile.js";
import { ed25519PublicFromPrivate, x25519PublicFromPrivate } from "../../static/js/td2/keys.js";
import { rosterHash } from "../../static/js/td2/roster.js";
import { signStewardCert, stewardCertStatement, verifyStewardCert } from "../../static/js/td2/steward-cert.js";
import { deriveSubkeyBytes } from "../../static/js/td2/subkeys.js";
import { deriveTeamKeyBytes, teamWrapInfo, unwrapTeamSecret } from "../../static/js/td2/team.js";
import { openWrap, sealWrapFixed, unwrapEpochSecret, wrapInfo } from "../../static/js/td2/wrap.js";

export const SECTIONS = Object.freeze([
  "subkeys",
  "aad",
  "seal",
  "wrap",
  "roster",
  "epoch_record",
  "fingerprint",
  "invite",
  "key_file",
  "negative",
]);

/** Sections this project adds to the brief's format: optional, checked when present. */
export const EXTENSION_SECTIONS = Object.freeze([
  "team_subkeys",
  "team_wrap",
  "steward_cert",
  "archive_key",
  "summary_approval",
  "channel",
  "envelope",
]);

/** A vector entry whose expected value differs from the computed one. */
export class VectorMismatch extends Error {
  constructor(message) {
    super(message);
    this.name = "VectorMismatch";
  }
}

/** Typed access to one entry's fields. */
class Entry {
  constructor(raw) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new VectorMismatch("entry is not a JSON object");
    }
    this.raw = raw;
  }

  get(name, type) {
    const value = this.raw[name];
    if (value === undefined || value === null) throw new VectorMismatch(`missing field '${name}'`);
    const ok =
      type === "integer"
        ? Number.isSafeInteger(value) || typeof value === "bigint"
        : type === "array"
          ? Array.isArray(value)
          : typeof value === type && !Array.isArray(value);
    if (!ok) throw new VectorMismatch(`field '${name}' must be a ${type}`);
    return value;
  }

  b(name) {
    try {
      return b64uDecode(this.get(name, "string"));
    } catch (error) {
      if (error instanceof Td2Error) throw new VectorMismatch(`field '${name}': ${error.message}`);
      throw error;
    }
  }

  int(name) {
    return this.get(name, "integer");
  }

  str(name) {
    return this.get(name, "string");
  }

  /** A SHA-256 digest written as 64 lowercase hex digits (as a manifest writes it). */
  sha256Hex(name) {
    const text = this.str(name);
    if (!/^[0-9a-f]{64}$/.test(text)) throw new VectorMismatch(`field '${name}' must be 64 lowercase hex digits`);
    return Uint8Array.from(text.match(/../g), (pair) => Number.parseInt(pair, 16));
  }
}

function expectBytes(name, computed, expected) {
  if (!equalBytes(computed, expected)) throw new VectorMismatch(`${name} does not match`);
}

function expectEqual(name, computed, expected) {
  if (computed !== expected) throw new VectorMismatch(`${name} does not match`);
}

const CHECKS = {
  async subkeys(e) {
    const key = await deriveSubkeyBytes(
      e.b("epoch_secret"),
      e.b("dialogue_id"),
      e.int("epoch"),
      e.b("record_hash"),
      e.str("label"),
    );
    expectBytes("key", key, e.b("key"));
  },

  async aad(e) {
    const aad = buildAad(
      e.str("kind"),
      e.b("dialogue_id"),
      e.b("channel_id"),
      e.int("epoch"),
      e.b("message_id"),
      e.b("author_handle"),
    );
    expectBytes("aad", aad, e.b("aad"));
  },

  async seal(e) {
    const [key, aad, blob, plaintext] = [e.b("key"), e.b("aad"), e.b("blob"), e.b("plaintext")];
    expectBytes("blob", await sealBlobWithNonce(key, aad, plaintext, e.b("nonce")), blob);
    expectBytes("opened plaintext", await openBlob(key, aad, blob), plaintext);
  },

  async wrap(e) {
    const [priv, pub] = [e.b("recipient_private"), e.b("recipient_public")];
    expectBytes("recipient_public", await x25519PublicFromPrivate(priv), pub);
    const args = [e.b("dialogue_id"), e.int("epoch"), e.b("member_handle"), e.b("record_hash")];
    expectBytes(
      "unwrapped epoch_secret",
      await unwrapEpochSecret(priv, ...args, e.b("wrap")),
      e.b("epoch_secret"),
    );
    if ("ephemeral_private" in e.raw) {
      const computed = await sealWrapFixed(
        pub,
        wrapInfo(...args),
        e.b("epoch_secret"),
        e.b("ephemeral_private"),
      );
      expectBytes("wrap (from ephemeral_private)", computed, e.b("wrap"));
    }
  },

  async roster(e) {
    const members = e.get("members", "array").map((raw) => {
      const m = new Entry(raw);
      const role = m.raw.role;
      if (typeof role !== "string" && !Number.isInteger(role)) {
        throw new VectorMismatch("member role must be a name or a code");
      }
      return { handle: m.b("handle"), x25519Public: m.b("x25519_public"), role };
    });
    expectBytes("roster_hash", await rosterHash(members), e.b("roster_hash"));
  },

  async epoch_record(e) {
    const record = e.b("record");
    const fields = [
      e.b("dialogue_id"),
      e.int("epoch"),
      e.b("prev_hash"),
      e.b("roster_hash"),
      e.b("creator_handle"),
      e.int("unix_ms"),
    ];
    expectBytes("record", buildEpochRecord(...fields), record);
    const parsed = await parseEpochRecord(record);
    expectBytes("parsed dialogue_id", parsed.dialogueId, fields[0]);
    expectEqual("parsed epoch", parsed.epoch, fields[1]);
    expectBytes("parsed prev_hash", parsed.prevHash, fields[2]);
    expectBytes("parsed roster_hash", parsed.rosterHash, fields[3]);
    expectBytes("parsed creator_handle", parsed.creatorHandle, fields[4]);
    expectEqual("parsed unix_ms", parsed.unixMs, fields[5]);
    expectBytes("record_hash", await recordHash(record), e.b("record_hash"));
    await verifyEpochSignature(e.b("steward_public"), record, e.b("signature"));
  },

  async fingerprint(e) {
    expectEqual("fingerprint", await fingerprint(e.b("public")), e.str("fingerprint"));
  },

  async invite(e) {
    const [secret, pub, proof] = [e.b("invite_secret"), e.b("x25519_public"), e.b("proof")];
    expectBytes("proof", await joinProof(secret, pub), proof);
    expectEqual("proof verification", await verifyJoinProof(secret, pub, proof), true);
    expectBytes("secret_hash", await inviteSecretHash(secret), e.b("secret_hash"));
  },

  async key_file(e) {
    const passphrase = e.str("passphrase");
    if (e.int("iterations") > MAX_ITERATIONS) {
      throw new VectorMismatch(`iterations above ${MAX_ITERATIONS} are not checked`);
    }
    const key = await deriveKeyFileKey(passphrase, e.b("salt"), e.int("iterations"));
    expectBytes("key", key, e.b("key"));
    if ("file" in e.raw) {
      const file = e.get("file", "object");
      const pkcs8 = await openKeyFile(utf8(JSON.stringify(file)), passphrase);
      expectBytes("opened key file", pkcs8, e.b("pkcs8"));
      const again = JSON.parse(
        new TextDecoder().decode(
          await sealKeyFileFixed(
            pkcs8,
            passphrase,
            b64uDecode(file.salt),
            b64uDecode(file.nonce),
            file.iterations,
          ),
        ),
      );
      expectEqual("re-sealed key file", JSON.stringify(again), JSON.stringify(file));
    }
  },

  async negative(e) {
    const primitive = e.raw.primitive ?? "seal";
    if (primitive !== "seal" && primitive !== "wrap")
      throw new VectorMismatch(`unknown primitive ${primitive}`);
    const opener = primitive === "seal" ? openBlob : openWrap;
    try {
      await opener(e.b("key"), e.b("aad"), e.b("blob"));
    } catch (error) {
      if (error instanceof Td2Error) return;
      throw error;
    }
    throw new VectorMismatch(`opened, but must fail (${e.raw.what ?? "no description"})`);
  },

  async team_subkeys(e) {
    const key = await deriveTeamKeyBytes(e.b("team_secret"), e.b("dialogue_id"), e.int("epoch"), e.b("record_hash"));
    expectBytes("key", key, e.b("key"));
  },

  async steward_cert(e) {
    const args = [e.b("dialogue_id"), e.int("epoch"), e.b("handle"), e.b("ed25519_public")];
    expectBytes("statement", stewardCertStatement(...args), e.b("statement"));
    await verifyStewardCert(e.b("signer_public"), ...args, e.b("signature"));
    if ("signer_private" in e.raw) {
      expectBytes("signer_public", await ed25519PublicFromPrivate(e.b("signer_private")), e.b("signer_public"));
      expectBytes("signature", await signStewardCert(e.b("signer_private"), ...args), e.b("signature"));
    }
  },

  async archive_key(e) {
    const args = [e.b("dialogue_id"), e.b("x25519_public")];
    expectBytes("statement", archiveKeyStatement(...args), e.b("statement"));
    await verifyArchiveKey(e.b("signer_public"), ...args, e.b("signature"));
    if ("signer_private" in e.raw) {
      expectBytes("signer_public", await ed25519PublicFromPrivate(e.b("signer_private")), e.b("signer_public"));
      expectBytes("signature", await signArchiveKey(e.b("signer_private"), ...args), e.b("signature"));
    }
  },

  async summary_approval(e) {
    const [dialogue, content] = [e.b("dialogue_id"), e.sha256Hex("content_sha256")];
    const [publicKey, digest] = [e.b("approval_public"), e.b("side_sha256")];
    if ("side" in e.raw) expectBytes("side_sha256", await sideDigest(e.str("side")), digest);
    expectBytes("approval_statement", approvalStatement(dialogue, content), e.b("approval_statement"));
    await verifyApproval(publicKey, dialogue, content, e.b("signature"));
    if ("approval_private" in e.raw) {
      const privateKey = e.b("approval_private");
      expectBytes("approval_public", await ed25519PublicFromPrivate(privateKey), publicKey);
      expectBytes("signature", await signApproval(privateKey, dialogue, content), e.b("signature"));
    }
    const args = [dialogue, content, publicKey, digest];
    expectBytes("statement", approverStatement(...args), e.b("statement"));
    await verifyApprover(e.b("signer_public"), ...args, e.b("certificate"));
    if ("signer_private" in e.raw) {
      expectBytes("signer_public", await ed25519PublicFromPrivate(e.b("signer_private")), e.b("signer_public"));
      expectBytes("certificate", await signApprover(e.b("signer_private"), ...args), e.b("certificate"));
    }
  },

  async channel(e) {
    expectBytes("channel_id", await channelId(e.str("name"), e.b("dialogue_id")), e.b("channel_id"));
  },

  async envelope(e) {
    const [env, dialogue] = [new Entry(e.get("envelope", "object")), e.b("dialogue_id")];
    expectBytes("channel_id", await channelId(e.str("channel"), dialogue), env.b("channel_id"));
    const [secret, epoch, rh, keyName] = [e.b("secret"), env.int("epoch"), e.b("record_hash"), e.str("key_name")];
    const key =
      keyName === "team"
        ? await deriveTeamKeyBytes(secret, dialogue, epoch, rh)
        : await deriveSubkeyBytes(secret, dialogue, epoch, rh, keyName);
    const aad = buildAad(
      env.str("kind"), dialogue, env.b("channel_id"), epoch, env.b("message_id"), env.b("author_handle"),
    );
    const [blob, plaintext] = [env.b("blob"), e.b("plaintext")];
    expectBytes("blob", await sealBlobWithNonce(key, aad, plaintext, e.b("nonce")), blob);
    expectBytes("opened plaintext", await openBlob(key, aad, blob), plaintext);
  },

  async team_wrap(e) {
    const [priv, pub] = [e.b("recipient_private"), e.b("recipient_public")];
    expectBytes("recipient_public", await x25519PublicFromPrivate(priv), pub);
    const args = [e.b("dialogue_id"), e.int("epoch"), e.b("member_handle"), e.b("record_hash")];
    expectBytes("unwrapped team_secret", await unwrapTeamSecret(priv, ...args, e.b("wrap")), e.b("team_secret"));
    if ("ephemeral_private" in e.raw) {
      const computed = await sealWrapFixed(pub, teamWrapInfo(...args), e.b("team_secret"), e.b("ephemeral_private"));
      expectBytes("wrap (from ephemeral_private)", computed, e.b("wrap"));
    }
  },
};

/** JSON strings and numbers, in source order (a number inside a string is part of the string). */
const JSON_TOKENS = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/g;

/** Marks an integer beyond 2^53 - 1, carried through JSON.parse as a string. */
const BIG_INTEGER = "\u0000td2-big-integer:";

/**
 * Parses a vector file's text. Integers beyond 2^53 - 1 (a u64 unix_ms of 2^64 - 1, say) become
 * BigInts, read from their source text, instead of being rounded as JSON.parse would. The source
 * text is found by scanning the tokens, not through JSON.parse's reviver `context` (the
 * JSON.parse source text access proposal), which Node 20 lacks.
 * @param {string} text
 * @returns {any}
 */
export function parseVectorJson(text) {
  const marked = text.replace(JSON_TOKENS, (token) => {
    if (token.startsWith('"')) {
      if (String(JSON.parse(token)).startsWith(BIG_INTEGER)) {
        throw new VectorMismatch("a string of the vector file starts with a reserved marker");
      }
      return token;
    }
    const value = Number(token);
    if (!Number.isInteger(value) || Number.isSafeInteger(value)) return token;
    if (!/^[0-9]+$/.test(token)) throw new VectorMismatch(`integer ${token} cannot be read exactly`);
    return JSON.stringify(BIG_INTEGER + token);
  });
  return JSON.parse(marked, (_key, value) =>
    typeof value === "string" && value.startsWith(BIG_INTEGER) ? BigInt(value.slice(BIG_INTEGER.length)) : value,
  );
}

/**
 * Checks one entry of a section; throws VectorMismatch or a Td2Error on failure.
 * @param {string} section
 * @param {object} raw
 * @returns {Promise<void>}
 */
export async function checkEntry(section, raw) {
  if (!Object.hasOwn(CHECKS, section)) throw new VectorMismatch(`unknown section ${section}`);
  await CHECKS[section](new Entry(raw));
}

/**
 * Checks a parsed vector document; stops at the first failing entry (as the Python checker).
 * @param {object} data
 * @returns {Promise<{counts: Record<string, number>, failure: string | null, ok: boolean}>}
 */
export async function checkVectors(data) {
  const report = { counts: {}, failure: null, ok: false };
  if (typeof data !== "object" || data === null) {
    report.failure = "the vector file is not a JSON object";
    return report;
  }
  if (data.suite !== "td2v1") {
    report.failure = `suite must be 'td2v1', got ${JSON.stringify(data.suite)}`;
    return report;
  }
  for (const section of [...SECTIONS, ...EXTENSION_SECTIONS]) {
    const entries = data[section];
    if (EXTENSION_SECTIONS.includes(section) && (entries === undefined || entries === null)) continue;
    if (!Array.isArray(entries)) {
      report.failure = `section '${section}' is missing or not a list`;
      return report;
    }
    report.counts[section] = 0;
    for (const [index, raw] of entries.entries()) {
      try {
        await checkEntry(section, raw);
      } catch (error) {
        report.failure = `${section}[${index}]: ${error.name}: ${error.message}`;
        return report;
      }
      report.counts[section] += 1;
    }
  }
  report.ok = true;
  return report;
}
