"""``facilitator export`` without a review file, and its headings in the ``--locale`` language.

On the terminal each finding is asked in turn; where the same person is found again later, the
convener may give every later occurrence the same decision, and those are not asked again (the
terminal's counterpart of ``"every": true`` in a review file). With ``--locale fa`` the Markdown's
headings (the title line, the summary text's heading, the phase, the note kinds and the
provenance line) are Persian, like the neutral labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from facilitator import td2
from facilitator.export.cli import export_command
from tests.dialogues.test_export_cli import archive_key

TEXT = (
    "Yusuf Al-Mansour opened. Anatoly Greshnev answered, and Yusuf Al-Mansour proposed a visit. "
    "Yusuf Al-Mansour closed the day."
)
NOTE = "Both councils agree to a joint site visit in March."


def new_id() -> str:
    return td2.b64u_encode(td2.random_id())


def bundle_with_people(workshop: Any, tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two people on the roster, one session with an on-the-record item and one note."""
    convener = workshop.clients["convener"]
    dialogue_id = workshop.dialogue_id
    key, passphrase, public = archive_key(tmp_path)
    convener.register_archive_key(dialogue_id, public)
    for name in ("Yusuf Al-Mansour", "Anatoly Greshnev"):
        convener.write_meta(
            dialogue_id,
            {"type": "person", "id": new_id(), "display_name": name, "role": "participant"},
        )
    session_id, item_id = new_id(), new_id()
    convener.write_meta(
        dialogue_id,
        {
            "type": "session",
            "id": session_id,
            "title": {"en": "Day one"},
            "starts": "2026-12-08T09:00:00+03:00",
            "ends": "2026-12-08T17:00:00+03:00",
            "position": 0,
        },
    )
    convener.write_meta(
        dialogue_id,
        {
            "type": "agenda_item",
            "id": item_id,
            "session": session_id,
            "title": {"en": "Opening words"},
            "phase": "opening",
            "minutes": 30,
            "confidentiality": "on_record",
            "position": 0,
        },
    )
    workshop.clients["rapporteur"].write_note(
        dialogue_id,
        {
            "id": new_id(),
            "item": item_id,
            "kind": "agreement",
            "text": NOTE,
            "lang": "en",
            "at": "2026-12-08T10:41:07+03:00",
        },
    )
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(convener.call("GET", f"/api/v1/dialogues/{dialogue_id}/export")))
    (tmp_path / "text.txt").write_text(TEXT)
    return bundle, key, passphrase


def export(tmp_path: Path, files: tuple[Path, Path, Path], out: str, *more: str, **kw: Any) -> Any:
    bundle, key, passphrase = files
    args = ["--bundle", str(bundle), "--key", str(key), "--passphrase-file", str(passphrase)]
    args += ["--text", str(tmp_path / "text.txt"), "--out", str(tmp_path / out), *more]
    return CliRunner().invoke(export_command, args, **kw)


def test_the_terminal_offers_every_occurrence_and_asks_no_more(app, workshop, tmp_path):
    files = bundle_with_people(workshop, tmp_path)
    # Yusuf (three times): own words, applied to the two later ones; Anatoly (once): kept.
    result = export(tmp_path, files, "out", input="o\nthe delegate\ny\nk\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("[r]eplace / [k]eep") == 2
    assert result.output.count("Apply this to every other occurrence") == 1
    assert "«Yusuf Al-Mansour» (2 more)" in result.output
    markdown = (tmp_path / "out" / "summary.md").read_text()
    assert markdown.count("the delegate") == 3
    assert "Yusuf" not in markdown
    assert "Anatoly Greshnev answered" in markdown


def test_declining_every_occurrence_asks_each_one(app, workshop, tmp_path):
    files = bundle_with_people(workshop, tmp_path)
    # Yusuf: replaced, not for the others; Anatoly: kept; then the second Yusuf is asked
    # (and offered the last one), kept; the third asked, replaced.
    result = export(tmp_path, files, "out", input="r\nn\nk\nk\nn\nr\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("[r]eplace / [k]eep") == 4
    assert "(1 more)" in result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())["summary"]
    assert summary["free_text"] == (
        "[a participant] opened. Anatoly Greshnev answered, and Yusuf Al-Mansour proposed a "
        "visit. [a participant] closed the day."
    )


def test_headings_follow_the_locale(app, workshop, tmp_path):
    files = bundle_with_people(workshop, tmp_path)
    english = export(tmp_path, files, "en", "--format", "md", input="r\ny\nr\n")
    persian = export(tmp_path, files, "fa", "--format", "md", "--locale", "fa", input="r\ny\nr\n")
    assert english.exit_code == 0, english.output
    assert persian.exit_code == 0, persian.output
    markdown = (tmp_path / "fa" / "summary.md").read_text()
    for heading in (
        "*خلاصهٔ بی\u200cنام\u200cشده*",  # Anonymised summary
        "## خلاصه\n",  # Summary (the convener's text)
        "### Opening words — افتتاحیه",  # the phase
        "**توافق\u200cها**",  # Agreements
        "سر زنجیرهٔ دوره\u200cهای کلید",  # the provenance line
    ):
        assert heading in markdown, heading
    for english_word in ("Anonymised summary", "## Summary", "— Opening", "Agreements", "Epoch"):
        assert english_word not in markdown, english_word
    assert markdown.count("[یک شرکت\u200cکننده]") == 4
    assert "*Anonymised summary*" in (tmp_path / "en" / "summary.md").read_text()
