"""Dates and numbers on the server follow the locale: calendar, digits, separators."""

from __future__ import annotations

from datetime import datetime

import pytest
from babel.messages.pofile import read_po

from facilitator.core.locale_format import format_datetime, format_number, localize_digits
from tests.conftest import ROOT

WHEN = datetime(2026, 11, 22, 14, 5)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "Nov 22, 2026, 2:05\u202fPM"),
        ("fa", "۱ آذر ۱۴۰۵، ۱۴:۰۵"),  # the Persian calendar, Persian digits
        ("ru", "22 нояб. 2026\u202fг., 14:05"),
        ("he", "22 בנוב׳ 2026, 14:05"),
    ],
)
def test_dates(tag, expected):
    assert format_datetime(WHEN, tag) == expected


def test_digits_follow_the_locale_numbering_system():
    assert format_number(1234.5, "fa") == "۱٬۲۳۴٫۵"
    assert format_number(1234.5, "ckb") == "١٬٢٣٤٫٥"
    assert format_number(1234.5, "ps") == "۱٬۲۳۴٫۵"
    assert format_number(1234.5, "fr") == "1\u202f234,5"
    assert format_number(1234.5, "en") == "1,234.5"
    assert localize_digits("2019", "ar") == "2019"  # CLDR's Arabic uses Latin digits by default


def test_account_page_counts_in_the_locale_digits(client, sign_in, make_member):
    sign_in(make_member("convener"))
    client.post("/locale", data={"locale": "fa", "csrf_token": _token(client)})
    page = client.get("/account").get_data(as_text=True)
    with (ROOT / "translations" / "fa" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="fa")
    sentence = catalog.get(("Signed in on %(num)s browser.", "Signed in on %(num)s browsers."))
    assert str(sentence.string[0]) % {"num": "۱"} in page


def _token(client):
    import re

    html = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
