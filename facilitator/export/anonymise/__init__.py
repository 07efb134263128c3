"""The export anonymiser: who could be recognised in a summary, and the summary without them.

Pure code, no I/O. It runs where the plaintext is (``facilitator export`` on the convener's
computer); the browser runs the same rules in ``static/js/export/anonymise/``, with the same
language tables (``static/shared/anonymiser-languages.json``). Both pass every case in
``tests/export/anonymiser_cases.json``. docs/export.md, "Anonymisation", has the reasons.

Two steps, so that the convener reviews every passage before anything is written:

``review(summary, context) -> findings``
    Every place where a roster name, affiliation, side, convener term, pseudonym or member
    handle appears in what the export keeps.
``apply(summary, context, decisions, labels=None) -> summary``
    The summary as exported: findings replaced as decided, handles and pseudonyms always
    replaced, off-the-record, no-notes and team-channel content gone, times cut to the day,
    small counts by side suppressed.

The stages, one module each: ``model`` parses the inputs (their shapes are described there),
``fold`` gives the form in which names are compared, ``match`` finds names in a text,
``translit`` finds roster names and affiliations written in another script,
``review`` turns matches into findings (their shape is described there) and ``apply`` writes
the export.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from facilitator.export.anonymise.apply import DEFAULT_LABELS, Cleaner, exported
from facilitator.export.anonymise.fold import Folded, fold, fold_char, script_of, split_words
from facilitator.export.anonymise.match import PRIORITY, Needle, find, find_handles
from facilitator.export.anonymise.model import (
    day_of,
    parse_context,
    parse_decisions,
    parse_summary,
)
from facilitator.export.anonymise.review import LABEL_OF_KIND, findings

__all__ = [
    "DEFAULT_LABELS",
    "LABEL_OF_KIND",
    "PRIORITY",
    "Folded",
    "Needle",
    "apply",
    "day_of",
    "find",
    "find_handles",
    "fold",
    "fold_char",
    "review",
    "script_of",
    "split_words",
]


def review(summary: Mapping[str, Any], context: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every finding in what the export keeps, in reading order."""
    found = findings(parse_summary(summary), parse_context(context))
    return [finding.as_dict() for finding in found]


def apply(
    summary: Mapping[str, Any],
    context: Mapping[str, Any],
    decisions: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The summary as exported (see ``facilitator.export.anonymise.apply``). ``summary`` is not
    changed."""
    parsed = parse_summary(summary)
    found = findings(parsed, parse_context(context))
    clean = Cleaner(found, parse_decisions(decisions), {**DEFAULT_LABELS, **(labels or {})})
    return exported(parsed, clean)
