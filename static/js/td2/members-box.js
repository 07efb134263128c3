// A document only some members can open (docs/protocol.md "Members' box"): summary drafts for the
// conveners and rapporteurs, a summary sent for approval to the approvers, an approver's answer
// to the conveners. The roster's epoch keys reach every member, so this sits inside an envelope
// already sealed under an epoch subkey and narrows who reads it.
//
//   K      = 32 random bytes, fresh for each box
//   ct     = seal(K, aad, UTF-8 JSON)        the envelope's own 74-byte AAD, padded like any blob
//   wrap_i = HPKE.Seal(pk_i, info, K)        80 bytes, the epoch-wrap suite
//   info   = "td2/v1/members-box" || dialogue_id (16) || message_id (16) || handle_i (16)
//            || SHA-256(ct) (32)
//
// The info binds each wrap to its envelope, its recipient and the exact ciphertext, so a
// recipient cannot keep the wraps and swap the text. With a sender's member key pair the wraps
// use HPKE's Auth mode: the recipient then knows the box was made by the holder of that member
// key. The server knows every public key and could make a base-mode box, never an Auth-mode one.

import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "../../vendor/hpke.js";
import { b64uDecode, b64uEncode, concat, exactBytes, toBytes, utf8 } from "./bytes.js";
import { openJson, sealJson } from "./content.js";
import { Td2DecryptError, Td2FormatError } from "./errors.js";
import { ID_LENGTH, randomSecret } from "./ids.js";
import { importX25519Public } from "./keys.js";

export const BOX_LABEL = "td2/v1/members-box";
const ENC_LENGTH = 32;
const WRAP_LENGTH = 80;

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

/**
 * @typedef {{wraps: Record<string, string>, ct: string}} MembersBox
 *   `wraps` maps each recipient's handle (base64url) to its wrap (base64url); `ct` is base64url.
 */

/**
 * The HPKE info of one recipient's wrap.
 * @param {Uint8Array} dialogueId
 * @param {Uint8Array} messageId
 * @param {Uint8Array} handle
 * @param {Uint8Array} ct
 * @returns {Promise<Uint8Array>}
 */
export async function boxWrapInfo(dialogueId, messageId, handle, ct) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", toBytes(ct)));
  return concat(
    utf8(BOX_LABEL),
    exactBytes(dialogueId, ID_LENGTH, "dialogue_id"),
    exactBytes(messageId, ID_LENGTH, "message_id"),
    exactBytes(handle, ID_LENGTH, "handle"),
    digest,
  );
}

/**
 * Seals `value` for `recipients` only.
 * @param {{dialogueId: Uint8Array, messageId: Uint8Array, aad: Uint8Array,
 *   recipients: {handle: Uint8Array, x25519Public: Uint8Array}[], value: unknown,
 *   sender?: CryptoKeyPair}} options `sender`: this device's member key pair, for Auth mode
 * @returns {Promise<MembersBox>}
 */
export async function sealForMembers({ dialogueId, messageId, aad, recipients, value, sender }) {
  if (!recipients.length) throw new Td2FormatError("a members' box needs at least one recipient");
  const key = randomSecret();
  const ct = await sealJson(key, aad, value);
  /** @type {Record<string, string>} */
  const wraps = {};
  for (const recipient of recipients) {
    const info = await boxWrapInfo(dialogueId, messageId, recipient.handle, ct);
    const sealed = await suite.seal(
      {
        recipientPublicKey: await importX25519Public(recipient.x25519Public),
        info,
        ...(sender ? { senderKey: sender } : {}),
      },
      key,
    );
    wraps[b64uEncode(recipient.handle)] = b64uEncode(concat(new Uint8Array(sealed.enc), new Uint8Array(sealed.ct)));
  }
  key.fill(0);
  return { wraps, ct: b64uEncode(ct) };
}

/**
 * The recipients' handles of a box (base64url), as the box says: who else can read it.
 * @param {MembersBox} box
 * @returns {string[]}
 */
export function boxRecipients(box) {
  return Object.keys(box?.wraps ?? {});
}

/**
 * Opens a box addressed to `handle` with this device's member key pair.
 * @param {MembersBox} box
 * @param {{dialogueId: Uint8Array, messageId: Uint8Array, aad: Uint8Array, handle: Uint8Array,
 *   recipient: CryptoKeyPair, senderPublic?: Uint8Array}} options `senderPublic`: the member key
 *   the box must come from (Auth mode); without it, a base-mode box
 * @returns {Promise<unknown>}
 * @throws {Td2FormatError} not a box, or not addressed to `handle`
 * @throws {Td2DecryptError} wrong key, another sender, or an altered box
 */
export async function openForMember(box, { dialogueId, messageId, aad, handle, recipient, senderPublic }) {
  if (!box || typeof box !== "object" || typeof box.ct !== "string" || typeof box.wraps !== "object") {
    throw new Td2FormatError("not a members' box");
  }
  const wrapText = box.wraps[b64uEncode(handle)];
  if (typeof wrapText !== "string") throw new Td2FormatError("this box is not addressed to this member");
  const wrap = b64uDecode(wrapText, WRAP_LENGTH);
  const ct = b64uDecode(box.ct);
  const info = await boxWrapInfo(dialogueId, messageId, handle, ct);
  let key;
  try {
    key = new Uint8Array(await suite.open(
      {
        recipientKey: recipient,
        enc: wrap.slice(0, ENC_LENGTH),
        info,
        ...(senderPublic ? { senderPublicKey: await importX25519Public(senderPublic) } : {}),
      },
      wrap.slice(ENC_LENGTH),
    ));
  } catch (error) {
    throw new Td2DecryptError("the box did not open (wrong key, sender or context, or altered)", { cause: error });
  }
  try {
    return await openJson(key, aad, ct);
  } finally {
    key.fill(0);
  }
}
