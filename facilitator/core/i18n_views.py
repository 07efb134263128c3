"""The language switcher and the browser's message catalogue."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from werkzeug.wrappers import Response

from facilitator.core.auth import public
from facilitator.core.errors import InvalidInputError, NotFoundError
from facilitator.core.i18n import (
    LOCALE_SESSION_KEY,
    SUPPORTED_LOCALES,
    browser_catalog,
    browser_language_names,
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


@bp.get("/i18n/<tag>.json")
@public
def catalog(tag: str) -> Response:
    if tag not in SUPPORTED_LOCALES:
        raise NotFoundError()
    translations = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    body: dict[str, object] = {"locale": tag, "messages": browser_catalog(translations, tag)}
    names = browser_language_names(tag)
    if names:
        body["language_names"] = names
    return jsonify(body)
