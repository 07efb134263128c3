"""The one table of who may do what: every operation of ``/api/v1/openapi.json`` and every
Socket.IO event, against every kind of caller. The sweeps (``test_authz_sweep.py``) read the
operations from the document and the events from the server, and fail when one has no row here.

Requests are built from the document too: each path parameter and each request body schema has
one factory below, which makes a fresh, valid value in the workshop (``tests/dialogues/conftest``),
so an allowed caller succeeds and a refused one is refused for who they are, not for bad input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from facilitator import td2
from facilitator.client import DialogueClient
from facilitator.client.client import ARCHIVE_HANDLE, KeyRing
from facilitator.dialogues.channels import team_channel_id
from facilitator.ideas.ballot import seal_ballot

b64e, b64d = td2.b64u_encode, td2.b64u_decode

ROLES = ("convener", "facilitator", "interpreter", "rapporteur", "observer", "participant")
# A stranger is a signed-in convener with no seat in the workshop's dialogue (and, for the
# other-ids sweep, a dialogue of their own); anonymous is nobody signed in at all.
CALLERS = (*ROLES, "stranger", "anonymous")
EVERYONE = frozenset(CALLERS)
NOBODY: frozenset[str] = frozenset()
MEMBERS = frozenset(ROLES)
TEAM_ACCOUNTS = frozenset({"convener", "facilitator", "interpreter", "rapporteur", "observer",
                           "stranger"})
STEWARDS = frozenset({"convener"})
META_WRITERS = frozenset({"convener", "facilitator"})
MEDIATOR_TEAM = frozenset({"convener", "facilitator", "interpreter", "rapporteur"})
# Rounds: conveners and facilitators open them; everyone but observers writes and votes; the
# round's owner (the convener, who opens the sweep's rounds) closes it and lists its ballots.
ROUND_OPENERS = frozenset({"convener", "facilitator"})
VOTERS = MEMBERS - {"observer"}
ROUND_OWNER = frozenset({"convener"})


@dataclass
class Context:
    """The workshop (every role admitted) and what the factories made in it."""

    workshop: Any
    client_for: Callable[[Any], DialogueClient]
    links: dict[str, str] = field(default_factory=dict)
    # Each round the factories opened -> its one statement; the newest round is the last key.
    rounds: dict[str, str] = field(default_factory=dict)

    @property
    def dialogue_id(self) -> str:
        return str(self.workshop.dialogue_id)

    def client(self, who: str) -> DialogueClient:
        if who == "anonymous":
            return self.client_for(None)
        client: DialogueClient = self.workshop.clients[who]
        return client

    def outsider(self) -> DialogueClient:
        """A fresh device with no session: what someone who found a link holds."""
        return self.client_for(None)


# "METHOD /path" as the OpenAPI document names it -> who may call it.
HTTP: dict[str, frozenset[str]] = {
    "POST /dialogues": frozenset({"convener", "stranger"}),
    "GET /dialogues": TEAM_ACCOUNTS | MEMBERS,
    "GET /dialogues/{dialogue_id}": MEMBERS,
    "GET /dialogues/{dialogue_id}/epochs": MEMBERS,
    "POST /dialogues/{dialogue_id}/epochs": STEWARDS,
    "GET /dialogues/{dialogue_id}/wraps": MEMBERS,
    "GET /dialogues/{dialogue_id}/team-wraps": MEDIATOR_TEAM,
    "GET /dialogues/{dialogue_id}/envelopes": MEMBERS,
    "POST /dialogues/{dialogue_id}/envelopes": META_WRITERS,
    "DELETE /dialogues/{dialogue_id}/envelopes/{message_id}": META_WRITERS,
    "POST /dialogues/{dialogue_id}/rounds": ROUND_OPENERS,
    "GET /dialogues/{dialogue_id}/rounds": MEMBERS,
    "POST /dialogues/{dialogue_id}/rounds/{round_id}/close": ROUND_OWNER,
    "GET /dialogues/{dialogue_id}/rounds/{round_id}/statements": MEMBERS,
    "POST /dialogues/{dialogue_id}/rounds/{round_id}/statements": VOTERS,
    "POST /dialogues/{dialogue_id}/rounds/{round_id}/ballots": VOTERS,
    # On a closed round (OPERATION_PARAMETERS): before close, no one lists ballots.
    "GET /dialogues/{dialogue_id}/rounds/{round_id}/ballots": ROUND_OWNER,
    "PUT /dialogues/{dialogue_id}/settings": STEWARDS,
    "PUT /dialogues/{dialogue_id}/archive-key": STEWARDS,
    "GET /dialogues/{dialogue_id}/export": STEWARDS,
    "POST /dialogues/{dialogue_id}/invitations": STEWARDS,
    "GET /dialogues/{dialogue_id}/invitations": STEWARDS,
    "DELETE /dialogues/{dialogue_id}/invitations/{invite_id}": STEWARDS,
    "GET /dialogues/{dialogue_id}/knocks": STEWARDS,
    "POST /dialogues/{dialogue_id}/knocks/{knock_id}/refuse": STEWARDS,
    "GET /team-seats": TEAM_ACCOUNTS,
    # Public: a link, a knock id or a device key is the credential, not the caller's session.
    "GET /invitations/{invite_id}": EVERYONE,
    "POST /invitations/{invite_id}/knocks": EVERYONE,
    "GET /knocks/{knock_id}": EVERYONE,
    "POST /device-challenges": EVERYONE,
    # Only the device holding the member key can answer; the sweep sends a wrong answer, which
    # everyone gets refused (the right answer is tested with the device, tests/dialogues).
    "POST /device-sessions": NOBODY,
    "DELETE /device-sessions/current": TEAM_ACCOUNTS | {"participant"},
}

# Socket.IO event -> its variants: (label, who may, payload factory). ``connect`` is the
# handshake (no payload).
Payload = Callable[[Context, DialogueClient, str], dict[str, Any]]


def _join(ctx: Context, api: DialogueClient, who: str) -> dict[str, Any]:
    return {"dialogue_id": ctx.dialogue_id}


def _join_team(ctx: Context, api: DialogueClient, who: str) -> dict[str, Any]:
    d = ctx.dialogue_id
    return {"dialogue_id": d, "channel_id": team_channel_id(d)}


def _newest_team(ctx: Context, api: DialogueClient, who: str) -> dict[str, Any]:
    return {**_join_team(ctx, api, who), "latest": True}


def _page_back(ctx: Context, api: DialogueClient, who: str) -> dict[str, Any]:
    return {"dialogue_id": ctx.dialogue_id, "before_seq": 2**63 - 1, "limit": 1}


def _message(ctx: Context, api: DialogueClient, who: str) -> dict[str, Any]:
    """A message sealed by the caller when it holds the dialogue's keys, else by a member."""
    d = ctx.dialogue_id
    sealer = api if who in MEMBERS else ctx.client("participant")
    envelope = sealer.seal_message(d, td2.random_id(), {"text": "sweep", "lang": "en"})
    return {"dialogue_id": d, "envelope": envelope}


