"""The live room's state, rebuilt from the ordered log of opened messages (docs/live-room.md).

A pure function: the same verified log gives the same state on every device. Messages that break
the counters or come from a role not allowed to send them are recorded as errors and change
nothing. The browser has the same reducer in JavaScript; both pass ``tests/live/room_cases.json``.

The types of a log entry are strict and written down once (docs/live-room.md, "Types of a log
entry"): JSON gives the two languages different ideas of what an integer or a string is (Python
counts ``True`` as ``1``), so neither side converts anything, and a value of the wrong type is an
error on both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeGuard

from facilitator import roles

# Who runs the room (static/shared/roles.json).
LEADS = roles.roles_with("lead_room")


@dataclass
class Speaker:
    who: str  # a handle, or "label:<text>" for someone in the room without a device
    since_ms: int


@dataclass
class RoomState:
    queue: list[str] = field(default_factory=list)
    speaker: Speaker | None = None
    totals_ms: dict[str, int] = field(default_factory=dict)
    # The same for the current item only: emptied when an item starts.
    item_totals_ms: dict[str, int] = field(default_factory=dict)
    # The last time each person had the floor, by the ``at`` of the messages that gave and ended it.
    spoke_at_ms: dict[str, int] = field(default_factory=dict)
    item: str | None = None
    item_started_ms: int | None = None
    paused_at_ms: int | None = None
    paused_total_ms: int = 0
    # Set by ``session_closed`` (the facilitator ends the session; ephemeral devices wipe
    # themselves), cleared when an item starts again.
    closed_at_ms: int | None = None
    errors: list[tuple[int, str]] = field(default_factory=list)

    def item_elapsed_ms(self, now_ms: int) -> int:
        if self.item_started_ms is None:
            return 0
        end = self.paused_at_ms if self.paused_at_ms is not None else now_ms
        return max(0, end - self.item_started_ms - self.paused_total_ms)


# Fields the reducer reads besides ``type`` and the counters: strings whenever present.
TEXT_FIELDS = ("for_handle", "label", "handle", "item")


# The browser's integers are exact up to here: a larger one means something else on each side.
MAX_INT = 2**53 - 1


def is_int(value: object) -> TypeGuard[int]:
    """A JSON integer: ``bool`` is an ``int`` to Python, not to JSON or to the browser."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_INT


def _well_typed(content: dict[str, Any]) -> bool:
    if not is_int(content.get("at", 0)):
        return False
    return all(isinstance(content[name], str) for name in TEXT_FIELDS if name in content)


def _who(author: str, content: dict[str, Any], role: str) -> str | None:
    """Whom a hand event is about: the author, or (for facilitators) someone they name."""
    if "for_handle" in content or "label" in content:
        if role not in LEADS:
            return None
        if "for_handle" in content:
            return str(content["for_handle"])
        return f"label:{content['label']}"
    return author


def _called(content: dict[str, Any]) -> str | None:
    """Whom ``speaker_called`` names: a non-empty ``handle``, else ``label``; None if neither."""
    if content.get("handle"):
        return str(content["handle"])
    if "label" in content:
        return f"label:{content['label']}"
    return None


def _spoke(state: RoomState, who: str, at: int) -> None:
    state.spoke_at_ms[who] = max(state.spoke_at_ms.get(who, at), at)


def _finish_speaker(state: RoomState, at: int) -> None:
    speaker = state.speaker
    if speaker is not None:
        who = speaker.who
        state.totals_ms[who] = state.totals_ms.get(who, 0) + max(0, at - speaker.since_ms)
        if state.item_started_ms is not None:
            # A turn that began before the item counts in it from the item's start only.
            since = max(speaker.since_ms, state.item_started_ms)
            state.item_totals_ms[who] = state.item_totals_ms.get(who, 0) + max(0, at - since)
        _spoke(state, who, at)
        state.speaker = None


def _apply(state: RoomState, author: str, role: str, content: dict[str, Any]) -> str | None:
    """Apply one message; return an error code instead when it may not change the state."""
    kind, at = content.get("type"), content.get("at", 0)
    if not _well_typed(content):
        return "malformed"
    if kind == "text":
        return None
    if kind in ("hand_raised", "hand_lowered"):
        who = _who(author, content, role)
        if who is None:
            return "not_allowed"
        if kind == "hand_raised" and who not in state.queue:
            state.queue.append(who)
        elif kind == "hand_lowered" and who in state.queue:
            state.queue.remove(who)
        return None
    if role not in LEADS:
        return "not_allowed"
    if kind == "speaker_called":
        who = _called(content)
        if who is None:
            return "malformed"
        _finish_speaker(state, at)
        if who in state.queue:
            state.queue.remove(who)
        state.speaker = Speaker(who, at)
        _spoke(state, who, at)
    elif kind == "speaker_done":
        _finish_speaker(state, at)
    elif kind == "item_started":
        if "item" not in content:
            return "malformed"
        state.item, state.item_started_ms = str(content["item"]), at
        state.item_totals_ms = {}
        state.paused_at_ms, state.paused_total_ms = None, 0
        state.closed_at_ms = None
    elif kind == "session_closed":
        _finish_speaker(state, at)
        state.queue.clear()
        if state.item_started_ms is not None and state.paused_at_ms is None:
            state.paused_at_ms = at
        if state.closed_at_ms is None:
            state.closed_at_ms = at
    elif kind == "timer_paused" and state.paused_at_ms is None:
        state.paused_at_ms = at
    elif kind == "timer_resumed" and state.paused_at_ms is not None:
        state.paused_total_ms += max(0, at - state.paused_at_ms)
        state.paused_at_ms = None
    elif kind not in ("timer_paused", "timer_resumed"):
        return "unknown_type"
    return None


def replay(log: list[dict[str, Any]], roles: dict[str, str]) -> RoomState:
    """``log``: opened messages in ``seq`` order, each ``{seq, epoch, author, content}``;
    ``roles``: handle -> role from the verified roster."""
    state = RoomState()
    counters: dict[tuple[str, int], int] = {}
    for entry in log:
        author, content = entry["author"], entry["content"]
        role = roles.get(author) if isinstance(author, str) else None
        key = (author, entry["epoch"])
        if role is None:
            state.errors.append((entry["seq"], "not_in_roster"))
            continue
        if not isinstance(content, dict):
            state.errors.append((entry["seq"], "malformed"))
            continue
        ctr = content.get("sender_ctr")
        if not is_int(ctr) or ctr <= counters.get(key, -1):
            state.errors.append((entry["seq"], "replay"))
            continue
        counters[key] = ctr
        error = _apply(state, author, role, content)
        if error:
            state.errors.append((entry["seq"], error))
    return state
