"""Socket.IO packets a client may send, and what happens to one that is not.

python-socketio decodes whatever arrives and, when it cannot, raises inside Engine.IO's message
handler, which logs a full traceback and keeps the connection: a client could fill the logs at
wire speed, one traceback per frame. And a text frame announcing a binary packet ("5", "6")
leaves the connection waiting for attachments, so that every later frame raises again.

Clients of this app send only ``CONNECT``, ``DISCONNECT``, ``EVENT`` and ``ACK`` packets as text,
never binary ones, and an event is ``[name, *arguments]`` with a name that is not one of
python-socketio's own (``connect``, ``disconnect``: sent as events, they would run the
handshake's handler again). ``StrictPacket`` refuses anything else, and anything that does not
decode (bad JSON, JSON nested past the interpreter's recursion limit), as
``MalformedPacketError``;
``close_on_malformed_packets`` then closes that one connection and logs one line naming only
the kind of fault. Other members and other connections carry on.
"""

from __future__ import annotations

import logging
from typing import Any

import socketio
from socketio import packet

ALLOWED_TYPES = frozenset({packet.CONNECT, packet.DISCONNECT, packet.EVENT, packet.ACK})
# Names python-socketio dispatches to its own handlers: never an event a client may send.
RESERVED_EVENTS = frozenset({"connect", "connect_error", "disconnect", "__disconnect_final"})
log = logging.getLogger(__name__)


class MalformedPacketError(ValueError):
    """A client's frame is not a Socket.IO packet this server accepts."""


class StrictPacket(packet.Packet):  # type: ignore[misc]
    """python-socketio's packet, refusing binary, server-only and undecodable packets."""

    def __init__(self, *args: Any, encoded_packet: Any = None, **kwargs: Any) -> None:
        if encoded_packet is not None and not encoded_packet:
            # An empty frame: python-socketio would take it for an event with no name.
            raise MalformedPacketError("empty")
        super().__init__(*args, encoded_packet=encoded_packet, **kwargs)

    def decode(self, encoded_packet: Any) -> int:
        if not isinstance(encoded_packet, str):
            raise MalformedPacketError("binary frame")
        try:
            attachments = int(super().decode(encoded_packet))
        except (ValueError, TypeError, RecursionError) as error:
            raise MalformedPacketError(type(error).__name__) from error
        if self.packet_type not in ALLOWED_TYPES or attachments:
            raise MalformedPacketError("packet type")
        if self.packet_type == packet.EVENT and not _is_event(self.data):
            raise MalformedPacketError("event")
        if self.packet_type == packet.ACK and not isinstance(self.data, list):
            raise MalformedPacketError("acknowledgement")
        return attachments


def _is_event(data: Any) -> bool:
    """``[name, *arguments]`` with a name a client may use."""
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], str)
        and data[0] not in RESERVED_EVENTS
    )


def close_on_malformed_packets(server: socketio.Server) -> None:
    """Close a connection whose frame does not decode as a ``StrictPacket``, instead of
    logging a traceback and waiting for the next one."""
    handle = server._handle_eio_message

    def guarded(eio_sid: str, data: Any) -> Any:
        try:
            return handle(eio_sid, data)
        except MalformedPacketError as error:
            log.warning("socket.io: closed a connection that sent a malformed packet (%s)", error)
            server.eio.disconnect(eio_sid)
            return None

    server.eio.on("message", guarded)
