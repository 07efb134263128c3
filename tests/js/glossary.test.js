// The contested-terms matcher (static/js/dialogues/glossary.js) on the shared cases, which the
// browser test (tests/browser/test_glossary_js.py) also runs in Chromium.

import assert from "node:assert/strict";
import { test } from "node:test";

import { findTerms } from "../../static/js/dialogues/glossary.js";
import shared from "./glossary-cases.json" with { type: "json" };

for (const { text, hits } of shared.cases) {
  test(`finds the terms in ${JSON.stringify(text)}`, () => {
    const found = findTerms(text, shared.terms).map((hit) => [
      text.slice(hit.start, hit.end),
      hit.term.doc.id,
      hit.rendering.contested,
    ]);
    assert.deepEqual(found, hits);
  });
}
