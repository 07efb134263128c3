"""The language switcher and the browser's message catalogue."""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request, session, url_for
from werkzeug.wrappers import Response

from facilitator.core.auth import public
from facilitator.core.errors import InvalidInputError, NotFoundError
from facilitator.core.i18n import (
    LOCALE_SESSION_KEY,
    SUPPORTED_LOCALES,
    browser_catalog,
    browser_language_names,
    browser_zone_names,
)

bp = Blueprint("i18n", __name__)


def is_local_path(target: str) -> bool:
    r"""Whether ``target`` is a path on this site and nothing a browser could read as another.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
    ``/\t/evil.example`` and ``/\evil.example`` both mean ``//evil.example``, another host:
    any control character, space or backslash is refused, then the rest must parse with no
    scheme and no host and begin with a single slash.
    """
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(unicodedata.category(c)[0] in "CZ" for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/")


def _local_path(target: str) -> str:
    """Only a path on this site; anything else (``//evil``, ``https://…``) goes home."""
    return target if is_local_path(target) else url_for("accounts.home")


@bp.post("/locale")
@public
def choose_locale() -> Response:
    tag = request.form.get("locale", "")
    if tag not in SUPPORTED_LOCALES:
        raise InvalidInputError(field="locale")
    session[LOCALE_SESSION_KEY] = tag
    return redirect(_local_path(request.form.get("next", "/")))


@cache
def _catalog_json(translations: Path, tag: str) -> tuple[bytes, bytes]:
    """A locale's catalogue as JSON, plain and gzipped, made once per process.

    Every page fetches it, and in most locales it is some 80 KB: gzip takes it to about a
    fifth. It is the same for every visitor and carries nothing from the request or the session,
    so compressing it leaks nothing (no BREACH: there is no secret in it to guess).
    """
    body: dict[str, object] = {"locale": tag, "messages": browser_catalog(translations, tag)}
    names = browser_language_names(tag)
    if names:
        body["language_names"] = names
    zones = browser_zone_names(tag)
    if zones:
        body["zone_names"] = zones
    raw = current_app.json.dumps(body).encode()
    return raw, gzip.compress(raw, compresslevel=9, mtime=0)


@bp.get("/i18n/<tag>.json")
@public
def catalog(tag: str) -> Response:
    if tag not in SUPPORTED_LOCALES:
        raise NotFoundError()
    raw, packed = _catalog_json(Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"]), tag)
    zipped = bool(request.accept_encodings["gzip"])
    response = Response(packed if zipped else raw, mimetype="application/json")
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response
