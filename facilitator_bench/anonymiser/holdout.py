"""The held-out evaluation of the anonymiser (tests/export/anonymiser_holdout.json): how many of
the passages a reader would need removed are caught (every letter of the passage inside a finding
that the export replaces by default), how many ordinary words in the trap notes
would be replaced by default, and whether the browser's module (run by Node) finds exactly what
the Python one finds."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitator.export.anonymise import review
from facilitator.export.anonymise.confidence import POSSIBLE

ROOT = Path(__file__).resolve().parents[2]
HOLDOUT = ROOT / "tests" / "export" / "anonymiser_holdout.json"
NODE_SIDE = ROOT / "scripts" / "anonymiser_review.mjs"
ALWAYS_REPLACED = frozenset({"handle", "pseudonym"})


def load(path: Path = HOLDOUT) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def as_summary(notes: list[dict[str, Any]]) -> dict[str, Any]:
    """The notes as one summary, one item each, so that a finding's ``where`` names its note."""
    items = [
        {
            "title": "",
            "rule": "chatham_house",
            "notes": [{"kind": "point", "text": note["text"], "lang": note["lang"]}],
        }
        for note in notes
    ]
    return {"dialogue": {"title": ""}, "sessions": [{"title": "", "items": items}]}


def replaced_by_default(finding: dict[str, Any]) -> bool:
    """Whether the export replaces the finding when the convener decides nothing."""
    return finding["kind"] in ALWAYS_REPLACED or finding["confidence"] != POSSIBLE


def flag_spans(text: str, flags: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each flag: the next occurrence of its text after the previous one of the
    same text."""
    spans: list[tuple[int, int]] = []
    after: dict[str, int] = {}
    for flag in flags:
        start = text.find(flag, after.get(flag, 0))
        if start < 0:
            raise ValueError(f"flag {flag!r} not in {text!r}")
        after[flag] = start + 1
        spans.append((start, start + len(flag)))
    return spans


def _covered(text: str, start: int, end: int, findings: list[dict[str, Any]]) -> bool:
    """Whether every letter and digit of text[start:end] is inside one of ``findings`` (a name
    may be found as two findings, one per word)."""
    return all(
        any(f["start"] <= at < f["end"] for f in findings)
        for at in range(start, end)
        if text[at].isalnum()
    )


def _note_of(finding: dict[str, Any]) -> int:
    return int(finding["where"].split(".items[")[1].split("]")[0])


@dataclass
class Figures:
    flags: int = 0
    caught: int = 0
    shown: int = 0  # caught, or found as "possible" for the reviewer to decide
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    trap_possible: int = 0
    parity: bool = True
    differences: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.flags if self.flags else 1.0

    def report(self) -> str:
        lines = [
            f"held-out notes: {self.caught}/{self.flags} flags caught "
            f"({100 * self.recall:.1f}%), {self.shown}/{self.flags} shown to the reviewer",
            f"trap set: {len(self.false_alarms)} false alarm(s), "
            f"{self.trap_possible} possible finding(s) kept by default",
            "Python and JS (Node) findings identical: " + ("yes" if self.parity else "NO"),
        ]
        lines += [f"  missed: {miss}" for miss in self.missed]
        lines += [f"  false alarm: {alarm}" for alarm in self.false_alarms]
        lines += [f"  differs: {where}" for where in self.differences]
        return "\n".join(lines)


def in_node(reviews: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The browser's module's findings for each {summary, context}, run by Node."""
    done = subprocess.run(  # noqa: S603 - Node on a script of the repository
        ["node", str(NODE_SIDE)],  # noqa: S607 - Node from PATH, as the tests run it
        input=json.dumps({"reviews": reviews}),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    found: list[list[dict[str, Any]]] = json.loads(done.stdout)["reviews"]
    return found


def evaluate(data: dict[str, Any] | None = None, node: bool = True) -> Figures:
    data = data or load()
    context = {"roster": data["roster"]}
    notes, traps = as_summary(data["notes"]), as_summary(data["traps"])
    found_notes, found_traps = review(notes, context), review(traps, context)
    figures = Figures()
    for index, note in enumerate(data["notes"]):
        mine = [f for f in found_notes if _note_of(f) == index]
        for (start, end), flag in zip(
            flag_spans(note["text"], note["flags"]), note["flags"], strict=True
        ):
            figures.flags += 1
            figures.shown += _covered(note["text"], start, end, mine)
            if _covered(note["text"], start, end, [f for f in mine if replaced_by_default(f)]):
                figures.caught += 1
            else:
                figures.missed.append(f"{note['lang']}: {flag!r} in {note['text']!r}")
    for finding in found_traps:
        if replaced_by_default(finding):
            note = data["traps"][_note_of(finding)]
            figures.false_alarms.append(f"{note['lang']}: {finding['match']!r} ({note['text']!r})")
        else:
            figures.trap_possible += 1
    if node:
        theirs = in_node(
            [{"summary": notes, "context": context}, {"summary": traps, "context": context}]
        )
        for name, ours, js in (
            ("notes", found_notes, theirs[0]),
            ("traps", found_traps, theirs[1]),
        ):
            if ours != js:
                figures.parity = False
                figures.differences += [
                    f"{name}: {f['id']} {f['match']!r}"
                    for f in [*ours, *js]
                    if (f in ours) != (f in js)
                ]
    return figures
