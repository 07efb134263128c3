// What every count shares: the typed error, the strict input types and the suppression rule.
//
// The twin of facilitator/ideas/checks.py; both pass tests/ideas/ideas_cases.json. Ballots reach
// the tally decrypted, from devices that may be buggy or hostile, so nothing is converted: a
// count is a JSON integer of zero or more (never a boolean, never a fraction), a name a non-empty
// string, and anything else throws a TallyError with the code the Python twin gives.

/** Fewer votes than this in a cell and the cell is withheld (docs/ideas.md, "Counting"). */
export const MIN_CELL = 3;

/** A ballot, a count or a parameter the tally refuses; `code` is stable, the message not. */
export class TallyError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = "TallyError";
    this.code = code;
  }
}

/** @param {unknown} value @returns {value is number} */
export const isCount = (value) => Number.isSafeInteger(value) && /** @type {number} */ (value) >= 0;

/** @param {unknown} value @returns {value is string} */
export const isName = (value) => typeof value === "string" && value !== "";

/** @param {unknown} value @returns {value is Record<string, any>} */
export const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/** The value of an own key, or undefined (never something from the prototype). */
export const get = (object, key) => (Object.hasOwn(object, key) ? object[key] : undefined);

/** @returns {Record<string, any>} */
export function needObject(value, code, what) {
  if (!isObject(value)) throw new TallyError(code, `${what} is not an object`);
  return value;
}

/** @returns {any[]} */
export function needList(value, code, what) {
  if (!Array.isArray(value)) throw new TallyError(code, `${what} is not a list`);
  return value;
}

/** @returns {number} */
export function needCount(value, what) {
  if (!isCount(value)) throw new TallyError("malformed_count", `${what} is not a count (a whole number, 0 or more)`);
  return value;
}

/** A non-empty list of distinct non-empty strings (options, sides). @returns {string[]} */
export function needNames(value, code, what) {
  const names = needList(value, code, what);
  if (names.length === 0 || !names.every(isName) || new Set(names).size !== names.length) {
    throw new TallyError(code, `${what} must be distinct non-empty names, at least one`);
  }
  return names;
}

/** The roster's sides, handle -> side, checked. @returns {Map<string, string>} */
export function sideMap(sideOf) {
  const mapping = needObject(sideOf, "bad_parameter", "side_of");
  const entries = Object.entries(mapping);
  if (!entries.every(([handle, side]) => isName(handle) && isName(side))) {
    throw new TallyError("bad_parameter", "side_of maps handles to side names");
  }
  return new Map(entries);
}

/**
 * The sides to count by: `sides` as given (the roster's, in the order shown, including a side whose
 * people have no device), or by default every side in `sideOf`, in code point order.
 * @param {Map<string, string>} sideOf @returns {string[]}
 */
export function rosterSides(sideOf, sides) {
  if (sides === undefined || sides === null) return [...new Set(sideOf.values())].sort(compareText);
  const names = needNames(sides, "bad_parameter", "sides");
  if (![...sideOf.values()].every((side) => names.includes(side))) {
    throw new TallyError("unknown_side", "side_of names a side that is not among the sides");
  }
  return names;
}

/** @param {Map<string, string>} sideOf @returns {string} */
export function sideOfVoter(sideOf, voter, index) {
  if (!isName(voter)) throw new TallyError("malformed_ballot", `ballot ${index} names no voter`);
  if (!sideOf.has(voter)) throw new TallyError("unknown_voter", `ballot ${index}: the voter has no side in the roster`);
  return sideOf.get(voter);
}

/**
 * The sides whose figures are withheld, in `order`, when a total over every side is published
 * beside them: a side with 1 to minCell - 1 votes (a side where no one voted has no one to give
 * away); and, while the withheld sides together hold fewer than minCell votes (the total minus the
 * shown sides gives their sum), the shown side with the fewest votes, but some (the earlier in
 * `order` on a tie), as well.
 * @param {Map<string, number>} sizes @param {string[]} order @param {number} minCell
 * @returns {string[]}
 */
export function withheldSides(sizes, order, minCell) {
  const size = (side) => sizes.get(side) ?? 0;
  const withheld = new Set(order.filter((side) => size(side) > 0 && size(side) < minCell));
  if (withheld.size === 0) return [];
  const shown = order.filter((side) => !withheld.has(side) && size(side) > 0);
  const sum = () => [...withheld].reduce((total, side) => total + size(side), 0);
  while (shown.length > 0 && sum() < minCell) {
    let smallest = 0;
    for (let i = 1; i < shown.length; i += 1) if (size(shown[i]) < size(shown[smallest])) smallest = i;
    withheld.add(shown.splice(smallest, 1)[0]);
  }
  return order.filter((side) => withheld.has(side));
}

/** @returns {number} */
export function checkMinCell(value) {
  if (!isCount(value) || value < 1) throw new TallyError("bad_parameter", "min_cell is a whole number, 1 or more");
  return value;
}

/** @returns {number} */
export function checkShare(value, what) {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new TallyError("bad_parameter", `${what} is a share between 0 and 1`);
  }
  return value;
}

/**
 * The divisive thresholds: two shares, the low one below the high one (else one side could be high
 * and low at once). @returns {[number, number]}
 */
export function checkDivisive(high, low) {
  high = checkShare(high, "divisive_high");
  low = checkShare(low, "divisive_low");
  if (!(low < high)) throw new TallyError("bad_parameter", "divisive_low is below divisive_high");
  return [high, low];
}

/** Strings in code point order, as Python compares them (JavaScript's `<` compares UTF-16 units). */
export function compareText(a, b) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
