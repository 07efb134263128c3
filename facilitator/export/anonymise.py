"""The export anonymiser: who could be recognised in a summary, and the summary without them.

Pure code, no I/O. It runs where the plaintext is (``facilitator export`` on the convener's
computer); the browser runs the same rules in ``static/js/export/anonymise.js``. Both pass every
case in ``tests/export/anonymiser_cases.json``. docs/export.md, "Anonymisation", has the reasons.

Two steps, so that the convener reviews every passage before anything is written:

``review(summary, context) -> findings``
    Every place where a roster name, affiliation, side, convener term, pseudonym or member
    handle appears in what the export keeps.
``apply(summary, context, decisions, labels=None) -> summary``
    The summary as exported: findings replaced as decided, handles and pseudonyms always
    replaced, off-the-record, no-notes and team-channel content gone, times cut to the day,
    small counts by side suppressed.

Input::

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
        "roster": [{"display_name": str, "affiliation": str, "side": str, "handle": str}],
        "sides": [str], "terms": [str], "pseudonyms": [str],   # every list and key optional
    }

Scanned, in this order: the dialogue's title, the free text, then each session's title, each
kept item's title, each kept note's text and its translation's text.

A finding::

    {"id": "sessions[0].items[1].notes[0].text:4-20",
     "where": "sessions[0].items[1].notes[0].text",
     "start": 4, "end": 20,              # Unicode code points of that text, end exclusive
     "match": "Yusuf Al-Mansour",        # exactly text[start:end]
     "kind": "participant",              # participant, affiliation, side, term, pseudonym, handle
     "label": "participant",             # participant, organisation, side or term
     "source": "Yusuf Al-Mansour",       # the listed name that was found (a handle: itself)
     "context": "…"}                     # up to 24 code points either side, and the match

A decision is ``{"id": ..., "action": "replace" | "keep", "replacement": str}`` (replacement
optional). A finding without a decision, or with another action, is replaced by its label.
Handles and pseudonyms are always replaced by their label, whatever the decision.

Output: the same shape with only the keys above (``channel`` gone). Items other than
``chatham_house`` and ``on_record`` (an unknown or missing rule included) and team-channel notes
are dropped. A session's ``day`` is its date and every note's ``at`` is its session's day (without
one, the note's own date; without either, None). Counts become
``{"by_side": {side: int | None}, "suppressed": [side, ...]}``: a count under 3 (or not a number)
is None and its side is listed in ``suppressed``.
"""

# The tables below are Arabic, Hebrew and Cyrillic letters on purpose:
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

# The English texts for the label keys; a user interface passes its own translations to apply().
DEFAULT_LABELS: dict[str, str] = {
    "participant": "[a participant]",
    "organisation": "[an organisation]",
    "side": "[a side]",
    "term": "[a term]",
}
LABEL_OF_KIND = {
    "handle": "participant",
    "pseudonym": "participant",
    "participant": "participant",
    "affiliation": "organisation",
    "side": "side",
    "term": "term",
}
# Where two findings cover the same passage, the earlier kind wins.
PRIORITY = ("handle", "pseudonym", "participant", "affiliation", "side", "term")
ALWAYS_REPLACED = frozenset({"handle", "pseudonym"})
EXPORTED_RULES = frozenset({"chatham_house", "on_record"})
TEAM_CHANNEL = "team"
SMALLEST_COUNT = 3
CONTEXT_CHARS = 24
HANDLE_LENGTH = 22

# --- folding: the form in which names are compared ----------------------------------------------

