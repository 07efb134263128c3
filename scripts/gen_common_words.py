"""Writes static/shared/common-words.json: the most frequent words of each language the
anonymiser knows, folded as names are compared, so that a match that is also an ordinary word
is shown to the reviewer as "possible" (docs/export.md, "Confidence").

Run ``.venv/bin/python scripts/gen_common_words.py`` (wordfreq is a pinned dev dependency; the
application only reads the JSON).
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import wordfreq

from facilitator.export.anonymise.fold import fold, tokens

LANGUAGES = ("ar", "ckb", "en", "es", "fa", "fr", "he", "ps", "ru", "tr", "uk", "ur")
TOP = 6000
SHORTEST = 3  # shorter parts of names are never looked for alone
OUT = Path(__file__).resolve().parents[1] / "static" / "shared" / "common-words.json"


def words_of(lang: str) -> str:
    """The language's common words, folded, sorted and joined by spaces (a compact file)."""
    if lang not in wordfreq.available_languages():
        return ""
    kept: set[str] = set()
    for word in wordfreq.top_n_list(lang, TOP):
        folded = tokens(word)
        if len(folded) == 1 and folded[0] == fold(word) and len(folded[0]) >= SHORTEST:
            kept.add(folded[0])
    return " ".join(sorted(kept))


def main() -> None:
    lists = {lang: words_of(lang) for lang in LANGUAGES}
    about = (
        f"The {TOP} most frequent words of each language in wordfreq {version('wordfreq')} "
        "(https://github.com/rspeer/wordfreq; its data is licensed CC BY-SA 4.0, see its "
        "README), folded as the anonymiser compares names, words of at least "
        f"{SHORTEST} letters. Written by scripts/gen_common_words.py; do not edit by hand. "
        "wordfreq has no list for "
        + ", ".join(lang for lang, words in lists.items() if not words)
        + ": every finding in a text in those languages, or without a language, is certain. "
        "Each list is one string, the words separated by spaces. "
        "A single word of a longer name that is one of these words is a possible finding, "
        'not a certain one (docs/export.md, "Confidence").'
    )
    data = {"about": about, "words": lists}
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")


if __name__ == "__main__":
    main()
