// Votes on statements, by side, and the bridging ranking (docs/ideas.md, "Counting").
//
// The twin of facilitator/ideas/ranking.py; both pass tests/ideas/ideas_cases.json. A vote is
// agree, disagree or pass. The tally holder's device adds the opened ballots up per statement and
// side (aggregateVotes); every device computes the ranking from those aggregates
// (bridgingRanking), so anyone can check it against what was published. Results use the same
// keys as the Python twin (they are documents, sealed and published as they are).

import {
  MIN_CELL,
  TallyError,
  checkDivisive,
  checkMinCell,
  checkShare,
  compareText,
  get,
  isName,
  needCount,
  needList,
  needNames,
  needObject,
  rosterSides,
  sideMap,
  sideOfVoter,
} from "./checks.js";

export const VOTES = ["agree", "disagree", "pass"];
/** Agreement on every side at least this (Remesh's bar with AllMEP: 84% on each side). */
export const COMMON_GROUND = 0.84;
/** Divisive: agreement at least DIVISIVE_HIGH on one side and at most DIVISIVE_LOW on another. */
export const DIVISIVE_HIGH = 0.7;
export const DIVISIVE_LOW = 0.3;

/** @typedef {{agree: number, disagree: number, pass: number, hands: number}} Cell */

/** @returns {Cell} */
const empty = () => ({ agree: 0, disagree: 0, pass: 0, hands: 0 });

/** @param {Map<string, Map<string, Cell>>} out @returns {Cell} */
function cellOf(out, statement, side) {
  if (!out.has(statement)) out.set(statement, new Map());
  const bySide = out.get(statement);
  if (!bySide.has(side)) bySide.set(side, empty());
  return bySide.get(side);
}

/**
 * Counts per statement and side: `{statement: {side: {agree, disagree, pass, hands}}}`.
 * `ballots`: `{voter, statement, vote}` in the order cast, a voter's last vote on a statement
 * counted. `hands`: counts a facilitator entered from a show of hands for people without a device,
 * `{statement, side, agree, disagree, pass}`, added to the side's counts; `hands` in a cell says
 * how many of its votes came that way. `sides`: the roster's sides, where a show of hands may name
 * one whose people have no device; by default the sides in `sideOf`. The result holds small cells:
 * it is the tally holder's working figure, and the room gets bridgingRanking's cells instead.
 * @returns {Record<string, Record<string, Cell>>}
 */
export function aggregateVotes(ballots, sideOf, { hands = [], sides = null } = {}) {
  const byHandle = sideMap(sideOf);
  const known = new Set(rosterSides(byHandle, sides));
  /** @type {Map<string, [string, string, string]>} voter and statement -> [statement, side, vote] */
  const last = new Map();
  needList(ballots, "malformed_ballot", "ballots").forEach((raw, index) => {
    const ballot = needObject(raw, "malformed_ballot", `ballot ${index}`);
    const side = sideOfVoter(byHandle, get(ballot, "voter"), index);
    const statement = get(ballot, "statement");
    const vote = get(ballot, "vote");
    if (!isName(statement)) throw new TallyError("malformed_ballot", `ballot ${index} names no statement`);
    if (!VOTES.includes(vote)) throw new TallyError("unknown_vote", `ballot ${index}: a vote is agree, disagree or pass`);
    last.set(JSON.stringify([ballot.voter, statement]), [statement, side, vote]);
  });
  /** @type {Map<string, Map<string, Cell>>} */
  const out = new Map();
  for (const [statement, side, vote] of last.values()) cellOf(out, statement, side)[vote] += 1;
  needList(hands, "malformed_count", "hands").forEach((raw, index) => {
    const entry = needObject(raw, "malformed_count", `show of hands ${index}`);
    const statement = get(entry, "statement");
    const side = get(entry, "side");
    if (!isName(statement)) throw new TallyError("malformed_count", `show of hands ${index} names no statement`);
    if (!isName(side) || !known.has(side)) {
      throw new TallyError("unknown_side", `show of hands ${index}: no such side in the roster`);
    }
    const cell = cellOf(out, statement, side);
    for (const vote of VOTES) {
      const counted = needCount(get(entry, vote), `show of hands ${index}: ${vote}`);
      cell[vote] += counted;
      cell.hands += counted;
    }
  });
  return Object.fromEntries([...out].map(([statement, bySide]) => [statement, Object.fromEntries(bySide)]));
}

/** @returns {Cell} */
function checkedCell(value, where) {
  const cell = needObject(value, "malformed_count", where);
  const counts = empty();
  for (const vote of VOTES) counts[vote] = needCount(get(cell, vote), `${where}: ${vote}`);
  counts.hands = needCount(Object.hasOwn(cell, "hands") ? cell.hands : 0, `${where}: hands`);
  if (counts.hands > counts.agree + counts.disagree + counts.pass) {
    throw new TallyError("malformed_count", `${where}: more hands than votes`);
  }
  return counts;
}

