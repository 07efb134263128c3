"""The anonymiser's language tables, read from ``static/shared/anonymiser-languages.json``: the
browser's anonymiser reads the same file, so the two cannot drift apart. Its ``about`` object
gives the reason for each table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PATH = Path(__file__).resolve().parents[3] / "static" / "shared" / "anonymiser-languages.json"


def code_point(text: str) -> int:
    """``"U+00AD"`` -> 0xAD."""
    return int(text.removeprefix("U+"), 16)


_DATA: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))
COMMON_WORDS_PATH = PATH.with_name("common-words.json")

IGNORED = frozenset(chr(code_point(point)) for point in _DATA["ignored"])
VARIANTS: dict[str, str] = dict(_DATA["variants"])
SEPARATORS = frozenset(_DATA["separators"])
SPACED_JOINERS = frozenset(chr(code_point(point)) for point in _DATA["spaced_joiners"])
ARABIC_PREFIXES: tuple[str, ...] = tuple(_DATA["arabic_prefixes"])
LAM_PREFIXES = frozenset(_DATA["lam_prefixes"])
ARABIC_SUFFIXES = frozenset(_DATA["arabic_suffixes"])
SENTENCE_ENDS = frozenset(_DATA["sentence_ends"])
ATTRIBUTIVE_ARTICLE: str = _DATA["attributive_article"]


@dataclass(frozen=True)
class SuffixRule:
    """Suffixes attached to the last word of a name in texts of some languages (all if empty)."""

    langs: frozenset[str]
    script: str
    after: str
    min_stem: int
    suffixes: frozenset[str]


SUFFIX_RULES_RAW: tuple[dict[str, Any], ...] = tuple(_DATA["suffixes"])
LINE_BREAK_HYPHENS = frozenset(_DATA["line_breaks"]["hyphens"])
LINE_BREAK_SPACES = frozenset(_DATA["line_breaks"]["spaces"])
LINE_BREAKS = frozenset(_DATA["line_breaks"]["breaks"])
HEBREW_PREFIX_LETTERS = frozenset(_DATA["hebrew_prefix_letters"])
HEBREW_PREFIX_MAX: int = _DATA["hebrew_prefix_max"]
CYRILLIC_ENDINGS = frozenset(_DATA["cyrillic_endings"])
CYRILLIC_FINALS = frozenset(_DATA["cyrillic_finals"])
CYRILLIC_ADJECTIVE_FINALS = frozenset(_DATA["cyrillic_adjective_finals"])
NAME_PARTICLES = frozenset(_DATA["name_particles"])
SCRIPTS: tuple[tuple[int, int, str], ...] = tuple(
    (code_point(low), code_point(high), name) for low, high, name in _DATA["scripts"]
)
UNASSIGNED_IN_14: tuple[tuple[int, int], ...] = tuple(
    (code_point(low), code_point(high)) for low, high in _DATA["unassigned_in_unicode_14"]
)
_TRANSLITERATION: dict[str, Any] = _DATA["transliteration"]
TRANSLITERATED_SCRIPTS = frozenset(_TRANSLITERATION["scripts"])
SKELETON_LETTERS: dict[str, tuple[str, ...]] = {
    letter: tuple(alternatives) for letter, alternatives in _TRANSLITERATION["letters"].items()
}
SKELETON_RULES: dict[str, tuple[str, ...]] = {
    pattern: tuple(alternatives) for pattern, alternatives in _TRANSLITERATION["rules"]
}
SKELETON_DROP = frozenset(_TRANSLITERATION["drop"])
ARTICLES = frozenset(_TRANSLITERATION["articles"])
ARTICLE_PREFIXES: tuple[str, ...] = tuple(_TRANSLITERATION["article_prefixes"])
SKELETON_MIN_SINGLE: int = _TRANSLITERATION["min_single"]
SKELETON_MIN_TOTAL: int = _TRANSLITERATION["min_total"]
MAX_SKELETONS: int = _TRANSLITERATION["max_skeletons"]
