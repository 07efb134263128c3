"""The language switcher and the browser's message catalogue."""

from __future__ import annotations

from pathlib import Path

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


def _local_path(target: str) -> str:
    """Only a path on this site; anything else (``//evil``, ``https://…``) goes home."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("accounts.home")


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
