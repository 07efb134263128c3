// Steward certificates (an extension, docs/protocol.md "Steward certificates"): the steward who
// cuts the epoch that admits a key steward signs the newcomer's Ed25519 key, so the chain alone
// says who may sign.
//   statement = "td2/v1/steward" || dialogue_id (16) || u32(epoch) || handle (16) || ed25519_public (32)

import { concat, exactBytes, u32, utf8 } from "./bytes.js";
import { ID_LENGTH } from "./ids.js";
import { signEd25519, verifyEd25519 } from "./keys.js";

const PREFIX = utf8("td2/v1/steward");

/** The 84-byte statement a steward signs. */
export function stewardCertStatement(dialogueId, epoch, handle, ed25519Public) {
  return concat(
    PREFIX, exactBytes(dialogueId, ID_LENGTH, "dialogue_id"), u32(epoch),
    exactBytes(handle, ID_LENGTH, "handle"), exactBytes(ed25519Public, 32, "ed25519_public"),
  );
}

/** The certifying steward's signature (64 bytes); `stewardPrivate` a CryptoKey or seed. */
export async function signStewardCert(stewardPrivate, dialogueId, epoch, handle, ed25519Public) {
  return signEd25519(stewardPrivate, stewardCertStatement(dialogueId, epoch, handle, ed25519Public));
}

/** Throws Td2SignatureError unless `stewardPublic` certified this key. */
export async function verifyStewardCert(stewardPublic, dialogueId, epoch, handle, ed25519Public, signature) {
  const statement = stewardCertStatement(dialogueId, epoch, handle, ed25519Public);
  await verifyEd25519(stewardPublic, statement, signature, "steward certificate");
}
