"""A ballot sealed to a round's tally key (docs/ideas.md, "Rounds and ballots").

``sealed = HPKE.Seal(tally_public, info, K) || AES-256-GCM(K, padded JSON)``: the 80-byte wrap of
a fresh key ``K`` in the epoch-wrap suite, with ``info = "td2/v1/ballot" || dialogue_id ||
round_id || slot``, then a td2 blob under ``K`` whose associated data is the ``idea`` AAD of the
round's channel with the slot as message id, epoch 0 and no author. Only the holder of the tally
key's private half opens it, and a ballot moved to another slot, round or dialogue does not
open. The browser's twin is ``static/js/ideas/ballot.js``; both open
``tests/ideas/ballot_vectors.json``.
"""

from __future__ import annotations

from typing import Any

from facilitator import td2

BALLOT_LABEL = b"td2/v1/ballot"
NO_AUTHOR = bytes(16)
POLL_SLOT = bytes(16)


def round_channel_id(dialogue_id: bytes, round_id: bytes) -> bytes:
    """``channel_id("round/" + base64url(round_id))``: where the round's statements are."""
    return td2.channel_id("round/" + td2.b64u_encode(round_id), dialogue_id)


def ballot_info(dialogue_id: bytes, round_id: bytes, slot: bytes) -> bytes:
    return BALLOT_LABEL + _id(dialogue_id) + _id(round_id) + _id(slot)


def ballot_aad(dialogue_id: bytes, round_id: bytes, slot: bytes) -> bytes:
    channel = round_channel_id(dialogue_id, round_id)
    return td2.build_aad("idea", dialogue_id, channel, 0, slot, NO_AUTHOR)


def seal_ballot(
    tally_public: bytes, dialogue_id: bytes, round_id: bytes, slot: bytes, content: Any
) -> bytes:
    """Seal ``content`` (a JSON object: the vote and the voter's claimed side) to the tally key."""
    key = td2.random_secret()
    wrap = td2.seal_to_public(tally_public, ballot_info(dialogue_id, round_id, slot), key)
    return wrap + td2.seal_json(key, ballot_aad(dialogue_id, round_id, slot), content)


def open_ballot(
    tally_private: bytes, dialogue_id: bytes, round_id: bytes, slot: bytes, sealed: bytes
) -> dict[str, Any]:
    """The content of a ballot; ``Td2Error`` when it does not open for this slot."""
    if len(sealed) <= td2.WRAP_LENGTH:
        raise td2.Td2FormatError("ballot too short")
    wrap, blob = sealed[: td2.WRAP_LENGTH], sealed[td2.WRAP_LENGTH :]
    key = td2.open_wrap(tally_private, ballot_info(dialogue_id, round_id, slot), wrap)
    content = td2.open_json(key, ballot_aad(dialogue_id, round_id, slot), blob)
    if not isinstance(content, dict):
        raise td2.Td2FormatError("a ballot is a JSON object")
    return content


def _id(value: bytes) -> bytes:
    if not isinstance(value, bytes) or len(value) != 16:
        raise td2.Td2FormatError("ids and slots are 16 bytes")
    return value
