"""Matching: what is looked for (needles made from the context) and where it occurs in a text.

A needle matches word by word in folded text, allowing for clitic prefixes (Arabic, Hebrew),
Arabic-script suffixes after a name's last word and Cyrillic case endings. Member handles are
matched in the original text, as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from facilitator.export.anonymise.fold import (
    FOLDED_ADJECTIVE_FINALS,
    FOLDED_ENDINGS,
    FOLDED_FINALS,
    FOLDED_PARTICLES,
    Folded,
    line_break_after,
    script_of,
    suffix_rules,
    tokens,
)
from facilitator.export.anonymise.languages import (
    ARABIC_SUFFIXES,
    LAM_PREFIXES,
    SEPARATORS,
    SPACED_JOINERS,
)
from facilitator.export.anonymise.model import Context
from facilitator.export.anonymise.translit import CrossNeedle, cross_needle

# Where two findings cover the same passage, the earlier kind wins.
PRIORITY = ("handle", "pseudonym", "participant", "affiliation", "side", "term")
SHORTEST_STEM = 3
# Single words of a name shorter than this are not looked for on their own.
SHORTEST_PART = 3
HANDLE_LENGTH = 22
BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
# The last character of 16 bytes in unpadded base64url carries 2 bits and 4 zero bits.
HANDLE_LAST = frozenset("AQgw")
# Which part of a name a needle is, most certain first: the whole name (or an affiliation, side,
# term, pseudonym), its last word or a run ending there, or a run of its other words.
POSITIONS = ("whole", "last", "inner")


@dataclass(frozen=True)
class Needle:
    tokens: tuple[str, ...]  # folded words
    kind: str
    source: str
    position: str = "whole"


def _better(kind: str, position: str, known_kind: str, known_position: str) -> bool:
    """Whether a needle listed as (kind, position) wins over the one already kept."""
    rank = (PRIORITY.index(kind), POSITIONS.index(position))
    return rank < (PRIORITY.index(known_kind), POSITIONS.index(known_position))


def _token_script(token: str) -> str:
    return next((s for s in map(script_of, token) if s), "")


def _spaced(text: str) -> str | None:
    """``text`` with its joiners typed as spaces ("رضایی نژاد" for "رضایی‌نژاد"), or None when it
    has none."""
    spaced = "".join(" " if char in SPACED_JOINERS else char for char in text)
    return spaced if spaced != text else None


def _name_needles(name: str) -> Iterator[tuple[tuple[str, ...], str]]:
    """A roster name in full, then every run of its words ("Marie-Claire", "Haddad-Lund",
    "Al-Mansour", "Ndiaye") except single words under three letters and runs ending in a
    particle; each with its position in the name. A name written with a ZWNJ is also looked for
    in full with a space there (``spaced``)."""
    words = tokens(name)
    yield words, "whole"
    spaced = _spaced(name)
    if spaced is not None:
        yield tokens(spaced), "whole"
    for start in range(len(words)):
        for end in range(len(words), start, -1):
            run = words[start:end]
            if run[-1] in FOLDED_PARTICLES or (len(run) == 1 and len(run[0]) < SHORTEST_PART):
                continue
            yield run, "whole" if run == words else "last" if end == len(words) else "inner"


def _listed(context: Context) -> Iterator[tuple[tuple[str, ...], str, str, str]]:
    """(tokens, kind, source, position) for everything the context names, in a fixed order."""
    for pseudonym in context.pseudonyms:
        yield tokens(pseudonym), "pseudonym", pseudonym, "whole"
    yield from _roster(context)
    for side in [person.side for person in context.roster] + list(context.sides):
        yield tokens(side), "side", side, "whole"
    for term in context.terms:
        yield tokens(term), "term", term, "whole"


def _roster(context: Context) -> Iterator[tuple[tuple[str, ...], str, str, str]]:
    """(tokens, kind, source, position) for the roster's names, aliases and affiliations. An
    alias is looked for like the name, and its findings name the person by the display name."""
    for person in context.roster:
        for name in (person.display_name, *person.aliases):
            for run, position in _name_needles(name):
                yield run, "participant", person.display_name or name, position
    for person in context.roster:
        yield tokens(person.affiliation), "affiliation", person.affiliation, "whole"
        spaced = _spaced(person.affiliation)
        if spaced is not None:
            yield tokens(spaced), "affiliation", person.affiliation, "whole"


def cross_needles(context: Context) -> list[CrossNeedle]:
    """The roster's names, aliases and affiliations as looked for in other scripts: one needle
    per distinct set of skeletons, the first listed."""
    best: dict[tuple[tuple[str, frozenset[str]], ...], CrossNeedle] = {}
    for words, kind, source, position in _roster(context):
        needle = cross_needle(words, kind, source) if words else None
        if needle is None:
            continue
        known = best.get(needle.words)
        if known is None or _better(kind, position, known.kind, known.position):
            best[needle.words] = replace(needle, position=position)
    return list(best.values())


def needles(context: Context) -> list[Needle]:
    """One needle per distinct folded phrase, of the highest-priority kind that lists it (and the
    most certain position)."""
    best: dict[tuple[str, ...], Needle] = {}
    for words, kind, source, position in _listed(context):
        if not words:
            continue
        known = best.get(words)
        if known is None or _better(kind, position, known.kind, known.position):
            best[words] = Needle(words, kind, source, position)
    return list(best.values())


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


def _suffixed(token: str, rest: str, script: str, lang: str) -> bool:
    """Whether ``rest``, attached to a name's last word ``token``, is a suffix of the text's
    language (``languages.suffixes``)."""
    if script == "arabic" and rest in ARABIC_SUFFIXES:
        return True
    return any(
        rule.script == script
        and len(token) >= rule.min_stem
        and (not rule.after or token[-1] in rule.after)
        and rest in rule.suffixes
        for rule in suffix_rules(lang)
    )


def _token_end(folded: Folded, at: int, token: str, last: bool, lang: str = "") -> int | None:
    """Where ``token`` ends if the word at ``at`` is it (allowing for endings, and for a break
    across a line by a hyphen), else None."""
    if at >= len(folded.text) or folded.word_end[at] < 0:
        return None
    word_end = folded.word_end[at]
    text, script = folded.text, _token_script(token)
    end = at + len(token)
    if text.startswith(token, at) and end <= word_end:
        rest = text[end:word_end]
        if not rest or script_of(token[-1]) == "nospace":
            return end
        if last and _suffixed(token, rest, script, lang):
            return end
    if script == "cyrillic":
        for stem in _cyrillic_stems(token):
            stem_end = at + len(stem)
            if text.startswith(stem, at) and text[stem_end:word_end] in FOLDED_ENDINGS:
                return word_end
    head = word_end - at
    if 0 < head < len(token) and text[at:word_end] == token[:head]:
        after = line_break_after(text, word_end)
        if after is not None:
            return _token_end(folded, after, token[head:], last, lang)
    return None


def _match_from(folded: Folded, words: tuple[str, ...], at: int, lang: str = "") -> int | None:
    """The end of the needle when its words follow one another from ``at``, else None."""
    for index, token in enumerate(words):
        end = _token_end(folded, at, token, index == len(words) - 1, lang)
        if end is None:
            return None
        if index == len(words) - 1:
            return end
        gap = end
        while gap < len(folded.text) and folded.text[gap] in SEPARATORS:
            gap += 1
        joined = script_of(token[-1]) == "nospace" == script_of(words[index + 1][0])
        if gap == end and not joined:
            return None
        at = gap
    return None


def find(folded: Folded, needle: Needle, lang: str = "") -> set[tuple[int, int]]:
    """Every (start, end) in the original's code points where ``needle`` occurs, in a text of
    language ``lang`` (a BCP 47 tag; "" when unknown)."""
    spans = set()
    for at, first in _starts(folded, needle.tokens[0]):
        end = _match_from(folded, (first, *needle.tokens[1:]), at, lang)
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
    if len(run) != HANDLE_LENGTH or run[-1] not in HANDLE_LAST:
        return False
    return len({_character_class(char) for char in run} - {""}) > 1


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
