// The summary channel (docs/protocol.md "Members' box"): drafts, approval requests, translations
// and answers all travel there as envelopes of kind `summary`. One derivation, kept on the
// dialogue's state, for every module that reads or writes it.

import { b64uEncode, channelId } from "../td2/index.js";

/**
 * The summary channel's id, as bytes and as base64url, derived once per dialogue state.
 * @param {any} state an open dialogue (crypto-state.js)
 * @returns {Promise<{bytes: Uint8Array, text: string}>}
 */
export async function summaryChannel(state) {
  if (!state.summaryChannel) {
    const bytes = await channelId("summary", state.idBytes);
    state.summaryChannel = { bytes, text: b64uEncode(bytes) };
  }
  return state.summaryChannel;
}
