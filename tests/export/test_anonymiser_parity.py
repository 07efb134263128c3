"""The two anonymisers (facilitator/export/anonymise/ and static/js/export/anonymise/) give the
same results for any input: the transliteration tables agree character for character, code
points newer than Python's Unicode are treated alike, and random texts from every script in use
give identical findings. Node runs the browser's modules (tests/export/anonymiser_in_node.mjs)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import unicodedata
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from anyascii import anyascii

from facilitator.export.anonymise import review
from facilitator.export.anonymise.confidence import COMMON as COMMON_WORDS
from facilitator.export.anonymise.fold import category, fold, script_of, unknown
from facilitator.export.anonymise.languages import SCRIPTS, UNASSIGNED_IN_14
from facilitator.export.anonymise.translit import latin, skeletons

ROOT = Path(__file__).resolve().parents[2]
NODE_SIDE = Path(__file__).with_name("anonymiser_in_node.mjs")
SEED = 20261207
IN_USE = ("latin", "arabic", "hebrew", "cyrillic")

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")


def in_node(**request: Any) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(NODE_SIDE)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def assigned_in(script: str) -> list[str]:
    """Every code point Python's Unicode 14 knows in the code point ranges of ``script``."""
    return [
        chr(point)
        for low, high, name in SCRIPTS
        if name == script
        for point in range(low, high + 1)
        if category(chr(point)) != "Cn"
    ]


def letters_of(script: str) -> list[str]:
    return [char for char in assigned_in(script) if category(char).startswith("L")]


def test_both_sides_pin_the_same_transliteration_release():
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    installed = json.loads(
        (ROOT / "node_modules" / "any-ascii" / "package.json").read_text(encoding="utf-8")
    )
    assert package["dependencies"]["any-ascii"] == installed["version"] == version("anyascii")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"anyascii=={version("anyascii")}"' in pyproject


@pytest.mark.parametrize("script", IN_USE)
def test_transliteration_tables_agree_on_every_letter_of_the_scripts_in_use(script):
    letters = letters_of(script)
    everything = assigned_in(script)
    assert len(everything) >= 100 and len(letters) >= 50, script
    # Each code point alone, its folded form, and words of letters (tables are per code point,
    # so words only check the joining).
    texts = everything + [fold(char) for char in everything]
    rng = random.Random(SEED)
    texts += ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(200)]
    node = in_node(ascii=texts, latin=texts, skeletons=texts)
    assert node["ascii"] == [anyascii(text) for text in texts]
    assert node["latin"] == [latin(text) for text in texts]
    assert node["skeletons"] == [list(skeletons(text)) for text in texts]