def _team_message(ctx: Context, api: DialogueClient, who: str) -> dict[str, Any]:
    d = ctx.dialogue_id
    sealer = api if who in MEDIATOR_TEAM else ctx.client("convener")
    envelope = sealer.seal_team_message(d, {"text": "sweep", "lang": "en"})
    if sealer is not api and d in api.keyrings:
        envelope["author_handle"] = b64e(api.keyrings[d].handle)
    return {"dialogue_id": d, "envelope": envelope}


SOCKET: dict[str, list[tuple[str, frozenset[str], Payload | None]]] = {
    "connect": [("connect", TEAM_ACCOUNTS | MEMBERS, None)],
    "join_dialogue": [
        ("join_dialogue", MEMBERS, _join),
        ("join_dialogue team channel", MEDIATOR_TEAM, _join_team),
        ("join_dialogue team channel, newest page", MEDIATOR_TEAM, _newest_team),
    ],
    "catch_up": [
        ("catch_up", MEMBERS, _join),
        ("catch_up team channel", MEDIATOR_TEAM, _join_team),
        ("catch_up page back", MEMBERS, _page_back),
    ],
    "send_message": [
        ("send_message", MEMBERS, _message),
        ("send_message team channel", MEDIATOR_TEAM, _team_message),
    ],
}


