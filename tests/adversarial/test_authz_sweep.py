"""Authorization sweep generated from ``/api/v1/openapi.json`` and the server's Socket.IO events.

Every operation and every event, for every role in a dialogue (convener, facilitator,
interpreter, rapporteur, observer, participant device), a signed-in stranger and nobody signed
in, against ``permissions.py``, the one table of who may do what. Allowed calls succeed; refused
ones get 401, 403 or 404 (or an ``error_occurred`` event) and change nothing. Then each
operation again with another dialogue's ids in the path, which must find nothing.

A new operation, a new event or an API route the document does not describe fails the sweep
until it has its row.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from facilitator.extensions import socketio
from tests.adversarial import permissions as table
from tests.adversarial.permissions import CALLERS, Context
from tests.dialogues.test_api_authz import snapshot

HOUSEKEEPING = {"/csrf", "/openapi.json"}  # describe the API; not operations of it


@pytest.fixture
def document(client) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").get_json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, path template, operation) for every operation the document describes."""
    return [
        (f"{method.upper()} {path}", path, op)
        for path, entry in document["paths"].items()
        for method, op in entry.items()
    ]


def body_schema(op: dict[str, Any]) -> str | None:
    ref = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    return ref.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1] or None


def parameters(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def build(ctx: Context, api, path: str, op: dict[str, Any], values: dict[str, str] | None = None,
          label: str = ""):
    """A valid request for the operation: fresh path parameters and body from the factories."""
    filled = path
    special = table.OPERATION_PARAMETERS.get(label, {})
    for name in parameters(path):
        factory = special.get(name) or table.PATH_PARAMETERS[name]
        value = (values or {}).get(name) or factory(ctx)
        filled = filled.replace("{" + name + "}", value)
    schema = body_schema(op)
    body = table.BODIES[schema](ctx, api) if schema else None
    return "/api/v1" + filled, body


def call(api, method: str, path: str, body: Any) -> int:
    status, _data, _headers = api.transport.request(method, path, json_body=body)
    return int(status)


def test_every_operation_and_event_has_an_expectation(app, document):
    labels = {label for label, _path, _op in operations(document)}
    assert labels == set(table.HTTP), "operations without a row, or rows without an operation"
    for _label, _path, op in operations(document):
        assert body_schema(op) in (None, *table.BODIES), body_schema(op)
    names = {n for path, *_ in operations(document) for n in parameters(path)}
    assert names <= set(table.PATH_PARAMETERS)
    # Every API route is in the document (a route outside it would escape the sweep).
    routes = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    described = {(label.split(" ")[0], label.split(" ")[1]) for label in labels}
    assert {r for r in routes if r[1] not in HOUSEKEEPING} == described
    events = set(socketio.server.handlers["/"]) - {"disconnect"}
    assert events == set(table.SOCKET), "events without a row, or rows without an event"


@pytest.mark.parametrize("who", CALLERS)
def test_sweep(app, workshop, client_for, document, who):
    """Every operation, then every event, for one kind of caller (one workshop for both)."""
    ctx = Context(workshop, client_for)
    http_sweep(app, ctx, document, who)
    socket_sweep(app, ctx, who)


def http_sweep(app, ctx: Context, document: dict[str, Any], who: str) -> None:
    workshop, api = ctx.workshop, ctx.client(who)
    for label, path, op in operations(document):
        method = label.split(" ")[0]
        url, body = build(ctx, api, path, op, label=label)
        before = snapshot(app)
        status = call(api, method, url, body)
        if who in table.HTTP[label]:
            assert status < 400, (who, label, status)
        else:
            assert status in (401, 403, 404), (who, label, status)
            assert snapshot(app) == before, (who, label)
        if label == "DELETE /device-sessions/current" and who == "participant":
            workshop.clients["participant"].open_device_session(workshop.dialogue_id)


def test_another_dialogues_ids_find_nothing(app, workshop, client_for, document):
    """The convener of one dialogue names that dialogue with another's message, invitation or
    knock ids, and the other dialogue's convener does the reverse: 404, nothing changes."""
    ctx = Context(workshop, client_for)
    stranger = ctx.client("stranger")
    theirs = stranger.create_dialogue({"title": {"en": "another dialogue"}})
    ours = ctx.dialogue_id
    swept = 0
    for label, path, op in operations(document):
        others = [n for n in parameters(path) if n != "dialogue_id"]
        if "dialogue_id" not in parameters(path) or not others:
            continue
        method = label.split(" ")[0]
        for who, own, foreign in (("convener", ours, theirs), ("stranger", theirs, ours)):
            values = {n: table.PATH_PARAMETERS[n](ctx, foreign) for n in others}
            values["dialogue_id"] = own
            url, body = build(ctx, ctx.client(who), path, op, values)
            before = snapshot(app)
            assert call(ctx.client(who), method, url, body) == 404, (who, label)
            assert snapshot(app) == before, (who, label)
            swept += 1
    assert swept >= 6


def events(live, name: str) -> list[Any]:
    return [e["args"][0] for e in live.get_received() if e["name"] == name]


def socket_sweep(app, ctx: Context, who: str) -> None:
    api = ctx.client(who)
    live = socketio.test_client(app, flask_test_client=api.transport.client)
    (_label, may_connect, _none), = table.SOCKET["connect"]
    assert live.is_connected() == (who in may_connect), who
    if not live.is_connected():
        return
    for event, variants in table.SOCKET.items():
        for label, allowed, payload in variants:
            if payload is None:
                continue
            live.get_received()
            before = snapshot(app)
            ack = live.emit(event, payload(ctx, api, who), callback=True)
            refusals = events(live, "error_occurred")
            if who in allowed:
                assert ack and not refusals, (who, label, refusals)
            else:
                assert not ack and refusals, (who, label, ack)
                assert refusals[0]["error"] in {"dialogue_not_found", "permission_denied",
                                                "not_authenticated"}, refusals
                assert snapshot(app) == before, (who, label)
            assert live.is_connected()
    live.disconnect()
