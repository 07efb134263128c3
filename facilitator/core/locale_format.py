"""Dates, times and numbers in the reader's locale, on the server.

Babel gives CLDR patterns, names and separators, but formats only in the Gregorian calendar and
only with Latin digits. This module adds the two things a Persian or Kurdish reader expects:
the locale's own digits (CLDR's default numbering system: Persian digits for ``fa`` and ``ps``,
Arabic-Indic for ``ckb``) and the Persian (Solar Hijri) calendar for ``fa``. The browser applies
the same rules (static/js/i18n.js), so a date reads the same on a page and in a script.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

import jdatetime
from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_decimal

# Where each decimal numbering system's digits start in Unicode (digits are consecutive).
_ZERO = {"latn": ord("0"), "arab": 0x0660, "arabext": 0x06F0}

# Locales whose everyday calendar is not the Gregorian one.
PERSIAN_CALENDAR_LOCALES = frozenset({"fa"})


@cache
def numbering_system(tag: str) -> str:
    """The locale's default numbering system, as CLDR has it ("latn" where unknown here)."""
    system = str(Locale.parse(tag).default_numbering_system)
    return system if system in _ZERO else "latn"


@cache
def _digit_table(system: str) -> dict[int, str]:
    zero = _ZERO[system]
    return {ord("0") + i: chr(zero + i) for i in range(10)}


def localize_digits(text: str, tag: str) -> str:
    """Latin digits in ``text`` written in the locale's own digits."""
    system = numbering_system(tag)
    return text if system == "latn" else text.translate(_digit_table(system))


def format_number(value: float, tag: str) -> str:
    return localize_digits(format_decimal(value, locale=tag, numbering_system="default"), tag)


def format_datetime(value: datetime, tag: str) -> str:
    """A medium date with a short time: "22 Nov 2026, 14:05", or in Persian the same day in
    the Solar Hijri calendar with Persian digits."""
    if tag in PERSIAN_CALENDAR_LOCALES:
        return localize_digits(_persian(value, tag), tag)
    glue = str(get_datetime_format("medium", locale=tag))
    date = format_date(value, "medium", locale=tag)
    clock = format_time(value, "short", locale=tag)
    return localize_digits(glue.replace("{1}", date).replace("{0}", clock), tag)


def _persian(value: datetime, tag: str) -> str:
    day = jdatetime.date.fromgregorian(date=value.date())
    month = jdatetime.date.j_months_fa[day.month - 1]
    clock = format_time(value, "HH:mm", locale=tag)
    return f"{day.day} {month} {day.year}، {clock}"
