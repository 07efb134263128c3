"""The contested-terms matcher (static/js/dialogues/glossary.js) in Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

TERMS = [
    {"doc": {"id": "t1", "agreed": {"en": "administration", "ar": "الإدارة", "fr": "administration"},
             "contested": {"en": ["occupation"], "ar": ["الاحتلال"], "fr": ["occupation"]}}},
    {"doc": {"id": "t2", "agreed": {"en": "Vell River", "ru": "река Велл", "fa": "رود ول"},
             "contested": {"en": ["Wadi Vell"]}}},
    {"doc": {"id": "t3", "agreed": {"fr": "Château-Vell"}, "contested": {}}},
]
# (text, [(matched text, term id, contested?)])
CASES = [
    ("The occupation of the valley", [("occupation", "t1", True)]),
    ("The OCCUPATION of the valley", [("OCCUPATION", "t1", True)]),
    ("preoccupation is not a term", []),
    ("occupations", []),
    ("تحدث عن الاحتلال أمس", [("الاحتلال", "t1", True)]),
    ("والاحتلال مرفوض", [("الاحتلال", "t1", True)]),
    ("قالت إن الإدارة المحلية", [("الإدارة", "t1", False)]),
    ("قالت إن الادارة المحلية", [("الادارة", "t1", False)]),
    ("قالت إن الإدارَة المحلية", [("الإدارَة", "t1", False)]),
    ("ال\u200fإدارة", [("ال\u200fإدارة", "t1", False)]),
    ("Мы обсуждали реку Велл и река Велл", [("река Велл", "t2", False)]),
    ("از رود ول آب می‌گیرند", [("رود ول", "t2", False)]),
    ("😀 The Wadi Vell flows", [("Wadi Vell", "t2", True)]),
    ("Chateau-Vell et château-vell", [("Chateau-Vell", "t3", False), ("château-vell", "t3", False)]),
    ("Mixed: the إدارة and the occupation", [("occupation", "t1", True)]),
    ("", []),
]


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
