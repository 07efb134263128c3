"""The browser's export anonymiser (static/js/export/anonymise.js) in Chromium, against the shared
cases in tests/export/anonymiser_cases.json that the Python module passes too: the same findings
(offsets in code points, not UTF-16 units) and the same anonymised summary, case for case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
                const again = review(apply(c.summary, c.context, []), c.context);
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
            "hint": "In another script than “أحمد الشريف” on the roster",
        },
        {"match": "أحمد الشريف", "via": None, "hint": None},
    ]
    context.close()