# --- request factories: path parameters and bodies, named as the document names them -------


def _convener(ctx: Context) -> DialogueClient:
    return ctx.client("convener")


def fresh_invitation(ctx: Context, dialogue_id: str | None = None) -> str:
    """An open participant invitation's id (and the link is kept for a knock)."""
    d = dialogue_id or ctx.dialogue_id
    owner = _convener(ctx) if d == ctx.dialogue_id else ctx.client("stranger")
    link = owner.invite_participant(d)
    ctx.links[link.split("#")[0].removeprefix("/j/")] = link
    return link.split("#")[0].removeprefix("/j/")


def fresh_knock(ctx: Context, dialogue_id: str | None = None) -> str:
    """A pending knock's id, made by a device outside the dialogue."""
    invite_id = fresh_invitation(ctx, dialogue_id)
    outsider = ctx.outsider()
    return str(outsider.knock(ctx.links[invite_id])["knock_id"])


def fresh_envelope(ctx: Context, dialogue_id: str | None = None) -> str:
    d = dialogue_id or ctx.dialogue_id
    owner = _convener(ctx) if d == ctx.dialogue_id else ctx.client("stranger")
    return owner.write_meta(d, {"type": "sweep"})


def fresh_round(ctx: Context, dialogue_id: str | None = None) -> str:
    """An open round of statements, owned by the dialogue's convener, with one statement."""
    d = dialogue_id or ctx.dialogue_id
    owner = _convener(ctx) if d == ctx.dialogue_id else ctx.client("stranger")
    round_id = owner.open_round(d, "statements", {"title": {"en": "sweep"}})
    ctx.rounds[round_id] = owner.write_statement(d, round_id, "sweep", "en")
    return round_id


def closed_round(ctx: Context, dialogue_id: str | None = None) -> str:
    d = dialogue_id or ctx.dialogue_id
    owner = _convener(ctx) if d == ctx.dialogue_id else ctx.client("stranger")
    round_id = fresh_round(ctx, d)
    owner.close_round(d, round_id)
    return round_id


PATH_PARAMETERS: dict[str, Callable[..., str]] = {
    "dialogue_id": lambda ctx, dialogue_id=None: dialogue_id or ctx.dialogue_id,
    "message_id": fresh_envelope,
    "invite_id": fresh_invitation,
    "knock_id": fresh_knock,
    "round_id": fresh_round,
}
# Operations whose path parameter must be in another state than the factory above makes.
OPERATION_PARAMETERS: dict[str, dict[str, Callable[..., str]]] = {
    "GET /dialogues/{dialogue_id}/rounds/{round_id}/ballots": {"round_id": closed_round},
}


