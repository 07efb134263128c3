// A participant device's credential is its key: it opens a device session by answering an HPKE
// challenge (the server seals a nonce to the member's X25519 key), and it can wipe itself.

import { b64uDecode, b64uEncode, concat, openWrap } from "../td2/index.js";
import { getDialogueKeys, wipeKeystore } from "../keystore.js";
import * as api from "./api.js";
import * as store from "./store.js";

const encoder = new TextEncoder();

/**
 * Opens a device session for this device's member key in the dialogue.
 * info = "td2/v1/challenge" || dialogue_id || handle || challenge_id
 * @throws {api.ApiError} e.g. dialogue_not_found once the member was removed
 */
export async function signInDevice(dialogueId) {
  const keys = await getDialogueKeys(dialogueId);
  if (!keys?.member || !keys.memberHandle) throw new Error("no member key on this device");
  const handle = keys.memberHandle;
  const challenge = await api.post("/device-challenges", { dialogue_id: dialogueId, handle });
  const info = concat(
    encoder.encode("td2/v1/challenge"),
    b64uDecode(dialogueId, 16),
    b64uDecode(handle, 16),
    b64uDecode(challenge.challenge_id, 16),
  );
  const pair = { privateKey: keys.member.privateKey, publicKey: keys.member.publicKey };
  const nonce = await openWrap(pair, info, b64uDecode(challenge.sealed));
  return api.post("/device-sessions", {
    challenge_id: challenge.challenge_id,
    nonce: b64uEncode(nonce),
  });
}

/** Ends the device session (if any) and deletes every key and record this browser holds. */
export async function wipeDevice() {
  try {
    await api.del("/device-sessions/current");
  } catch {
    // signed out already, or offline: wipe anyway
  }
  api.forget(); // the answers held in memory for conditional GETs
  await wipeKeystore();
  await store.wipe();
}
