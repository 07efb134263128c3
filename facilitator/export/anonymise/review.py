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
     "confidence": "certain",            # or "possible": see ``confidence``
     "context": "…"}                     # up to 24 code points either side, and the match

A roster name or affiliation found written in another script (``translit``) has one more key,
``"via": "transliteration"``, so that the reviewer sees that the spelling differs; its kind,
label and default action are those of the same finding in the roster's script.

A "possible" finding (a single word of a name that is also a common word of the text's language,
``confidence``) is kept unless the convener decides otherwise; a "certain" one is replaced. A
possible finding of a person found certainly elsewhere in the same text is certain (see
``confidence.vouches``).

Scanned, in this order: the dialogue's title, the free text, then each session's title, each
kept item's title, each kept note's text and its translation's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from facilitator.export.anonymise.confidence import CERTAIN, confidence, languages, vouches
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
    position: str = "whole"

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
    confidence: str = CERTAIN

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
            "confidence": self.confidence,
            "context": self.text[max(0, self.start - CONTEXT_CHARS) : self.end + CONTEXT_CHARS],
        }
        if self.via is not None:
            out["via"] = self.via
        return out


def _hits(
    text: str, listed: list[Needle], crossed: list[CrossNeedle], handles: list[str], lang: str = ""
) -> list[_Hit]:
    """The hits in one text: earliest first, the longest where several start together, never
    overlapping; a same-script hit before a transliterated one of the same span."""
    folded = Folded.of(text)
    found = [_Hit(s, e, "handle", text[s:e], -1) for s, e in find_handles(text, handles)]
    for order, needle in enumerate(listed):
        found += [
            _Hit(s, e, needle.kind, needle.source, order, None, needle.position)
            for s, e in find(folded, needle, lang)
        ]
    if crossed:
        readings = Readings(folded)
        for order, cross in enumerate(crossed, start=len(listed)):
            found += [
                _Hit(s, e, cross.kind, cross.source, order, TRANSLITERATION, cross.position)
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
    lang_of = dict(languages(summary))
    out = []
    for where, text in fields(summary):
        lang = lang_of.get(where, "")
        hits = _hits(text, listed, crossed, handles, lang)
        sure = [confidence(text, h.start, h.end, h.kind, h.position, lang) for h in hits]
        # A word that also names someone certainly found in the same text is that person.
        named = {
            h.source
            for h, s in zip(hits, sure, strict=True)
            if s == CERTAIN and vouches(text, h.start, h.kind, h.position)
        }
        for hit, level in zip(hits, sure, strict=True):
            level = CERTAIN if hit.source in named else level
            out.append(
                Finding(where, text, hit.start, hit.end, hit.kind, hit.source, hit.via, level)
            )
    return out
