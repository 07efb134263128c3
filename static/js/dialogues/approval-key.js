// This device's approval key for a dialogue (docs/export.md, "Consent"): an Ed25519 key pair
// made here the first time the device answers a summary, kept non-extractable in the keystore's
// "approval" slot and wiped with the dialogue's other keys. Its public half travels in the answer;
// the private half never leaves the device.

import { getDialogueKeys, storeKeyPair } from "../keystore.js";
import { generateStewardKeyPair } from "../td2/index.js";

/** The stored approval key pair of this dialogue, made now if there is none yet. */
export async function approvalKey(dialogueId) {
  const kept = (await getDialogueKeys(dialogueId))?.approval;
  if (kept) return kept;
  const pair = await generateStewardKeyPair({ extractable: false });
  return storeKeyPair(dialogueId, "approval", pair);
}
