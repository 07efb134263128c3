"""API housekeeping: the CSRF token for scripts and clients, and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from flask_wtf.csrf import generate_csrf

from facilitator.core.auth import public

bp = Blueprint("api_core", __name__, url_prefix="/api/v1")


@bp.get("/csrf")
@public
def csrf_token() -> Response:
    """The token unsafe calls carry in ``X-CSRFToken``; bound to the caller's session."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/openapi.json")
@public
def openapi_document() -> Response:
    from facilitator.core.openapi import build_document

    return jsonify(build_document())
