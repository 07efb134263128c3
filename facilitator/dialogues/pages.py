"""Page shells of the dialogue workspace. They carry no dialogue data: the browser fetches
ciphertext from the JSON API and decrypts it on the device (static/js/dialogues/).

``/j/<invite_id>`` and ``/p/<dialogue_id>`` are reachable without a session. The join page is
where a newcomer's device makes its key and knocks. The participant home is an empty shell too:
its script opens (or reopens, after an idle timeout) the device session by answering a key
challenge, so a participant whose session lapsed is not sent to the team's sign-in page.
"""

from __future__ import annotations

import re

from flask import Blueprint, render_template

from facilitator.core.auth import current_account, public
from facilitator.core.authz import Permission, require
from facilitator.core.errors import NotFoundError

bp = Blueprint("dialogue_pages", __name__)

# 16 bytes as unpadded base64url, as the API's ``Id`` pattern.
_ID = re.compile(r"[A-Za-z0-9_-]{21}[AQgw]")


def _checked(value: str) -> str:
    if not _ID.fullmatch(value):
        raise NotFoundError()
    return value


@bp.get("/dialogues")
def dashboard() -> str:
    """The account's dialogues (titles decrypted on the device) and open team seats."""
    return render_template("dialogues/dashboard.html")


@bp.get("/dialogues/new")
def new_dialogue() -> str:
    """Create a dialogue: the browser makes the ids, keys, genesis epoch and first documents."""
    require(current_account(), Permission.CREATE_DIALOGUE)
    return render_template("dialogues/new.html")


@bp.get("/dialogues/<dialogue_id>")
def workspace(dialogue_id: str) -> str:
    """Agenda editor, roster, balance, invitations and knocks of one dialogue."""
    return render_template("dialogues/workspace.html", dialogue_id=_checked(dialogue_id))


@bp.get("/j/<invite_id>")
@public
def join(invite_id: str) -> str:
    """An invitation link: the secret stays in the fragment, which the server never receives."""
    return render_template("dialogues/join.html", invite_id=_checked(invite_id))


@bp.get("/p/<dialogue_id>")
@public
def participant_home(dialogue_id: str) -> str:
    """A participant device's home: next session, agenda, fingerprint, leave and wipe."""
    return render_template("dialogues/participant.html", dialogue_id=_checked(dialogue_id))
