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
