// The archive key statement (an extension, docs/protocol.md "Archive key statement"): a
// convener's Ed25519 signature naming the dialogue's archive key. A steward who cuts an epoch
// seals every `meta` document again under their own handle, so the envelope's author cannot say
// who named the key; the signature inside the document does.
//   statement = "td2/v1/archive-key" || dialogue_id (16) || x25519_public (32)

import { concat, exactBytes, utf8 } from "./bytes.js";
import { ID_LENGTH } from "./ids.js";
import { signEd25519, verifyEd25519 } from "./keys.js";

const PREFIX = utf8("td2/v1/archive-key");

/** `"td2/v1/archive-key" || dialogue_id || x25519_public` (66 bytes). */
export function archiveKeyStatement(dialogueId, archivePublic) {
  return concat(PREFIX, exactBytes(dialogueId, ID_LENGTH, "dialogue_id"), exactBytes(archivePublic, 32, "x25519_public"));
}

/** A convener's signature (64 bytes) over the statement; `stewardPrivate` a CryptoKey or seed. */
export async function signArchiveKey(stewardPrivate, dialogueId, archivePublic) {
  return signEd25519(stewardPrivate, archiveKeyStatement(dialogueId, archivePublic));
}

/** Throws Td2SignatureError unless the steward signed this archive key. */
export async function verifyArchiveKey(stewardPublic, dialogueId, archivePublic, signature) {
  const statement = archiveKeyStatement(dialogueId, archivePublic);
  await verifyEd25519(stewardPublic, statement, signature, "archive key signature");
}
