"""Page shells of the live room. Like the workspace's, they carry no dialogue data: the browser
opens the dialogue on the device, joins the room over Socket.IO and decrypts there
(static/js/live/).

- ``/dialogues/<id>/live``: the facilitator console (team accounts);
- ``/dialogues/<id>/projector``: the room's screen, read-only (team accounts);
- ``/p/<id>/live``: a participant's phone or laptop. Public like ``/p/<id>``: its script signs
  the device in by answering a key challenge, so a lapsed session does not send a participant to
  the team's sign-in page.

Text-only mode (docs/live-room.md) is a device preference kept in a cookie: with it, every page
gets ``text_only`` and the live pages a lean stylesheet and no decorative asset.
"""

from __future__ import annotations

import re

from flask import Blueprint, has_request_context, render_template, request

from facilitator.core.auth import public
from facilitator.core.errors import NotFoundError

bp = Blueprint("live_pages", __name__)

# 16 bytes as unpadded base64url, as the API's ``Id`` pattern.
_ID = re.compile(r"[A-Za-z0-9_-]{21}[AQgw]")


TEXT_ONLY_COOKIE = "facilitator_text_only"


@bp.app_context_processor
def _text_only() -> dict[str, bool]:
    """``text_only`` for every template: the device chose the low-bandwidth text-only mode."""
    if not has_request_context():  # a template rendered outside a request (a command)
        return {"text_only": False}
    return {"text_only": request.cookies.get(TEXT_ONLY_COOKIE) == "1"}


def _checked(value: str) -> str:
    if not _ID.fullmatch(value):
        raise NotFoundError()
    return value


@bp.get("/dialogues/<dialogue_id>/live")
def console(dialogue_id: str) -> str:
    """Agenda and item timer, speaking queue, speaking-time totals and the message stream."""
    return render_template("live/console.html", dialogue_id=_checked(dialogue_id))


@bp.get("/dialogues/<dialogue_id>/projector")
def projector(dialogue_id: str) -> str:
    """Current item, timer, speaker and queue in large type, for the room's screen."""
    return render_template("live/projector.html", dialogue_id=_checked(dialogue_id))


@bp.get("/p/<dialogue_id>/live")
@public
def participant_room(dialogue_id: str) -> str:
    """A participant's live view: current item and rule, raise a hand, read and write."""
    return render_template("live/participant.html", dialogue_id=_checked(dialogue_id))
