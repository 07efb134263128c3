"""Writing an anonymised summary: Markdown, JSON and PDF, each with the same manifest.

The manifest names the dialogue's epoch-chain head (the record hash of its newest epoch, which
commits to every roster and key before it) and the SHA-256 of the content, so a reader can tell
which state of the dialogue a summary comes from and that it was not altered afterwards. Labels
(headings, note kinds) are in the convener's language, from the product's catalogues. The PDF
is laid out by WeasyPrint with Noto fonts; every text carries its language and ``dir="auto"``,
so Arabic and Persian run right to left.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.support import Translations

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


def N_(message: str) -> str:
    """gettext's name for "mark for translation only": extracted, translated when shown."""
    return message


KINDS = {
    "point": N_("Points made"),
    "idea": N_("Ideas"),
    "proposal": N_("Proposals"),
    "agreement": N_("Agreements"),
    "disagreement": N_("Disagreements"),
    "question": N_("Open questions"),
    "action": N_("Action points"),
}
PHASES = {
    "opening": N_("Opening"),
    "perspectives": N_("Perspectives"),
    "joint_analysis": N_("Joint analysis"),
    "solutions": N_("Solutions"),
    "closing": N_("Closing"),
    "caucus": N_("Caucus"),
    "break": N_("Break"),
}
# The anonymiser's neutral labels (facilitator.export.anonymise.DEFAULT_LABELS), translated.
NEUTRAL_LABELS = {
    "participant": N_("[a participant]"),
    "organisation": N_("[an organisation]"),
    "side": N_("[a side]"),
    "term": N_("[a term]"),
}
HEADING = N_("Anonymised summary")
TRANSLATION = N_("Translation")
SUMMARY_TEXT = N_("Summary")
PROVENANCE = N_("Epoch-chain head %(head)s; content SHA-256 %(digest)s")


@dataclass(frozen=True)
class Manifest:
    dialogue_id: str
    epoch_chain_head: str
    epochs: int
    content_sha256: str
    generated_on: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "dialogue_id": self.dialogue_id,
            "epoch_chain_head": self.epoch_chain_head,
            "epochs": self.epochs,
            "content_sha256": self.content_sha256,
            "generated_on": self.generated_on,
        }


