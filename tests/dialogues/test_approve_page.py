"""The approval page's shells: /p/<id>/approve on a participant's device, /dialogues/<id>/approve
for the team (an interpreter translates there).

Like the other participant pages, /p/<id>/approve needs no session: its script opens the device
session with the device's key, and the page carries no dialogue data (everything is decrypted on
the device; docs/export.md, "Consent"). The team's page needs a signed-in account. A malformed
id is not found, and the shells answer GET only.
"""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.core.assets import asset_url

SOME_ID = "AAAAAAAAAAAAAAAAAAAAAA"


def script_tag(app: Any) -> str:
    with app.test_request_context():
        return f'<script type="module" src="{asset_url("js/dialogues/page-approve.js")}"></script>'


def test_the_participant_shell_is_public_and_holds_no_data(app, client):
    page = client.get(f"/p/{SOME_ID}/approve")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f'data-dialogue-id="{SOME_ID}"' in body and 'data-participant="true"' in body
    assert script_tag(app) in body
    assert f'href="/p/{SOME_ID}"' in body and f'href="/dialogues/{SOME_ID}"' not in body
    assert "<script>" not in body and "style=" not in body


def test_the_team_page_needs_a_sign_in(client):
    response = client.get(f"/dialogues/{SOME_ID}/approve")
    assert response.status_code == 302 and response.location.endswith("/login")


def test_the_team_page_for_a_signed_in_account_in_its_language(app, client, make_member, sign_in):
    sign_in(make_member("interpreter"))
    page = client.get(f"/dialogues/{SOME_ID}/approve", headers={"Accept-Language": "ar"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and script_tag(app) in body
    assert 'data-participant="false"' in body
    assert '<html lang="ar" dir="rtl"' in body


@pytest.mark.parametrize("bad", ["short", "A" * 23, "AAAAAAAAAAAAAAAAAAAAAB", "..%2F..%2Fetc"])
def test_malformed_ids_are_not_found(client, make_member, sign_in, bad):
    assert client.get(f"/p/{bad}/approve").status_code == 404
    sign_in(make_member("convener"))
    assert client.get(f"/dialogues/{bad}/approve").status_code == 404


def test_the_shells_answer_get_only(client, make_member, sign_in):
    assert client.post(f"/p/{SOME_ID}/approve").status_code == 405
    sign_in(make_member("convener"))
    assert client.post(f"/dialogues/{SOME_ID}/approve").status_code in (400, 405)
