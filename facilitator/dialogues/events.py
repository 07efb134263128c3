"""Live connection rooms for dialogue members, and cutting off removed members at once.

Each connection joins one room per active membership (``member:<dialogue>:<handle>``). When an
epoch removes a member, their connections are told and closed, and every later event re-checks
membership, so nothing more reaches them.
"""

from __future__ import annotations

from facilitator.core.rooms import close_rooms
from facilitator.extensions import socketio


def member_room(dialogue_id: str, handle: str) -> str:
    return f"member:{dialogue_id}:{handle}"


def disconnect_removed(dialogue_id: str, handles: list[str]) -> None:
    """Tell removed members' connections, then close them, in every process."""
    if socketio.server is None:
        return
    rooms = [member_room(dialogue_id, handle) for handle in handles]
    for room in rooms:
        socketio.emit("membership_revoked", {"dialogue_id": dialogue_id}, to=room)
    close_rooms(rooms)
