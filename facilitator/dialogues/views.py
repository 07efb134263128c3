"""The dialogue JSON API under ``/api/v1``. Thin: parse, one service call, respond."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request, session

from facilitator.accounts.current import signed_in_account
from facilitator.core.api import from_row, parse_body, parse_query, respond
from facilitator.core.auth import devices_allowed, public
from facilitator.core.sockets import close_connections
from facilitator.dialogues import (
    archive,
    devices,
    envelopes,
    epochs,
    invitations,
    reading,
    rounds,
)
from facilitator.dialogues.current import DEVICE_TOKEN_KEY, current_caller, current_device
from facilitator.dialogues.errors import InvitationUnusableError
from facilitator.dialogues.events import disconnect_removed
from facilitator.dialogues.models import Epoch, IdeaRound, Invitation, Knock, Member
from facilitator.dialogues.schemas import (
    ArchiveKeyIn,
    BallotIn,
    BallotOut,
    ChallengeAnswer,
    ChallengeIn,
    ChallengeOut,
    DialogueCreate,
    DialogueOut,
    DialogueSettingsIn,
    DialogueSummary,
    EnvelopeIn,
    EnvelopeOut,
    EnvelopeQuery,
    EpochIn,
    EpochOut,
    EpochQuery,
    InvitationCreate,
    InvitationOut,
    KnockIn,
    KnockOut,
    MemberOut,
    RosterEntry,
    RoundIn,
    RoundOut,
    Seq,
    StatementIn,
    StewardCert,
    WrapOut,
    WrapQuery,
)
from facilitator.dialogues.signals import envelope_retracted
from facilitator.extensions import db, limiter

bp = Blueprint("api_dialogues", __name__, url_prefix="/api/v1")
Reply = tuple[Response, int]


def _member_out(member: Member) -> MemberOut:
    return from_row(MemberOut, member)


def _epoch_out(epoch: Epoch) -> EpochOut:
    roster, certs = json.loads(epoch.roster), json.loads(epoch.steward_certs)
    return from_row(
        EpochOut,
        epoch,
        epoch=epoch.number,
        roster=[RosterEntry.model_validate(e) for e in roster],
        steward_certs=[StewardCert.model_validate(c) for c in certs],
    )


def _invitation_out(invitation: Invitation) -> InvitationOut:
    return from_row(
        InvitationOut,
        invitation,
        invite_id=invitation.id,
        status=invitations.invitation_status(invitation),
        expires_at=invitation.expires_at.isoformat() + "Z",
        team_seat=invitation.account_id is not None,
    )


def _knock_out(knock: Knock) -> KnockOut:
    return from_row(KnockOut, knock, knock_id=knock.id, invite_id=knock.invitation_id)


@bp.post("/dialogues")
def create_dialogue() -> Reply:
    result = epochs.create_dialogue(db.session, signed_in_account(), parse_body(DialogueCreate))
    return respond(_dialogue_out(result.dialogue_id), 201)


def _dialogue_out(dialogue_id: str) -> DialogueOut:
    dialogue, me, everyone = reading.members(db.session, current_caller(), dialogue_id)
    members = [_member_out(m) for m in everyone]
    return from_row(
        DialogueOut, dialogue, dialogue_id=dialogue.id, me=_member_out(me), members=members
    )


@bp.get("/dialogues")
@devices_allowed
def list_dialogues() -> Reply:
    return respond(
        [
            DialogueSummary(
                dialogue_id=dialogue.id,
                current_epoch=dialogue.current_epoch,
                role=member.role,
                handle=member.handle,
            )
            for dialogue, member in reading.memberships(db.session, current_caller())
        ]
    )


@bp.get("/dialogues/<dialogue_id>")
@devices_allowed
def get_dialogue(dialogue_id: str) -> Reply:
    return respond(_dialogue_out(dialogue_id))


@bp.get("/dialogues/<dialogue_id>/epochs")
@devices_allowed
def list_epochs(dialogue_id: str) -> Reply:
    after = parse_query(EpochQuery).after
    rows = reading.epochs_after(db.session, current_caller(), dialogue_id, after)
    return respond([_epoch_out(e) for e in rows])


@bp.post("/dialogues/<dialogue_id>/epochs")
def add_epoch(dialogue_id: str) -> Reply:
    result = epochs.add_epoch(db.session, current_caller(), dialogue_id, parse_body(EpochIn))
    db.session.commit()  # removed before their connections close: they cannot come back
    disconnect_removed(dialogue_id, result.removed_handles)
    return respond(_dialogue_out(dialogue_id), 201)


@bp.get("/dialogues/<dialogue_id>/wraps")
@devices_allowed
def my_wraps(dialogue_id: str) -> Reply:
    after = parse_query(WrapQuery).after
    rows = reading.own_wraps(db.session, current_caller(), dialogue_id, after)
    return respond([WrapOut(epoch=w.epoch, wrap=w.wrap) for w in rows])


@bp.get("/dialogues/<dialogue_id>/team-wraps")
@devices_allowed
def my_team_wraps(dialogue_id: str) -> Reply:
    """The caller's team-secret wraps: members of the mediator team only (403 for others)."""
    after = parse_query(WrapQuery).after
    rows = reading.own_team_wraps(db.session, current_caller(), dialogue_id, after)
    return respond([WrapOut(epoch=w.epoch, wrap=w.wrap) for w in rows])


