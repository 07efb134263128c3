// A ballot sealed to a round's tally key (docs/ideas.md, "Rounds and ballots"): the twin of
// facilitator/ideas/ballot.py; both open tests/ideas/ballot_vectors.json.
//
// sealed = HPKE.Seal(tallyPublic, info, K) || AES-256-GCM(K, padded JSON), with
// info = "td2/v1/ballot" || dialogueId || roundId || slot and, as associated data, the "idea" AAD
// of the round's channel with the slot as message id, epoch 0 and no author.

import { buildAad } from "../td2/aad.js";
import { b64uEncode, concat } from "../td2/bytes.js";
import { channelId } from "../td2/channels.js";
import { openJson, sealJson } from "../td2/content.js";
import { Td2FormatError } from "../td2/errors.js";
import { WRAP_LENGTH, openWrap, sealToPublic } from "../td2/wrap.js";

const LABEL = new TextEncoder().encode("td2/v1/ballot");
const NO_AUTHOR = new Uint8Array(16);
export const POLL_SLOT = new Uint8Array(16);

/** @param {Uint8Array} value */
function id16(value) {
  if (!(value instanceof Uint8Array) || value.length !== 16) throw new Td2FormatError("ids and slots are 16 bytes");
  return value;
}

/**
 * channel_id("round/" + base64url(roundId)): where the round's statements are.
 * @param {Uint8Array} dialogueId @param {Uint8Array} roundId
 */
export function roundChannelId(dialogueId, roundId) {
  return channelId(`round/${b64uEncode(roundId)}`, dialogueId);
}

/** @param {Uint8Array} dialogueId @param {Uint8Array} roundId @param {Uint8Array} slot */
export function ballotInfo(dialogueId, roundId, slot) {
  return concat(LABEL, id16(dialogueId), id16(roundId), id16(slot));
}

/** @param {Uint8Array} dialogueId @param {Uint8Array} roundId @param {Uint8Array} slot */
async function ballotAad(dialogueId, roundId, slot) {
  return buildAad("idea", dialogueId, await roundChannelId(dialogueId, roundId), 0, slot, NO_AUTHOR);
}

/**
 * Seal a ballot's content (the vote and the voter's claimed side) to the tally key.
 * @param {Uint8Array | CryptoKey} tallyPublic @param {Uint8Array} dialogueId
 * @param {Uint8Array} roundId @param {Uint8Array} slot @param {object} content
 */
export async function sealBallot(tallyPublic, dialogueId, roundId, slot, content) {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const wrap = await sealToPublic(tallyPublic, ballotInfo(dialogueId, roundId, slot), key);
  const blob = await sealJson(key, await ballotAad(dialogueId, roundId, slot), content);
  return concat(wrap, blob);
}

/**
 * Open a ballot with the tally key's private half; throws when it does not open for this slot.
 * @param {Uint8Array | CryptoKey | CryptoKeyPair} tallyPrivate @param {Uint8Array} dialogueId
 * @param {Uint8Array} roundId @param {Uint8Array} slot @param {Uint8Array} sealed
 * @returns {Promise<Record<string, unknown>>}
 */
export async function openBallot(tallyPrivate, dialogueId, roundId, slot, sealed) {
  if (!(sealed instanceof Uint8Array) || sealed.length <= WRAP_LENGTH) throw new Td2FormatError("ballot too short");
  const key = await openWrap(tallyPrivate, ballotInfo(dialogueId, roundId, slot), sealed.subarray(0, WRAP_LENGTH));
  const content = await openJson(key, await ballotAad(dialogueId, roundId, slot), sealed.subarray(WRAP_LENGTH));
  if (content === null || typeof content !== "object" || Array.isArray(content)) {
    throw new Td2FormatError("a ballot is a JSON object");
  }
  return /** @type {Record<string, unknown>} */ (content);
}
