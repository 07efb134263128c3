"""The anonymiser's inputs, parsed once at its edge into typed values.

The summary and context come as JSON (from ``facilitator.export.summary``, or a test's case), so
anything may be missing or of another type; this module decides once what each odd value
means, and the stages after it work on these types only. Input::

    summary = {
        "dialogue": {"title": str},
        "free_text": str,                        # optional: the convener's edited summary
        "sessions": [{
            "title": str,
            "day": "YYYY-MM-DD",                 # a longer ISO datetime is cut to its date
            "items": [{
                "title": str,
                "phase": str,                    # optional, passed through
                "rule": "chatham_house" | "on_record" | "off_the_record" | "no_notes",
                "notes": [{
                    "kind": "point" | "idea" | "proposal" | "agreement" | "disagreement"
                            | "question" | "action",
                    "text": str, "lang": str,
                    "translation": {"text": str, "lang": str},   # optional
                    "at": "YYYY-MM-DDThh:mm:ss±hh:mm",
                    "channel": "team",           # optional: a team-channel note, never exported
                }],
                "counts": {"by_side": {side: int}},              # optional
            }],
        }],
    }
    context = {
        "roster": [{"display_name": str, "affiliation": str, "side": str, "handle": str,
                    "aliases": [str]}],                   # aliases: other spellings of the name
        "sides": [str], "terms": [str], "pseudonyms": [str],   # every list and key optional
    }

A missing or mistyped text is "". Items other than ``chatham_house`` and ``on_record`` (an
unknown or missing rule included), team-channel notes, and list entries that are not objects are
left out here, so no later stage can see them. A session's ``day`` and a note's ``at`` are cut
to their ISO date (None without one).

A decision is ``{"id": ..., "action": "replace" | "keep", "replacement": str}`` (replacement
optional); one without a string id is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

EXPORTED_RULES = frozenset({"chatham_house", "on_record"})
TEAM_CHANNEL = "team"
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Translation:
    text: str
    lang: str


@dataclass(frozen=True)
class Note:
    index: int  # in the input's list: a finding's ``where`` names it
    kind: str
    text: str
    lang: str
    translation: Translation | None
    day: str | None  # the date its ``at`` starts with


@dataclass(frozen=True)
class Item:
    index: int
    title: str
    phase: str | None
    rule: str
    notes: tuple[Note, ...]
    by_side: Mapping[str, object] | None  # the counts as given; apply decides which are shown


@dataclass(frozen=True)
class Session:
    index: int
    title: str
    day: str | None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Summary:
    title: str
    free_text: str | None
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class Person:
    display_name: str
    affiliation: str
    side: str
    handle: str
    aliases: tuple[str, ...] = ()  # other spellings, a nickname, an abbreviation


@dataclass(frozen=True)
class Context:
    roster: tuple[Person, ...]
    sides: tuple[str, ...]
    terms: tuple[str, ...]
    pseudonyms: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    action: str | None
    replacement: str | None


def day_of(value: Any) -> str | None:
    """The ISO date a timestamp starts with, as written (no time zone arithmetic, which could
    move a note to another day than the one it was taken on)."""
    if isinstance(value, str) and ISO_DAY.match(value):
        return value[:10]
    return None


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _entries(value: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, entry) for the objects in a JSON list, indexed as in the list."""
    for index, entry in enumerate(value if isinstance(value, list) else []):
        if isinstance(entry, Mapping):
            yield index, entry


def _note(index: int, note: Mapping[str, Any]) -> Note:
    translation = note.get("translation")
    return Note(
        index,
        _str(note.get("kind"), "point"),
        _str(note.get("text")),
        _str(note.get("lang")),
        (
            Translation(_str(translation.get("text")), _str(translation.get("lang")))
            if isinstance(translation, Mapping)
            else None
        ),
        day_of(note.get("at")),
    )


def _item(index: int, item: Mapping[str, Any]) -> Item | None:
    rule = item.get("rule")
    if not isinstance(rule, str) or rule not in EXPORTED_RULES:
        return None
    notes = tuple(
        _note(n, note)
        for n, note in _entries(item.get("notes"))
        if note.get("channel") != TEAM_CHANNEL
    )
    phase = item.get("phase")
    by_side = _mapping(item.get("counts")).get("by_side")
    return Item(
        index,
        _str(item.get("title")),
        phase if isinstance(phase, str) else None,
        rule,
        notes,
        by_side if isinstance(by_side, Mapping) else None,
    )


def _session(index: int, session: Mapping[str, Any]) -> Session:
    items = (_item(i, item) for i, item in _entries(session.get("items")))
    return Session(
        index,
        _str(session.get("title")),
        day_of(session.get("day")),
        tuple(item for item in items if item is not None),
    )


def parse_summary(summary: Mapping[str, Any]) -> Summary:
    free_text = summary.get("free_text")
    return Summary(
        _str(_mapping(summary.get("dialogue")).get("title")),
        free_text if isinstance(free_text, str) else None,
        tuple(_session(s, session) for s, session in _entries(summary.get("sessions"))),
    )


def parse_context(context: Mapping[str, Any]) -> Context:
    roster = tuple(
        Person(
            _str(entry.get("display_name")),
            _str(entry.get("affiliation")),
            _str(entry.get("side")),
            _str(entry.get("handle")),
            _strings(entry.get("aliases")),
        )
        for _index, entry in _entries(context.get("roster"))
    )
    return Context(
        roster,
        _strings(context.get("sides")),
        _strings(context.get("terms")),
        _strings(context.get("pseudonyms")),
    )


ROSTER_KEYS = ("display_name", "affiliation", "side", "handle")


def roster_entry(person: Mapping[str, Any]) -> dict[str, Any]:
    """The roster entry for a person document: its name, affiliation, side and handle where they
    are non-blank strings, and its non-blank ``aliases``. The browser builds the same entry
    (``rosterEntry`` in static/js/export/anonymise/model.js)."""
    out: dict[str, Any] = {
        key: person[key]
        for key in ROSTER_KEYS
        if isinstance(person.get(key), str) and person[key].strip()
    }
    aliases = [a for a in _strings(person.get("aliases")) if a.strip()]
    if aliases:
        out["aliases"] = aliases
    return out


def parse_decisions(decisions: Sequence[Mapping[str, Any]]) -> dict[str, Decision]:
    """Decision by finding id; a later decision on the same id wins."""
    return {
        d["id"]: Decision(
            d.get("action") if isinstance(d.get("action"), str) else None,
            d.get("replacement") if isinstance(d.get("replacement"), str) else None,
        )
        for d in decisions
        if isinstance(d, Mapping) and isinstance(d.get("id"), str)
    }
