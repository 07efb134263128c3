// The shared counting cases (tests/ideas/ideas_cases.json) against static/js/ideas/: the browser
// counts what facilitator/ideas/ counts (tests/ideas/test_tally.py), case for case, and refuses
// what it refuses with the same code.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { MIN_CELL, TallyError, aggregateVotes, bridgingRanking } from "../../static/js/ideas/tally.js";
import { runCase } from "./ideas-run.js";

const { cases: CASES } = JSON.parse(readFileSync(new URL("../ideas/ideas_cases.json", import.meta.url), "utf8"));

for (const c of CASES) {
  test(c.name, () => {
    const args = structuredClone(c.args);
    if ("error" in c) {
      assert.throws(
        () => runCase(c.fn, args),
        (error) => error instanceof TallyError && error.code === c.error && error.message !== "",
      );
    } else {
      assert.deepEqual(runCase(c.fn, args), c.expect);
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
