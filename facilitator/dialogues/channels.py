"""The well-known channels' ids as the server stores and compares them.

The formula is td2's (``td2.channel_id``); the server keeps the base64url text each envelope row
carries, so this wraps it once, memoised. The team channel's id keeps its envelopes from
participants and observers (a second line of defence behind the key they never receive); the
summary channel's id is the only place for envelopes of kind ``summary`` (drafts, approval
requests and answers, each in a members' box: docs/protocol.md).
"""

from __future__ import annotations

from functools import lru_cache

from facilitator import td2


@lru_cache(maxsize=4096)
def team_channel_id(dialogue_id: str) -> str:
    """The team channel's id in the dialogue ``dialogue_id``, both base64url."""
    return td2.b64u_encode(td2.channel_id("team", td2.b64u_decode(dialogue_id)))


@lru_cache(maxsize=4096)
def summary_channel_id(dialogue_id: str) -> str:
    """The summary channel's id in the dialogue ``dialogue_id``, both base64url."""
    return td2.b64u_encode(td2.channel_id("summary", td2.b64u_decode(dialogue_id)))
