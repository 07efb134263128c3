"""The live room's well-known channels, as the server routes them.

Their ids come from ``td2.channel_id`` (docs/dialogue-content.md). The room is ``live``;
``team`` is the mediator team's backchannel (docs/protocol.md, "Team channel"). The server
cannot read either: it keeps team-channel envelopes away from participants and observers as a
second line of defence, behind the key they never receive.
"""

from __future__ import annotations

from functools import lru_cache

from facilitator import td2


@lru_cache(maxsize=4096)
def team_channel_id(dialogue_id: str) -> str:
    """The team channel's id in the dialogue ``dialogue_id``, both base64url: the server compares
    the text form stored with each envelope, so it keeps that form, memoised."""
    return td2.b64u_encode(td2.channel_id("team", td2.b64u_decode(dialogue_id)))


def team_room(dialogue_id: str) -> str:
    """The Socket.IO room of the dialogue's mediator team: team-channel broadcasts go there."""
    return f"dialogue:{dialogue_id}:team"
