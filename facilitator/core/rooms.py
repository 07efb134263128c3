"""Closing every live connection in a Socket.IO room, in every server process."""

from __future__ import annotations

from facilitator.extensions import socketio


def close_rooms(rooms: list[str]) -> None:
    """Close the connections in these rooms, in this process and the others.

    With several processes the manager (``live.relay.BackgroundRedisManager``) tells the others
    through Redis, after whatever was emitted before: a message sent to a room just before it is
    closed still reaches its connections. Each process closes its own connections in the room.
    """
    server = socketio.server
    if server is None:
        return
    manager = server.manager
    for room in rooms:
        if hasattr(manager, "disconnect_room"):
            manager.disconnect_room(room, "/")
        else:
            for sid, _eio_sid in list(manager.get_participants("/", room)):
                server.disconnect(sid, namespace="/")