def _dialogue_create(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    dialogue_id, handle = td2.random_id(), td2.random_id()
    x_private, x_public = td2.generate_member_keypair()
    e_private, e_public = td2.generate_steward_keypair()
    ring = KeyRing(dialogue_id, handle, x_private, x_public, e_private, e_public,
                   td2.fingerprint(e_public))
    roster = [td2.RosterMember(handle, x_public, "convener")]
    genesis, _state = api._epoch_body(ring, 0, td2.GENESIS_PREV_HASH, roster,
                                      td2.random_secret())
    return {
        "dialogue_id": b64e(dialogue_id),
        "member": {"handle": b64e(handle), "x25519_public": b64e(x_public),
                   "ed25519_public": b64e(e_public)},
        "genesis": genesis,
    }


def _epoch(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    """The next epoch, signed by the convener: only a steward may post it."""
    convener, d = _convener(ctx), ctx.dialogue_id
    current = convener.epochs(d)[-1]
    body, state = convener._epoch_body(convener.keyrings[d], current.number + 1,
                                       current.record_hash, current.roster, td2.random_secret())
    body["reseal"] = []
    archive = convener.call("GET", f"/api/v1/dialogues/{d}/export")["archive"]
    if archive is not None:  # once registered, every epoch is wrapped to the archive key too
        body["archive_wrap"] = b64e(td2.wrap_epoch_secret(
            b64d(archive["x25519_public"]), b64d(d), state.number, ARCHIVE_HANDLE,
            state.record_hash, state.secret))
    return body


def _envelope(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    """A ``meta`` envelope sealed by the caller (by the convener for callers without keys)."""
    d = ctx.dialogue_id
    sealer = api if d in api.keyrings else _convener(ctx)
    return sealer._meta_envelope(sealer.keyrings[d], sealer.epochs(d)[-1], {"type": "x"}, None)


def _archive_key(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    convener, d = _convener(ctx), ctx.dialogue_id
    public = td2.generate_member_keypair()[1]
    wraps = [{"epoch": s.number, "wrap": b64e(td2.wrap_epoch_secret(
        public, b64d(d), s.number, ARCHIVE_HANDLE, s.record_hash, s.secret))}
        for s in convener.epochs(d)]
    return {"x25519_public": b64e(public), "wraps": wraps}


def _invitation(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    return {"invite_id": b64e(td2.random_id()), "role": "participant",
            "secret_hash": b64e(td2.random_secret())}


def _knock(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    return {"x25519_public": b64e(td2.generate_member_keypair()[1]),
            "proof": b64e(td2.random_secret())}


def _challenge(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    return {"dialogue_id": ctx.dialogue_id, "handle": ctx.workshop.handles["participant"]}


def _wrong_answer(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    status, challenge, _headers = ctx.outsider().transport.request(
        "POST", "/api/v1/device-challenges", json_body=_challenge(ctx, api))
    assert status == 201, challenge
    return {"challenge_id": challenge["challenge_id"], "nonce": b64e(td2.random_secret())}


def _round(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    return {"id": b64e(td2.random_id()), "kind": "consent",
            "tally_public": b64e(td2.generate_member_keypair()[1])}


def _statement(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    """An entry of the current epoch (the server cannot open it, so any plausible blob does)."""
    epoch = _convener(ctx).epochs(ctx.dialogue_id)[-1].number
    return {"message_id": b64e(td2.random_id()), "epoch": epoch, "blob": "A" * 379}


def _ballot(ctx: Context, api: DialogueClient) -> dict[str, Any]:
    """A vote on the newest round's statement, sealed to that round's tally key (random bytes
    of a ballot's size when the round is another dialogue's: the path is what is refused)."""
    round_id, slot = list(ctx.rounds.items())[-1]
    d = ctx.dialogue_id
    record = next((r for r in _convener(ctx).call("GET", f"/api/v1/dialogues/{d}/rounds")
                   if r["id"] == round_id), None)
    if record is None:
        return {"slot": slot, "sealed": b64e(td2.random_id() * 22 + bytes(12))}
    sealed = seal_ballot(b64d(record["tally_public"]), b64d(d), b64d(round_id), b64d(slot),
                         {"vote": "agree", "side": None})
    return {"slot": slot, "sealed": b64e(sealed)}


BODIES: dict[str, Callable[[Any, DialogueClient], dict[str, Any]]] = {
    "DialogueCreate": _dialogue_create,
    "EpochIn": _epoch,
    "EnvelopeIn": _envelope,
    "DialogueSettingsIn": lambda ctx, api: {"participant_notes": False},
    "ArchiveKeyIn": _archive_key,
    "InvitationCreate": _invitation,
    "KnockIn": _knock,
    "ChallengeIn": _challenge,
    "ChallengeAnswer": _wrong_answer,
    "RoundIn": _round,
    "StatementIn": _statement,
    "BallotIn": _ballot,
}
