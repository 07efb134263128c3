// Additional authenticated data of a content blob: 74 bytes, fixed layout.
//   "td2v1" || kind(1) || dialogue_id(16) || channel_id(16) || u32(epoch) || message_id(16)
//   || author_handle(16)
// Binding every field means the server cannot move a blob between dialogues, channels, epochs,
// messages or authors without decryption failing.

import { concat, exactBytes, readU32, u32, utf8 } from "./bytes.js";
import { Td2FormatError } from "./errors.js";
import { ID_LENGTH } from "./ids.js";

export const AAD_LENGTH = 74;

/** Kind codes (also the `label` of the matching subkey). */
export const KIND_CODES = Object.freeze({ msg: 1, note: 2, meta: 3, summary: 4, idea: 5 });

const PREFIX = utf8("td2v1");

/**
 * @param {string} kind "msg" | "note" | "meta" | "summary" | "idea"
 * @returns {number}
 */
export function kindCode(kind) {
  if (typeof kind === "string" && Object.hasOwn(KIND_CODES, kind)) return KIND_CODES[kind];
  throw new Td2FormatError(`unknown content kind ${String(kind)}`);
}

/**
 * @param {number} code
 * @returns {string}
 */
export function kindName(code) {
  const entry = Object.entries(KIND_CODES).find(([, value]) => value === code);
  if (!entry) throw new Td2FormatError(`unknown kind code ${code}`);
  return entry[0];
}

/**
 * @param {string} kind "msg" | "note" | "meta"
 * @param {Uint8Array} dialogueId
 * @param {Uint8Array} channelId
 * @param {number} epoch
 * @param {Uint8Array} messageId
 * @param {Uint8Array} authorHandle 16 zero bytes for notes
 * @returns {Uint8Array} 74 bytes
 */
export function buildAad(kind, dialogueId, channelId, epoch, messageId, authorHandle) {
  return concat(
    PREFIX,
    Uint8Array.of(kindCode(kind)),
    exactBytes(dialogueId, ID_LENGTH, "dialogue_id"),
    exactBytes(channelId, ID_LENGTH, "channel_id"),
    u32(epoch),
    exactBytes(messageId, ID_LENGTH, "message_id"),
    exactBytes(authorHandle, ID_LENGTH, "author_handle"),
  );
}

/**
 * @param {Uint8Array} aad
 * @returns {{kind: string, dialogueId: Uint8Array, channelId: Uint8Array, epoch: number,
 *   messageId: Uint8Array, authorHandle: Uint8Array}}
 */
export function parseAad(aad) {
  const bytes = exactBytes(aad, AAD_LENGTH, "aad");
  for (let i = 0; i < PREFIX.length; i += 1) {
    if (bytes[i] !== PREFIX[i]) throw new Td2FormatError("aad: wrong suite prefix");
  }
  return {
    kind: kindName(bytes[5]),
    dialogueId: bytes.slice(6, 22),
    channelId: bytes.slice(22, 38),
    epoch: readU32(bytes, 38),
    messageId: bytes.slice(42, 58),
    authorHandle: bytes.slice(58, 74),
  };
}
