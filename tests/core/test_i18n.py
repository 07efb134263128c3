"""Locale choice, <html lang dir>, the browser catalogue, and the catalogues' completeness."""

from __future__ import annotations

import gzip
import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from facilitator.core.i18n import SUPPORTED_LOCALES, locale_info
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [tag for tag in SUPPORTED_LOCALES if tag != "en"]


def html_tag(response):
    """The page's <html> tag as its language and direction say it (other attributes aside)."""
    tag = re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)
    lang = re.search(r'lang="([^"]*)"', tag).group(1)
    direction = re.search(r'dir="([^"]*)"', tag).group(1)
    return f'<html lang="{lang}" dir="{direction}">'


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("ar", '<html lang="ar" dir="rtl">'), ("en-GB,en;q=0.8", '<html lang="en" dir="ltr">'),
     ("fr-CA, ar;q=0.5", '<html lang="fr" dir="ltr">'), ("de, ja", '<html lang="en" dir="ltr">')],
)
def test_accept_language_then_english(client, accept, expected):
    assert html_tag(client.get("/login", headers={"Accept-Language": accept})) == expected


def test_explicit_choice_wins_over_accept_language(client):
    token = csrf_token(client)
    response = client.post("/locale", data={"locale": "ar", "next": "/login", "csrf_token": token})
    assert response.status_code == 302 and response.location == "/login"
    page = client.get("/login", headers={"Accept-Language": "fr"})
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert "تسجيل الدخول" in page.get_data(as_text=True)


def test_unknown_locale_is_refused_and_changes_nothing(client):
    token = csrf_token(client)
    response = client.post("/locale", data={"locale": "xx", "csrf_token": token})
    assert response.status_code == 400
    assert html_tag(client.get("/login")) == '<html lang="en" dir="ltr">'


OFF_SITE_TARGETS = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\u00a0/evil.example",
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "///evil.example",
    "javascript:alert(1)",
    "evil.example",
    "http:/evil.example",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_locale_switch_never_redirects_off_site(client, target):
    token = csrf_token(client)
    response = client.post("/locale", data={"locale": "fr", "next": target, "csrf_token": token})
    assert response.status_code == 302 and response.location == "/", repr(target)


@pytest.mark.parametrize("target", ["/login", "/dialogues/abc/live?x=1", "/account#top"])
def test_locale_switch_returns_to_a_local_path(client, target):
    token = csrf_token(client)
    response = client.post("/locale", data={"locale": "fr", "next": target, "csrf_token": token})
    assert response.location == target


def test_a_tab_in_the_path_does_not_become_an_off_site_redirect(client):
    """``GET /%09/evil.example`` puts ``/\t/evil.example`` in the form's ``next``; a browser
    would follow it to ``//evil.example``."""
    page = client.get("/%09/evil.example").get_data(as_text=True)
    target = re.search(r'name="next" value="([^"]*)"', page).group(1)
    token = csrf_token(client)
    response = client.post(
        "/locale", data={"locale": "fr", "next": html.unescape(target), "csrf_token": token}
    )
    assert response.location == "/"


def test_locale_info_directions():
    assert locale_info("ar").direction == "rtl" and locale_info("ar").is_rtl
    assert locale_info("fa").direction == "rtl"
    assert locale_info("ru").direction == "ltr"
    assert locale_info("en").tag == "en"


@pytest.mark.parametrize("tag", TRANSLATED)
def test_browser_catalogue_comes_from_the_same_catalogue(client, tag):
    body = client.get(f"/i18n/{tag}.json").get_json()
    assert body["locale"] == tag
    messages = body["messages"]
    assert "Scan with your authenticator app" in messages
    assert messages["Scan with your authenticator app"] != "Scan with your authenticator app"
    assert "Sign in" not in messages, "only strings used by JavaScript are sent"


def test_zone_names_come_with_the_locales_browsers_cannot_name_zones_in(client):
    kurdish = client.get("/i18n/ckb.json").get_json()["zone_names"]
    pashto = client.get("/i18n/ps.json").get_json()["zone_names"]
    assert kurdish["Asia/Amman"] == "بەکاتی ئوردن"
    assert pashto["Asia/Kabul"] == "د افغانستان په وخت"
    assert "Etc/GMT+5" not in kurdish and "Europe/Istanbul" in kurdish
    # Where the browser names zones itself, nothing is sent.
    assert "zone_names" not in client.get("/i18n/ar.json").get_json()


def test_unknown_catalogue_is_404_json(client):
    response = client.get("/i18n/xx.json")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


@pytest.mark.parametrize("tag", TRANSLATED)
def test_catalogue_is_complete(tag):
    with (ROOT / "translations" / tag / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=tag)
    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not (
        all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    missing = [m.id for m in template if m.id and catalog.get(m.id, context=m.context) is None]
    assert not catalog.fuzzy, f"{tag}: the catalogue header is marked fuzzy (it would not compile)"
    assert untranslated == [], f"{tag}: untranslated {untranslated}"
    assert fuzzy == [], f"{tag}: fuzzy {fuzzy}"
    assert missing == [], f"{tag}: not in the catalogue {missing}"


def test_messages_pot_is_current(tmp_path):
    """Re-extracting gives the same set of messages as the committed template."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--no-wrap", "--sort-by-file", "--omit-header",
         "-o", str(fresh), "."],
        cwd=ROOT, check=True, capture_output=True,
    )

    def ids(path):
        with path.open("rb") as handle:
            return {(m.id, m.context) for m in read_po(handle) if m.id}

    committed = ids(ROOT / "translations" / "messages.pot")
    current = ids(fresh)
    assert current - committed == set(), "new strings: run `make translations-update`"
    assert committed - current == set(), "stale strings: run `make translations-update`"


def test_browser_catalogue_keeps_message_contexts_apart(client):
    """The role "Facilitator" and the product name "Facilitator" translate differently."""
    messages = client.get("/i18n/ar.json").get_json()["messages"]
    assert messages["team role\x04Facilitator"] == "الميسِّر"


def test_catalogue_is_gzipped_for_a_browser_that_accepts_it(client):
    plain = client.get("/i18n/ar.json")
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.vary
    zipped = client.get("/i18n/ar.json", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 3
    assert plain.get_json()["locale"] == "ar" and plain.headers["Cache-Control"] == "no-store"
