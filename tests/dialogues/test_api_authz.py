"""Authorization sweep: every dialogue API endpoint, for every role, a stranger (a convener of
another dialogue) and an anonymous caller. Denied calls get 401/403/404 and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitator import td2
from facilitator.client import DialogueClient
from facilitator.dialogues import models
from facilitator.extensions import db

b64e = td2.b64u_encode
ROLES = ["convener", "facilitator", "interpreter", "rapporteur", "observer", "participant"]
CALLERS = [*ROLES, "stranger", "anonymous"]
TEAM = {"convener", "facilitator", "interpreter", "rapporteur", "observer", "stranger"}
MEMBERS = set(ROLES)
STEWARDS = {"convener"}
META_WRITERS = {"convener", "facilitator"}
MEDIATOR_TEAM = {"convener", "facilitator", "interpreter", "rapporteur"}  # the team channel


def snapshot(app):
    with app.app_context():
        tables = [models.Dialogue, models.Member, models.Epoch, models.Wrap, models.Invitation,
                  models.Knock, models.Envelope, models.DeviceSession, models.ArchiveKey,
                  models.ArchiveWrap, models.TeamWrap]
        counts = {t.__tablename__: db.session.scalar(select(func.count()).select_from(t))
                  for t in tables}
        counts["epoch_now"] = db.session.scalar(select(func.sum(models.Dialogue.current_epoch)))
        counts["pending_knocks"] = db.session.scalar(
            select(func.count()).select_from(models.Knock).where(models.Knock.status == "pending"))
        counts["open_invitations"] = db.session.scalar(
            select(func.count()).select_from(models.Invitation)
            .where(models.Invitation.revoked_at.is_(None)))
        return counts


def caller_client(workshop, client_for, who) -> DialogueClient:
    if who == "anonymous":
        return client_for(None)
    return workshop.clients[who]


def request(api: DialogueClient, method: str, path: str, body=None) -> int:
    status, _data, _headers = api.transport.request(method, path, json_body=body)
    return status


def cases(workshop):
    """(endpoint, who may call it, a function making a fresh (method, path, body) triple)."""
    d = workshop.dialogue_id
    convener = workshop.clients["convener"]

    def meta_envelope():
        ring = convener.keyrings[d]
        state = convener.epochs(d)[-1]
        return convener._meta_envelope(ring, state, {"type": "note-test"}, None)

    def own_meta_envelope(api):
        def make():
            if d not in api.keyrings:
                return meta_envelope()
            ring = api.keyrings[d]
            state = api.epochs(d)[-1]
            return api._meta_envelope(ring, state, {"type": "x"}, None)
        return make

    def invitation_body():
        return {"invite_id": b64e(td2.random_id()), "role": "participant",
                "secret_hash": b64e(td2.random_secret())}

    def open_invitation():
        return convener.invite_participant(d).split("#")[0].removeprefix("/j/")

    def pending_knock():
        outsider = DialogueClient(convener.transport.__class__(
            convener.transport.client.application.test_client(), convener.transport.origin))
        return outsider.knock(convener.invite_participant(d))["knock_id"]

    def existing_envelope():
        return convener.write_meta(d, {"type": "to-delete"})

    def next_epoch():
        ring = convener.keyrings[d]
        current = convener.epochs(d)[-1]
        body, _state = convener._epoch_body(
            ring, current.number + 1, current.record_hash, current.roster, td2.random_secret())
        body["reseal"] = []
        return body

    def archive_body():
        public = td2.generate_member_keypair()[1]
        wraps = [{"epoch": s.number, "wrap": b64e(td2.wrap_epoch_secret(
            public, td2.b64u_decode(d), s.number, bytes(16), s.record_hash, s.secret))}
            for s in convener.epochs(d)]
        return {"x25519_public": b64e(public), "wraps": wraps}

    def genesis():
        ring_x = td2.generate_member_keypair()
        ring_e = td2.generate_steward_keypair()
        return ring_x, ring_e

    return [
        ("list_dialogues", TEAM | MEMBERS, lambda api: ("GET", "/api/v1/dialogues", None)),
        ("get_dialogue", MEMBERS, lambda api: ("GET", f"/api/v1/dialogues/{d}", None)),
        ("list_epochs", MEMBERS, lambda api: ("GET", f"/api/v1/dialogues/{d}/epochs", None)),
        ("my_wraps", MEMBERS, lambda api: ("GET", f"/api/v1/dialogues/{d}/wraps", None)),
        ("my_team_wraps", MEDIATOR_TEAM,
         lambda api: ("GET", f"/api/v1/dialogues/{d}/team-wraps", None)),
        ("list_envelopes", MEMBERS,
         lambda api: ("GET", f"/api/v1/dialogues/{d}/envelopes", None)),
        ("post_envelope", META_WRITERS,
         lambda api: ("POST", f"/api/v1/dialogues/{d}/envelopes", own_meta_envelope(api)())),
        ("delete_envelope", META_WRITERS,
         lambda api: ("DELETE", f"/api/v1/dialogues/{d}/envelopes/{existing_envelope()}", None)),
        ("add_epoch", STEWARDS,
         lambda api: ("POST", f"/api/v1/dialogues/{d}/epochs", next_epoch())),
        ("create_invitation", STEWARDS,
         lambda api: ("POST", f"/api/v1/dialogues/{d}/invitations", invitation_body())),
        ("list_invitations", STEWARDS,
         lambda api: ("GET", f"/api/v1/dialogues/{d}/invitations", None)),
        ("revoke_invitation", STEWARDS,
         lambda api: ("DELETE", f"/api/v1/dialogues/{d}/invitations/{open_invitation()}", None)),
        ("list_knocks", STEWARDS, lambda api: ("GET", f"/api/v1/dialogues/{d}/knocks", None)),
        ("refuse_knock", STEWARDS,
         lambda api: ("POST", f"/api/v1/dialogues/{d}/knocks/{pending_knock()}/refuse", None)),
        ("register_archive_key", STEWARDS,
         lambda api: ("PUT", f"/api/v1/dialogues/{d}/archive-key", archive_body())),
        ("change_settings", STEWARDS, lambda api: (
            "PUT", f"/api/v1/dialogues/{d}/settings", {"participant_notes": False})),
        ("export_bundle", STEWARDS, lambda api: ("GET", f"/api/v1/dialogues/{d}/export", None)),
        ("my_team_seats", TEAM, lambda api: ("GET", "/api/v1/team-seats", None)),
        ("end_device_session", TEAM | {"participant"},
         lambda api: ("DELETE", "/api/v1/device-sessions/current", None)),
        ("create_dialogue", {"convener", "stranger"}, None),
    ]


PUBLIC = {"invitation_state", "knock", "knock_state", "device_challenge", "device_session"}


def test_sweep_covers_every_dialogue_endpoint(app, workshop):
    endpoints = {r.endpoint.split(".", 1)[1] for r in app.url_map.iter_rules()
                 if r.endpoint.startswith("api_dialogues.")}
    assert endpoints == {name for name, _who, _make in cases(workshop)} | PUBLIC


@pytest.mark.parametrize("who", CALLERS)
def test_authorization_sweep(app, workshop, client_for, who):
    api = caller_client(workshop, client_for, who)
    for name, allowed_callers, make in cases(workshop):
        if make is None:
            continue
        method, path, body = make(api)
        before = snapshot(app)
        status = request(api, method, path, body)
        if who in allowed_callers:
            assert status < 400, (who, name, status)
        else:
            assert status in (401, 403, 404), (who, name, status)
            assert snapshot(app) == before, (who, name)
        if name == "end_device_session" and who == "participant":
            workshop.clients["participant"].open_device_session(workshop.dialogue_id)


@pytest.mark.parametrize("who", ["facilitator", "participant", "anonymous"])
def test_only_team_conveners_create_dialogues(app, workshop, client_for, who):
    api = caller_client(workshop, client_for, who)
    before = snapshot(app)
    with pytest.raises(Exception) as error:
        api.create_dialogue({"title": {"en": "x"}})
    assert getattr(error.value, "status", None) in (401, 403)
    assert snapshot(app) == before


def test_a_convener_of_another_dialogue_cannot_touch_this_one(app, workshop):
    stranger = workshop.clients["stranger"]
    own = stranger.create_dialogue({"title": {"en": "another dialogue"}})
    d = workshop.dialogue_id
    assert request(stranger, "GET", f"/api/v1/dialogues/{own}") == 200
    for method, path in [("GET", f"/api/v1/dialogues/{d}"),
                         ("GET", f"/api/v1/dialogues/{d}/knocks"),
                         ("POST", f"/api/v1/dialogues/{d}/knocks/{own}/refuse")]:
        assert request(stranger, method, path) == 404
