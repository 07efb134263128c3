"""The contested-terms matcher (static/js/dialogues/glossary.js) in Chromium.

The cases (tests/js/glossary-cases.json) are shared with the Node test (tests/js/glossary.test.js);
here they run on Chromium's Unicode data, which the pages use to fold and segment text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHARED = json.loads(
    (Path(__file__).resolve().parents[1] / "js" / "glossary-cases.json").read_text("utf-8")
)
TERMS = SHARED["terms"]
# (text, [(matched text, term id, contested?)])
CASES = [(case["text"], [tuple(hit) for hit in case["hits"]]) for case in SHARED["cases"]]


def test_glossary_matcher(browser, static_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(static_server + "/")
    results = page.evaluate(
        """async ([terms, texts]) => {
            const { findTerms } = await import("/js/dialogues/glossary.js");
            return texts.map((text) => findTerms(text, terms).map((hit) =>
                [text.slice(hit.start, hit.end), hit.term.doc.id, hit.rendering.contested]));
        }""",
        [TERMS, [text for text, _hits in CASES]],
    )
    for (text, expected), got in zip(CASES, results, strict=True):
        assert [tuple(hit) for hit in got] == expected, text
    context.close()
