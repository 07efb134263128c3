"""Conditional GETs under /api/v1: a strong ETag on every JSON answer, 304 for a caller whose
``If-None-Match`` names it, and every check of who may read made before that 304."""

from __future__ import annotations

from typing import Any

from facilitator.client import DialogueClient
from facilitator.td2 import b64u_encode, invite_secret_hash, random_id
from tests.conftest import ORIGIN


def get(api: DialogueClient, path: str, etag: str | None = None) -> Any:
    headers = {"Origin": ORIGIN, "Accept": "application/json"}
    if etag is not None:
        headers["If-None-Match"] = etag
    return api.transport.client.get(path, headers=headers)  # type: ignore[attr-defined]


def test_an_unchanged_answer_is_a_304_without_body_and_still_not_stored(workshop):
    participant = workshop.clients["participant"]
    path = f"/api/v1/dialogues/{workshop.dialogue_id}"
    first = get(participant, path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "no-store"

    again = get(participant, path, etag)
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "no-store"
    assert "Content-Type" not in again.headers

    # The same body gives the same tag; another tag, or none, gets the whole answer.
    assert get(participant, path).headers["ETag"] == etag
    other = get(participant, path, '"0123"')
    assert other.status_code == 200 and other.get_json() == first.get_json()


def test_a_change_gives_a_new_answer_and_a_new_tag(workshop):
    convener, participant = workshop.clients["convener"], workshop.clients["participant"]
    path = f"/api/v1/dialogues/{workshop.dialogue_id}/envelopes"
    before = get(participant, path)
    etag = before.headers["ETag"]
    convener.write_meta(workshop.dialogue_id, {"type": "session", "title": {"en": "Day 2"}})
    after = get(participant, path, etag)
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert len(after.get_json()) == len(before.get_json()) + 1
    assert get(participant, path, after.headers["ETag"]).status_code == 304


def test_unsafe_methods_carry_no_tag_and_are_never_304(workshop):
    convener = workshop.clients["convener"]
    path = f"/api/v1/dialogues/{workshop.dialogue_id}/invitations"
    headers = {
        "Origin": ORIGIN,
        "X-CSRFToken": convener.call("GET", "/api/v1/csrf")["csrf_token"],
        "If-None-Match": "*",
    }
    response = convener.transport.client.post(  # type: ignore[attr-defined]
        path,
        json={
            "invite_id": b64u_encode(random_id()),
            "role": "participant",
            "secret_hash": b64u_encode(invite_secret_hash(random_id())),
        },
        headers=headers,
    )
    assert response.status_code == 201
    assert "ETag" not in response.headers
    assert response.get_json()


def test_error_answers_carry_no_tag_and_are_never_304(workshop):
    stranger = workshop.clients["stranger"]
    path = f"/api/v1/dialogues/{workshop.dialogue_id}"
    refused = get(stranger, path, "*")
    assert refused.status_code == 404
    assert "ETag" not in refused.headers
    assert refused.get_json()["error"]
    assert refused.headers["Cache-Control"] == "no-store"


def test_a_removed_member_gets_the_refusal_not_a_304(workshop):
    convener, participant = workshop.clients["convener"], workshop.clients["participant"]
    paths = [f"/api/v1/dialogues/{workshop.dialogue_id}{tail}" for tail in ("", "/envelopes")]
    tags = {path: get(participant, path).headers["ETag"] for path in paths}
    handle = b64u_encode(next(iter(participant.keyrings.values())).handle)
    convener.remove(workshop.dialogue_id, [handle])
    for path in paths:
        for etag in (tags[path], "*"):
            response = get(participant, path, etag)
            assert response.status_code in (401, 404), path
            assert "ETag" not in response.headers


def test_a_signed_out_caller_gets_401_not_a_304(workshop, client_for):
    observer = workshop.clients["observer"]
    path = f"/api/v1/dialogues/{workshop.dialogue_id}"
    etag = get(observer, path).headers["ETag"]
    observer.call("POST", "/logout")
    assert get(observer, path, etag).status_code == 401
    assert get(client_for(None), path, etag).status_code == 401