@bp.get("/dialogues/<dialogue_id>/envelopes")
@devices_allowed
def list_envelopes(dialogue_id: str) -> Reply:
    query = parse_query(EnvelopeQuery)
    rows = envelopes.list_envelopes(
        db.session, current_caller(), dialogue_id, query.after, query.channel
    )
    return respond([EnvelopeOut.from_row(e) for e in rows])


@bp.post("/dialogues/<dialogue_id>/envelopes")
@devices_allowed
def post_envelope(dialogue_id: str) -> Reply:
    seq = envelopes.post_envelope(db.session, current_caller(), dialogue_id, parse_body(EnvelopeIn))
    return respond(Seq(seq=seq), 201)


def _round_out(found: IdeaRound) -> RoundOut:
    return from_row(RoundOut, found)


@bp.post("/dialogues/<dialogue_id>/rounds")
@devices_allowed
def open_round(dialogue_id: str) -> Reply:
    found = rounds.open_round(db.session, current_caller(), dialogue_id, parse_body(RoundIn))
    return respond(_round_out(found), 201)


@bp.get("/dialogues/<dialogue_id>/rounds")
@devices_allowed
def list_rounds(dialogue_id: str) -> Reply:
    rows = rounds.list_rounds(db.session, current_caller(), dialogue_id)
    return respond([_round_out(r) for r in rows])


@bp.post("/dialogues/<dialogue_id>/rounds/<round_id>/close")
@devices_allowed
def close_round(dialogue_id: str, round_id: str) -> Reply:
    found = rounds.close_round(db.session, current_caller(), dialogue_id, round_id)
    return respond(_round_out(found))


@bp.get("/dialogues/<dialogue_id>/rounds/<round_id>/statements")
@devices_allowed
def list_statements(dialogue_id: str, round_id: str) -> Reply:
    rows = rounds.list_statements(db.session, current_caller(), dialogue_id, round_id)
    return respond([EnvelopeOut.from_row(e) for e in rows])


@bp.post("/dialogues/<dialogue_id>/rounds/<round_id>/statements")
@devices_allowed
def post_statement(dialogue_id: str, round_id: str) -> Reply:
    body = parse_body(StatementIn)
    seq = rounds.post_statement(db.session, current_caller(), dialogue_id, round_id, body)
    return respond(Seq(seq=seq), 201)


@bp.post("/dialogues/<dialogue_id>/rounds/<round_id>/ballots")
@devices_allowed
def post_ballot(dialogue_id: str, round_id: str) -> Reply:
    body = parse_body(BallotIn)
    secret = str(current_app.secret_key)
    rounds.post_ballot(db.session, current_caller(), dialogue_id, round_id, body, secret)
    return respond([], 200)


@bp.get("/dialogues/<dialogue_id>/rounds/<round_id>/ballots")
@devices_allowed
def list_ballots(dialogue_id: str, round_id: str) -> Reply:
    rows = rounds.list_ballots(db.session, current_caller(), dialogue_id, round_id)
    return respond([BallotOut(slot=b.slot, sealed=b.sealed) for b in rows])


@bp.put("/dialogues/<dialogue_id>/settings")
def change_settings(dialogue_id: str) -> Reply:
    archive.change_settings(
        db.session, current_caller(), dialogue_id, parse_body(DialogueSettingsIn)
    )
    return respond(_dialogue_out(dialogue_id))


@bp.put("/dialogues/<dialogue_id>/archive-key")
def register_archive_key(dialogue_id: str) -> Reply:
    key = archive.register_archive_key(
        db.session, current_caller(), dialogue_id, parse_body(ArchiveKeyIn)
    )
    return respond(key)


