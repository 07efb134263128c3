// The browser's export anonymiser (static/js/export/anonymise.js) against the shared cases in
// tests/export/anonymiser_cases.json, which the Python package passes too
// (tests/export/test_anonymiser.py): the same findings, with offsets in code points, and the same
// anonymised summary, case for case.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { apply, review } from "../../static/js/export/anonymise.js";
import shared from "../export/anonymiser_cases.json" with { type: "json" };

describe("anonymiser cases", () => {
  for (const c of shared.cases) {
    test(c.name, () => {
      const before = structuredClone(c);
      assert.deepEqual(review(c.summary, c.context), c.expect.findings);
      assert.deepEqual(apply(c.summary, c.context, c.decisions, c.labels), c.expect.output);
      assert.deepEqual(c, before, "apply and review must not change their input");
    });
  }
});

describe("once everything is replaced", () => {
  for (const c of shared.cases) {
    test(c.name, () => {
      assert.deepEqual(review(apply(c.summary, c.context, []), c.context), []);
    });
  }
});
