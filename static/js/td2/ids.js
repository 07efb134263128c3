// Random identifiers and secrets from the CSPRNG (never UUID strings).

/** Length of dialogue, channel, message ids and member handles. */
export const ID_LENGTH = 16;

/** Length of an epoch secret. */
export const SECRET_LENGTH = 32;

/** The author handle of notes: non-attributed by construction. */
export const NOTE_AUTHOR = new Uint8Array(ID_LENGTH);

/**
 * @param {number} length
 * @returns {Uint8Array}
 */
export function randomBytes(length) {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** @returns {Uint8Array} 16 random bytes: a dialogue, channel or message id or a handle. */
export function randomId() {
  return randomBytes(ID_LENGTH);
}

/** @returns {Uint8Array} 32 random bytes: an epoch secret. */
export function randomSecret() {
  return randomBytes(SECRET_LENGTH);
}
