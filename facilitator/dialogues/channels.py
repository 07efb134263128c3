"""The team channel's id as the server stores and compares it.

The formula is td2's (``td2.channel_id``); the server keeps the base64url text each envelope row
carries, so this wraps it once, memoised, for every check that keeps team-channel envelopes from
participants and observers (a second line of defence behind the key they never receive).
"""

from __future__ import annotations

from functools import lru_cache

from facilitator import td2


@lru_cache(maxsize=4096)
def team_channel_id(dialogue_id: str) -> str:
    """The team channel's id in the dialogue ``dialogue_id``, both base64url."""
    return td2.b64u_encode(td2.channel_id("team", td2.b64u_decode(dialogue_id)))