# Invisible characters dropped before comparing: soft hyphen, combining grapheme joiner, Arabic
# letter mark, tatweel, ZWNJ, ZWJ, LRM, RLM, the bidi embeddings and overrides, word joiner,
# the bidi isolates, and the byte order mark.
IGNORED = frozenset(
    chr(c)
    for c in (
        0x00AD,
        0x034F,
        0x061C,
        0x0640,
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        *range(0x202A, 0x202F),
        0x2060,
        *range(0x2066, 0x206A),
        0xFEFF,
    )
)
TATWEEL = "\u0640"
# Arabic-script letters written differently for the same name. Hamza forms (أ إ آ ؤ ئ) and ۀ
# reach their base letter by decomposition, before this table.
VARIANTS = {
    "ٱ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ة": "ه",
    "ۃ": "ه",
    "ہ": "ه",
    "ە": "ه",
    "ھ": "ه",
    "ک": "ك",
    "ڪ": "ك",
}
# What may stand between the words of a multi-word name: spaces (NFKD makes most spaces U+0020),
# line breaks, hyphens, apostrophes and the zero-width space.
SEPARATORS = frozenset(" \t\n\r\f\v-\u2010'\u2019\u200b")
# Clitics written attached to the next word: "and", "so", "with/by", "for", "like", and their
# pairs. With ل the article's alef drops (ل + الخطيب = للخطيب).
ARABIC_PREFIXES = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
LAM_PREFIXES = frozenset({"ل", "ول", "فل"})
# Arabic-script suffixes after the last word of a name: Persian ezafe or indefinite ی, the plural
# ها (the ZWNJ before it is ignored) and ها + ی.
ARABIC_SUFFIXES = frozenset({"ي", "ها", "هاي"})
# Hebrew one-letter prefixes (and, the, in, to, from, that, as), up to three in a row.
HEBREW_PREFIX_LETTERS = frozenset("והבלמשכ")
HEBREW_PREFIX_MAX = 3
# Russian and Ukrainian case endings of names (Волков -> Волкова, Дмитрий -> Дмитрия). These
# Cyrillic tables, like NAME_PARTICLES, are folded before use (й folds to и, ї to і).
# fmt: off
CYRILLIC_ENDINGS = frozenset(
    {
        "а", "я", "у", "ю", "е", "и", "ы", "о", "і", "ї",
        "ой", "ей", "ою", "ею", "ом", "ем", "ым", "им", "ых", "их", "ий", "ый", "ая", "ую",
        "ого", "его", "ому", "ему", "ами", "ями", "ам", "ям", "ах", "ях", "ові", "еві",
    }
)
# fmt: on
CYRILLIC_FINALS = frozenset("аяйьоеы")
CYRILLIC_ADJECTIVE_FINALS = frozenset({"ий", "ый", "ой", "ая", "яя", "ое"})
SHORTEST_STEM = 3
# Single words of a name shorter than this are not looked for on their own.
SHORTEST_PART = 3
# Particles in names: never looked for alone or at the end of a part of a name, but a part may
# start with one ("Al-Mansour"). علي is here because the preposition على folds to the same letters.
# fmt: off
NAME_PARTICLES = frozenset(
    {
        "al", "el", "bin", "ibn", "abu", "bint", "ould", "van", "von", "der", "den", "del",
        "della", "de", "da", "di", "du", "dos", "das", "la", "le", "los", "las",
        "بن", "ابن", "ابو", "بنت", "عبد", "الله", "علي",
    }
)
# fmt: on
# Scripts by code point range, for word boundaries: a change of script between two letters ends a
# word ("وAnatoly" is و + Anatoly). Letters of scripts written without spaces ("nospace") match
# inside longer runs. Letters outside every range, and digits, belong to the word around them.
SCRIPTS = (
    (0x0041, 0x005A, "latin"),
    (0x0061, 0x007A, "latin"),
    (0x00C0, 0x02AF, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x0870, 0x08FF, "arabic"),
    (0x0E00, 0x0EFF, "nospace"),
    (0x1000, 0x109F, "nospace"),
    (0x1780, 0x17FF, "nospace"),
    (0x1C80, 0x1C8F, "cyrillic"),
    (0x1E00, 0x1EFF, "latin"),
    (0x1F00, 0x1FFF, "greek"),
    (0x2C60, 0x2C7F, "latin"),
    (0x2DE0, 0x2DFF, "cyrillic"),
    (0x3005, 0x3007, "nospace"),
    (0x3040, 0x30FF, "nospace"),
    (0x31F0, 0x31FF, "nospace"),
    (0x3400, 0x4DBF, "nospace"),
    (0x4E00, 0x9FFF, "nospace"),
    (0xA640, 0xA69F, "cyrillic"),
    (0xA720, 0xA7FF, "latin"),
    (0xAB30, 0xAB6F, "latin"),
    (0xF900, 0xFAFF, "nospace"),
    (0xFB1D, 0xFB4F, "hebrew"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0xFF66, 0xFF9F, "nospace"),
    (0x20000, 0x3FFFF, "nospace"),
)
BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
# The last character of 16 bytes in unpadded base64url carries 2 bits and 4 zero bits.
HANDLE_LAST = frozenset("AQgw")
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _is_word(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


@cache
def script_of(char: str) -> str:
    """The script class of a letter ("" for digits and letters of other scripts)."""
    if not unicodedata.category(char).startswith("L"):
        return ""
    point = ord(char)
    for low, high, name in SCRIPTS:
        if low <= point <= high:
            return name
    return ""


@cache
def fold_char(char: str) -> str:
    """One code point in compared form: compatibility-decomposed, without marks or invisible
    controls, case-folded, Arabic-script variants unified. May be empty or several letters."""
    if char in IGNORED:
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", char):
        if _is_mark(part):
            continue
        # Upper then lower is the full case fold for everything that matters here (ß -> ss,
        # final sigma -> σ) and is what JavaScript can do too.
        for folded in unicodedata.normalize("NFKD", part.upper().lower()):
            if not _is_mark(folded) and folded not in IGNORED:
                out.append(VARIANTS.get(folded, folded))
    return "".join(out)


def fold(text: str) -> str:
    return "".join(fold_char(char) for char in text)


def _folded_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(fold(word) for word in words)


FOLDED_ENDINGS = _folded_set(CYRILLIC_ENDINGS)
FOLDED_FINALS = _folded_set(CYRILLIC_FINALS)
FOLDED_ADJECTIVE_FINALS = _folded_set(CYRILLIC_ADJECTIVE_FINALS)
FOLDED_PARTICLES = _folded_set(NAME_PARTICLES)


def _attached(char: str) -> bool:
    """Dropped characters that belong to the letter before them (a match ending on that letter
    takes them along): combining marks and tatweel. Bidi controls and joiners do not."""
    return char == TATWEEL or _is_mark(char)


def split_words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of letters and digits in folded text; a change of script between
    two letters starts a new run."""
    words: list[tuple[int, int]] = []
    start, script = -1, ""
    for at, char in enumerate(text):
        if not _is_word(char):
            if start >= 0:
                words.append((start, at))
                start = -1
            continue
        letter_script = script_of(char)
        if start < 0:
            start, script = at, letter_script
        elif letter_script:
            if script and letter_script != script:
                words.append((start, at))
                start = at
            script = letter_script
    if start >= 0:
        words.append((start, len(text)))
    return words


@dataclass(frozen=True)
class Folded:
    """A text in compared form, with the way back to the original's code points."""

    original: str
    text: str
    origin: tuple[int, ...]  # for each folded character, the original code point it came from
    words: tuple[tuple[int, int], ...]
    word_end: tuple[int, ...]  # for each folded character in a word, where that word ends; or -1
    starts: dict[str, list[tuple[int, str]]]  # letter -> (where a name may begin, prefix before it)

    @classmethod
    def of(cls, original: str) -> Folded:
        text: list[str] = []
        origin: list[int] = []
        for at, char in enumerate(original):
            folded = fold_char(char)
            text.extend(folded)
            origin.extend([at] * len(folded))
        joined = "".join(text)
        words = split_words(joined)
        word_end = [-1] * len(joined)
        for start, end in words:
            word_end[start:end] = [end] * (end - start)
        starts = _word_starts(joined, words)
        return cls(original, joined, tuple(origin), tuple(words), tuple(word_end), starts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original code points that folded characters start..end came from, with the marks
        attached to the last one."""
        first, last = self.origin[start], self.origin[end - 1] + 1
        while last < len(self.original) and _attached(self.original[last]):
            last += 1
        return first, last


# --- what is looked for --------------------------------------------------------------------------


@dataclass(frozen=True)
class Needle:
    tokens: tuple[str, ...]  # folded words
    kind: str
    source: str


def _token_script(token: str) -> str:
    return next((s for s in map(script_of, token) if s), "")


def _tokens(text: str) -> tuple[str, ...]:
    folded = fold(text)
    return tuple(folded[start:end] for start, end in split_words(folded))


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _text_of(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    return value if isinstance(value, str) else ""


def _name_needles(name: str) -> Iterator[tuple[str, ...]]:
    """A roster name in full, then every run of its words ("Marie-Claire", "Haddad-Lund",
    "Al-Mansour", "Ndiaye") except single words under three letters and runs ending in a
    particle."""
    tokens = _tokens(name)
    yield tokens
    for start in range(len(tokens)):
        for end in range(len(tokens), start, -1):
            run = tokens[start:end]
            if run[-1] in FOLDED_PARTICLES or (len(run) == 1 and len(run[0]) < SHORTEST_PART):
                continue
            yield run


def _listed(context: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """(tokens, kind, source) for everything the context names, in a fixed order."""
    roster = _list(context.get("roster"))
    for pseudonym in _strings(context.get("pseudonyms")):
        yield _tokens(pseudonym), "pseudonym", pseudonym
    for entry in roster:
        name = _text_of(entry, "display_name")
        for tokens in _name_needles(name):
            yield tokens, "participant", name
    for entry in roster:
        affiliation = _text_of(entry, "affiliation")
        yield _tokens(affiliation), "affiliation", affiliation
    for side in [_text_of(entry, "side") for entry in roster] + _strings(context.get("sides")):
        yield _tokens(side), "side", side
    for term in _strings(context.get("terms")):
        yield _tokens(term), "term", term


def needles(context: Mapping[str, Any]) -> list[Needle]:
    """One needle per distinct folded phrase, of the highest-priority kind that lists it."""
    best: dict[tuple[str, ...], Needle] = {}
    for tokens, kind, source in _listed(context):
        if not tokens:
            continue
        known = best.get(tokens)
        if known is None or PRIORITY.index(kind) < PRIORITY.index(known.kind):
            best[tokens] = Needle(tokens, kind, source)
    return list(best.values())


# --- matching ------------------------------------------------------------------------------------


def _prefix_lengths(word: str, script: str) -> list[int]:
    """Lengths of the clitic prefixes ``word`` may start with, shortest first, each leaving at
    least one letter."""
    if script == "arabic":
        return sorted(len(p) for p in ARABIC_PREFIXES if len(p) < len(word) and word.startswith(p))
    if script == "hebrew":
        lengths = []
        for length in range(1, min(HEBREW_PREFIX_MAX, len(word) - 1) + 1):
            if word[length - 1] not in HEBREW_PREFIX_LETTERS:
                break
            lengths.append(length)
        return lengths
    return []


def _word_starts(text: str, words: list[tuple[int, int]]) -> dict[str, list[tuple[int, str]]]:
    """Where a name may begin, indexed by the letter there: each word's start, and the places
    after each clitic prefix the word may start with (with that prefix)."""
    starts: dict[str, list[tuple[int, str]]] = {}
    for start, end in words:
        word = text[start:end]
        for length in [0, *_prefix_lengths(word, script_of(word[0]))]:
            starts.setdefault(word[length], []).append((start + length, word[:length]))
    return starts


def _starts(folded: Folded, first: str) -> Iterator[tuple[int, str]]:
    """Where a needle's first word may begin, and the form it takes there."""
    if script_of(first[0]) == "nospace":
        at = folded.text.find(first)
        while at >= 0:
            yield at, first
            at = folded.text.find(first, at + 1)
        return
    for at, _prefix in folded.starts.get(first[0], ()):
        yield at, first
    if first.startswith("ال"):
        for at, prefix in folded.starts.get("ل", ()):
            if prefix in LAM_PREFIXES:
                yield at, first[1:]


def _cyrillic_stems(token: str) -> list[str]:
    stems = []
    if len(token) - 1 >= SHORTEST_STEM and token[-1] in FOLDED_FINALS:
        stems.append(token[:-1])
    if len(token) - 2 >= SHORTEST_STEM and token[-2:] in FOLDED_ADJECTIVE_FINALS:
        stems.append(token[:-2])
    return [token, *stems]


def _token_end(folded: Folded, at: int, token: str, last: bool) -> int | None:
    """Where ``token`` ends if the word at ``at`` is it (allowing for endings), else None."""
    if at >= len(folded.text) or folded.word_end[at] < 0:
        return None
    word_end = folded.word_end[at]
    text, script = folded.text, _token_script(token)
    end = at + len(token)
    if text.startswith(token, at) and end <= word_end:
        rest = text[end:word_end]
        if not rest or script_of(token[-1]) == "nospace":
            return end
        if last and script == "arabic" and rest in ARABIC_SUFFIXES:
            return end
    if script == "cyrillic":
        for stem in _cyrillic_stems(token):
            stem_end = at + len(stem)
            if text.startswith(stem, at) and text[stem_end:word_end] in FOLDED_ENDINGS:
                return word_end
    return None


def _match_from(folded: Folded, tokens: tuple[str, ...], at: int) -> int | None:
    """The end of the needle when its words follow one another from ``at``, else None."""
    for index, token in enumerate(tokens):
        end = _token_end(folded, at, token, index == len(tokens) - 1)
        if end is None:
            return None
        if index == len(tokens) - 1:
            return end
        gap = end
        while gap < len(folded.text) and folded.text[gap] in SEPARATORS:
            gap += 1
        joined = script_of(token[-1]) == "nospace" == script_of(tokens[index + 1][0])
        if gap == end and not joined:
            return None
        at = gap
    return None


def find(folded: Folded, needle: Needle) -> set[tuple[int, int]]:
    """Every (start, end) in the original's code points where ``needle`` occurs."""
    spans = set()
    for at, first in _starts(folded, needle.tokens[0]):
        end = _match_from(folded, (first, *needle.tokens[1:]), at)
        if end is not None:
            spans.add(folded.span(at, end))
    return spans


def _character_class(char: str) -> str:
    if char.isdigit():
        return "digit"
    if char.isupper():
        return "upper"
    return "lower" if char.islower() else ""


def _looks_like_handle(run: str) -> bool:
    """22 base64url characters ending as 16 bytes do, mixing at least two of lower case, upper
    case and digits (a hyphenated word like "well-meaning-following" does not)."""
    classes = {_character_class(char) for char in run} - {""}
    return len(run) == HANDLE_LENGTH and run[-1] in HANDLE_LAST and len(classes) > 1


def find_handles(text: str, listed: list[str]) -> set[tuple[int, int]]:
    """Member handles: maximal runs of base64url characters that look like one, and the roster's
    handles wherever they stand alone."""
    spans = set()
    at = 0
    while at < len(text):
        if text[at] not in BASE64URL:
            at += 1
            continue
        end = at
        while end < len(text) and text[end] in BASE64URL:
            end += 1
        if _looks_like_handle(text[at:end]):
            spans.add((at, end))
        at = end
    for handle in listed:
        at = text.find(handle)
        while at >= 0:
            end = at + len(handle)
            before = text[at - 1] if at else ""
            after = text[end] if end < len(text) else ""
            if before not in BASE64URL and after not in BASE64URL:
                spans.add((at, end))
            at = text.find(handle, at + 1)
    return spans


# --- review --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str
    source: str
    order: int

    def rank(self) -> tuple[int, int, int, int]:
        return (self.start, self.start - self.end, PRIORITY.index(self.kind), self.order)


def _hits(text: str, listed: list[Needle], handles: list[str]) -> list[_Hit]:
    """The hits in one text: earliest first, the longest where several start together, never
    overlapping."""
    folded = Folded.of(text)
    found = [_Hit(s, e, "handle", text[s:e], -1) for s, e in find_handles(text, handles)]
    for order, needle in enumerate(listed):
        found += [_Hit(s, e, needle.kind, needle.source, order) for s, e in find(folded, needle)]
    kept: list[_Hit] = []
    for hit in sorted(found, key=_Hit.rank):
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def _entries(value: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, entry) for the objects in a JSON list, indexed as in the list."""
    for index, entry in enumerate(value if isinstance(value, list) else []):
        if isinstance(entry, Mapping):
            yield index, entry


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [entry for _index, entry in _entries(value)]


def _kept_items(session: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for index, item in _entries(session.get("items")):
        if isinstance(item.get("rule"), str) and item["rule"] in EXPORTED_RULES:
            yield index, item


def _kept_notes(item: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for index, note in _entries(item.get("notes")):
        if note.get("channel") != TEAM_CHANNEL:
            yield index, note


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def fields(summary: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, text) for every text the export keeps, in reading order."""
    yield "dialogue.title", _str(_mapping(summary.get("dialogue")).get("title"))
    if isinstance(summary.get("free_text"), str):
        yield "free_text", summary["free_text"]
    for s, session in _entries(summary.get("sessions")):
        yield f"sessions[{s}].title", _str(session.get("title"))
        for i, item in _kept_items(session):
            yield f"sessions[{s}].items[{i}].title", _str(item.get("title"))
            for n, note in _kept_notes(item):
                where = f"sessions[{s}].items[{i}].notes[{n}]"
                yield f"{where}.text", _str(note.get("text"))
                translation = note.get("translation")
                if isinstance(translation, Mapping):
                    yield f"{where}.translation.text", _str(translation.get("text"))


def _finding(where: str, text: str, hit: _Hit) -> dict[str, Any]:
    return {
        "id": f"{where}:{hit.start}-{hit.end}",
        "where": where,
        "start": hit.start,
        "end": hit.end,
        "match": text[hit.start : hit.end],
        "kind": hit.kind,
        "label": LABEL_OF_KIND[hit.kind],
        "source": hit.source,
        "context": text[max(0, hit.start - CONTEXT_CHARS) : hit.end + CONTEXT_CHARS],
    }


def review(summary: Mapping[str, Any], context: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every finding in what the export keeps, in reading order."""
    listed = needles(context)
    roster = _list(context.get("roster"))
    handles = [h for h in (_text_of(entry, "handle") for entry in roster) if h]
    return [
        _finding(where, text, hit)
        for where, text in fields(summary)
        for hit in _hits(text, listed, handles)
    ]


# --- apply ---------------------------------------------------------------------------------------


class _Cleaner:
    """Rewrites each kept text with the convener's decisions on its findings."""

    def __init__(
        self,
        findings: list[dict[str, Any]],
        decisions: Sequence[Mapping[str, Any]],
        labels: Mapping[str, str],
    ) -> None:
        self.labels = labels
        self.decisions = {
            d["id"]: d for d in decisions if isinstance(d, Mapping) and isinstance(d.get("id"), str)
        }
        self.by_field: dict[str, list[dict[str, Any]]] = {}
        for finding in findings:
            self.by_field.setdefault(finding["where"], []).append(finding)

    def replacement(self, finding: Mapping[str, Any]) -> str:
        label = self.labels[finding["label"]]
        if finding["kind"] in ALWAYS_REPLACED:
            return label
        decision = _mapping(self.decisions.get(finding["id"]))
        if decision.get("action") == "keep":
            return str(finding["match"])
        own = decision.get("replacement")
        return own if decision.get("action") == "replace" and isinstance(own, str) else label

    def __call__(self, where: str, value: Any) -> str:
        text = _str(value)
        parts, at = [], 0
        for finding in self.by_field.get(where, []):
            parts += [text[at : finding["start"]], self.replacement(finding)]
            at = finding["end"]
        return "".join([*parts, text[at:]])


def day_of(value: Any) -> str | None:
    """The ISO date a timestamp starts with, as written (no time zone arithmetic, which could
    move a note to another day than the one it was taken on)."""
    if isinstance(value, str) and ISO_DAY.match(value):
        return value[:10]
    return None


def _exact_count(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def suppress_counts(counts: Any) -> dict[str, Any] | None:
    """A count by side under 3 becomes None (so that no one computes with it by mistake) and its
    side is listed in ``suppressed``; a value that is not a number is suppressed as well."""
    by_side = _mapping(counts).get("by_side")
    if not isinstance(by_side, Mapping):
        return None
    kept: dict[str, Any] = {}
    suppressed = []
    for side, count in by_side.items():
        if _exact_count(count) and count >= SMALLEST_COUNT:
            kept[side] = count
        else:
            kept[side] = None
            suppressed.append(side)
    return {"by_side": kept, "suppressed": suppressed}


def apply(
    summary: Mapping[str, Any],
    context: Mapping[str, Any],
    decisions: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The summary as exported (see the module's docstring). ``summary`` is not changed."""
    clean = _Cleaner(review(summary, context), decisions, {**DEFAULT_LABELS, **(labels or {})})
    title = clean("dialogue.title", _mapping(summary.get("dialogue")).get("title"))
    out: dict[str, Any] = {"dialogue": {"title": title}}
    if isinstance(summary.get("free_text"), str):
        out["free_text"] = clean("free_text", summary["free_text"])
    out["sessions"] = [
        _session(f"sessions[{s}]", session, clean)
        for s, session in _entries(summary.get("sessions"))
    ]
    return out


def _session(where: str, session: Mapping[str, Any], clean: _Cleaner) -> dict[str, Any]:
    day = day_of(session.get("day"))
    items = []
    for i, item in _kept_items(session):
        at = f"{where}.items[{i}]"
        out: dict[str, Any] = {"title": clean(f"{at}.title", item.get("title"))}
        if isinstance(item.get("phase"), str):
            out["phase"] = item["phase"]
        out["rule"] = item["rule"]
        out["notes"] = [
            _note(f"{at}.notes[{n}]", note, day, clean) for n, note in _kept_notes(item)
        ]
        counts = suppress_counts(item.get("counts"))
        if counts is not None:
            out["counts"] = counts
        items.append(out)
    return {"title": clean(f"{where}.title", session.get("title")), "day": day, "items": items}


def _note(where: str, note: Mapping[str, Any], day: str | None, clean: _Cleaner) -> dict[str, Any]:
    """A note as exported: dated by its session's day (or, without one, its own date)."""
    out: dict[str, Any] = {
        "kind": _str(note.get("kind"), "point"),
        "text": clean(f"{where}.text", note.get("text")),
        "lang": _str(note.get("lang")),
    }
    translation = note.get("translation")
    if isinstance(translation, Mapping):
        out["translation"] = {
            "text": clean(f"{where}.translation.text", translation.get("text")),
            "lang": _str(translation.get("lang")),
        }
    out["at"] = day or day_of(note.get("at"))
    return out
