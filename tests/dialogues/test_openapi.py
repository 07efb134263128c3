"""The OpenAPI document is valid, covers every API route, and the API's answers match it."""

from __future__ import annotations

import re

import jsonschema
from openapi_spec_validator import validate

from facilitator.client import DialogueClient


def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi(app, client):
    validate(spec(client))


def test_document_covers_every_api_route(app, client):
    document = spec(client)
    declared = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_dialogues."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == declared


class Validating:
    """A transport that checks every JSON answer against the document's schema for it."""

    def __init__(self, inner, document):
        self.inner = inner
        self.origin = inner.origin
        self.document = document
        self.checked = 0

    def request(self, method, path, json_body=None, form=None):
        status, body, headers = self.inner.request(method, path, json_body, form)
        bare = path.split("?")[0]
        if bare.startswith("/api/v1/") and bare not in ("/api/v1/csrf", "/api/v1/openapi.json"):
            operation = self._operation(method, bare.removeprefix("/api/v1"))
            key = str(status) if status < 400 else "4XX"
            schema = operation["responses"][key]["content"]["application/json"]["schema"]
            resolver_doc = {**schema, "components": self.document["components"]}
            jsonschema.validate(body, resolver_doc)
            self.checked += 1
        return status, body, headers

    def _operation(self, method, path):
        for template, operations in self.document["paths"].items():
            pattern = "^" + re.sub(r"\{\w+\}", r"[^/]+", template) + "$"
            if re.match(pattern, path) and method.lower() in operations:
                return operations[method.lower()]
        raise AssertionError(f"{method} {path} is not in the OpenAPI document")


def test_responses_of_the_whole_flow_match_the_document(app, client, make_member, client_for):
    from tests.dialogues.conftest import SCENARIO_DIALOGUE, admit

    document = spec(client)

    def validated(member=None):
        api = client_for(member)
        api.transport = Validating(api.transport, document)
        return api

    convener = validated(make_member("convener"))
    dialogue_id = convener.create_dialogue(SCENARIO_DIALOGUE)
    participant: DialogueClient = validated()
    handle = admit(convener, dialogue_id, participant, convener.invite_participant(dialogue_id))
    convener.write_meta(dialogue_id, {"type": "person", "handle": handle, "side": "A"})
    participant.open_device_session(dialogue_id)
    participant.read_meta(dialogue_id)
    convener.call("GET", f"/api/v1/dialogues/{dialogue_id}/invitations")
    status, _body, _ = convener.transport.request("GET", f"/api/v1/dialogues/{dialogue_id}x")
    assert status == 404
    round_id = convener.open_round(dialogue_id, "statements", {"title": {"en": "q"}})
    statement = participant.write_statement(dialogue_id, round_id, "a statement", "en")
    participant.vote(dialogue_id, round_id, statement, {"vote": "agree"})
    status, _body, _ = participant.transport.request(
        "GET", f"/api/v1/dialogues/{dialogue_id}/rounds/{round_id}/ballots")
    assert status == 403
    convener.close_round(dialogue_id, round_id)
    convener.tally_and_publish(dialogue_id, round_id)
    participant.read_round(dialogue_id, round_id)
    assert convener.transport.checked > 10 and participant.transport.checked > 5
