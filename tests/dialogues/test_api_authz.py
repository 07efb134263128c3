"""Who may create a dialogue, and a convener of another dialogue. The sweep of every operation
for every role, generated from the OpenAPI document, is tests/adversarial/test_authz_sweep.py
(its table: tests/adversarial/permissions.py). Denied calls get 401/403/404 and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitator.client import DialogueClient
from facilitator.dialogues import models
from facilitator.extensions import db


def snapshot(app):
    with app.app_context():
        tables = [models.Dialogue, models.Member, models.Epoch, models.Wrap, models.Invitation,
                  models.Knock, models.Envelope, models.DeviceSession, models.ArchiveKey,
                  models.ArchiveWrap, models.TeamWrap, models.IdeaRound, models.Ballot]
        counts = {t.__tablename__: db.session.scalar(select(func.count()).select_from(t))
                  for t in tables}
        counts["epoch_now"] = db.session.scalar(select(func.sum(models.Dialogue.current_epoch)))
        counts["pending_knocks"] = db.session.scalar(
            select(func.count()).select_from(models.Knock).where(models.Knock.status == "pending"))
        counts["open_invitations"] = db.session.scalar(
            select(func.count()).select_from(models.Invitation)
            .where(models.Invitation.revoked_at.is_(None)))
        counts["closed_rounds"] = db.session.scalar(
            select(func.count()).select_from(models.IdeaRound)
            .where(models.IdeaRound.state == "closed"))
        counts["ballot_contents"] = sorted(db.session.scalars(select(models.Ballot.sealed)))
        return counts


def caller_client(workshop, client_for, who) -> DialogueClient:
    if who == "anonymous":
        return client_for(None)
    return workshop.clients[who]


def request(api: DialogueClient, method: str, path: str, body=None) -> int:
    status, _data, _headers = api.transport.request(method, path, json_body=body)
    return status


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
