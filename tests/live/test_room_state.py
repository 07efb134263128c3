"""The room state is a pure function of the ordered log (shared cases with the browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator.live.state import is_int, replay

CASES = json.loads((Path(__file__).parent / "room_cases.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_room_case(case):
    state = replay(case["log"], case["roles"])
    expect = case["expect"]
    assert [list(e) for e in state.errors] == expect["errors"]
    if "queue" in expect:
        assert state.queue == expect["queue"]
    if "speaker" in expect:
        assert (state.speaker.who if state.speaker else None) == expect["speaker"]
    if "totals_ms" in expect:
        assert state.totals_ms == expect["totals_ms"]
    if "item_totals_ms" in expect:
        assert state.item_totals_ms == expect["item_totals_ms"]
    if "spoke_at_ms" in expect:
        assert state.spoke_at_ms == expect["spoke_at_ms"]
    if "item" in expect:
        assert state.item == expect["item"]
        now, elapsed = expect["item_elapsed_ms_at"]
        assert state.item_elapsed_ms(now) == elapsed
    if "closed_at_ms" in expect:
        assert state.closed_at_ms == expect["closed_at_ms"]


def test_replaying_the_same_log_twice_gives_the_same_state():
    case = CASES[0]
    assert replay(case["log"], case["roles"]) == replay(case["log"], case["roles"])


@pytest.mark.parametrize("value", [0, 7, -3, 2**53 - 1])
def test_json_integers_are_integers(value):
    assert is_int(value)


@pytest.mark.parametrize("value", [True, False, 1.5, "1", None, [], {}, 2**53])
def test_booleans_fractions_and_strings_are_not_integers(value):
    assert not is_int(value)
