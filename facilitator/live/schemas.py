"""Payloads of the live events."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from facilitator.core.api import ApiModel
from facilitator.dialogues.schemas import Id, SeqNumber

# A live message is at most 16 KiB of sealed bytes: 64 padding blocks.
LiveBlob = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", min_length=379, max_length=21_900)
]


class JoinDialogue(ApiModel):
    """A page of the live log: envelopes with ``after_seq < seq``, the oldest ``limit`` of them
    (paging forward), or with ``before_seq`` (``seq < before_seq``) or ``latest`` (no upper
    bound) the newest ``limit`` of them (paging back: a device shows the present first). Both
    bounds may be given: a device pages back down to what it already holds."""

    dialogue_id: Id
    after_seq: SeqNumber = 0
    before_seq: SeqNumber | None = None
    latest: bool = False
    # Only this channel's envelopes (the team channel: the mediator team only).
    channel_id: Id | None = None
    # Page size: low-bandwidth devices ask for small pages (docs/live-room.md).
    limit: int = Field(default=500, ge=1, le=500)

    @model_validator(mode="after")
    def _one_upper_bound(self) -> JoinDialogue:
        if self.latest and self.before_seq is not None:
            raise ValueError("latest and before_seq are two upper bounds")
        if self.before_seq is not None and self.before_seq <= self.after_seq:
            raise ValueError("before_seq must be above after_seq")
        return self

    @property
    def backward(self) -> bool:
        """The newest envelopes of the range first (``before_seq`` or ``latest``)."""
        return self.latest or self.before_seq is not None


class LiveEnvelope(ApiModel):
    channel_id: Id
    message_id: Id
    epoch: int = Field(ge=0, le=2**32 - 1)
    author_handle: Id
    blob: LiveBlob


class SendMessage(ApiModel):
    dialogue_id: Id
    envelope: LiveEnvelope
