// The team backchannel (an extension of the brief; docs/protocol.md, "Team channel"). Mirrors
// facilitator/td2/team.py. Alongside each epoch secret the steward's browser makes a second
// random 32-byte team secret and wraps it only to the mediator team (conveners, facilitators,
// interpreters, rapporteurs); participants and observers never receive it.
//
//   team_wrap = HPKE.Seal(pk_m, info = "td2/v1/team-wrap" || dialogue_id || u32(epoch)
//                                       || member_handle || record_hash, pt = team_secret)
//   K_team    = HKDF-SHA256(ikm = team_secret, salt = dialogue_id,
//                           info = "td2/v1/team/" || u32(epoch) || record_hash, L = 32)

import { concat, exactBytes, u32, utf8 } from "./bytes.js";
import { SECRET_LENGTH } from "./ids.js";
import { rolesWith } from "../roles.js";
import { derivedAesKey, derivedBytes, hkdfFromSecret } from "./subkeys.js";
import { memberWrapInfo, openWrap, sealToPublic } from "./wrap.js";

/** Roster roles that receive the team secret. */
export const TEAM_CHANNEL_ROLES = rolesWith("team_channel");

/** True for a role of the mediator team. */
export const isTeamRole = (role) => TEAM_CHANNEL_ROLES.includes(role);

/**
 * @param {Uint8Array} dialogueId
 * @param {number} epoch
 * @param {Uint8Array} memberHandle
 * @param {Uint8Array} recordHash
 * @returns {Uint8Array}
 */
export function teamWrapInfo(dialogueId, epoch, memberHandle, recordHash) {
  return memberWrapInfo("td2/v1/team-wrap", dialogueId, epoch, memberHandle, recordHash);
}

/**
 * Seals a team secret to a team member's X25519 public key (raw 32 bytes).
 * @returns {Promise<Uint8Array>} 80 bytes
 * @throws {Td2KeyError} a low-order (e.g. all-zero) public key
 */
export async function wrapTeamSecret(recipientPublic, dialogueId, epoch, memberHandle, recordHash, teamSecret) {
  const info = teamWrapInfo(dialogueId, epoch, memberHandle, recordHash);
  return sealToPublic(recipientPublic, info, exactBytes(teamSecret, SECRET_LENGTH, "team_secret"));
}

/**
 * Opens a team wrap with the member's X25519 private key (CryptoKey, CryptoKeyPair or raw bytes).
 * @returns {Promise<Uint8Array>} the 32-byte team secret
 */
export async function unwrapTeamSecret(recipientPrivate, dialogueId, epoch, memberHandle, recordHash, wrap) {
  return openWrap(recipientPrivate, teamWrapInfo(dialogueId, epoch, memberHandle, recordHash), wrap);
}

const teamKeyInfo = (epoch, recordHash) =>
  concat(utf8("td2/v1/team/"), u32(epoch), exactBytes(recordHash, 32, "record_hash"));

const teamDerivation = (teamSecret, dialogueId, epoch, recordHash) =>
  hkdfFromSecret(teamSecret, "team_secret", dialogueId, () => teamKeyInfo(epoch, recordHash));

/** The raw 32-byte team key (what facilitator.td2.derive_team_key returns): vectors and tests. */
export async function deriveTeamKeyBytes(teamSecret, dialogueId, epoch, recordHash) {
  return derivedBytes(await teamDerivation(teamSecret, dialogueId, epoch, recordHash));
}

/** The team key as a non-extractable AES-256-GCM CryptoKey for sealBlob/openBlob. */
export async function deriveTeamKey(teamSecret, dialogueId, epoch, recordHash) {
  return derivedAesKey(await teamDerivation(teamSecret, dialogueId, epoch, recordHash));
}
