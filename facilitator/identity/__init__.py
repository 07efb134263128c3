"""Who is calling: the one place a request or a live connection is resolved to its caller.

A caller is a signed-in team account (a login session, ``accounts``), a participant device (a
device session, ``dialogues.devices``), both or neither. HTTP requests (``core.auth``), the
Socket.IO handshake (``core.sockets``) and live events (``live.events``) all take it from
here (``resolve``); the live room's seats are confirmed many at once by the same rules
(``confirm``). ``core`` knows none of this: the app hands these functions to it.
"""
