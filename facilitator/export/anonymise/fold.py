"""Folding: the form in which names are compared, with the way back to the original text.

Names are compared compatibility-decomposed, without marks or invisible controls, case-folded
and with Arabic-script variants unified, word by word, where a word is a run of letters and
digits of one script.
"""

# The comments name Greek and Cyrillic letters on purpose:
# ruff: noqa: RUF003

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from facilitator.export.anonymise.languages import (
    ARABIC_PREFIXES,
    CYRILLIC_ADJECTIVE_FINALS,
    CYRILLIC_ENDINGS,
    CYRILLIC_FINALS,
    HEBREW_PREFIX_LETTERS,
    HEBREW_PREFIX_MAX,
    IGNORED,
    LINE_BREAK_HYPHENS,
    LINE_BREAK_SPACES,
    LINE_BREAKS,
    NAME_PARTICLES,
    SCRIPTS,
    SUFFIX_RULES_RAW,
    UNASSIGNED_IN_14,
    VARIANTS,
    SuffixRule,
)

TATWEEL = "\u0640"
_UNASSIGNED_LOWS = [low for low, _high in UNASSIGNED_IN_14]


def unknown(char: str) -> bool:
    """Whether ``char`` was assigned after Unicode 14: both implementations treat it as
    unassigned, whatever their own Unicode version knows, so that they fold alike."""
    at = bisect.bisect_right(_UNASSIGNED_LOWS, ord(char)) - 1
    return at >= 0 and ord(char) <= UNASSIGNED_IN_14[at][1]


@cache
def category(char: str) -> str:
    """The general category, "Cn" for code points assigned after Unicode 14."""
    return "Cn" if unknown(char) else unicodedata.category(char)


def _is_mark(char: str) -> bool:
    return category(char).startswith("M")


def _is_word(char: str) -> bool:
    return category(char)[0] in "LN"


def is_word(char: str) -> bool:
    """Whether ``char`` is a letter or digit (of Unicode 14)."""
    return _is_word(char)


@cache
def script_of(char: str) -> str:
    """The script class of a letter ("" for digits and letters of other scripts)."""
    if not category(char).startswith("L"):
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
    if unknown(char):
        return char
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


# The tables compared with folded text are folded too (й folds to и, ї to і).
FOLDED_ENDINGS = _folded_set(CYRILLIC_ENDINGS)
FOLDED_FINALS = _folded_set(CYRILLIC_FINALS)
FOLDED_ADJECTIVE_FINALS = _folded_set(CYRILLIC_ADJECTIVE_FINALS)
FOLDED_PARTICLES = _folded_set(NAME_PARTICLES)
SUFFIX_RULES: tuple[SuffixRule, ...] = tuple(
    SuffixRule(
        frozenset(rule["langs"]),
        rule["script"],
        fold(rule["after"]),
        rule["min_stem"],
        _folded_set(rule["suffixes"]),
    )
    for rule in SUFFIX_RULES_RAW
)


def language(lang: str) -> str:
    """The primary language subtag of a BCP 47 tag, lower case ("" when unknown)."""
    return lang.strip().lower().replace("_", "-").split("-")[0]


@cache
def suffix_rules(lang: str) -> tuple[SuffixRule, ...]:
    """The suffix rules for a text in ``lang`` (every rule for a text without a language)."""
    primary = language(lang)
    return tuple(r for r in SUFFIX_RULES if not primary or not r.langs or primary in r.langs)


def line_break_after(text: str, at: int) -> int | None:
    """Where the next word starts when a word ending at ``at`` is broken there across a line by a
    hyphen (hyphens, optional spaces, a line break, optional spaces), else None."""
    end = at
    while end < len(text) and text[end] in LINE_BREAK_HYPHENS:
        end += 1
    if end == at:
        return None
    broken = False
    while end < len(text) and (text[end] in LINE_BREAK_SPACES or text[end] in LINE_BREAKS):
        broken = broken or text[end] in LINE_BREAKS
        end += 1
    return end if broken and end < len(text) and _is_word(text[end]) else None


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


def tokens(text: str) -> tuple[str, ...]:
    """The folded words of a text."""
    folded = fold(text)
    return tuple(folded[start:end] for start, end in split_words(folded))


def prefix_lengths(word: str, script: str) -> list[int]:
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


def word_starts(text: str, words: list[tuple[int, int]]) -> dict[str, list[tuple[int, str]]]:
    """Where a name may begin, indexed by the letter there: each word's start, and the places
    after each clitic prefix the word may start with (with that prefix)."""
    starts: dict[str, list[tuple[int, str]]] = {}
    for start, end in words:
        word = text[start:end]
        for length in [0, *prefix_lengths(word, script_of(word[0]))]:
            starts.setdefault(word[length], []).append((start + length, word[:length]))
    return starts


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
        starts = word_starts(joined, words)
        return cls(original, joined, tuple(origin), tuple(words), tuple(word_end), starts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original code points that folded characters start..end came from, with the marks
        attached to the last one."""
        first, last = self.origin[start], self.origin[end - 1] + 1
        while last < len(self.original) and _attached(self.original[last]):
            last += 1
        return first, last
