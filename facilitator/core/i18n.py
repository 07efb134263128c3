"""Locale choice and locale facts for templates and the browser.

The locale is chosen in this order: the person's explicit choice (kept in their session), then
the browser's ``Accept-Language``, then English. ``LocaleInfo`` gives the language tag and the
text direction that ``base.html`` puts on ``<html lang dir>``.
"""

from __future__ import annotations

import gettext
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.dates import get_timezone_name
from babel.messages.pofile import read_po
from flask import request, session
from flask_babel import get_locale

from facilitator.core import locale_format

SUPPORTED_LOCALES: tuple[str, ...] = (
    "en",
    "ar",
    "ckb",
    "es",
    "fa",
    "fr",
    "he",
    "ps",
    "ru",
    "tr",
    "uk",
    "ur",
)
DEFAULT_LOCALE = "en"
LOCALE_SESSION_KEY = "locale"
JS_SOURCE_PREFIX = "static/js/"
# Locales whose CLDR data browsers' built-in ICU often lacks: the browser gets language names
# from here and date formats from a vendored FormatJS bundle (static/js/i18n.js).
BROWSER_CLDR_FALLBACK = frozenset({"ps", "ckb"})


@dataclass(frozen=True)
class LocaleInfo:
    tag: str
    direction: str  # "ltr" or "rtl"
    native_name: str

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"


@cache
def locale_info(tag: str) -> LocaleInfo:
    locale = Locale.parse(tag)
    direction = "rtl" if locale.character_order == "right-to-left" else "ltr"
    name = locale.get_display_name(locale) or tag
    return LocaleInfo(tag=tag, direction=direction, native_name=name[:1].upper() + name[1:])


def available_locales() -> list[LocaleInfo]:
    return [locale_info(tag) for tag in SUPPORTED_LOCALES]


def select_locale() -> str:
    chosen = session.get(LOCALE_SESSION_KEY)
    if isinstance(chosen, str) and chosen in SUPPORTED_LOCALES:
        return chosen
    # Babel's negotiation tries each preference in order, its base language included
    # ("fr-CA" -> "fr") before the next preference.
    preferred = [tag for tag, _quality in request.accept_languages]
    return negotiate_locale(preferred, SUPPORTED_LOCALES, sep="-") or DEFAULT_LOCALE


def current_locale_info() -> LocaleInfo:
    return locale_info(str(get_locale() or DEFAULT_LOCALE))


@cache
def browser_language_names(tag: str) -> dict[str, str]:
    """Language names in ``tag`` for browsers that cannot name languages in it themselves."""
    if tag not in BROWSER_CLDR_FALLBACK:
        return {}
    names = Locale.parse(tag).languages
    return {code: str(name) for code, name in names.items() if code.isalpha() and len(code) <= 3}


# Zone ids a browser may be asked to name: the canonical regions, not the POSIX-style aliases.
_NOT_ZONES = ("Etc/", "posix/", "right/", "SystemV/")


def browser_zone_names(tag: str) -> dict[str, str]:
    """Time zone names in ``tag`` ("بەکاتی ئوردن" for Asia/Amman) for browsers that cannot
    name zones in it themselves: without them a Kurdish or Pashto page names the dialogue's
    zone in English."""
    if tag not in BROWSER_CLDR_FALLBACK:
        return {}
    zones = sorted(
        zone
        for zone in zoneinfo.available_timezones()
        if "/" in zone and not zone.startswith(_NOT_ZONES)
    )
    return {
        zone: get_timezone_name(zone, "long", locale=tag, zone_variant="generic") for zone in zones
    }


def format_count(value: float) -> str:
    """Jinja filter ``number``: a number in the page locale's digits and separators."""
    return locale_format.format_number(value, current_locale_info().tag)


def format_when(value: datetime) -> str:
    """Jinja filter ``when``: a date and time in the page's locale, calendar and digits."""
    return locale_format.format_datetime(value, current_locale_info().tag)


def _category_forms(tag: str, plural_expr: str) -> dict[str, int]:
    """Which catalogue form each CLDR plural category uses, so the browser can pick one with
    ``Intl.PluralRules`` instead of evaluating gettext's C expression."""
    rule = Locale.parse(tag).plural_form
    pick = gettext.c2py(plural_expr)
    forms: dict[str, int] = {}
    for number in range(0, 1001):
        forms.setdefault(rule(number), pick(number))
    return forms


@cache
def browser_catalog(translations_dir: Path, tag: str) -> dict[str, str | dict[str, str]]:
    """The messages used by the browser's JavaScript, in one locale, from the same catalogues.

    Only entries extracted from ``static/js`` are sent. A plural entry maps each CLDR category
    (``one``, ``few``, ``other``…) to its form.
    """
    path = translations_dir / tag / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=tag)
    categories = _category_forms(tag, catalog.plural_expr)
    result: dict[str, str | dict[str, str]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if not any(str(loc).startswith(JS_SOURCE_PREFIX) for loc, _line in message.locations):
            continue
        # gettext's convention for a message in a context: "context\x04msgid".
        prefix = f"{message.context}\x04" if message.context else ""
        if isinstance(message.id, tuple | list):
            raw = message.string
            strings = [str(s) for s in raw] if isinstance(raw, tuple | list) else [str(raw)]
            if all(strings):
                key = prefix + str(message.id[0])
                result[key] = {cat: strings[i] for cat, i in categories.items()}
        elif message.string:
            result[prefix + str(message.id)] = str(message.string)
    return result
