"""The live room's well-known channels, as the server routes them.

``channel_id(name) = SHA-256("td2/v1/channel/" || name || "/" || dialogue_id)[:16]``
(docs/dialogue-content.md). The room is ``live``; ``team`` is the mediator team's backchannel
(docs/protocol.md, "Team channel"). The server cannot read either: it keeps team-channel
envelopes away from participants and observers as a second line of defence, behind the key
they never receive.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from facilitator import td2


@lru_cache(maxsize=4096)
def team_channel_id(dialogue_id: str) -> str:
    """The team channel's id (base64url) in the dialogue ``dialogue_id`` (base64url)."""
    raw = td2.b64u_decode(dialogue_id)
    return td2.b64u_encode(hashlib.sha256(b"td2/v1/channel/team/" + raw).digest()[:16])


def team_room(dialogue_id: str) -> str:
    """The Socket.IO room of the dialogue's mediator team: team-channel broadcasts go there."""
    return f"dialogue:{dialogue_id}:team"