@bp.get("/dialogues/<dialogue_id>/export")
def export_bundle(dialogue_id: str) -> Reply:
    return respond(archive.bundle(db.session, current_caller(), dialogue_id))


@bp.delete("/dialogues/<dialogue_id>/envelopes/<message_id>")
@devices_allowed
def delete_envelope(dialogue_id: str, message_id: str) -> Reply:
    retraction = envelopes.delete_envelope(db.session, current_caller(), dialogue_id, message_id)
    if retraction is not None:
        db.session.commit()  # stored before anyone is told
        envelope_retracted.send(dialogue_id, retraction=retraction)
    return respond([], 200)


@bp.post("/dialogues/<dialogue_id>/invitations")
def create_invitation(dialogue_id: str) -> Reply:
    body = parse_body(InvitationCreate)
    invitation = invitations.create_invitation(db.session, current_caller(), dialogue_id, body)
    return respond(_invitation_out(invitation), 201)


@bp.get("/dialogues/<dialogue_id>/invitations")
def list_invitations(dialogue_id: str) -> Reply:
    rows = invitations.list_invitations(db.session, current_caller(), dialogue_id)
    return respond([_invitation_out(i) for i in rows])


@bp.delete("/dialogues/<dialogue_id>/invitations/<invite_id>")
def revoke_invitation(dialogue_id: str, invite_id: str) -> Reply:
    invitations.revoke_invitation(db.session, current_caller(), dialogue_id, invite_id)
    return respond([], 200)


@bp.get("/team-seats")
def my_team_seats() -> Reply:
    rows = invitations.seats_for_account(db.session, signed_in_account())
    return respond([_invitation_out(i) for i in rows])


@bp.get("/invitations/<invite_id>")
@public
def invitation_state(invite_id: str) -> Reply:
    found = db.session.get(Invitation, invite_id)
    if found is None:
        raise InvitationUnusableError()
    return respond(_invitation_out(found))


@bp.post("/invitations/<invite_id>/knocks")
@public
@limiter.limit(
    "30 per hour", key_func=lambda: "knock:" + (request.view_args or {}).get("invite_id", "")
)
def knock(invite_id: str) -> Reply:
    found = invitations.knock(db.session, current_caller(), invite_id, parse_body(KnockIn))
    return respond(_knock_out(found), 201)


@bp.get("/knocks/<knock_id>")
@public
def knock_state(knock_id: str) -> Reply:
    return respond(_knock_out(invitations.knock_status(db.session, knock_id)))


@bp.get("/dialogues/<dialogue_id>/knocks")
def list_knocks(dialogue_id: str) -> Reply:
    rows = invitations.list_knocks(db.session, current_caller(), dialogue_id)
    return respond([_knock_out(k) for k in rows])


@bp.post("/dialogues/<dialogue_id>/knocks/<knock_id>/refuse")
def refuse_knock(dialogue_id: str, knock_id: str) -> Reply:
    invitations.refuse_knock(db.session, current_caller(), dialogue_id, knock_id)
    return respond([], 200)


def _body_key(field: str) -> str:
    """Rate-limit key from a JSON field: a venue's participants share one address, so the
    device endpoints are limited per member and per challenge, never per IP."""
    body = request.get_json(silent=True)
    value = body.get(field) if isinstance(body, dict) else None
    return f"{field}:{value if isinstance(value, str) else ''}"


@bp.post("/device-challenges")
@public
@limiter.limit("30 per hour", key_func=lambda: _body_key("handle"))
def device_challenge() -> Reply:
    body = parse_body(ChallengeIn)
    challenge_id, sealed = devices.issue_challenge(db.session, body.dialogue_id, body.handle)
    return respond(ChallengeOut(challenge_id=challenge_id, sealed=sealed), 201)


@bp.post("/device-sessions")
@public
@limiter.limit("5 per minute", key_func=lambda: _body_key("challenge_id"))
def device_session() -> Reply:
    body = parse_body(ChallengeAnswer)
    member, token = devices.answer_challenge(db.session, body.challenge_id, body.nonce)
    session[DEVICE_TOKEN_KEY] = token
    return respond(_member_out(member), 201)


@bp.delete("/device-sessions/current")
@devices_allowed
def end_device_session() -> Reply:
    device = current_device()
    if device is not None:
        ended = devices.end_device_sessions(db.session, [device.id])
        db.session.commit()
        close_connections(ended)
    session.pop(DEVICE_TOKEN_KEY, None)
    return respond([], 200)
