"""Well-known channel ids: derived, so no one has to store or send them.

``channel_id(name, dialogue_id) = SHA-256("td2/v1/channel/" || name || "/" || dialogue_id)[:16]``
(docs/protocol.md, "Well-known channel ids"). The workspace uses ``meta``, the live room
``live``, the mediator team ``team`` and the rapporteur's notes ``notes``; the server and both
clients must agree on every byte, so the formula lives here once, with a vector section.
"""

import hashlib

from facilitator.td2.encoding import ID_LENGTH

CHANNEL_PREFIX = b"td2/v1/channel/"


def channel_id(name: str, dialogue_id: bytes) -> bytes:
    """The 16-byte id of the well-known channel ``name`` in the dialogue ``dialogue_id``."""
    digest = hashlib.sha256(CHANNEL_PREFIX + name.encode("utf-8") + b"/" + dialogue_id).digest()
    return digest[:ID_LENGTH]
