"""From an opened dialogue to the summary the anonymiser takes (docs/export.md, "Summary").

Sessions in order, their agenda items in order, each item's notes oldest first; the roster's
names, affiliations and sides become what the anonymiser looks for. Nothing is removed here:
the anonymiser drops off-the-record and no-notes items and coarsens the times.
"""

from __future__ import annotations

from typing import Any

from facilitator.export.anonymise.model import roster_entry
from facilitator.export.bundle import OpenedDialogue

# The agenda's codes (docs/dialogue-content.md) -> the anonymiser's rule names.
RULES = {
    "on_record": "on_record",
    "chatham_house": "chatham_house",
    "off_record": "off_the_record",
    "no_notes": "no_notes",
}


def _newest(documents: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for document in documents:
        if document.get("type") != kind:
            continue
        key = str(document.get("id"))
        if key not in found or found[key]["_seq"] < document["_seq"]:
            found[key] = document
    return list(found.values())


def pick_text(texts: Any, languages: list[str]) -> str:
    """The text in the first of ``languages`` that has one, else any, else ""."""
    if not isinstance(texts, dict):
        return ""
    for tag in languages:
        if isinstance(texts.get(tag), str) and texts[tag].strip():
            return str(texts[tag])
    return next((str(t) for t in texts.values() if isinstance(t, str) and t.strip()), "")


def _position(document: dict[str, Any]) -> float:
    value = document.get("position")
    return float(value) if isinstance(value, int | float) else 0.0


def _note(document: dict[str, Any]) -> dict[str, Any]:
    note: dict[str, Any] = {
        "kind": str(document.get("kind", "point")),
        "text": str(document.get("text", "")),
        "lang": str(document.get("lang", "")),
        "at": str(document.get("at", "")),
    }
    translation = document.get("translation")
    if isinstance(translation, dict) and isinstance(translation.get("text"), str):
        note["translation"] = {
            "text": translation["text"],
            "lang": str(translation.get("lang", "")),
        }
    return note


def _current_notes(opened: OpenedDialogue) -> list[dict[str, Any]]:
    """The newest version of each note (an edit supersedes by ``id``), oldest first."""
    return sorted(_newest(opened.notes, "note"), key=lambda n: n["_seq"])


def build_summary(
    opened: OpenedDialogue, languages: list[str] | None = None, free_text: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(summary, context)`` for ``facilitator.export.anonymise``."""
    dialogue = max(_newest(opened.documents, "dialogue"), key=lambda d: d["_seq"], default={})
    working = [t for t in dialogue.get("languages", []) if isinstance(t, str)]
    prefs = [*(languages or []), *working]
    notes = _current_notes(opened)
    items = sorted(_newest(opened.documents, "agenda_item"), key=_position)
    sessions = []
    for session in sorted(_newest(opened.documents, "session"), key=_position):
        session_items = []
        for item in (i for i in items if i.get("session") == session.get("id")):
            session_items.append(
                {
                    "title": pick_text(item.get("title"), prefs),
                    "phase": str(item.get("phase", "")),
                    "rule": RULES.get(str(item.get("confidentiality")), "chatham_house"),
                    "notes": [_note(n) for n in notes if n.get("item") == item.get("id")],
                }
            )
        sessions.append(
            {
                "title": pick_text(session.get("title"), prefs),
                "day": str(session.get("starts", ""))[:10],
                "items": session_items,
            }
        )
    persons = _newest(opened.documents, "person")
    roster = [roster_entry(person) for person in persons]
    sides = sorted({p["side"] for p in roster if "side" in p})
    summary: dict[str, Any] = {
        "dialogue": {"title": pick_text(dialogue.get("title"), prefs)},
        "sessions": sessions,
    }
    if free_text:
        summary["free_text"] = free_text
    context = {"roster": roster, "sides": sides, "terms": [], "pseudonyms": []}
    return summary, context
