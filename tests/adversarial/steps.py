"""Member steps of the malicious-server cases that the Python client takes in both suites."""

from __future__ import annotations

from facilitator import td2
from facilitator.client import DialogueClient

SECRET_GUIDANCE = "CANARY-4c1d9e-GUIDANCE: press the upstream side on the 2019 figures"


def facilitator_names_archive_key(
    facilitator: DialogueClient, dialogue_id: str, convener_handle: str
) -> bytes:
    """A facilitator replaces the convener's ``archive_key`` document with one naming their own
    key, "signed" in the convener's name with a key that is not the convener's."""
    (current,) = [d for d in facilitator.read_meta(dialogue_id) if d.get("type") == "archive_key"]
    mine = td2.generate_member_keypair()[1]
    forger = td2.generate_steward_keypair()[0]
    facilitator.write_meta(
        dialogue_id,
        {
            "type": "archive_key",
            "id": current["id"],
            "x25519_public": td2.b64u_encode(mine),
            "signer": convener_handle,
            "signature": td2.b64u_encode(
                td2.sign_archive_key(forger, td2.b64u_decode(dialogue_id), mine)
            ),
        },
        replaces=current["_message_id"],
    )
    return mine