/** A cell as published: its counts, and its agreement when enough people took a position. */
function shown(counts, minCell) {
  const decided = counts.agree + counts.disagree;
  return { ...counts, agreement: decided >= minCell ? counts.agree / decided : null };
}

/** Higher sorted agreements first (the lowest decides, then the next), then more decided votes,
 * then the statement id in code point order. */
function byBridging(a, b) {
  for (let i = 0; i < a.leximin.length; i += 1) {
    if (a.leximin[i] !== b.leximin[i]) return b.leximin[i] - a.leximin[i];
  }
  return b.decided - a.decided || compareText(a.entry.statement, b.entry.statement);
}

/**
 * Each statement's published cells, and the statements ranked, divisive or unranked. A side's cell
 * with 1 to minCell - 1 votes is withheld (`{suppressed: true}`), and then so is the statement's
 * total. Agreement is agree / (agree + disagree), given only when at least minCell people on the
 * side took a position; passes count towards the cell's size, not towards agreement. Every
 * decision reads published figures only.
 * @param {Record<string, any>} aggregates @param {string[]} sides
 */
export function bridgingRanking(
  aggregates,
  sides,
  { minCell = MIN_CELL, commonGround = COMMON_GROUND, divisiveHigh = DIVISIVE_HIGH, divisiveLow = DIVISIVE_LOW } = {},
) {
  const sideList = needNames(sides, "bad_parameter", "sides");
  minCell = checkMinCell(minCell);
  commonGround = checkShare(commonGround, "common_ground");
  [divisiveHigh, divisiveLow] = checkDivisive(divisiveHigh, divisiveLow);
  const statements = new Map();
  const ranked = [];
  const divisive = [];
  const unranked = [];
  for (const [statement, raw] of Object.entries(needObject(aggregates, "malformed_count", "aggregates"))) {
    if (!isName(statement)) throw new TallyError("malformed_count", "a statement id is empty");
    const bySide = needObject(raw, "malformed_count", `statement ${statement}`);
    for (const side of Object.keys(bySide)) {
      if (!sideList.includes(side)) throw new TallyError("unknown_side", `statement ${statement}: no such side`);
    }
    const cellAt = (s) => checkedCell(Object.hasOwn(bySide, s) ? bySide[s] : empty(), `${statement}/${s}`);
    const cells = new Map(sideList.map((s) => [s, cellAt(s)]));
    const size = (s) => VOTES.reduce((n, vote) => n + cells.get(s)[vote], 0);
    const suppressed = sideList.filter((s) => size(s) > 0 && size(s) < minCell);
    const publish = (s) => (suppressed.includes(s) ? { suppressed: true } : shown(cells.get(s), minCell));
    const published = new Map(sideList.map((s) => [s, publish(s)]));
    let total = null;
    if (suppressed.length === 0) {
      const sums = empty();
      for (const key of Object.keys(sums)) sums[key] = sideList.reduce((n, s) => n + cells.get(s)[key], 0);
      total = shown(sums, minCell);
    }
    statements.set(statement, { sides: Object.fromEntries(published), total });
    const agreement = new Map();
    for (const s of sideList) {
      const cell = published.get(s);
      if (!suppressed.includes(s) && cell.agreement !== null) agreement.set(s, cell.agreement);
    }
    const high = sideList.filter((s) => agreement.has(s) && agreement.get(s) >= divisiveHigh);
    const low = sideList.filter((s) => agreement.has(s) && agreement.get(s) <= divisiveLow);
    const values = [...agreement.values()];
    if (high.length > 0 && low.length > 0) {
      const top = Math.max(...values);
      const bottom = Math.min(...values);
      const entry = { statement, highest: top, lowest: bottom, high_sides: high, low_sides: low };
      divisive.push({ gap: top - bottom, entry });
    } else if (agreement.size === sideList.length) {
      const lowest = Math.min(...values);
      const decided = sideList.reduce((n, s) => n + cells.get(s).agree + cells.get(s).disagree, 0);
      const leximin = values.sort((a, b) => a - b);
      ranked.push({ leximin, decided, entry: { statement, lowest, common_ground: lowest >= commonGround } });
    } else {
      const undecided = sideList.filter((s) => !suppressed.includes(s) && !agreement.has(s));
      unranked.push({ statement, suppressed, undecided });
    }
  }
  ranked.sort(byBridging);
  divisive.sort((a, b) => b.gap - a.gap || compareText(a.entry.statement, b.entry.statement));
  unranked.sort((a, b) => compareText(a.statement, b.statement));
  return {
    statements: Object.fromEntries(statements),
    ranked: ranked.map((r) => r.entry),
    divisive: divisive.map((d) => d.entry),
    unranked,
  };
}
