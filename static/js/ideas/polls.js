// Decision polls: consent, ranked choice (instant-runoff) and dot voting (docs/ideas.md).
//
// The twin of facilitator/ideas/polls.py; both pass tests/ideas/ideas_cases.json. Each function
// counts the opened ballots of a closed poll: results stay hidden until the facilitator closes it.

import {
  MIN_CELL,
  TallyError,
  checkMinCell,
  get,
  isName,
  needCount,
  needList,
  needNames,
  needObject,
  rosterSides,
  sideMap,
  sideOfVoter,
  withheldSides,
} from "./checks.js";

export const CONSENT = ["agree", "stand_aside", "block"];

/**
 * Agree, stand aside and block counted, and the blocks by side. `ballots`: `{voter, choice}` in
 * the order cast, a voter's last one counted; `hands`: a show of hands,
 * `{side, agree, stand_aside, block}`. `sides`: the roster's, in the order shown; by default those
 * in `sideOf`, in code point order. A side's blocks are withheld (null, and the side listed in
 * `withheld`) by the rule of withheldSides.
 */
export function consentResult(ballots, sideOf, { sides = null, hands = [], minCell = MIN_CELL } = {}) {
  const sidesOf = sideMap(sideOf);
  minCell = checkMinCell(minCell);
  const sideList = rosterSides(sidesOf, sides);
  /** @type {Map<string, [string, string]>} */
  const last = new Map();
  needList(ballots, "malformed_ballot", "ballots").forEach((raw, index) => {
    const ballot = needObject(raw, "malformed_ballot", `ballot ${index}`);
    const side = sideOfVoter(sidesOf, get(ballot, "voter"), index);
    const choice = get(ballot, "choice");
    if (!CONSENT.includes(choice)) throw new TallyError("unknown_vote", `ballot ${index}: agree, stand_aside or block`);
    last.set(ballot.voter, [side, choice]);
  });
  const counts = { agree: 0, stand_aside: 0, block: 0 };
  const sizes = new Map(sideList.map((side) => [side, 0]));
  const blocks = new Map(sideList.map((side) => [side, 0]));
  for (const [side, choice] of last.values()) {
    counts[choice] += 1;
    sizes.set(side, sizes.get(side) + 1);
    if (choice === "block") blocks.set(side, blocks.get(side) + 1);
  }
  let byHand = 0;
  needList(hands, "malformed_count", "hands").forEach((raw, index) => {
    const entry = needObject(raw, "malformed_count", `show of hands ${index}`);
    const side = get(entry, "side");
    if (!isName(side) || !sizes.has(side)) {
      throw new TallyError("unknown_side", `show of hands ${index}: no such side in the roster`);
    }
    for (const choice of CONSENT) {
      const counted = needCount(get(entry, choice), `show of hands ${index}: ${choice}`);
      counts[choice] += counted;
      sizes.set(side, sizes.get(side) + counted);
      byHand += counted;
    }
    blocks.set(side, blocks.get(side) + entry.block);
  });
  const withheld = withheldSides(sizes, sideList, minCell);
  return {
    counts,
    votes: counts.agree + counts.stand_aside + counts.block,
    hands: byHand,
    blocked: counts.block > 0,
    blocks_by_side: Object.fromEntries(sideList.map((s) => [s, withheld.includes(s) ? null : blocks.get(s)])),
    withheld,
  };
}

/** @param {string[]} options @returns {string[][]} */
function rankings(ballots, options) {
  return needList(ballots, "malformed_ballot", "ballots").map((raw, index) => {
    const ranking = needList(raw, "malformed_ballot", `ballot ${index}`);
    for (const option of ranking) {
      if (!options.includes(option)) throw new TallyError("unknown_option", `ballot ${index} ranks an unknown option`);
    }
    if (new Set(ranking).size !== ranking.length) {
      throw new TallyError("duplicate_option", `ballot ${index} ranks an option twice`);
    }
    return ranking;
  });
}

/**
 * Which of the options tied for the fewest votes goes: the one with the fewest votes in the latest
 * earlier round that tells them apart, else the one listed last among the options.
 * @param {string[]} lowest @param {Record<string, number>[]} earlier @param {string[]} options
 * @returns {[string, string]}
 */
