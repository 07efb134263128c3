"""Page shells of the dialogue workspace. They carry no dialogue data: the browser fetches
ciphertext from the JSON API and decrypts it on the device (static/js/dialogues/).

``/j/<invite_id>``, ``/p/<dialogue_id>``, ``/p/<dialogue_id>/notes`` and
``/p/<dialogue_id>/approve`` are reachable without a session. The join page is where a
newcomer's device makes its key and knocks. The participant pages are empty shells too: their
scripts open (or reopen, after an idle timeout) the device session by answering a key
challenge, so a participant whose session lapsed is not sent to the team's sign-in page.

The notes, summary, approval and print pages are open to every team account: what a person may
do there depends on their role *in the dialogue* (a facilitator's account may hold a dialogue's
convener seat), which only the API knows and enforces. The pages show it and hide what the role
cannot do.
"""

from __future__ import annotations

import re

from flask import Blueprint, render_template

from facilitator.accounts.current import current_account
from facilitator.core.auth import public
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


@bp.get("/dialogues/<dialogue_id>/notes")
def notes(dialogue_id: str) -> str:
    """Notes per agenda item, grouped by kind; note takers add, edit and delete them."""
    return render_template(
        "dialogues/notes.html", dialogue_id=_checked(dialogue_id), participant=False
    )


@bp.get("/dialogues/<dialogue_id>/summary")
def summary(dialogue_id: str) -> str:
    """The summary: drafts sealed for conveners and rapporteurs, and for conveners the
    anonymiser review, exports made on the device and the archive key."""
    return render_template("dialogues/summary.html", dialogue_id=_checked(dialogue_id))


@bp.get("/dialogues/<dialogue_id>/approve")
def approve(dialogue_id: str) -> str:
    """A summary sent for approval, on a team device: an interpreter translates it there."""
    return render_template(
        "dialogues/approve.html", dialogue_id=_checked(dialogue_id), participant=False
    )


@bp.get("/dialogues/<dialogue_id>/print")
def print_pack(dialogue_id: str) -> str:
    """A session's agenda per working language and invitation cards, made to print on the device.

    The shell is for every team account, like the notes and summary pages: the API decides what
    the dialogue role may read (every member the agenda, key stewards the invitations), and an
    invitation's card needs its secret, which only the device that made it holds.
    """
    return render_template("dialogues/print.html", dialogue_id=_checked(dialogue_id))


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


@bp.get("/p/<dialogue_id>/notes")
@public
def participant_notes(dialogue_id: str) -> str:
    """The notes page on a participant's device (taking notes if a convener allows it)."""
    return render_template(
        "dialogues/notes.html", dialogue_id=_checked(dialogue_id), participant=True
    )


@bp.get("/p/<dialogue_id>/approve")
@public
def participant_approve(dialogue_id: str) -> str:
    """A summary sent for approval, on a participant's device: read it, approve or ask for
    changes."""
    return render_template(
        "dialogues/approve.html", dialogue_id=_checked(dialogue_id), participant=True
    )
