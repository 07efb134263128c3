"""Cross-script matching: a roster name written in another script than the roster's.

A rapporteur writes in the working language, so "أحمد الشريف" on the roster turns up as
"Ahmad al-Sharif", "Ahmed Alsharif" or Hebrew "אחמד א-שריף" in the notes. Each word of the
scripts in ``transliteration.scripts`` (static/shared/anonymiser-languages.json) is brought to a
set of consonant skeletons: folded, transliterated to ASCII by ``anyascii`` (its npm twin
``any-ascii`` has the same tables, pinned to the same release), rewritten by the shared rules
(kh/h, sh/s, th/s or t, ...), doubled letters collapsed and the vowel-like letters dropped, since
Arabic and Hebrew script do not write most vowels. Two words of different scripts match when
their skeleton sets share one, word for word over the whole name: no part of a word is matched.
Articles (al-, el-, Hebrew א-, Cyrillic аль-) are skipped as words and tried away as attached
prefixes. Short skeletons meet ordinary words too often, so a word looked for alone needs
``min_single`` letters in every skeleton and a longer name ``min_total`` letters over its words.

Words in the same script are left to ``match``, which compares them exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from anyascii import anyascii

from facilitator.export.anonymise.fold import Folded, fold, prefix_lengths, script_of
from facilitator.export.anonymise.languages import (
    ARTICLE_PREFIXES,
    ARTICLES,
    LAM_PREFIXES,
    LINE_BREAK_HYPHENS,
    MAX_SKELETONS,
    SEPARATORS,
    SKELETON_DROP,
    SKELETON_LETTERS,
    SKELETON_MIN_SINGLE,
    SKELETON_MIN_TOTAL,
    SKELETON_RULES,
    TRANSLITERATED_SCRIPTS,
)

LONGEST_RULE = max(len(pattern) for pattern in SKELETON_RULES)
FOLDED_ARTICLES = frozenset(fold(article) for article in ARTICLES)
FOLDED_ARTICLE_PREFIXES = tuple(fold(prefix) for prefix in ARTICLE_PREFIXES)
# An article prefix is tried away only when this much of the word is left.
SHORTEST_REST = 2


def latin(word: str) -> str:
    """The lower-case ASCII letters ``anyascii`` writes for a folded word."""
    return "".join(char for char in anyascii(word).lower() if "a" <= char <= "z")


def _segments(word: str) -> list[tuple[str, ...]]:
    """The ASCII letters of a folded word in the pieces the rules see, each piece as its
    alternatives: a Latin word whole (its digraphs are written as such; a final h may be a
    written final vowel), any other word letter by letter, so that two letters never make a
    digraph they do not spell, and by the letters table where it has the letter."""
    if word and script_of(word[0]) == "latin":
        letters = latin(word)
        if len(letters) > 1 and letters.endswith("h") and letters[-2:] not in SKELETON_RULES:
            return [(letters, letters[:-1])]
        return [(letters,)]
    pieces = [SKELETON_LETTERS.get(char) or (latin(char),) for char in word]
    return [piece for piece in pieces if any(piece)]


def _rules(letters: str) -> list[str]:
    """Every rewriting of ``letters`` by the rules, in order."""
    variants = [""]
    at = 0
    while at < len(letters):
        length = 1
        alternatives: tuple[str, ...] = (letters[at],)
        for size in range(min(LONGEST_RULE, len(letters) - at), 0, -1):
            rule = SKELETON_RULES.get(letters[at : at + size])
            if rule is not None:
                length, alternatives = size, rule
                break
        variants = [v + a for v in variants for a in alternatives][:MAX_SKELETONS]
        at += length
    return variants


def _collapsed(text: str) -> str:
    return "".join(char for at, char in enumerate(text) if not at or text[at - 1] != char)


@cache
def skeletons(word: str) -> tuple[str, ...]:
    """The consonant skeletons of a folded word, distinct, in a fixed order (none for a word
    of vowels only)."""
    variants = [""]
    for piece in _segments(word):
        rewritten = [r for alternative in piece for r in _rules(alternative)]
        variants = [v + r for v in variants for r in rewritten][:MAX_SKELETONS]
    out: list[str] = []
    for variant in variants:
        skeleton = "".join(c for c in _collapsed(variant) if c not in SKELETON_DROP)
        if skeleton and skeleton not in out:
            out.append(skeleton)
    return tuple(out)


def _without_article(word: str) -> Iterator[str]:
    """``word``, and ``word`` without the article prefix it starts with."""
    yield word
    for prefix in FOLDED_ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= SHORTEST_REST:
            yield word[len(prefix) :]


def _skeleton_set(forms: Iterable[str]) -> frozenset[str]:
    return frozenset(s for form in forms for s in skeletons(form))


@dataclass(frozen=True)
class CrossNeedle:
    """A name looked for in other scripts: each word's script and skeletons."""

    words: tuple[tuple[str, frozenset[str]], ...]
    kind: str
    source: str
    position: str = "whole"  # as a same-script needle's (match.POSITIONS)


