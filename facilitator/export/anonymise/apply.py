"""Apply: the summary as exported, with the convener's decisions on the findings.

Findings are replaced as decided; a "possible" finding without a decision is kept; any other
finding without a decision, or with another action than ``keep`` or ``replace``, is replaced by
its label, and handles and pseudonyms always are,
whatever the decision. Off-the-record, no-notes and team-channel content is already gone (see
``model``); times are cut to the day and small counts by side suppressed.

Output: the input's shape with only the keys it describes (``channel`` gone). Every note's
``at`` is its session's day (without one, the note's own date; without either, None). Counts
become ``{"by_side": {side: int | None}, "suppressed": [side, ...]}``: a count under 3 (or not a
number) is None and its side is listed in ``suppressed``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeGuard

from facilitator.export.anonymise.confidence import POSSIBLE
from facilitator.export.anonymise.model import Decision, Item, Note, Session, Summary
from facilitator.export.anonymise.review import Finding

# The English texts for the label keys; a user interface passes its own translations to apply().
DEFAULT_LABELS: dict[str, str] = {
    "participant": "[a participant]",
    "organisation": "[an organisation]",
    "side": "[a side]",
    "term": "[a term]",
}
ALWAYS_REPLACED = frozenset({"handle", "pseudonym"})
SMALLEST_COUNT = 3


class Cleaner:
    """Rewrites each kept text with the convener's decisions on its findings."""

    def __init__(
        self, findings: list[Finding], decisions: dict[str, Decision], labels: Mapping[str, str]
    ) -> None:
        self.labels = labels
        self.decisions = decisions
        self.by_field: dict[str, list[Finding]] = {}
        for finding in findings:
            self.by_field.setdefault(finding.where, []).append(finding)

    def replacement(self, finding: Finding) -> str:
        label = self.labels[finding.label]
        if finding.kind in ALWAYS_REPLACED:
            return label
        decision = self.decisions.get(finding.id)
        if decision is None and finding.confidence == POSSIBLE:
            return finding.match
        decision = decision or Decision(None, None)
        if decision.action == "keep":
            return finding.match
        own = decision.replacement
        return own if decision.action == "replace" and own is not None else label

    def __call__(self, where: str, text: str) -> str:
        parts, at = [], 0
        for finding in self.by_field.get(where, []):
            parts += [text[at : finding.start], self.replacement(finding)]
            at = finding.end
        return "".join([*parts, text[at:]])


def _exact_count(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def suppress_counts(by_side: Mapping[str, object]) -> dict[str, Any]:
    """A count by side under 3 becomes None (so that no one computes with it by mistake) and its
    side is listed in ``suppressed``; a value that is not a number is suppressed as well."""
    kept: dict[str, Any] = {}
    suppressed = []
    for side, count in by_side.items():
        if _exact_count(count) and count >= SMALLEST_COUNT:
            kept[side] = count
        else:
            kept[side] = None
            suppressed.append(side)
    return {"by_side": kept, "suppressed": suppressed}


def exported(summary: Summary, clean: Cleaner) -> dict[str, Any]:
    """The summary as exported (see the module's docstring)."""
    out: dict[str, Any] = {"dialogue": {"title": clean("dialogue.title", summary.title)}}
    if summary.free_text is not None:
        out["free_text"] = clean("free_text", summary.free_text)
    out["sessions"] = [_session(session, clean) for session in summary.sessions]
    return out


def _session(session: Session, clean: Cleaner) -> dict[str, Any]:
    where = f"sessions[{session.index}]"
    items = [
        _item(f"{where}.items[{item.index}]", item, session.day, clean) for item in session.items
    ]
    return {"title": clean(f"{where}.title", session.title), "day": session.day, "items": items}


def _item(where: str, item: Item, day: str | None, clean: Cleaner) -> dict[str, Any]:
    out: dict[str, Any] = {"title": clean(f"{where}.title", item.title)}
    if item.phase is not None:
        out["phase"] = item.phase
    out["rule"] = item.rule
    out["notes"] = [_note(f"{where}.notes[{note.index}]", note, day, clean) for note in item.notes]
    if item.by_side is not None:
        out["counts"] = suppress_counts(item.by_side)
    return out


def _note(where: str, note: Note, day: str | None, clean: Cleaner) -> dict[str, Any]:
    """A note as exported: dated by its session's day (or, without one, its own date)."""
    out: dict[str, Any] = {
        "kind": note.kind,
        "text": clean(f"{where}.text", note.text),
        "lang": note.lang,
    }
    if note.translation is not None:
        out["translation"] = {
            "text": clean(f"{where}.translation.text", note.translation.text),
            "lang": note.translation.lang,
        }
    out["at"] = day or note.day
    return out
