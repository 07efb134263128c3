"""Confidence: whether a finding is certainly a name, or possibly an ordinary word.

A single word of a longer name that is also one of the most frequent words of the text's
language (``static/shared/common-words.json``, read by the browser too) is "possible": Persian
نوید is "good news", Ukrainian надія "hope", English "grace" and "mark", Hebrew דוד "uncle"
(also inside שהדוד, "that the uncle"). Its default action is to keep it; the reviewer sees it
with its context. In a script with capitals, such a word written with a capital inside a
sentence is a name and stays certain. The whole name stays certain, and so does the last word
of a name, except an Arabic surname with the article that follows a definite word, where it
reads as an adjective (الشريف in التنافس الشريف, "fair competition"). A text without a
language (titles, the free text) or in a language without a list is certain throughout.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from facilitator.export.anonymise.fold import category, fold, is_word, language, script_of
from facilitator.export.anonymise.languages import COMMON_WORDS_PATH
from facilitator.export.anonymise.model import Summary

CERTAIN = "certain"
POSSIBLE = "possible"
# What ends a sentence (with the Arabic question mark and the Urdu full stop): a capital after
# one of these may be an ordinary word.
SENTENCE_ENDS = frozenset(".!?…:;\n\r\u2028\u2029\u061f\u06d4")
ARTICLE = "ال"

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
    attributive = (
        script_of(folded[0]) == "arabic"
        and folded.startswith(ARTICLE)
        and _word_before(text, start).startswith(ARTICLE)
    )
    return POSSIBLE if attributive else CERTAIN


def languages(summary: Summary) -> Iterator[tuple[str, str]]:
    """(where, lang) for every text of the summary with a language: notes and translations."""
    for session in summary.sessions:
        for item in session.items:
            for note in item.notes:
                where = f"sessions[{session.index}].items[{item.index}].notes[{note.index}]"
                yield f"{where}.text", note.lang
                if note.translation is not None:
                    yield f"{where}.translation.text", note.translation.lang