def cross_needle(words: tuple[str, ...], kind: str, source: str) -> CrossNeedle | None:
    """The needle for a run of folded name words, or None when it cannot be looked for in other
    scripts (a script without transliteration, a word without consonants, too short)."""
    kept = [w for w in words if w not in FOLDED_ARTICLES] if len(words) > 1 else list(words)
    out = []
    for word in kept:
        script = next((s for s in map(script_of, word) if s), "")
        found = _skeleton_set(_without_article(word))
        if script not in TRANSLITERATED_SCRIPTS or not found:
            return None
        out.append((script, found))
    if not out:
        return None
    # A word alone must be long under every reading: "ثمینہ" reads smnh, smnt or smn, and smnt
    # is also "cement". A longer name is checked by its longest readings, since the alignment of
    # several words is evidence too.
    if len(out) == 1:
        if min(map(len, out[0][1])) < SKELETON_MIN_SINGLE:
            return None
    elif sum(max(map(len, found)) for _script, found in out) < SKELETON_MIN_TOTAL:
        return None
    return CrossNeedle(tuple(out), kind, source)


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    script: str
    article: bool
    readings: dict[int, frozenset[str]]  # where a name may begin in it -> skeletons from there


@cache
def _readings(word: str, script: str) -> dict[int, frozenset[str]]:
    """Where a name may begin in a folded word (its start, or after a clitic prefix) and the
    skeletons read from there, with and without an attached article."""
    bases: dict[int, list[str]] = {0: [word]}
    for length in prefix_lengths(word, script):
        rest = word[length:]
        bases.setdefault(length, []).append(rest)
        # ل + ال is written لل: the article's alef drops.
        if word[:length] in LAM_PREFIXES and rest.startswith("ل") and len(rest) > SHORTEST_REST:
            bases[length].append(rest[1:])
    return {
        at: _skeleton_set(f for base in forms for f in _without_article(base))
        for at, forms in bases.items()
    }


class Readings:
    """The words of a folded text in the transliterated scripts, with their skeletons, indexed
    by skeleton."""

    def __init__(self, folded: Folded) -> None:
        self.folded = folded
        self.words: list[_Word] = []
        self.by_skeleton: dict[str, list[tuple[int, int]]] = {}  # -> (word index, start)
        for start, end in folded.words:
            text = folded.text[start:end]
            script = script_of(text[0])
            article = text in FOLDED_ARTICLES
            # An article is skipped, never read as a word of a name ("al" is also "Ali"'s l).
            translit = script in TRANSLITERATED_SCRIPTS and not article
            readings = _readings(text, script) if translit else {}
            index = len(self.words)
            shifted = {start + at: found for at, found in readings.items()}
            self.words.append(_Word(start, end, script, article, shifted))
            for at, found in readings.items():
                for skeleton in found:
                    self.by_skeleton.setdefault(skeleton, []).append((index, start + at))

    def _gap(self, before: int) -> str:
        """The folded text between word ``before`` and the next one."""
        return self.folded.text[self.words[before].end : self.words[before + 1].start]

    def _joined(self, before: int) -> bool:
        """Whether word ``before`` and the next one are separated, by separators only."""
        gap = self._gap(before)
        return bool(gap) and all(char in SEPARATORS for char in gap)

    def _shared(self, index: int, at: int, script: str, wanted: frozenset[str]) -> int:
        """The longest skeleton the word ``index`` read from ``at`` shares with ``wanted`` (0:
        none, or the same script)."""
        word = self.words[index]
        if word.script == script or word.script not in TRANSLITERATED_SCRIPTS:
            return 0
        return max((len(s) for s in word.readings.get(at, frozenset()) & wanted), default=0)

    def _rest(self, index: int, needle: CrossNeedle, word: int) -> tuple[int, int] | None:
        """(end, shared letters) when needle words from ``word`` on follow word ``index``."""
        if word == len(needle.words):
            return self.words[index].end, 0
        script, wanted = needle.words[word]
        candidates = [index + 1]
        if index + 2 < len(self.words) and self.words[index + 1].article:
            candidates.append(index + 2)
        for candidate in candidates:
            if candidate >= len(self.words) or not self._joined(candidate - 1):
                return None
            shared = self._shared(candidate, self.words[candidate].start, script, wanted)
            if shared:
                rest = self._rest(candidate, needle, word + 1)
                if rest is not None:
                    return rest[0], rest[1] + shared
        return None

    def find(self, needle: CrossNeedle) -> set[tuple[int, int]]:
        """Every (start, end) in the original's code points where ``needle`` is written in
        another script."""
        script, wanted = needle.words[0]
        least = SKELETON_MIN_SINGLE if len(needle.words) == 1 else SKELETON_MIN_TOTAL
        spans = set()
        starts = {place for s in wanted for place in self.by_skeleton.get(s, ())}
        for index, at in sorted(starts):
            shared = self._shared(index, at, script, wanted)
            if not shared:
                continue
            rest = self._rest(index, needle, 1)
            if rest is None or shared + rest[1] < least:
                continue
            start = at
            word = self.words[index]
            if at == word.start and index and self.words[index - 1].article:
                gap = self._gap(index - 1)
                if gap and all(char in LINE_BREAK_HYPHENS for char in gap):
                    start = self.words[index - 1].start
            spans.add(self.folded.span(start, rest[0]))
        return spans
