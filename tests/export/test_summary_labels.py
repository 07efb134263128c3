"""Replacement labels in the summary's language, and one decision for every occurrence of a
person in the command line's review file.

The labels come from the translation catalogue of the export's ``--locale`` (a Persian summary
says "[یک شرکت‌کننده]", not "[a participant]"), in every supported locale. A decision marked
``"every": true`` in the review file stands for the other findings of the same listed name and
kind that have none of their own, never for another person's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from babel.messages.pofile import read_po

from facilitator.core.i18n import SUPPORTED_LOCALES
from facilitator.export import anonymise
from facilitator.export.cli import _decisions
from facilitator.export.render import NEUTRAL_LABELS, Labels

ROOT = Path(__file__).resolve().parents[2]
SUMMARY: dict[str, Any] = {
    "dialogue": {"title": "Talks"},
    "free_text": (
        "Yusuf Al-Mansour opened. Anatoly Greshnev answered, and Yusuf Al-Mansour proposed a visit."
    ),
    "sessions": [],
}
CONTEXT: dict[str, Any] = {
    "roster": [{"display_name": "Yusuf Al-Mansour"}, {"display_name": "Anatoly Greshnev"}],
    "sides": [],
    "terms": [],
    "pseudonyms": [],
}


def catalogue(locale: str) -> dict[str, str]:
    path = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if isinstance(m.id, str)}


def test_a_persian_summary_gets_persian_labels() -> None:
    labels = Labels("fa").neutral()
    assert labels["participant"] == "[یک شرکت‌کننده]"
    out = anonymise.apply(SUMMARY, CONTEXT, [], labels)
    assert out["free_text"].count("[یک شرکت‌کننده]") == 3
    assert "[a participant]" not in out["free_text"]


@pytest.mark.parametrize("locale", [tag for tag in SUPPORTED_LOCALES if tag != "en"])
def test_every_locale_translates_every_label(locale: str) -> None:
    messages = catalogue(locale)
    labels = Labels(locale).neutral()
    for key, english in NEUTRAL_LABELS.items():
        assert messages.get(english), (locale, english)
        assert labels[key] == messages[english] != english, (locale, key)
        assert labels[key].startswith("[") and labels[key].endswith("]"), (locale, key)


def test_the_english_labels_are_the_anonymisers_defaults() -> None:
    assert Labels("en").neutral() == anonymise.DEFAULT_LABELS


def review_file(tmp_path: Path, decisions: list[dict[str, Any]]) -> Path:
    path = tmp_path / "review.json"
    path.write_text(json.dumps(decisions, ensure_ascii=False))
    return path


def test_one_decision_for_every_occurrence_of_a_person(tmp_path: Path) -> None:
    findings = anonymise.review(SUMMARY, CONTEXT)
    yusuf = [f for f in findings if f["source"] == "Yusuf Al-Mansour"]
    anatoly = [f for f in findings if f["source"] == "Anatoly Greshnev"]
    assert len(yusuf) == 2 and len(anatoly) == 1
    path = review_file(
        tmp_path,
        [
            {
                "id": yusuf[0]["id"],
                "action": "replace",
                "replacement": "the delegate",
                "every": True,
            },
            {"id": anatoly[0]["id"], "action": "keep"},
        ],
    )
    decisions = _decisions(findings, path, Labels("fa").neutral())
    assert decisions is not None
    out = anonymise.apply(SUMMARY, CONTEXT, decisions, Labels("fa").neutral())
    assert out["free_text"] == (
        "the delegate opened. Anatoly Greshnev answered, and the delegate proposed a visit."
    )


def test_a_decision_of_its_own_wins_over_every_occurrence(tmp_path: Path) -> None:
    findings = anonymise.review(SUMMARY, CONTEXT)
    first, anatoly, second = findings
    path = review_file(
        tmp_path,
        [
            {"id": first["id"], "action": "keep", "every": True},
            {"id": second["id"], "action": "replace"},
            {"id": anatoly["id"], "action": "replace"},
        ],
    )
    decisions = _decisions(findings, path, Labels("fa").neutral())
    assert decisions is not None
    out = anonymise.apply(SUMMARY, CONTEXT, decisions, Labels("fa").neutral())
    assert out["free_text"] == (
        "Yusuf Al-Mansour opened. [یک شرکت‌کننده] answered, and [یک شرکت‌کننده] proposed a visit."
    )


def test_every_occurrence_never_reaches_another_person(tmp_path: Path) -> None:
    findings = anonymise.review(SUMMARY, CONTEXT)
    yusuf = next(f for f in findings if f["source"] == "Yusuf Al-Mansour")
    path = review_file(
        tmp_path,
        [
            {
                "id": yusuf["id"],
                "action": "keep",
                "every": True,
                "kind": "participant",
                "source": "Anatoly Greshnev",
            }
        ],
    )
    with pytest.raises(click.ClickException, match="no decision for 1 finding"):
        _decisions(findings, path, Labels("en").neutral())
