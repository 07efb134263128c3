"""Payloads of the live events."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from facilitator.core.api import ApiModel
from facilitator.dialogues.schemas import Id, SeqNumber

# A live message is at most 16 KiB of sealed bytes: 64 padding blocks.
LiveBlob = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", min_length=379, max_length=21_900)
]


class JoinDialogue(ApiModel):
    dialogue_id: Id
    after_seq: SeqNumber = 0
    # Only this channel's envelopes (the team channel: the mediator team only).
    channel_id: Id | None = None
    # Page size: low-bandwidth devices ask for small pages (docs/live-room.md).
    limit: int = Field(default=500, ge=1, le=500)


class LiveEnvelope(ApiModel):
    channel_id: Id
    message_id: Id
    epoch: int = Field(ge=0, le=2**32 - 1)
    author_handle: Id
    blob: LiveBlob


class SendMessage(ApiModel):
    dialogue_id: Id
    envelope: LiveEnvelope
