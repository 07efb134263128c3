"""Rounds of ideas and decisions as this device runs them (docs/ideas.md, "Rounds and ballots").

The owner opens a round with a fresh tally key (its private half stays in this device's key
ring) and a sealed ``round`` document; members write statements with no author and seal their
ballots to the tally key; the owner closes the round, opens the ballots, counts them with
``facilitator.ideas`` and publishes the suppressed figures as a ``round_result`` document.

A device votes only when the round's document was written by the round's owner, a convener or
facilitator of that epoch's roster, and names the tally key the server has on record: a server
that put its own key in its record, or a document a participant slipped in, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from facilitator import ideas, td2
from facilitator.client import content, epochs
from facilitator.client.keyring import Connection, EpochState
from facilitator.client.sealing import NO_AUTHOR, meta_channel_id
from facilitator.ideas.ballot import POLL_SLOT, open_ballot, round_channel_id, seal_ballot

b64e = td2.b64u_encode
b64d = td2.b64u_decode

ROUND_OWNER_ROLES = frozenset({"convener", "facilitator"})
KINDS = ("statements", "consent", "ranked", "dots")


class RoundRefusedError(Exception):
    """This device will not take part: the round's document or tally key cannot be trusted."""


@dataclass(frozen=True)
class Signed:
    """A ``meta`` document with the handle (base64url) and epoch it was sealed under."""

    document: dict[str, Any]
    author: str
    epoch: int


def _path(dialogue_id: str, tail: str = "") -> str:
    return f"/api/v1/dialogues/{dialogue_id}/rounds{tail}"


def _meta(conn: Connection, dialogue_id: str) -> list[Signed]:
    """Every current ``meta`` document, with who sealed it."""
    ring = conn.keyrings[dialogue_id]
    states = epochs.by_number(conn, dialogue_id)
    channel = b64e(meta_channel_id(ring.dialogue_id))
    rows = conn.call("GET", f"/api/v1/dialogues/{dialogue_id}/envelopes?channel={channel}")
    return [
        Signed(
            content.open_sealed(conn, dialogue_id, states, "meta", row),
            row["author_handle"],
            row["epoch"],
        )
        for row in rows
    ]


def _role_in(states: dict[int, EpochState], epoch: int, handle: str) -> str | None:
    state = states.get(epoch)
    if state is None:
        return None
    for member in state.roster:
        if b64e(member.handle) == handle:
            return str(member.role)
    return None


def _by_leader(states: dict[int, EpochState], signed: Signed, owner: str) -> bool:
    """Sealed by ``owner``, a convener or facilitator of the roster of its epoch."""
    role = _role_in(states, signed.epoch, signed.author)
    return signed.author == owner and role in ROUND_OWNER_ROLES


def server_round(conn: Connection, dialogue_id: str, round_id: str) -> dict[str, Any]:
    for found in conn.call("GET", _path(dialogue_id)):
        if found["id"] == round_id:
            return dict(found)
    raise RoundRefusedError("no such round")


def round_document(conn: Connection, dialogue_id: str, round_id: str) -> dict[str, Any]:
    """The round's document, checked against the server's record: written by the round's owner
    (a convener or facilitator) and naming the tally key on record, or ``RoundRefusedError``
    ("forged tally key")."""
    record = server_round(conn, dialogue_id, round_id)
    owner = record["owner_handle"]
    states = epochs.by_number(conn, dialogue_id)
    for signed in _meta(conn, dialogue_id):
        document = signed.document
        if document.get("type") != "round" or document.get("round") != round_id:
            continue
        if not _by_leader(states, signed, owner):
            continue
        if document.get("tally_public") != record["tally_public"]:
            raise RoundRefusedError("forged tally key")
        return {**document, "state": record["state"], "owner_handle": owner}
    raise RoundRefusedError("forged tally key")


def open_round(conn: Connection, dialogue_id: str, kind: str, details: dict[str, Any]) -> str:
    """Open a round owned by this device: ``details`` are the question (``title`` by language)
    and, for polls, ``options`` and ``dots``, and the ``agenda_item``."""
    if kind not in KINDS:
        raise ValueError(f"unknown round kind {kind!r}")
    ring = conn.keyrings[dialogue_id]
    tally_private, tally_public = td2.generate_member_keypair()
    round_id = b64e(td2.random_id())
    body = {"id": round_id, "kind": kind, "tally_public": b64e(tally_public)}
    conn.call("POST", _path(dialogue_id), body)
    ring.tally_keys[round_id] = tally_private
    document = {**details, "type": "round", "round": round_id, "kind": kind}
    document["tally_public"] = b64e(tally_public)
    content.write_meta(conn, dialogue_id, document)
    return round_id


