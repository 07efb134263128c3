"""Shared helpers for the TD2 tests: a fresh, fully populated content context."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from facilitator import td2


@dataclass(frozen=True)
class Context:
    """Everything that determines a content key and AAD."""

    epoch_secret: bytes
    dialogue_id: bytes
    channel_id: bytes
    epoch: int
    record_hash: bytes
    message_id: bytes
    author_handle: bytes
    kind: str = "msg"

    def key(self) -> bytes:
        return td2.derive_subkey(
            self.epoch_secret, self.dialogue_id, self.epoch, self.record_hash, self.kind
        )

    def aad(self) -> bytes:
        return td2.build_aad(
            self.kind,
            self.dialogue_id,
            self.channel_id,
            self.epoch,
            self.message_id,
            self.author_handle,
        )

    def but(self, **changes: object) -> Context:
        return replace(self, **changes)  # type: ignore[arg-type]


@pytest.fixture
def ctx() -> Context:
    return Context(
        epoch_secret=td2.random_secret(),
        dialogue_id=td2.random_id(),
        channel_id=td2.random_id(),
        epoch=3,
        record_hash=td2.random_secret(),
        message_id=td2.random_id(),
        author_handle=td2.random_id(),
    )
