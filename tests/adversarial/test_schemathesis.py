"""Schemathesis against ``/api/v1/openapi.json`` with a signed-in convener: every operation, with
data that fits the document and data that does not, never gets a server error (5xx).

Bounded: ``EXAMPLES`` cases per operation and generation mode (a few hundred requests in all,
in process). Path parameters are the workshop's real dialogue id half of the time, so calls
reach past the membership check. A failure prints the case and how to reproduce it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from tests.conftest import ORIGIN

EXAMPLES = 12
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[hypothesis.Phase.generate],
)


def signed_in_headers(api) -> tuple[dict[str, str], dict[str, str]]:
    """The headers and cookie a signed-in browser sends with an API call."""
    client = api.transport.client
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    cookie = client.get_cookie("facilitator_session")
    assert cookie is not None
    return {"Origin": ORIGIN, "X-CSRFToken": token}, {"facilitator_session": cookie.value}


def test_no_operation_answers_with_a_server_error(app, workshop):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers, cookies = signed_in_headers(workshop.clients["convener"])
    dialogue_id = workshop.dialogue_id
    server_errors: list[str] = []
    statuses: Counter[tuple[str, int]] = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = st.tuples(operation.as_strategy(generation_mode=mode), st.booleans())

            @hypothesis.given(strategy)
            @SETTINGS
            def run(drawn: tuple[Any, bool]) -> None:
                case, real_dialogue = drawn
                if real_dialogue and "dialogue_id" in (case.path_parameters or {}):
                    case.path_parameters["dialogue_id"] = dialogue_id
                try:
                    response = case.call(headers=headers, cookies=cookies)
                except Exception as error:  # an exception the app let escape is a 500
                    server_errors.append(f"{case.operation.label} raised {error!r}: {case!r}")
                    return
                statuses[(case.operation.label, response.status_code)] += 1
                if response.status_code >= 500:
                    server_errors.append(
                        f"{case.operation.label} -> {response.status_code}: {case!r}"
                    )

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                # Nothing to get wrong: no parameters and no body (``GET /dialogues``).
                assert mode is GenerationMode.NEGATIVE, operation.label
    assert server_errors == []
    # The session was signed in, and calls reached past the membership checks.
    assert statuses[("GET /dialogues/{dialogue_id}", 200)] > 0
    assert statuses[("GET /dialogues/{dialogue_id}/export", 200)] > 0
