"""Property: the two anonymisers (facilitator/export/anonymise/ and static/js/export/anonymise/)
give identical findings for any input. Hypothesis writes notes of random characters from every
script in use (Latin with diacritics, the letters of Arabic, Persian, Urdu, Pashto and Sorani
with ZWNJ and harakat, Hebrew with niqqud, Cyrillic), digits, punctuation, combining marks,
invisible controls, code points newer than Unicode 14, line breaks and hyphens, in any of the
supported languages, with rosters whose names are random too or lifted from the notes so that
there is something to find. One Node process (scripts/anonymiser_review.mjs --lines) reviews the
batches; a divergence is shrunk to a small example."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.export.anonymise import review
from facilitator.export.anonymise.languages import UNASSIGNED_IN_14

ROOT = Path(__file__).resolve().parents[2]
NODE_SIDE = ROOT / "scripts" / "anonymiser_review.mjs"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëáàâäíïóöôúüûçñßşğıİøåæłœ"
ARABIC = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويىةءأإآؤئٱ"  # Arabic
    "پچژگکیۀهٔ"  # Persian
    "ہھےٹڈڑں"  # Urdu
    "ټډړږښګڼۍې"  # Pashto
    "ڕڵێۆەڤ"  # Sorani
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"  # digits
    "\u064b\u064e\u064f\u0650\u0651\u0652\u0670\u0640\u200c\u200d"  # harakat, tatweel, ZWNJ, ZWJ
)
HEBREW = "אבגדהוזחטיכךלמםנןסעפףצץקרשת\u05b0\u05b4\u05b7\u05b8\u05bc\u05c1׳״"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯіїєґІЇЄҐ"
OTHER = (
    "0123456789 .,;:!?'’\"()«»-‐–/…؟،؛۔"  # digits and punctuation
    "\u0301\u0308\u0327\u034f\u00ad\u200e\u200f\u2066\u2069\u202b\u202c\ufeff"  # marks, controls
    "\n\r\u2028\t"  # line breaks
    "\u4e2d\u6587\u3042"  # a script written without spaces
)
NEWER = "".join(chr(low) for low, _high in UNASSIGNED_IN_14[::4])
SCRIPTS = (LATIN, ARABIC, HEBREW, CYRILLIC)
# One person in several scripts, and ordinary words that are names too, so that transliteration
# and confidence are compared as well.
SPELLINGS = (
    ("أحمد الشريف", "Ahmad al-Sharif", "אחמד א-שריף", "Ахмед аль-Шариф", "التنافس الشريف"),
    ("نوید احمدزی", "Navid Ahmadzai", "Навид Ахмадзай", "נביד אחמדזאי", "نوید"),
    ("Надія Шевченко", "Nadiya Shevchenko", "надія", "Надії Шевченко", "נדיה שבצ'נקו"),
    ("Grace Mutua", "grace", "Grace", "غريس موتوا", "Грейс Мутуа"),
    ("ئازاد ڕەسوڵ", "ئازاد رەسول", "Azad Rasul", "ڕەسوڵیش", "Азад Расул"),
    ("Barış Kaya", "barış", "Barışın", "kaya", "Бариш Кая"),
    ("דוד לוי", "שהדוד", "David Levi", "ודוד", "Давид Леви"),
)
LANGS = ("", "en", "ar", "fa", "he", "ur", "ps", "ckb", "ru", "uk", "tr", "fr", "es", "fa-IR")


@st.composite
def words(draw: st.DrawFn) -> str:
    """A word of one script, with a character of any kind now and then."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(draw(st.sampled_from(SPELLINGS))))
    script = draw(st.sampled_from(SCRIPTS))
    letters = draw(st.text(alphabet=script, min_size=1, max_size=9))
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(letters)))
        extra = draw(st.sampled_from(OTHER + NEWER + ARABIC[-10:]))
        letters = letters[:at] + extra + letters[at:]
    return letters


SEPARATORS = st.sampled_from(
    [" ", " ", " ", "-", "-\n", "\n", ", ", " al-", " א-", "‐", "' ", "\u200c"]
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(words(), SEPARATORS), min_size=1, max_size=12))
    return "".join(word + separator for word, separator in parts).strip(" ")


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    notes = draw(st.lists(texts(), min_size=1, max_size=4))
    roster = []
    for _ in range(draw(st.integers(1, 4))):
        source = draw(st.sampled_from(notes))
        choice = draw(st.integers(0, 2))
        if choice == 2:
            name = draw(st.sampled_from(draw(st.sampled_from(SPELLINGS))))
        elif len(source) > 1 and choice == 1:
            start = draw(st.integers(0, len(source) - 2))
            name = source[start : draw(st.integers(start + 1, min(len(source), start + 30)))]
        else:
            name = " ".join(draw(st.lists(words(), min_size=1, max_size=3)))
        entry: dict[str, Any] = {"display_name": name}
        if draw(st.booleans()):
            entry["affiliation"] = draw(texts())
        if draw(st.integers(0, 3)) == 0:
            entry["aliases"] = draw(st.lists(words(), max_size=2))
        roster.append(entry)
    items = [
        {
            "title": draw(st.sampled_from(["", *notes])),
            "rule": "on_record",
            "notes": [{"text": note, "lang": draw(st.sampled_from(LANGS))} for note in notes],
        }
    ]
    summary = {"dialogue": {"title": draw(texts())}, "sessions": [{"title": "", "items": items}]}
    return {"summary": summary, "context": {"roster": roster}}


class Node:
    """One Node process answering review requests line by line."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["node", str(NODE_SIDE), "--lines"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )

    def reviews(self, batch: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"reviews": batch}).encode() + b"\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the Node side stopped"
        found: list[list[dict[str, Any]]] = json.loads(line)["reviews"]
        return found

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    side = Node()
    yield side
    side.close()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(cases(), min_size=1, max_size=6))
def test_random_texts_of_every_script_give_identical_findings(node, batch):
    theirs = node.reviews(batch)
    for case, found in zip(batch, theirs, strict=True):
        assert found == review(case["summary"], case["context"]), json.dumps(case)


def test_the_property_finds_something_to_compare(node):
    """The strategy's lifted names are found, so the property compares findings, not empty
    lists: a fixed example of each kind."""
    case = {
        "summary": {
            "sessions": [
                {
                    "items": [
                        {
                            "rule": "on_record",
                            "notes": [
                                {"text": "ئازاد رەسول و Azad Rasul هات", "lang": "ckb"},
                                {"text": "Вірі Соколовій\u2028נביד", "lang": "uk"},
                            ],
                        }
                    ]
                }
            ]
        },
        "context": {"roster": [{"display_name": "ئازاد ڕەسوڵ"}, {"display_name": "Віра Соколова"}]},
    }
    found = review(case["summary"], case["context"])
    assert [f["match"] for f in found] == ["ئازاد رەسول", "Azad Rasul", "Вірі Соколовій"]
    assert node.reviews([case]) == [found]
