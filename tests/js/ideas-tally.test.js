// The shared counting cases (tests/ideas/ideas_cases.json) against static/js/ideas/: the browser
// counts what facilitator/ideas/ counts (tests/ideas/test_tally.py), case for case, and refuses
// what it refuses with the same code.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  MIN_CELL,
  TallyError,
  aggregateVotes,
  bridgingRanking,
  consentResult,
  dotVote,
  instantRunoff,
} from "../../static/js/ideas/tally.js";

const { cases: CASES } = JSON.parse(readFileSync(new URL("../ideas/ideas_cases.json", import.meta.url), "utf8"));

const thresholds = (a) => ({
  minCell: a.min_cell,
  commonGround: a.common_ground,
  divisiveHigh: a.divisive_high,
  divisiveLow: a.divisive_low,
});

const RUN = {
  aggregate_votes: (a) => aggregateVotes(a.ballots, a.side_of, { hands: a.hands, sides: a.sides }),
  bridging_ranking: (a) => bridgingRanking(a.aggregates, a.sides, thresholds(a)),
  aggregate_then_rank: (a) =>
    bridgingRanking(aggregateVotes(a.ballots, a.side_of, { hands: a.hands, sides: a.sides }), a.sides),
  consent_result: (a) =>
    consentResult(a.ballots, a.side_of, { sides: a.sides, hands: a.hands, minCell: a.min_cell }),
  instant_runoff: (a) => instantRunoff(a.ballots, a.options),
  dot_vote: (a) => dotVote(a.ballots, a.options, a.dots),
};

for (const c of CASES) {
  test(c.name, () => {
    const args = structuredClone(c.args);
    if ("error" in c) {
      assert.throws(
        () => RUN[c.fn](args),
        (error) => error instanceof TallyError && error.code === c.error && error.message !== "",
      );
    } else {
      assert.deepEqual(RUN[c.fn](args), c.expect);
    }
    assert.deepEqual(args, c.args, "the inputs are left as they were");
  });
}

test("what a suppressed cell holds changes nothing published", () => {
  const small = [];
  for (let agree = 0; agree < 3; agree += 1) {
    for (let disagree = 0; disagree < 3; disagree += 1) {
      for (let pass = 0; pass < 3; pass += 1) {
        const n = agree + disagree + pass;
        if (n > 0 && n < MIN_CELL) small.push({ agree, disagree, pass });
      }
    }
  }
  const shown = { agree: 9, disagree: 1, pass: 0 };
  const rank = (cell) => bridgingRanking({ s: { north: shown, south: cell } }, ["north", "south"]);
  const results = new Set(small.map((cell) => JSON.stringify(rank(cell))));
  assert.equal(small.length, 9);
  assert.equal(results.size, 1);
});

test("names that are also Object.prototype's keys are counted as names", () => {
  const ballot = { voter: "constructor", statement: "__proto__", vote: "agree" };
  const result = aggregateVotes([ballot], { constructor: "toString" });
  assert.deepEqual(Object.keys(result), ["__proto__"]);
  assert.deepEqual(result["__proto__"].toString, { agree: 1, disagree: 0, pass: 0, hands: 0 });
  const stranger = { voter: "hasOwnProperty", statement: "s", vote: "agree" };
  assert.throws(() => aggregateVotes([stranger], {}), { code: "unknown_voter" });
});
