"""What the dialogues announce to the parts of the app above them.

The live room tells connected devices when a message is retracted, but ``dialogues`` sits below
``live`` in the layers (docs/architecture.md): the dialogue API announces the stored retraction
and the live room, which owns the Socket.IO rooms, listens.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent with the dialogue id as sender and ``retraction=`` the stored retraction envelope, after
#: the commit that stores it.
envelope_retracted = _signals.signal("envelope-retracted")