def test_code_points_newer_than_unicode_14_are_listed_and_treated_as_unassigned():
    """Whatever Node's Unicode version assigns that Python's does not is in the shared list, and
    both sides treat every listed code point as unassigned."""
    node = in_node(assigned=True)
    python_unknown = [
        point
        for low, high in node["assigned"]
        for point in range(low, high + 1)
        if unicodedata.category(chr(point)) == "Cn"
    ]
    assert python_unknown, "the test's Node is expected to know a newer Unicode than Python"
    assert all(unknown(chr(point)) for point in python_unknown)
    listed = [point for low, high in UNASSIGNED_IN_14 for point in range(low, high + 1)]
    assert all(category(chr(point)) == "Cn" and fold(chr(point)) == chr(point) for point in listed)
    assert all(script_of(chr(point)) == "" for point in listed)
    sample = [*listed[:: max(1, len(listed) // 500)], 0x41, 0x627, 0x5D0, 0x416, 0x10FFFF]
    assert in_node(unknown=sample)["unknown"] == [unknown(chr(point)) for point in sample]


# One spelling of a few consonants and vowels in each script in use, to write the same random
# name in several scripts (vowels are left out in Arabic and Hebrew script, as usual).
SPELLINGS = {
    "latin": dict(zip("bdfklmnrstzaiu", "bdfklmnrstzaiu", strict=True)),
    "arabic": dict(zip("bdfklmnrstzaiu", "بدفكلمنرستز" + "\0ي\0", strict=True)),
    "hebrew": dict(zip("bdfklmnrstzaiu", "בדפכלמנרסטז" + "\0י\0", strict=True)),
    "cyrillic": dict(zip("bdfklmnrstzaiu", "бдфклмнрстзаиу", strict=True)),
}


def _name(rng: random.Random) -> str:
    return "".join(rng.choice("bdfklmnrstz") + rng.choice("aiu") for _ in range(rng.randint(1, 4)))


def _written(name: str, script: str) -> str:
    return "".join(SPELLINGS[script][char] for char in name).replace("\0", "")


def _random_case(rng: random.Random, alphabets: dict[str, list[str]]) -> dict[str, Any]:
    """A summary of random words from every script in use (with marks, invisible controls,
    separators and code points newer than Unicode 14 mixed in), and a roster whose names are
    random words too, some of them lifted from the notes and some random names written in
    several scripts, so that there is something to find."""
    names = [_name(rng) for _ in range(4)]
    newer = [chr(low) for low, _high in UNASSIGNED_IN_14]
    extras = ["\u064e", "\u0651", "\u05b4", "\u0301", "\u200c", "\u200d", "\u0640", "\u00ad"]
    extras += newer[:40]

    def word() -> str:
        letters = alphabets[rng.choice(IN_USE)]
        chars = rng.choices(letters, k=rng.randint(1, 8))
        if rng.random() < 0.2:
            chars.insert(rng.randint(0, len(chars)), rng.choice(extras))
        return "".join(chars)

    def text(words: int) -> str:
        out = []
        for _ in range(words):
            out += [word(), rng.choice([" ", " ", " ", "-", "\n", ", ", " al-", " א-", "‐", "-\n"])]
        return "".join(out).strip()

    notes = [text(rng.randint(3, 16)) for _ in range(6)]
    for _ in range(4):
        written = " ".join(_written(rng.choice(names), rng.choice(IN_USE)) for _ in range(2))
        note = rng.randrange(len(notes))
        notes[note] = f"{notes[note]} {rng.choice(['', 'al-', 'و', 'ה'])}{written}"
    pool = [w for note in notes for w in note.split()]
    roster = []
    for _ in range(4):
        if rng.random() < 0.5:
            name = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
        else:
            name = " ".join(_written(rng.choice(names), rng.choice(IN_USE)) for _ in range(2))
        entry: dict[str, Any] = {"display_name": name if rng.random() < 0.6 else text(2)}
        if rng.random() < 0.5:
            entry["affiliation"] = text(rng.randint(1, 3))
        if rng.random() < 0.3:
            entry["aliases"] = [text(1), rng.choice(pool)]
        roster.append(entry)
    # Common words of the notes' languages as first names, written in the notes with and without
    # a capital and a suffix, so that confidence and suffixes by language are compared too.
    langs = [rng.choice(LANGS) for _ in notes]
    for _ in range(3):
        note = rng.randrange(len(notes))
        common = rng.choice(COMMON[langs[note]] or ["rose"])
        surname = word()
        roster.append({"display_name": f"{common} {surname}"})
        spelled = common.capitalize() if rng.random() < 0.5 else common
        ending = rng.choice(["", "nin", "la", "یش", "ی", "ها"])
        notes[note] = f"{notes[note]}{rng.choice(['. ', ' ', ', '])}{spelled}{ending} {surname}"
    items = [
        {
            "title": text(2),
            "rule": "on_record",
            "notes": [{"text": n, "lang": lang} for n, lang in zip(notes, langs, strict=True)],
        }
    ]
    summary = {"dialogue": {"title": text(3)}, "sessions": [{"title": "", "items": items}]}
    return {"summary": summary, "context": {"roster": roster}}


LANGS = ("", "ar", "ckb", "en", "fa", "he", "ru", "tr", "uk", "ur")
COMMON = {lang: sorted(words)[::97] for lang, words in {"": frozenset(), **COMMON_WORDS}.items()}


def random_cases(count: int = 150) -> list[dict[str, Any]]:
    """``count`` random cases, the same on every run (tests/browser/test_anonymiser_js.py runs
    them in Chromium)."""
    rng = random.Random(SEED)
    alphabets = {script: letters_of(script) for script in IN_USE}
    # Letters people write most, so that random words meet: the basic alphabets, weighted up.
    alphabets["latin"] += list("abcdefghijklmnopqrstuvwxyzşçğıöüéàñ") * 6
    alphabets["arabic"] += list("ابتثجحخدذرزسشصضطظعغفقكلمنهويىةءأإآپچژگکیۀہھےڕڵێۆ") * 6
    alphabets["hebrew"] += list("אבגדהוזחטיכלמנסעפצקרשתךםןףץ") * 6
    alphabets["cyrillic"] += list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ") * 6
    return [_random_case(rng, alphabets) for _ in range(count)]


def test_random_texts_from_every_script_give_identical_findings():
    cases = random_cases()
    python = [review(case["summary"], case["context"]) for case in cases]
    node = in_node(reviews=cases)["reviews"]
    assert sum(map(len, python)) > 100, "the random cases should find something"
    assert any(f.get("via") == "transliteration" for found in python for f in found)
    assert any(f["confidence"] == "possible" for found in python for f in found)
    for case, ours, theirs in zip(cases, python, node, strict=True):
        assert theirs == ours, json.dumps(case, ensure_ascii=False)
