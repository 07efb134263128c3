"""The print pack's page (/dialogues/<id>/print) and what it may read.

The page is a shell for every team account, as the notes and summary pages are: it carries no
dialogue data, and what a member sees on it is what the API lets their dialogue role read. Every
member reads the agenda (the meta channel); only key stewards list the invitations whose cards
they can print. A participant's device, without an account, has no print page. The pack itself
is made and checked in Chromium (tests/browser/test_print_pack.py).
"""

from __future__ import annotations

from tests.dialogues.test_api_authz import request, snapshot

TEAM = ["convener", "facilitator", "interpreter", "rapporteur", "observer"]
# Seats added by the workshop carry no steward key: the convener who made the dialogue does.
STEWARDS = {"convener"}


def page(api, path):  # type: ignore[no-untyped-def]
    status, body, headers = api.transport.request("GET", path)
    return status, body if isinstance(body, str) else "", headers


# The workshop (seven accounts and devices) takes seconds to build: each test sweeps every role.
def test_the_shell_serves_every_team_account_and_holds_no_dialogue_data(workshop, client_for):
    path = f"/dialogues/{workshop.dialogue_id}/print"
    for who in [*TEAM, "stranger"]:
        status, html, _headers = page(workshop.clients[who], path)
        assert status == 200, who
        assert f'data-dialogue-id="{workshop.dialogue_id}"' in html
        assert "page-print" in html
        assert "CANARY" not in html and "Vell" not in html
    # A participant's device and a stranger without an account are sent to sign in.
    for api in (workshop.clients["participant"], client_for(None)):
        status, _html, headers = page(api, path)
        assert status in (302, 401)
        if status == 302:
            assert "/login" in headers["Location"]


def test_what_the_page_reads_follows_the_dialogue_role(workshop):
    """The agenda for every member; the invitations for stewards; nothing for a stranger."""
    dialogue = f"/api/v1/dialogues/{workshop.dialogue_id}"
    for who in [*TEAM, "participant", "stranger"]:
        api = workshop.clients[who]
        meta = request(api, "GET", f"{dialogue}/epochs")
        invitations = request(api, "GET", f"{dialogue}/invitations")
        if who == "stranger":
            assert (meta, invitations) == (404, 404)
            continue
        assert meta == 200, who
        if who in STEWARDS:
            assert invitations == 200, who
        else:
            assert invitations in (401, 403), (who, invitations)


MALFORMED = [
    "/dialogues/not-an-id/print",
    "/dialogues/AAAAAAAAAAAAAAAAAAAAAB/print",  # 22 characters, but not 16 bytes' worth
    "/dialogues/%3Cscript%3E/print",
    "/dialogues/" + "A" * 500 + "/print",
]


def test_malformed_ids_are_not_found_and_only_get_is_answered(app, workshop):
    api = workshop.clients["convener"]
    before = snapshot(app)
    for path in MALFORMED:
        status, _html, _headers = page(api, path)
        assert status == 404, path
    for method in ("POST", "PUT", "DELETE"):
        status = request(api, method, f"/dialogues/{workshop.dialogue_id}/print", {"x": 1})
        assert status in (400, 405), (method, status)
    assert snapshot(app) == before
