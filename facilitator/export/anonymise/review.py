"""Review: every place where the export would keep something that names someone, as findings
for the convener to decide on.

A finding::

    {"id": "sessions[0].items[1].notes[0].text:4-20",
     "where": "sessions[0].items[1].notes[0].text",
     "start": 4, "end": 20,              # Unicode code points of that text, end exclusive
     "match": "Yusuf Al-Mansour",        # exactly text[start:end]
     "kind": "participant",              # participant, affiliation, side, term, pseudonym, handle
     "label": "participant",             # participant, organisation, side or term
     "source": "Yusuf Al-Mansour",       # the listed name that was found (a handle: itself)
     "context": "…"}                     # up to 24 code points either side, and the match

A roster name or affiliation found written in another script (``translit``) has one more key,
``"via": "transliteration"``, so that the reviewer sees that the spelling differs; its kind,
label and default action are those of the same finding in the roster's script.

Scanned, in this order: the dialogue's title, the free text, then each session's title, each
kept item's title, each kept note's text and its translation's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from facilitator.export.anonymise.fold import Folded
from facilitator.export.anonymise.match import (
    PRIORITY,
    Needle,
    cross_needles,
    find,
    find_handles,
    needles,
)
from facilitator.export.anonymise.model import Context, Summary
from facilitator.export.anonymise.translit import CrossNeedle, Readings

TRANSLITERATION = "transliteration"

LABEL_OF_KIND = {
    "handle": "participant",
    "pseudonym": "participant",
    "participant": "participant",
    "affiliation": "organisation",
    "side": "side",
    "term": "term",
}
CONTEXT_CHARS = 24


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str
    source: str
    order: int
    via: str | None = None

    def rank(self) -> tuple[int, int, bool, int, int]:
        """Earliest first, then the longest, then same-script before transliterated, then by
        kind and listing order."""
        via = self.via is not None
        return (self.start, self.start - self.end, via, PRIORITY.index(self.kind), self.order)


@dataclass(frozen=True)
class Finding:
    where: str
    text: str  # the whole text the finding is in
    start: int
    end: int
    kind: str
    source: str
    via: str | None = None

    @property
    def id(self) -> str:
        return f"{self.where}:{self.start}-{self.end}"

    @property
    def match(self) -> str:
        return self.text[self.start : self.end]

    @property
    def label(self) -> str:
        return LABEL_OF_KIND[self.kind]

    def as_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "where": self.where,
            "start": self.start,
            "end": self.end,
            "match": self.match,
            "kind": self.kind,
            "label": self.label,
            "source": self.source,
            "context": self.text[max(0, self.start - CONTEXT_CHARS) : self.end + CONTEXT_CHARS],
        }
        if self.via is not None:
            out["via"] = self.via
        return out


def _hits(
    text: str, listed: list[Needle], crossed: list[CrossNeedle], handles: list[str]
) -> list[_Hit]:
    """The hits in one text: earliest first, the longest where several start together, never
    overlapping; a same-script hit before a transliterated one of the same span."""
    folded = Folded.of(text)
    found = [_Hit(s, e, "handle", text[s:e], -1) for s, e in find_handles(text, handles)]
    for order, needle in enumerate(listed):
        found += [_Hit(s, e, needle.kind, needle.source, order) for s, e in find(folded, needle)]
    if crossed:
        readings = Readings(folded)
        for order, cross in enumerate(crossed, start=len(listed)):
            found += [
                _Hit(s, e, cross.kind, cross.source, order, TRANSLITERATION)
                for s, e in readings.find(cross)
            ]
    kept: list[_Hit] = []
    for hit in sorted(found, key=_Hit.rank):
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def fields(summary: Summary) -> Iterator[tuple[str, str]]:
    """(where, text) for every text the export keeps, in reading order."""
    yield "dialogue.title", summary.title
    if summary.free_text is not None:
        yield "free_text", summary.free_text
    for session in summary.sessions:
        yield f"sessions[{session.index}].title", session.title
        for item in session.items:
            yield f"sessions[{session.index}].items[{item.index}].title", item.title
            for note in item.notes:
                where = f"sessions[{session.index}].items[{item.index}].notes[{note.index}]"
                yield f"{where}.text", note.text
                if note.translation is not None:
                    yield f"{where}.translation.text", note.translation.text


def findings(summary: Summary, context: Context) -> list[Finding]:
    """Every finding in what the export keeps, in reading order."""
    listed = needles(context)
    crossed = cross_needles(context)
    handles = [person.handle for person in context.roster if person.handle]
    return [
        Finding(where, text, hit.start, hit.end, hit.kind, hit.source, hit.via)
        for where, text in fields(summary)
        for hit in _hits(text, listed, crossed, handles)
    ]