def _post_entry(conn: Connection, dialogue_id: str, round_id: str, entry: dict[str, Any]) -> str:
    """Seal one entry of the round (``idea``, the epoch's ``note`` key, no author)."""
    ring = conn.keyrings[dialogue_id]
    state = epochs.states(conn, dialogue_id)[-1]
    message_id = td2.random_id()
    channel = round_channel_id(ring.dialogue_id, b64d(round_id))
    aad = td2.build_aad("idea", ring.dialogue_id, channel, state.number, message_id, NO_AUTHOR)
    key = state.subkey(ring.dialogue_id, "note")
    blob = td2.seal_json(key, aad, {**entry, "id": b64e(message_id)})
    body = {"message_id": b64e(message_id), "epoch": state.number, "blob": b64e(blob)}
    conn.call("POST", _path(dialogue_id, f"/{round_id}/statements"), body)
    return b64e(message_id)


def write_statement(conn: Connection, dialogue_id: str, round_id: str, text: str, lang: str) -> str:
    """A statement; its id (the envelope's message id) is the slot members vote on."""
    return _post_entry(
        conn, dialogue_id, round_id, {"type": "statement", "text": text, "lang": lang}
    )


def translate_statement(
    conn: Connection, dialogue_id: str, round_id: str, of: str, text: str, lang: str
) -> str:
    entry = {"type": "translation", "of": of, "text": text, "lang": lang}
    return _post_entry(conn, dialogue_id, round_id, entry)


def act_on_statements(
    conn: Connection, dialogue_id: str, round_id: str, action: dict[str, Any]
) -> str:
    """A merge (``{"action": "merge", "from": [...], "into": id}``) or a hiding
    (``{"action": "hide", "id": id, "reason": text}``): a ``statement_action`` document, so
    readers see who did it and that a convener or facilitator did."""
    if action.get("action") not in {"merge", "hide"}:
        raise ValueError("an action is merge or hide")
    document = {**action, "type": "statement_action", "round": round_id}
    return content.write_meta(conn, dialogue_id, document)


def _entries(conn: Connection, dialogue_id: str, round_id: str) -> list[dict[str, Any]]:
    ring = conn.keyrings[dialogue_id]
    states = epochs.by_number(conn, dialogue_id)
    channel = round_channel_id(ring.dialogue_id, b64d(round_id))
    opened = []
    for row in conn.call("GET", _path(dialogue_id, f"/{round_id}/statements")):
        state = states.get(row["epoch"])
        if state is None or b64d(row["channel_id"]) != channel:
            continue
        aad = td2.build_aad(
            "idea", ring.dialogue_id, channel, row["epoch"], b64d(row["message_id"]), NO_AUTHOR
        )
        key = state.subkey(ring.dialogue_id, "note")
        try:
            entry = td2.open_json(key, aad, b64d(row["blob"]))
        except td2.Td2Error:
            continue  # an entry the server altered or made up: nobody wrote it
        if isinstance(entry, dict) and entry.get("id") == row["message_id"]:
            opened.append(entry)
    return opened


def own_side(conn: Connection, dialogue_id: str) -> str | None:
    """The side in this device's own person document: the voter's claim, sealed in the ballot."""
    handle = b64e(conn.keyrings[dialogue_id].handle)
    side = None
    for document in content.read_meta(conn, dialogue_id):
        if document.get("type") == "person" and document.get("handle") == handle:
            side = document.get("side")
    return side if isinstance(side, str) else None


def vote(
    conn: Connection, dialogue_id: str, round_id: str, slot: str | None, ballot: dict[str, Any]
) -> None:
    """Seal a ballot to the round's tally key, once the key is checked, and cast it on ``slot``
    (a statement's id; ``None`` in a poll). Casting again on a slot changes the vote."""
    document = round_document(conn, dialogue_id, round_id)
    ring = conn.keyrings[dialogue_id]
    slot_bytes = POLL_SLOT if slot is None else b64d(slot)
    sealed = seal_ballot(
        b64d(document["tally_public"]),
        ring.dialogue_id,
        b64d(round_id),
        slot_bytes,
        {**ballot, "side": own_side(conn, dialogue_id)},
    )
    body = {"slot": b64e(slot_bytes), "sealed": b64e(sealed)}
    conn.call("POST", _path(dialogue_id, f"/{round_id}/ballots"), body)


def close_round(conn: Connection, dialogue_id: str, round_id: str) -> dict[str, Any]:
    result: dict[str, Any] = conn.call("POST", _path(dialogue_id, f"/{round_id}/close"))
    return result


def _roster_sides(conn: Connection, dialogue_id: str) -> list[str]:
    sides = {
        d["side"]
        for d in content.read_meta(conn, dialogue_id)
        if d.get("type") == "person" and isinstance(d.get("side"), str)
    }
    return sorted(sides)


