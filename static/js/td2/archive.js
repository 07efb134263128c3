// The archive key statement (an extension, docs/protocol.md "Archive key statement"): a
// convener's Ed25519 signature naming the dialogue's archive key. A steward who cuts an epoch
// seals every `meta` document again under their own handle, so the envelope's author cannot say
// who named the key; the signature inside the document does.
//   statement = "td2/v1/archive-key" || dialogue_id (16) || x25519_public (32)

import { concat, exactBytes, toBytes, utf8 } from "./bytes.js";
import { Td2KeyError, Td2SignatureError } from "./errors.js";
import { ID_LENGTH } from "./ids.js";
import { importEd25519Private, importEd25519Public } from "./keys.js";

const PREFIX = utf8("td2/v1/archive-key");
const SIGNATURE_LENGTH = 64;

const isCryptoKey = (value) => typeof CryptoKey !== "undefined" && value instanceof CryptoKey;

/** `"td2/v1/archive-key" || dialogue_id || x25519_public` (66 bytes). */
export function archiveKeyStatement(dialogueId, archivePublic) {
  return concat(PREFIX, exactBytes(dialogueId, ID_LENGTH, "dialogue_id"), exactBytes(archivePublic, 32, "x25519_public"));
}

/** A convener's signature (64 bytes) over the statement; `stewardPrivate` a CryptoKey or seed. */
export async function signArchiveKey(stewardPrivate, dialogueId, archivePublic) {
  const statement = archiveKeyStatement(dialogueId, archivePublic);
  const key = isCryptoKey(stewardPrivate) ? stewardPrivate : (await importEd25519Private(stewardPrivate)).privateKey;
  if (key.algorithm.name !== "Ed25519" || key.type !== "private") {
    throw new Td2KeyError("steward key must be an Ed25519 private key");
  }
  return new Uint8Array(await crypto.subtle.sign("Ed25519", key, statement));
}

/** Throws Td2SignatureError unless the steward signed this archive key. */
export async function verifyArchiveKey(stewardPublic, dialogueId, archivePublic, signature) {
  const statement = archiveKeyStatement(dialogueId, archivePublic);
  const key = isCryptoKey(stewardPublic) ? stewardPublic : await importEd25519Public(stewardPublic);
  const sig = toBytes(signature);
  if (sig.length !== SIGNATURE_LENGTH) throw new Td2SignatureError(`signature must be ${SIGNATURE_LENGTH} bytes`);
  let ok = false;
  try {
    ok = await crypto.subtle.verify("Ed25519", key, sig, statement);
  } catch (error) {
    throw new Td2SignatureError("archive key signature does not verify", { cause: error });
  }
  if (!ok) throw new Td2SignatureError("archive key signature does not verify");
}
