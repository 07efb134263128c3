"""The dialogue API's operations, as the OpenAPI document describes them."""

from facilitator.core.openapi import operation
from facilitator.dialogues import schemas as s

operation(
    "POST",
    "/dialogues",
    "Create a dialogue with its signed genesis epoch",
    s.DialogueOut,
    body=s.DialogueCreate,
    status=201,
    access="team",
)
operation(
    "GET",
    "/dialogues",
    "The caller's dialogues",
    s.DialogueSummary,
    many=True,
    access="device-or-team",
)
operation(
    "GET", "/dialogues/{dialogue_id}", "A dialogue's members and current epoch", s.DialogueOut
)
operation(
    "GET",
    "/dialogues/{dialogue_id}/epochs",
    "The signed epoch chain, after the epoch numbered `after` when given",
    s.EpochOut,
    many=True,
    query=s.EpochQuery,
)
operation(
    "POST",
    "/dialogues/{dialogue_id}/epochs",
    "Cut the next epoch (stewards)",
    s.DialogueOut,
    body=s.EpochIn,
    status=201,
)
operation(
    "GET",
    "/dialogues/{dialogue_id}/wraps",
    "The caller's epoch-secret wraps, of epochs after `after` when given",
    s.WrapOut,
    many=True,
    query=s.WrapQuery,
)
operation(
    "GET",
    "/dialogues/{dialogue_id}/team-wraps",
    "The caller's team-secret wraps (the mediator team only), of epochs after `after` when given",
    s.WrapOut,
    many=True,
    query=s.WrapQuery,
)
operation(
    "GET",
    "/dialogues/{dialogue_id}/envelopes",
    "Current sealed envelopes after the seq `after`, in seq order; only `channel`'s when given",
    s.EnvelopeOut,
    many=True,
    query=s.EnvelopeQuery,
)
operation(
    "POST",
    "/dialogues/{dialogue_id}/envelopes",
    "Store a sealed envelope",
    s.Seq,
    body=s.EnvelopeIn,
    status=201,
)
operation(
    "DELETE",
    "/dialogues/{dialogue_id}/envelopes/{message_id}",
    "Delete a note or meta document; retract a live message (its author, conveners and "
    "facilitators only), which leaves a retraction entry in the log",
    None,
)
operation(
    "POST",
    "/dialogues/{dialogue_id}/rounds",
    "Open a round of statements or a poll, owned by the caller (conveners and facilitators)",
    s.RoundOut,
    body=s.RoundIn,
    status=201,
)
operation("GET", "/dialogues/{dialogue_id}/rounds", "The dialogue's rounds", s.RoundOut, many=True)
operation(
    "POST",
    "/dialogues/{dialogue_id}/rounds/{round_id}/close",
    "Close a round: it takes no more statements or ballots (its owner)",
    s.RoundOut,
)
operation(
    "GET",
    "/dialogues/{dialogue_id}/rounds/{round_id}/statements",
    "A round's sealed statements, translations included, with no author, in seq order",
    s.EnvelopeOut,
    many=True,
)
operation(
    "POST",
    "/dialogues/{dialogue_id}/rounds/{round_id}/statements",
    "Write a sealed statement with no author (members other than observers, while it is open)",
    s.Seq,
    body=s.StatementIn,
    status=201,
)
operation(
    "POST",
    "/dialogues/{dialogue_id}/rounds/{round_id}/ballots",
    "Cast or change a sealed ballot on a slot (members other than observers, while it is open)",
    None,
    body=s.BallotIn,
)
operation(
    "GET",
    "/dialogues/{dialogue_id}/rounds/{round_id}/ballots",
    "A closed round's sealed ballots, with no author (its owner)",
    s.BallotOut,
    many=True,
)
operation(
    "PUT",
    "/dialogues/{dialogue_id}/settings",
    "Change the dialogue's settings: may participants take notes (conveners)",
    s.DialogueOut,
    body=s.DialogueSettingsIn,
)
operation(
    "PUT",
    "/dialogues/{dialogue_id}/archive-key",
    "Register the archive key with the epoch secrets wrapped to it (conveners)",
    s.ArchiveKeyOut,
    body=s.ArchiveKeyIn,
)
operation(
    "GET",
    "/dialogues/{dialogue_id}/export",
    "The ciphertext bundle an export starts from (conveners)",
    s.Bundle,
)
operation(
    "POST",
    "/dialogues/{dialogue_id}/invitations",
    "Invite a participant or seat a team member (stewards)",
    s.InvitationOut,
    body=s.InvitationCreate,
    status=201,
)
operation(
    "GET",
    "/dialogues/{dialogue_id}/invitations",
    "Invitations (stewards)",
    s.InvitationOut,
    many=True,
)
operation(
    "DELETE", "/dialogues/{dialogue_id}/invitations/{invite_id}", "Revoke an invitation", None
)
operation(
    "GET", "/dialogues/{dialogue_id}/knocks", "Pending knocks (stewards)", s.KnockOut, many=True
)
operation("POST", "/dialogues/{dialogue_id}/knocks/{knock_id}/refuse", "Refuse a knock", None)
operation(
    "GET",
    "/team-seats",
    "Team seats waiting for the signed-in account",
    s.InvitationOut,
    many=True,
    access="team",
)
operation(
    "GET", "/invitations/{invite_id}", "An invitation's state", s.InvitationOut, access="public"
)
operation(
    "POST",
    "/invitations/{invite_id}/knocks",
    "Knock with a device key",
    s.KnockOut,
    body=s.KnockIn,
    status=201,
    access="public",
)
operation(
    "GET",
    "/knocks/{knock_id}",
    "A knock's state (for the knocking device)",
    s.KnockOut,
    access="public",
)
operation(
    "POST",
    "/device-challenges",
    "A nonce sealed to a member's key",
    s.ChallengeOut,
    body=s.ChallengeIn,
    status=201,
    access="public",
)
operation(
    "POST",
    "/device-sessions",
    "Answer a challenge: opens a device session",
    s.MemberOut,
    body=s.ChallengeAnswer,
    status=201,
    access="public",
)
operation(
    "DELETE", "/device-sessions/current", "End this device's session", None, access="device-or-team"
)
