"""The JSON API's edges: request bodies parsed by pydantic models, responses serialised by them.

A body that is not JSON, not an object, of the wrong types or too large becomes one
``InvalidInputError`` (400) naming the fields; nothing reaches a service.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, TypeVar

from flask import Flask, Response, jsonify, request
from pydantic import BaseModel, ConfigDict, ValidationError

from facilitator.core.errors import InvalidInputError

M = TypeVar("M", bound=BaseModel)
# ASCII digits only: ``str.isdigit`` and ``int`` also take "²" or "٣", which no client means.
_DECIMAL = re.compile(r"-?[0-9]{1,19}")


class ApiModel(BaseModel):
    """Base of every API body: unknown fields are refused, strings are not coerced to numbers."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def from_row(model: type[M], row: object, **given: Any) -> M:
    """``model`` with every field not ``given`` read from ``row``'s attribute of the same name:
    most answers are a stored row, a few of its fields renamed or computed."""
    read = {name: getattr(row, name) for name in model.model_fields if name not in given}
    return model(**read, **given)


def parse_body(model: type[M]) -> M:
    if not request.is_json:
        raise InvalidInputError(field="body", reason="not_json")
    return parse_payload(model, request.get_json(silent=True))


def parse_payload(model: type[M], data: object) -> M:
    """Validate an HTTP body or a socket event's payload against ``model``."""
    if not isinstance(data, dict):
        raise InvalidInputError(field="body", reason="not_an_object")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = sorted(
            {".".join(str(part) for part in e["loc"]) or "body" for e in error.errors()}
        )
        raise InvalidInputError(fields=fields) from error


def one_argument(data: object, extra: tuple[Any, ...]) -> object:
    """A socket event's one payload: an event sent with more arguments is invalid input (Python
    would otherwise refuse the call, a failure of the server rather than of the input)."""
    if extra:
        raise InvalidInputError()
    return data


def parse_query(model: type[M]) -> M:
    """Validate the query string against ``model``, with the bounds a body or a socket event
    would meet. Integer fields are written in ASCII decimal digits; parameters ``model`` does
    not name are ignored."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        raw = request.args.get(name)
        if raw is None:
            continue
        if field.annotation is int:
            if not _DECIMAL.fullmatch(raw):
                raise InvalidInputError(fields=[name])
            values[name] = int(raw)
        else:
            values[name] = raw
    return parse_payload(model, values)


def respond(model: BaseModel | list[Any], status: int = 200) -> tuple[Response, int]:
    if isinstance(model, list):
        return jsonify([item.model_dump(mode="json") for item in model]), status
    return jsonify(model.model_dump(mode="json")), status


API_PREFIX = "/api/v1/"


def init_conditional_answers(app: Flask) -> None:
    """Every successful JSON answer to a GET under ``/api/v1`` carries a strong ``ETag`` (a
    hash of its body), and a GET whose ``If-None-Match`` names it is answered 304 without one.

    A poll that finds nothing new then costs headers instead of the whole roster or every
    document again. The hook runs after the view, so a caller the view refuses (signed out,
    not a member, removed) gets the refusal, never a 304; errors carry no ``ETag``. The
    answers stay ``Cache-Control: no-store`` (``core.security``): the validator and the body it
    stands for are kept in the page's memory, never in the browser's disk cache.
    """

    @app.after_request
    def _conditional(response: Response) -> Response:
        if (
            request.method != "GET"
            or not request.path.startswith(API_PREFIX)
            or response.status_code != 200
            or response.mimetype != "application/json"
            or response.is_streamed
        ):
            return response
        etag = hashlib.sha256(response.get_data()).hexdigest()[:32]
        response.set_etag(etag)
        if request.if_none_match.contains_weak(etag):  # RFC 9110: weak comparison here
            response.status_code = 304  # werkzeug sends a 304 without body or entity headers
            response.set_data(b"")
        return response
