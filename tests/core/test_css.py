"""Stylesheets use logical properties, so one set of rules serves LTR and RTL pages."""

from __future__ import annotations

import re
from pathlib import Path

CSS_DIR = Path(__file__).resolve().parents[2] / "static" / "css"
PHYSICAL = re.compile(
    r"(?<![\w-])(?:margin|padding|border)-(?:left|right|top|bottom)\b"
    r"|(?<![\w-])(?:left|right|top|bottom)\s*:"
    r"|(?<![\w-])(?:float|clear|text-align)\s*:\s*(?:left|right)\b"
    r"|(?<![\w-])(?:width|height|min-width|max-width|min-height|max-height)\s*:"
)


def test_stylesheets_use_logical_properties_only():
    sheets = sorted(CSS_DIR.glob("*.css"))
    assert sheets, "no stylesheet found"
    offenders = [
        f"{sheet.name}:{number}: {line.strip()}"
        for sheet in sheets
        for number, line in enumerate(sheet.read_text().splitlines(), start=1)
        if PHYSICAL.search(line)
    ]
    assert offenders == []
