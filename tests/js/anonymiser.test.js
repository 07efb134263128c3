// The browser's export anonymiser (static/js/export/anonymise.js) against the shared cases in
// tests/export/anonymiser_cases.json, which the Python package passes too
// (tests/export/test_anonymiser.py): the same findings, with offsets in code points, and the same
// anonymised summary, case for case.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { apply, review } from "../../static/js/export/anonymise.js";
import { rosterEntry, splitAliases } from "../../static/js/export/anonymise/model.js";
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
      const every = c.expect.findings.map((f) => ({ id: f.id, action: "replace" }));
      assert.deepEqual(review(apply(c.summary, c.context, every), c.context), []);
    });
  }
});

describe("aliases on the roster", () => {
  test("the invitation form's field is split on commas of every script, semicolons and lines", () => {
    assert.deepEqual(splitAliases(" Abu Khalid، أبو خالد ,HDA;Ahmed\nAhmed ,, "), ["Abu Khalid", "أبو خالد", "HDA", "Ahmed"]);
    assert.deepEqual(splitAliases(""), []);
    assert.deepEqual(splitAliases(undefined), []);
  });

  test("a person document's roster entry keeps non-blank strings and aliases only", () => {
    const doc = { type: "person", display_name: "أحمد الشريف", side: " ", affiliation: 3, handle: "h", aliases: ["Abu Khalid", " ", 7] };
    assert.deepEqual(rosterEntry(doc), { display_name: "أحمد الشريف", handle: "h", aliases: ["Abu Khalid"] });
    assert.deepEqual(rosterEntry({ display_name: "x", aliases: "not a list" }), { display_name: "x" });
  });

  test("an alias is found like the name, in its own and in other scripts, as the person", () => {
    const summary = { sessions: [{ items: [{ rule: "on_record", notes: [{ text: "Abu Khalid and أبو خالد spoke." }] }] }] };
    const context = { roster: [rosterEntry({ display_name: "أحمد الشريف", aliases: ["أبو خالد الصياد", "Abu Khalid"] })] };
    const found = review(summary, context).map((f) => [f.match, f.source, f.via ?? ""]);
    assert.deepEqual(found, [["Abu Khalid", "أحمد الشريف", ""], ["أبو خالد", "أحمد الشريف", ""]]);
  });
});
