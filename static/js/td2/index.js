// TD2 v1 in the browser: the public API. Mirrors facilitator/td2 (Python) byte for byte; names
// are the Python ones in camelCase. Byte strings are Uint8Array; base64url only at the edges.
// Needs a secure context (https, 127.0.0.1 or localhost): crypto.subtle is undefined elsewhere.

export const SUITE = "td2v1";

export { AAD_LENGTH, KIND_CODES, buildAad, parseAad } from "./aad.js";
export {
  b64uDecode,
  b64uEncode,
  compareBytes,
  concat,
  equalBytes,
  readU32,
  readU64,
  u32,
  u64,
} from "./bytes.js";
export { archiveKeyStatement, signArchiveKey, verifyArchiveKey } from "./archive.js";
export { CHAIN_REASONS, GENESIS_EPOCH, verifyChain } from "./chain.js";
export { channelId } from "./channels.js";
export { MIN_BLOB_LENGTH, openBlob, openJson, sealBlob, sealJson } from "./content.js";
export {
  GENESIS_PREV_HASH,
  RECORD_LENGTH,
  buildEpochRecord,
  parseEpochRecord,
  recordHash,
  signEpochRecord,
  verifyEpochSignature,
} from "./epoch.js";
export {
  Td2ChainError,
  Td2DecryptError,
  Td2Error,
  Td2FormatError,
  Td2KeyError,
  Td2SignatureError,
} from "./errors.js";
export { fingerprint, normaliseFingerprint } from "./fingerprint.js";
export { PAD_BLOCK, framePlaintext, unframePlaintext } from "./framing.js";
export { ID_LENGTH, NOTE_AUTHOR, randomId, randomSecret } from "./ids.js";
export {
  inviteFragment,
  inviteSecretHash,
  joinProof,
  parseInviteFragment,
  randomInviteSecret,
  verifyJoinProof,
} from "./invite.js";
export {
  KEY_FILE_ITERATIONS,
  deriveKeyFileKey,
  exportKeyFile,
  generatePassphrase,
  importKeyFile,
  openKeyFile,
  sealKeyFile,
} from "./keyfile.js";
export {
  ed25519PublicFromPrivate,
  exportPkcs8,
  exportPublicRaw,
  generateMemberKeyPair,
  generateStewardKeyPair,
  importEd25519Private,
  importEd25519Public,
  importPkcs8,
  importX25519Private,
  importX25519Public,
  pkcs8ToPrivate,
  privateToPkcs8,
  x25519PublicFromPrivate,
} from "./keys.js";
export { ROLE_CODES, rosterHash } from "./roster.js";
export { signStewardCert, stewardCertStatement, verifyStewardCert } from "./steward-cert.js";
export { LABELS, deriveSubkey, deriveSubkeyBytes } from "./subkeys.js";
export {
  TEAM_CHANNEL_ROLES,
  deriveTeamKey,
  deriveTeamKeyBytes,
  isTeamRole,
  teamWrapInfo,
  unwrapTeamSecret,
  wrapTeamSecret,
} from "./team.js";
export { WRAP_LENGTH, openWrap, sealToPublic, unwrapEpochSecret, wrapEpochSecret, wrapInfo } from "./wrap.js";
