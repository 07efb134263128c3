"""The live room's Socket.IO rooms for the mediator team's backchannel.

The team channel's id is the dialogues' (``dialogues.channels``); the server cannot read the
channel, and keeps its broadcasts to the team's room.
"""

from __future__ import annotations


def team_room(dialogue_id: str) -> str:
    """The Socket.IO room of the dialogue's mediator team: team-channel broadcasts go there."""
    return f"dialogue:{dialogue_id}:team"
