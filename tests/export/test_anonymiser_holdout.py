"""The held-out evaluation (tests/export/anonymiser_holdout.json, written apart from the shared
cases): the anonymiser catches at least 90% of the passages a reader would need removed, replaces
by default at most 3 ordinary words in the ten trap notes, and the browser's module, run by Node,
finds exactly what the Python one finds. ``facilitator-bench anonymiser`` prints the same
figures."""

from __future__ import annotations

import shutil

import pytest

from facilitator.export.anonymise import review
from facilitator_bench.anonymiser.holdout import (
    as_summary,
    evaluate,
    flag_spans,
    in_node,
    load,
)

DATA = load()
LOCALES = {"en", "ar", "fa", "he", "ur", "ps", "ckb", "ru", "uk", "tr", "fr", "es"}


def test_the_held_out_set_is_what_the_evaluation_needs():
    assert len(DATA["roster"]) == 20
    assert len(DATA["traps"]) == 10
    assert {note["lang"] for note in DATA["notes"]} == LOCALES
    assert len({trap["lang"] for trap in DATA["traps"]}) >= 8
    for note in DATA["notes"]:
        assert note["flags"], note
        flag_spans(note["text"], note["flags"])  # every flag is in its text


def test_recall_and_false_alarms_meet_their_targets():
    figures = evaluate(DATA, node=False)
    assert figures.flags >= 80
    assert figures.recall >= 0.9, figures.report()
    assert len(figures.false_alarms) <= 3, figures.report()


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_python_and_javascript_give_identical_findings_on_the_held_out_set():
    context = {"roster": DATA["roster"]}
    summaries = [as_summary(DATA["notes"]), as_summary(DATA["traps"])]
    python = [review(summary, context) for summary in summaries]
    node = in_node([{"summary": summary, "context": context} for summary in summaries])
    assert sum(map(len, python)) > 80
    assert node == python
    assert evaluate(DATA).parity
