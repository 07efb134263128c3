// Steward certificates (an extension, docs/protocol.md "Steward certificates"): the steward who
// cuts the epoch that admits a key steward signs the newcomer's Ed25519 key, so the chain alone
// says who may sign.
//   statement = "td2/v1/steward" || dialogue_id (16) || u32(epoch) || handle (16) || ed25519_public (32)

import { concat, exactBytes, toBytes, u32, utf8 } from "./bytes.js";
import { Td2KeyError, Td2SignatureError } from "./errors.js";
import { ID_LENGTH } from "./ids.js";
import { importEd25519Private, importEd25519Public } from "./keys.js";

const PREFIX = utf8("td2/v1/steward");
const SIGNATURE_LENGTH = 64;

const isCryptoKey = (value) => typeof CryptoKey !== "undefined" && value instanceof CryptoKey;

/** The 84-byte statement a steward signs. */
export function stewardCertStatement(dialogueId, epoch, handle, ed25519Public) {
  return concat(
    PREFIX, exactBytes(dialogueId, ID_LENGTH, "dialogue_id"), u32(epoch),
    exactBytes(handle, ID_LENGTH, "handle"), exactBytes(ed25519Public, 32, "ed25519_public"),
  );
}

/** The certifying steward's signature (64 bytes); `stewardPrivate` a CryptoKey or seed. */
export async function signStewardCert(stewardPrivate, dialogueId, epoch, handle, ed25519Public) {
  const statement = stewardCertStatement(dialogueId, epoch, handle, ed25519Public);
  const key = isCryptoKey(stewardPrivate) ? stewardPrivate : (await importEd25519Private(stewardPrivate)).privateKey;
  if (key.algorithm.name !== "Ed25519" || key.type !== "private") {
    throw new Td2KeyError("steward key must be an Ed25519 private key");
  }
  return new Uint8Array(await crypto.subtle.sign("Ed25519", key, statement));
}

/** Throws Td2SignatureError unless `stewardPublic` certified this key. */
export async function verifyStewardCert(stewardPublic, dialogueId, epoch, handle, ed25519Public, signature) {
  const statement = stewardCertStatement(dialogueId, epoch, handle, ed25519Public);
  const key = isCryptoKey(stewardPublic) ? stewardPublic : await importEd25519Public(stewardPublic);
  const sig = toBytes(signature);
  if (sig.length !== SIGNATURE_LENGTH) throw new Td2SignatureError(`signature must be ${SIGNATURE_LENGTH} bytes`);
  let ok = false;
  try {
    ok = await crypto.subtle.verify("Ed25519", key, sig, statement);
  } catch (error) {
    throw new Td2SignatureError("steward certificate does not verify", { cause: error });
  }
  if (!ok) throw new Td2SignatureError("steward certificate does not verify");
}
