"""The browser's export anonymiser (static/js/export/anonymise.js) in Chromium, against the shared
cases in tests/export/anonymiser_cases.json that the Python module passes too: the same findings
(offsets in code points, not UTF-16 units) and the same anonymised summary, case for case."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from facilitator.export.anonymise import review
from facilitator.export.anonymise.fold import unknown
from tests.export.test_anonymiser_parity import random_cases

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads(
    (ROOT / "tests" / "export" / "anonymiser_cases.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.browser
def test_anonymiser_cases_pass_in_chromium(browser, static_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(static_server + "/")
    results = page.evaluate(
        """async (cases) => {
            const { review, apply } = await import("/js/export/anonymise.js");
            return cases.map((c) => {
                const before = JSON.stringify(c);
                const findings = review(c.summary, c.context);
                const output = apply(c.summary, c.context, c.decisions, c.labels);
                const every = findings.map((f) => ({ id: f.id, action: "replace" }));
                const again = review(apply(c.summary, c.context, every), c.context);
                return { findings, output, again, pure: JSON.stringify(c) === before };
            });
        }""",
        CASES,
    )
    for case, result in zip(CASES, results, strict=True):
        assert result["findings"] == case["expect"]["findings"], case["name"]
        assert result["output"] == case["expect"]["output"], case["name"]
        assert result["again"] == [], case["name"]
        assert result["pure"], case["name"]
    context.close()


@pytest.mark.browser
def test_a_transliteration_finding_shows_the_roster_spelling(browser, static_server):
    """The Latin "Ahmad al-Sharif" is found for the roster's "أحمد الشريف", and the reviewer's
    finding says which roster spelling it stands for; a same-script finding says nothing more."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(static_server + "/")
    shown = page.evaluate(
        """async () => {
            const { review } = await import("/js/export/anonymise.js");
            const { findingView } = await import("/js/dialogues/summary-findings.js");
            const summary = { sessions: [{ title: "Day 1", items: [{ title: "Harbour", rule: "on_record",
              notes: [{ text: "Ahmad al-Sharif and أحمد الشريف agreed." }] }] }] };
            const found = review(summary, { roster: [{ display_name: "أحمد الشريف" }] });
            const list = document.createElement("ul");
            document.body.append(list);
            found.forEach((finding, index) => list.append(findingView(finding, index, summary, () => {})));
            return found.map((finding, index) => ({
              match: finding.match,
              via: finding.via ?? null,
              hint: list.children[index].querySelector(".finding-via")?.textContent ?? null,
            }));
        }"""
    )
    assert shown == [
        {
            "match": "Ahmad al-Sharif",
            "via": "transliteration",
            "hint": "Matched by sound, written in another script than “أحمد الشريف” on the roster",
        },
        {"match": "أحمد الشريف", "via": None, "hint": None},
    ]
    context.close()


ASSIGNED = """() => {
    const unassigned = /^\\p{Cn}$/u;
    const ranges = [];
    let start = -1;
    for (let point = 0; point <= 0x110000; point += 1) {
        const known = point <= 0x10ffff && !unassigned.test(String.fromCodePoint(point));
        if (known && start < 0) start = point;
        if (!known && start >= 0) { ranges.push([start, point - 1]); start = -1; }
    }
    return ranges;
}"""


@pytest.mark.browser
def test_random_texts_give_the_same_findings_in_chromium_as_in_python(browser, static_server):
    """The property test of tests/export/test_anonymiser_parity.py, in Chromium, whose Unicode
    version is its own: the same random texts from every script in use, the same findings; and
    every code point Chromium assigns that Python does not is treated as unknown."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(static_server + "/")
    cases = random_cases()
    found = page.evaluate(
        """async (cases) => {
            const { review } = await import("/js/export/anonymise.js");
            return cases.map((c) => review(c.summary, c.context));
        }""",
        cases,
    )
    for case, theirs in zip(cases, found, strict=True):
        assert theirs == review(case["summary"], case["context"]), case
    newer = [
        point
        for low, high in page.evaluate(ASSIGNED)
        for point in range(low, high + 1)
        if unicodedata.category(chr(point)) == "Cn"
    ]
    assert all(unknown(chr(point)) for point in newer)
    context.close()