def canonical_json(summary: dict[str, Any]) -> bytes:
    return json.dumps(summary, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def manifest_for(
    summary: dict[str, Any], dialogue_id: str, chain_head: str, epochs: int
) -> Manifest:
    """The day only: the time of an export could help tie it to a person's activity."""
    return Manifest(
        dialogue_id=dialogue_id,
        epoch_chain_head=chain_head,
        epochs=epochs,
        content_sha256=hashlib.sha256(canonical_json(summary)).hexdigest(),
        generated_on=datetime.now(UTC).date().isoformat(),
    )


class Labels:
    def __init__(self, locale: str) -> None:
        self.locale = locale
        self._t = Translations.load(str(TRANSLATIONS), [locale])

    def __call__(self, message: str, **params: str) -> str:
        text = self._t.gettext(message)
        return text % params if params else text

    def neutral(self) -> dict[str, str]:
        return {key: self(text) for key, text in NEUTRAL_LABELS.items()}


def _grouped(notes: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for note in notes:
        groups.setdefault(str(note.get("kind", "point")), []).append(note)
    return [(kind, groups[kind]) for kind in KINDS if kind in groups]


def to_markdown(summary: dict[str, Any], manifest: Manifest, labels: Labels) -> str:
    lines = [f"# {summary['dialogue']['title']}", "", f"*{labels(HEADING)}*", ""]
    if summary.get("free_text"):
        lines += [f"## {labels(SUMMARY_TEXT)}", "", str(summary["free_text"]), ""]
    for session in summary["sessions"]:
        lines += [f"## {session['title']} ({session['day']})", ""]
        for item in session["items"]:
            phase = PHASES.get(item.get("phase", ""), "")
            suffix = f" — {labels(phase)}" if phase else ""
            lines += [f"### {item['title']}{suffix}", ""]
            for kind, notes in _grouped(item["notes"]):
                lines += [f"**{labels(KINDS[kind])}**", ""]
                for note in notes:
                    lines.append(f"- {note['text']}")
                    if note.get("translation"):
                        lines.append(f"  - *{labels(TRANSLATION)}:* {note['translation']['text']}")
                lines.append("")
    lines += [
        "---",
        labels(PROVENANCE, head=manifest.epoch_chain_head, digest=manifest.content_sha256),
        "",
    ]
    return "\n".join(lines)


def to_json(summary: dict[str, Any], manifest: Manifest) -> str:
    return json.dumps(
        {"manifest": manifest.as_dict(), "summary": summary}, ensure_ascii=False, indent=2
    )


def _direction(lang: str) -> str:
    """WeasyPrint does not resolve ``dir="auto"``: a text in a known language gets its own
    direction, anything else ``auto``."""
    try:
        return "rtl" if Locale.parse(lang).character_order == "right-to-left" else "ltr"
    except (ValueError, TypeError, UnknownLocaleError):
        return "auto"


def _text(tag: str, text: str, lang: str = "", css: str = "") -> str:
    direction = _direction(lang) if lang else "auto"
    attributes = f' dir="{direction}" lang="{html.escape(lang)}"' if lang else ' dir="auto"'
    if css:
        attributes += f' class="{css}"'
    return f"<{tag}{attributes}>{html.escape(text)}</{tag}>"


def to_html(summary: dict[str, Any], manifest: Manifest, labels: Labels, rtl: bool) -> str:
    parts = [
        _text("h1", summary["dialogue"]["title"]),
        f"<p><em>{html.escape(labels(HEADING))}</em></p>",
    ]
    if summary.get("free_text"):
        parts.append(f"<h2>{html.escape(labels(SUMMARY_TEXT))}</h2>")
        parts += [_text("p", paragraph) for paragraph in str(summary["free_text"]).split("\n\n")]
    for session in summary["sessions"]:
        parts.append(_text("h2", f"{session['title']} ({session['day']})"))
        for item in session["items"]:
            phase = PHASES.get(item.get("phase", ""), "")
            parts.append(_text("h3", item["title"] + (f" — {labels(phase)}" if phase else "")))
            for kind, notes in _grouped(item["notes"]):
                parts.append(f"<h4>{html.escape(labels(KINDS[kind]))}</h4><ul>")
                for note in notes:
                    lang = str(note.get("lang", ""))
                    entry = _text("p", note["text"], lang, "note")
                    translation = note.get("translation")
                    if translation:
                        entry += _text(
                            "p", translation["text"], translation.get("lang", ""), "translation"
                        )
                    direction = _direction(lang) if lang else "auto"
                    parts.append(f'<li dir="{direction}">{entry}</li>')
                parts.append("</ul>")
    provenance = labels(PROVENANCE, head=manifest.epoch_chain_head, digest=manifest.content_sha256)
    parts.append(f'<footer dir="ltr">{html.escape(provenance)}</footer>')
    direction = "rtl" if rtl else "ltr"
    return (
        f'<!doctype html><html lang="{html.escape(labels.locale)}" dir="{direction}"><head>'
        f'<meta charset="utf-8"><style>{PDF_CSS}</style></head><body>{"".join(parts)}</body></html>'
    )


PDF_CSS = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "Noto Sans", "Noto Naskh Arabic", "Noto Sans Arabic", "Noto Sans Hebrew",
       sans-serif; font-size: 11pt; line-height: 1.5; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.2em; } h3 { font-size: 12pt; }
h4 { font-size: 11pt; margin: 0.8em 0 0.2em; }
ul { padding-inline-start: 1.2em; } li { margin-bottom: 0.4em; }
p { margin: 0.2em 0; } p.translation { color: #333; font-style: italic; }
footer { margin-top: 2em; font-size: 8pt; color: #444; word-break: break-all; }
"""


def to_pdf(document_html: str) -> bytes:
    from weasyprint import HTML  # imported late: only the PDF needs Pango

    pdf: bytes = HTML(string=document_html).write_pdf()
    return pdf
