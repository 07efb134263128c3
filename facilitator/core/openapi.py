"""The OpenAPI 3.1 document of ``/api/v1``, built from the pydantic models the views use.

Each feature declares its operations with ``operation(...)``; the document is assembled on demand
and served at ``/api/v1/openapi.json``. A test checks the document and validates responses
against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "params": {"type": "object"},
    },
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI style: /dialogues/{dialogue_id}
    summary: str
    response: type[BaseModel] | None
    many: bool = False
    body: type[BaseModel] | None = None
    status: int = 200
    access: str = "member"  # public, team, member, device-or-team
    query: type[BaseModel] | None = None  # the query string's parameters


OPERATIONS: list[Operation] = []


def operation(*args: Any, **kwargs: Any) -> None:
    OPERATIONS.append(Operation(*args, **kwargs))


def _response(op: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    if op.response is None:
        schema: dict[str, Any] = {"type": "array", "maxItems": 0}
    else:
        schema = refs[(op.response, "serialization")]
        if op.many:
            schema = {"type": "array", "items": schema}
    return {"description": "Success", "content": {"application/json": {"schema": schema}}}


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The query parameters ``model`` validates, each with its own bounds and pattern (an
    optional value is simply left out, so ``null`` is not among its types)."""
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    parameters = []
    for name, field in schema["properties"].items():
        field = dict(field)
        field.pop("title", None)
        options = [o for o in field.pop("anyOf", []) if o.get("type") != "null"]
        if options:
            field.update(options[0])
        if field.get("default", 0) is None:
            del field["default"]
        parameters.append(
            {"name": name, "in": "query", "required": name in required, "schema": field}
        )
    return parameters


def build_document() -> dict[str, Any]:
    models = {op.response for op in OPERATIONS if op.response} | {
        op.body for op in OPERATIONS if op.body
    }
    serialised: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (m, "serialization") for m in models
    ]
    validated: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (op.body, "validation") for op in OPERATIONS if op.body
    ]
    pairs = serialised + validated
    refs, definitions = models_json_schema(
        list(dict.fromkeys(pairs)), ref_template="#/components/schemas/{model}"
    )
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        entry: dict[str, Any] = {
            "summary": op.summary,
            "x-access": op.access,
            "responses": {
                str(op.status): _response(op, refs),
                "4XX": {
                    "description": "Refused: the body says why",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
        if op.method == "GET":
            entry["responses"]["304"] = {
                "description": "Unchanged: the request's If-None-Match names the answer's ETag"
            }
        names = [part[1:-1] for part in op.path.split("/") if part.startswith("{")]
        parameters = [
            {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names
        ] + (query_parameters(op.query) if op.query is not None else [])
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
            }
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    schemas = dict(definitions.get("$defs", {}))
    schemas["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Facilitator API",
            "version": "1",
            "description": (
                "Every content-bearing value is TD2 ciphertext (docs/protocol.md). Every JSON "
                "answer to a GET carries a strong ETag (a hash of its body); a GET whose "
                "If-None-Match names it is answered 304 without a body, after the same checks "
                "of who may read. Answers are Cache-Control: no-store: a client keeps the "
                "validator and the body in memory (docs/architecture.md)."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
