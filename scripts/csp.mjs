// What a script must not contain to run under the site's CSP (`script-src 'self'`, no eval),
// checked on everything the build scripts write.

/** Fails the build if `code` could not run under `script-src 'self'`. */
export function assertNoEval(name, code) {
  for (const pattern of [/\beval\s*\(/, /\bnew\s+Function\s*\(/]) {
    if (pattern.test(code)) {
      throw new Error(`${name}: bundle contains ${pattern}, which the CSP forbids`);
    }
  }
}
