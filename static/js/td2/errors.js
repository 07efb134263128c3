// Typed errors, mirroring facilitator/td2/errors.py. Callers branch on the class (and
// Td2ChainError's `reason`), never on message text: messages are for developers, untranslated.

/** Base class of every error this package throws on purpose. */
export class Td2Error extends Error {
  /**
   * @param {string} message
   * @param {{cause?: unknown}} [options]
   */
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Malformed input: bad base64url, wrong length, out-of-range integer, unknown label or role,
 * a blob too short to be one, a key file that is not one. */
export class Td2FormatError extends Td2Error {}

/** A key that must not be used: wrong size or type, or the all-zero X25519 public key. */
export class Td2KeyError extends Td2Error {}

/** Something did not open: wrong key, AAD, epoch or record hash, altered blob or wrap, bad
 * framing inside an authentic blob, wrong key-file passphrase. */
export class Td2DecryptError extends Td2Error {}

/** An Ed25519 signature did not verify. */
export class Td2SignatureError extends Td2Error {}

/**
 * An epoch record does not extend the verified chain. `reason` is a stable code saying what
 * failed (see chain.js), `index` the position of the offending link in the list checked.
 */
export class Td2ChainError extends Td2Error {
  /**
   * @param {string} reason
   * @param {string} message
   * @param {number} [index]
   */
  constructor(reason, message, index) {
    super(message);
    this.reason = reason;
    this.index = index;
  }
}