def count(
    document: dict[str, Any],
    opened: list[tuple[str, dict[str, Any]]],
    sides: list[str],
    hands: list[dict[str, Any]],
    statements: list[str],
) -> dict[str, Any]:
    """The published result of a round from its opened ballots ``(slot, content)``. Ballots carry
    no author, so each counts as its own voter: the server keeps one per member and slot."""
    kind = document["kind"]
    if kind in {"statements", "consent"} and not sides:
        raise ValueError("no sides to count by: the participants' person documents name none")
    side_of = {f"ballot-{i}": c.get("side") for i, (_slot, c) in enumerate(opened)}
    voters = {v: s for v, s in side_of.items() if isinstance(s, str) and s in sides}
    unsided = len(opened) - len(voters)
    if kind == "statements":
        ballots = [
            {"voter": f"ballot-{i}", "statement": slot, "vote": c.get("vote")}
            for i, (slot, c) in enumerate(opened)
            if f"ballot-{i}" in voters and slot in statements
        ]
        aggregates = ideas.aggregate_votes(ballots, voters, hands=hands, sides=sides)
        result = ideas.bridging_ranking(aggregates, sides)
    elif kind == "consent":
        consent = [
            {"voter": f"ballot-{i}", "choice": c.get("choice")}
            for i, (_slot, c) in enumerate(opened)
            if f"ballot-{i}" in voters
        ]
        result = ideas.consent_result(consent, voters, sides=sides, hands=hands)
    elif kind == "ranked":
        result = ideas.instant_runoff([c.get("ranking") for _s, c in opened], document["options"])
    else:
        dots = [c.get("dots") for _s, c in opened]
        result = ideas.dot_vote(dots, document["options"], document["dots"])
    return {"result": result, "hands_counted": bool(hands), "without_side": unsided}


def tally_and_publish(
    conn: Connection,
    dialogue_id: str,
    round_id: str,
    hands: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Open the closed round's ballots with its tally key, count them, publish the suppressed
    result as a ``round_result`` document and return it. ``hands``: shows of hands, entered by
    hand and marked as such in the result."""
    ring = conn.keyrings[dialogue_id]
    tally_private = ring.tally_keys[round_id]
    document = round_document(conn, dialogue_id, round_id)
    opened = []
    for row in conn.call("GET", _path(dialogue_id, f"/{round_id}/ballots")):
        try:
            opened.append(
                (
                    row["slot"],
                    open_ballot(
                        tally_private,
                        ring.dialogue_id,
                        b64d(round_id),
                        b64d(row["slot"]),
                        b64d(row["sealed"]),
                    ),
                )
            )
        except td2.Td2Error:
            continue  # a ballot that does not open for its slot counts for nothing
    # Hidden statements are out of the count; merged ones keep their own ballots (a voter may
    # have voted on both), and readers show them under the statement they were merged into.
    shown, _result = _view(conn, dialogue_id, round_id, document["owner_handle"])
    statements = [e["id"] for e in shown if "hidden" not in e]
    sides = _roster_sides(conn, dialogue_id)
    published = {
        "type": "round_result",
        "round": round_id,
        "kind": document["kind"],
        **count(document, opened, sides, hands or [], statements),
    }
    content.write_meta(conn, dialogue_id, published)
    return published


def _view(
    conn: Connection, dialogue_id: str, round_id: str, owner: str
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The round's statements (with their translations, merges and hidings, each by a convener
    or facilitator) and its published result by the owner, if any."""
    states = epochs.by_number(conn, dialogue_id)
    actions, result = [], None
    for signed in _meta(conn, dialogue_id):
        if signed.document.get("round") != round_id:
            continue
        kind = signed.document.get("type")
        if kind == "round_result" and _by_leader(states, signed, owner):
            result = signed.document
        elif (
            kind == "statement_action"
            and _role_in(states, signed.epoch, signed.author) in ROUND_OWNER_ROLES
        ):
            actions.append(signed.document)
    entries = _entries(conn, dialogue_id, round_id)
    statements = {
        e["id"]: {**e, "translations": {}} for e in entries if e.get("type") == "statement"
    }
    for entry in entries:
        of, lang, text = entry.get("of"), entry.get("lang"), entry.get("text")
        if entry.get("type") == "translation" and of in statements and isinstance(lang, str):
            statements[of]["translations"][lang] = text
    for action in actions:
        if action.get("action") == "hide" and action.get("id") in statements:
            statements[action["id"]]["hidden"] = action.get("reason", "")
        if action.get("action") == "merge" and action.get("into") in statements:
            for merged in action.get("from", []):
                if merged in statements and merged != action["into"]:
                    statements[merged]["merged_into"] = action["into"]
    return list(statements.values()), result


def read_round(conn: Connection, dialogue_id: str, round_id: str) -> dict[str, Any]:
    """The round as a member sees it: its document, its statements and its published result."""
    document = round_document(conn, dialogue_id, round_id)
    statements, result = _view(conn, dialogue_id, round_id, document["owner_handle"])
    return {"round": document, "statements": statements, "result": result}