function toEliminate(lowest, earlier, options) {
  for (const counts of [...earlier].reverse()) {
    const fewest = Math.min(...lowest.map((o) => counts[o]));
    lowest = lowest.filter((o) => counts[o] === fewest);
    if (lowest.length === 1) return [lowest[0], "earlier_rounds"];
  }
  const last = lowest.reduce((a, b) => (options.indexOf(b) > options.indexOf(a) ? b : a));
  return [last, "option_order"];
}

/**
 * Count rankings round by round; every round is returned. `ballots`: each a list of options, most
 * preferred first, possibly partial or empty. In each round a ballot counts for its first
 * continuing option; a ballot with none left is exhausted. An option with more than half of the
 * round's unexhausted ballots wins (so does the last one left, if anyone ranked it); if every
 * continuing option has the same count, they tie and no one wins; otherwise the option with the
 * fewest votes is eliminated (ties broken by toEliminate).
 */
export function instantRunoff(ballots, options) {
  const optionList = needNames(options, "bad_options", "options");
  const ranked = rankings(ballots, optionList);
  const continuing = [...optionList];
  const rounds = [];
  let winner = null;
  let tied = [];
  for (;;) {
    const counts = Object.fromEntries(continuing.map((o) => [o, 0]));
    let exhausted = 0;
    for (const ranking of ranked) {
      const choice = ranking.find((o) => continuing.includes(o));
      if (choice === undefined) exhausted += 1;
      else counts[choice] += 1;
    }
    const round = { counts, exhausted, eliminated: null, tie_break: null };
    rounds.push(round);
    const values = continuing.map((o) => counts[o]);
    const top = Math.max(...values);
    if (top * 2 > ranked.length - exhausted) {
      winner = continuing.find((o) => counts[o] === top);
      break;
    }
    const fewest = Math.min(...values);
    const lowest = continuing.filter((o) => counts[o] === fewest);
    if (lowest.length === continuing.length) {
      tied = [...continuing];
      break;
    }
    let out = lowest[0];
    if (lowest.length > 1) {
      [out, round.tie_break] = toEliminate(lowest, rounds.slice(0, -1).map((r) => r.counts), optionList);
    }
    round.eliminated = out;
    continuing.splice(continuing.indexOf(out), 1);
  }
  return { rounds, winner, tied, ballots: ranked.length };
}

/**
 * Dots per option. `ballots`: each `{option: dots}`, at most `dots` in all (fewer is fine).
 * `order`: the options by total, most first, ties in the options' order; `leaders`: the options
 * sharing the highest total, if any dot was cast.
 */
export function dotVote(ballots, options, dots) {
  const optionList = needNames(options, "bad_options", "options");
  if (!Number.isSafeInteger(dots) || dots < 1 || dots > 1000) {
    throw new TallyError("bad_parameter", "dots is a whole number from 1 to 1000");
  }
  const totals = new Map(optionList.map((o) => [o, 0]));
  const list = needList(ballots, "malformed_ballot", "ballots");
  list.forEach((raw, index) => {
    const ballot = needObject(raw, "malformed_ballot", `ballot ${index}`);
    let spent = 0;
    for (const [option, value] of Object.entries(ballot)) {
      if (!totals.has(option)) throw new TallyError("unknown_option", `ballot ${index} names an unknown option`);
      spent += needCount(value, `ballot ${index}: ${option}`);
    }
    if (spent > dots) throw new TallyError("dots_overspent", `ballot ${index} spends ${spent} dots of ${dots}`);
    for (const [option, value] of Object.entries(ballot)) totals.set(option, totals.get(option) + value);
  });
  const position = (option) => optionList.indexOf(option);
  const order = [...optionList].sort((a, b) => totals.get(b) - totals.get(a) || position(a) - position(b));
  const top = totals.get(order[0]);
  let cast = 0;
  for (const value of totals.values()) cast += value;
  return {
    totals: Object.fromEntries(totals),
    order,
    leaders: top > 0 ? order.filter((o) => totals.get(o) === top) : [],
    ballots: list.length,
    dots_cast: cast,
  };
}
