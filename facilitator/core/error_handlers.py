"""Where domain and protocol errors become responses: once for HTTP, once for Socket.IO."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_socketio import SocketIO, emit
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from facilitator.core.errors import DomainError
from facilitator.core.private_logs import describe_failure
from facilitator.extensions import db

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def wants_json() -> bool:
    """API paths and JSON callers get JSON; browsers navigating pages get a page."""
    if request.path.startswith("/api/") or request.path.endswith(".json") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _respond(
    status: int, body: dict[str, Any], headers: list[tuple[str, str]] | None = None
) -> ResponseReturnValue:
    if wants_json():
        content: Response | str = jsonify(body)
    else:
        content = render_template("errors/error.html", status=status, message=body["message"])
    return (content, status, headers) if headers else (content, status)


def _http_message(status: int) -> str:
    messages = {
        400: _("The request could not be processed."),
        401: _("Please sign in first."),
        403: _("You are not allowed to do that."),
        404: _("Nothing was found here."),
        405: _("This address does not accept that kind of request."),
        413: _("What was sent is too large."),
        415: _("This address expects JSON."),
        429: _("Too many attempts. Wait a few minutes and try again."),
    }
    return str(messages.get(status) or _("The request could not be processed."))


def register_http_errors(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> ResponseReturnValue:
        db.session.rollback()
        return _respond(error.status, error.to_dict())

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> ResponseReturnValue:
        db.session.rollback()
        body = {
            "error": "csrf_failed",
            "message": _("This form has expired or was not sent by this site. Reload and retry."),
        }
        return _respond(400, body)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue | HTTPException:
        status = error.code or 500
        if status >= 500 or status < 400:
            return error
        db.session.rollback()
        body = {"error": _HTTP_CODES.get(status, "bad_request"), "message": _http_message(status)}
        # What the error's own response would carry besides its body: ``Allow`` on a 405.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return _respond(status, body, headers)


def register_socket_errors(socketio: SocketIO) -> None:
    """Every event handler's domain error becomes one ``error_occurred`` event to the sender.

    The payload has a code, parameters and the event's name only: the client translates, since a
    room mixes locales.
    Any other failure is logged by the event's name and ``describe_failure``, never with the
    event's arguments (they name dialogues and carry ciphertext), and the sender is told
    ``internal_error``. A failure in the handshake (``connect``) refuses the connection.
    """

    @socketio.on_error_default  # type: ignore[untyped-decorator]
    def _socket_error(error: Exception) -> bool | None:
        db.session.rollback()
        event = getattr(request, "event", None) or {}
        name = str(event.get("message", "?"))[:64]
        if not isinstance(error, DomainError):
            current_app.logger.error("socket event %r failed: %s", name, describe_failure(error))
        if name == "connect":
            return False  # a handshake that failed, however, is refused
        # The event's name tells a client with several requests in flight which one failed.
        if isinstance(error, DomainError):
            emit("error_occurred", {**error.to_dict(with_message=False), "event": name})
        else:
            emit("error_occurred", {"error": "internal_error", "event": name})
        return None
