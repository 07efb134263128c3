"""The envelope check is pure: given the facts, it accepts or raises the first rule's error, the
same for the HTTP API and the live room."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from facilitator import td2
from facilitator.accounts.models import utcnow
from facilitator.core.errors import PermissionDeniedError
from facilitator.dialogues.channels import team_channel_id
from facilitator.dialogues.envelope_check import (
    HTTP_KINDS,
    LIVE_KINDS,
    NOTE_AUTHOR,
    DialogueState,
    Writer,
    check_envelope,
)
from facilitator.dialogues.errors import DuplicateIdError, EnvelopeRejectedError

DIALOGUE = td2.b64u_encode(td2.random_id())
HANDLE = td2.b64u_encode(td2.random_id())
BLOB = td2.b64u_encode(bytes(12 + 256 + 16))


@dataclass(frozen=True)
class Sealed:
    channel_id: str
    message_id: str
    epoch: int
    author_handle: str
    blob: str


def _envelope(**changes) -> Sealed:
    fields = dict(channel_id=td2.b64u_encode(td2.random_id()),
                  message_id=td2.b64u_encode(td2.random_id()), epoch=3,
                  author_handle=HANDLE, blob=BLOB)
    return Sealed(**{**fields, **changes})


PARTICIPANT = Writer(dialogue_id=DIALOGUE, handle=HANDLE, in_team=False)
FACILITATOR = Writer(dialogue_id=DIALOGUE, handle=HANDLE, in_team=True,
                     may_write_meta=True, may_take_notes=True)
NEVER_CUT = DialogueState(3, lambda: None)


def _check(writer, kind, envelope, kinds=LIVE_KINDS, state=NEVER_CUT, used=frozenset()):
    check_envelope(writer, kind, envelope, kinds, state, used.__contains__)


def test_a_message_that_fits_is_accepted_without_reading_anything():
    _check(PARTICIPANT, "msg", _envelope())
    _check(FACILITATOR, "meta", _envelope(), HTTP_KINDS)
    _check(FACILITATOR, "note", _envelope(author_handle=NOTE_AUTHOR), HTTP_KINDS)


@pytest.mark.parametrize(("writer", "kind", "changes", "kinds", "error", "params"), [
    (PARTICIPANT, "meta", {}, HTTP_KINDS, PermissionDeniedError, {}),
    (PARTICIPANT, "note", {"author_handle": NOTE_AUTHOR}, HTTP_KINDS, PermissionDeniedError, {}),
    (PARTICIPANT, "msg", {"channel_id": team_channel_id(DIALOGUE)}, LIVE_KINDS,
     PermissionDeniedError, {}),
    (FACILITATOR, "msg", {}, HTTP_KINDS, EnvelopeRejectedError, {"reason": "kind"}),
    (FACILITATOR, "meta", {}, LIVE_KINDS, EnvelopeRejectedError, {"reason": "kind"}),
    (PARTICIPANT, "msg", {"author_handle": NOTE_AUTHOR}, LIVE_KINDS, EnvelopeRejectedError,
     {"reason": "author_handle"}),
    (FACILITATOR, "note", {}, HTTP_KINDS, EnvelopeRejectedError, {"reason": "author_handle"}),
    (PARTICIPANT, "msg", {"epoch": 2}, LIVE_KINDS, EnvelopeRejectedError,
     {"reason": "epoch", "current_epoch": 3}),
    (PARTICIPANT, "msg", {"epoch": 4}, LIVE_KINDS, EnvelopeRejectedError,
     {"reason": "epoch", "current_epoch": 3}),
    (PARTICIPANT, "msg", {"blob": "A" * 400}, LIVE_KINDS, EnvelopeRejectedError,
     {"reason": "blob"}),
    (PARTICIPANT, "msg", {"blob": "not base64url!"}, LIVE_KINDS, EnvelopeRejectedError,
     {"reason": "blob"}),
])
def test_each_rule_raises_its_own_typed_error(writer, kind, changes, kinds, error, params):
    with pytest.raises(error) as raised:
        _check(writer, kind, _envelope(**changes), kinds)
    assert raised.value.params == params


def test_the_rules_are_checked_in_order():
    """Who may write before what fits: a participant's message on the team channel with a
    stale epoch is refused for the channel."""
    with pytest.raises(PermissionDeniedError):
        _check(PARTICIPANT, "msg", _envelope(channel_id=team_channel_id(DIALOGUE), epoch=0))
    with pytest.raises(EnvelopeRejectedError) as raised:
        _check(PARTICIPANT, "msg", _envelope(epoch=0, blob="A" * 400))
    assert raised.value.params["reason"] == "epoch"


def test_a_used_id_is_a_duplicate():
    envelope = _envelope()
    with pytest.raises(DuplicateIdError) as raised:
        _check(PARTICIPANT, "msg", envelope, used=frozenset({envelope.message_id}))
    assert raised.value.params == {"field": "message_id"}


def test_the_previous_epoch_only_within_the_grace_and_the_cut_asked_only_then():
    asked: list[int] = []

    def cut(minutes: int) -> DialogueState:
        def cut_at():
            asked.append(minutes)
            return utcnow() - timedelta(minutes=minutes)

        return DialogueState(3, cut_at)

    _check(PARTICIPANT, "msg", _envelope(), state=cut(0))
    assert asked == []
    _check(PARTICIPANT, "msg", _envelope(epoch=2), state=cut(0))
    with pytest.raises(EnvelopeRejectedError):
        _check(PARTICIPANT, "msg", _envelope(epoch=2), state=cut(5))
    assert asked == [0, 5]


def test_a_summary_envelope_belongs_on_the_summary_channel_only():
    from facilitator.dialogues.channels import summary_channel_id

    summary = summary_channel_id(DIALOGUE)
    _check(PARTICIPANT, "summary", _envelope(channel_id=summary), HTTP_KINDS)
    for writer, kind, channel in [
        (PARTICIPANT, "summary", td2.b64u_encode(td2.random_id())),
        (FACILITATOR, "meta", summary),
        (PARTICIPANT, "msg", summary),
    ]:
        kinds = LIVE_KINDS if kind == "msg" else HTTP_KINDS
        with pytest.raises(EnvelopeRejectedError) as caught:
            _check(writer, kind, _envelope(channel_id=channel), kinds)
        assert caught.value.params == {"reason": "channel"}
