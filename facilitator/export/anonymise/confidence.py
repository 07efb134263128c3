"""Confidence: whether a finding is certainly a name, or possibly an ordinary word.

A single word of a longer name that is also one of the most frequent words of the text's
language (``static/shared/common-words.json``, read by the browser too) is "possible": Persian
نوید is "good news", Ukrainian надія "hope", English "grace" and "mark", Hebrew דוד "uncle"
(also inside שהדוד, "that the uncle"). Its default action is to keep it; the reviewer sees it
with its context. In a script with capitals, such a word written with a capital inside a
sentence is a name and stays certain. The whole name stays certain, and so does the last word
of a name, except where it reads as the ordinary word: written in lower case in a script with
capitals (Turkish "kaya", a rock; French "fontaine", a fountain), or an Arabic surname with the
article that follows a definite word, where it reads as an adjective (الشريف in التنافس الشريف,
"fair competition"). A text without a language (titles, the free text) or in a language without
a list is certain throughout.

A possible finding of someone found certainly elsewhere in the same text is that person, and
certain too; but only when that other finding is itself good evidence (``vouches``): a word in
lower case in a script with capitals, though certain because it is not a common word, vouches
for no one ("herrera" does not make "luz" a name).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from facilitator.export.anonymise.fold import category, fold, is_word, language, script_of
from facilitator.export.anonymise.languages import (
    ATTRIBUTIVE_ARTICLE,
    COMMON_WORDS_PATH,
    SENTENCE_ENDS,
)
from facilitator.export.anonymise.model import Summary

CERTAIN = "certain"
POSSIBLE = "possible"

COMMON: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in json.loads(COMMON_WORDS_PATH.read_text(encoding="utf-8"))["words"].items()
}


def common(word: str, lang: str) -> bool:
    """Whether the folded ``word`` is a common word of ``lang``; never in a text whose language is
    unknown or has no list (names are common words of some language: Yusuf is Turkish)."""
    return word in COMMON.get(language(lang), frozenset())


def _sentence_start(text: str, at: int) -> bool:
    before = at - 1
    while before >= 0 and not is_word(text[before]) and text[before] not in SENTENCE_ENDS:
        before -= 1
    return before < 0 or text[before] in SENTENCE_ENDS


def _word_before(text: str, at: int) -> str:
    end = at
    while end > 0 and not is_word(text[end - 1]):
        end -= 1
    start = end
    while start > 0 and is_word(text[start - 1]):
        start -= 1
    return fold(text[start:end])


def confidence(text: str, start: int, end: int, kind: str, position: str, lang: str) -> str:
    """The confidence of a finding of ``kind`` at text[start:end], found by a needle at
    ``position`` in its name, in a text of language ``lang``."""
    if kind != "participant" or position == "whole":
        return CERTAIN
    folded = fold(text[start:end])
    if not common(folded, lang):
        return CERTAIN
    if position == "inner":
        capital = category(text[start]) == "Lu"
        return CERTAIN if capital and not _sentence_start(text, start) else POSSIBLE
    if _lower_case(text[start]):
        return POSSIBLE
    attributive = (
        script_of(folded[0]) == "arabic"
        and folded.startswith(ATTRIBUTIVE_ARTICLE)
        and _word_before(text, start).startswith(ATTRIBUTIVE_ARTICLE)
    )
    return POSSIBLE if attributive else CERTAIN


def _lower_case(char: str) -> bool:
    """Whether ``char`` is a lower-case letter (of a script with capitals)."""
    return category(char) == "Ll"


def vouches(text: str, start: int, kind: str, position: str) -> bool:
    """Whether a certain finding at ``start`` makes the other findings of the same person in its
    text certain: any but a single word of a name written in lower case in a script with
    capitals."""
    return kind != "participant" or position == "whole" or not _lower_case(text[start])


def languages(summary: Summary) -> Iterator[tuple[str, str]]:
    """(where, lang) for every text of the summary with a language: notes and translations."""
    for session in summary.sessions:
        for item in session.items:
            for note in item.notes:
                where = f"sessions[{session.index}].items[{item.index}].notes[{note.index}]"
                yield f"{where}.text", note.lang
                if note.translation is not None:
                    yield f"{where}.translation.text", note.translation.lang
