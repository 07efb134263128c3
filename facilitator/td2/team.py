"""The team backchannel (an extension of the brief, docs/protocol.md "Team channel").

Alongside each epoch secret the steward's browser makes a second random 32-byte ``team_secret``
and wraps it only to the roster's mediator-team members (conveners, facilitators, interpreters,
rapporteurs); participants and observers never receive it::

    team_wrap = HPKE.Seal(pk_m, info = "td2/v1/team-wrap" || dialogue_id || u32(epoch)
                                       || member_handle || record_hash, pt = team_secret)
    K_team    = HKDF-SHA256(ikm = team_secret, salt = dialogue_id,
                            info = "td2/v1/team/" || u32(epoch) || record_hash, L = 32)

The wrap has the epoch wrap's suite and layout (80 bytes); only its ``info`` differs, so a team
wrap never opens as an epoch wrap, nor the other way round. ``K_team`` is a key of its own: it is
not derivable from the epoch secret that every member holds.
"""

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from facilitator import roles
from facilitator.td2.encoding import HASH_LENGTH, ID_LENGTH, SECRET_LENGTH, require_bytes, u32
from facilitator.td2.wrap import member_wrap_info, open_wrap, seal_to_public

# Roster roles that receive the team secret (the brief's "mediator team").
TEAM_CHANNEL_ROLES = roles.roles_with("team_channel")
TEAM_KEY_LENGTH = 32


def team_wrap_info(
    dialogue_id: bytes, epoch: int, member_handle: bytes, record_hash: bytes
) -> bytes:
    """``"td2/v1/team-wrap" || dialogue_id || u32(epoch) || member_handle || record_hash``."""
    return member_wrap_info(b"td2/v1/team-wrap", dialogue_id, epoch, member_handle, record_hash)


def wrap_team_secret(
    recipient_public: bytes,
    dialogue_id: bytes,
    epoch: int,
    member_handle: bytes,
    record_hash: bytes,
    team_secret: bytes,
) -> bytes:
    """HPKE-seal ``team_secret`` to a team member's X25519 public key (fresh ephemeral key)."""
    info = team_wrap_info(dialogue_id, epoch, member_handle, record_hash)
    secret = require_bytes("team_secret", team_secret, SECRET_LENGTH)
    return seal_to_public(recipient_public, info, secret)


def unwrap_team_secret(
    recipient_private: bytes,
    dialogue_id: bytes,
    epoch: int,
    member_handle: bytes,
    record_hash: bytes,
    wrap: bytes,
) -> bytes:
    """Open a team wrap; returns the 32-byte team secret."""
    info = team_wrap_info(dialogue_id, epoch, member_handle, record_hash)
    return open_wrap(recipient_private, info, wrap)


def team_key_info(epoch: int, record_hash: bytes) -> bytes:
    """``"td2/v1/team/" || u32(epoch) || record_hash``."""
    return b"td2/v1/team/" + u32(epoch) + require_bytes("record_hash", record_hash, HASH_LENGTH)


def derive_team_key(
    team_secret: bytes, dialogue_id: bytes, epoch: int, record_hash: bytes
) -> bytes:
    """The 32-byte AES-256-GCM key of the team channel in epoch ``epoch``."""
    ikm = require_bytes("team_secret", team_secret, SECRET_LENGTH)
    salt = require_bytes("dialogue_id", dialogue_id, ID_LENGTH)
    info = team_key_info(epoch, record_hash)
    return HKDF(algorithm=SHA256(), length=TEAM_KEY_LENGTH, salt=salt, info=info).derive(ikm)
