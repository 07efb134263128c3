"""The counting (facilitator/ideas/) against the cases the browser's twin passes too
(tests/ideas/ideas_cases.json, read by tests/js/ideas-tally.test.js), and the properties the
suppression rule promises (docs/ideas.md, "Counting")."""

from __future__ import annotations

import copy
import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from facilitator import ideas
from facilitator.ideas import TallyError

CASES_FILE = Path(__file__).parent / "ideas_cases.json"
CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]


def run(fn: str, args: dict[str, Any]) -> Any:
    args = dict(args)
    if fn == "aggregate_then_rank":
        sides = args.pop("sides")
        return ideas.bridging_ranking(ideas.aggregate_votes(**args, sides=sides), sides)
    return getattr(ideas, fn)(**args)


def canonical(value: Any) -> str:
    """JSON text, so that ``True`` is not ``1`` and ``1.0`` is not ``1``, as for the browser."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    args = copy.deepcopy(case["args"])
    if "error" in case:
        with pytest.raises(TallyError) as raised:
            run(case["fn"], args)
        assert raised.value.code == case["error"]
        assert str(raised.value), "the error says what is wrong"
    else:
        result = run(case["fn"], args)
        assert result == case["expect"]
        assert canonical(result) == canonical(case["expect"])
    assert args == case["args"], "the inputs are left as they were"


def test_the_cases_cover_what_the_issue_asks_for():
    names = " ".join(c["name"] for c in CASES)
    asked = (
        "tie",
        "exhausted",
        "suppressed",
        "divisive",
        "common ground",
        "block",
        "single option",
    )
    for word in asked:
        assert word in names, word
    assert len(CASES) >= 40
    assert "dots_overspent" in {c.get("error") for c in CASES}


def test_a_tally_error_is_a_value_error():
    with pytest.raises(ValueError, match="spends 4 dots of 3"):
        ideas.dot_vote([{"a": 4}], ["a"], 3)


SMALL_CELLS = [
    {"agree": a, "disagree": d, "pass": p}
    for a, d, p in itertools.product(range(3), repeat=3)
    if 0 < a + d + p < ideas.MIN_CELL
]


@pytest.mark.parametrize(
    "shown",
    [{"agree": 9, "disagree": 1, "pass": 0}, {"agree": 1, "disagree": 9, "pass": 2}],
)
def test_what_a_suppressed_cell_holds_changes_nothing_published(shown):
    """Every way of casting one or two votes on the small side gives the same result, so the
    result cannot tell them apart: not the cells, the total, the ranking nor the lists."""
    sides = ["north", "south"]
    results = {
        canonical(ideas.bridging_ranking({"s": {"north": shown, "south": small}}, sides))
        for small in SMALL_CELLS
    }
    assert len(SMALL_CELLS) == 9 and len(results) == 1


def test_withheld_consent_sides_never_leave_a_small_difference():
    """Overall counts minus the shown sides' blocks only ever gives a figure about 3 votes or
    more (or about the whole room, which the overall counts give anyway)."""
    rng = random.Random(19)
    for _ in range(400):
        sides = [f"side-{i}" for i in range(rng.randint(1, 5))]
        side_of = {f"v{i}": rng.choice(sides) for i in range(rng.randint(0, 14))}
        ballots = [
            {"voter": voter, "choice": rng.choice(["agree", "stand_aside", "block"])}
            for voter in side_of
            if rng.random() < 0.8
        ]
        result = ideas.consent_result(ballots, side_of)
        sizes = {side: 0 for side in set(side_of.values())}
        for ballot in ballots:
            sizes[side_of[ballot["voter"]]] += 1
        withheld = result["withheld"]
        voted = [side for side, size in sizes.items() if size > 0]
        hidden = sum(sizes[side] for side in withheld)
        assert not withheld or hidden >= ideas.MIN_CELL or set(voted) <= set(withheld)
        for side, blocks in result["blocks_by_side"].items():
            assert (blocks is None) == (side in withheld)
            assert sizes[side] == 0 or sizes[side] >= ideas.MIN_CELL or blocks is None


def test_every_runoff_round_accounts_for_every_ballot():
    rng = random.Random(5)
    options = ["a", "b", "c", "d", "e"]
    for _ in range(300):
        ballots = [
            rng.sample(options, rng.randint(0, len(options))) for _ in range(rng.randint(0, 20))
        ]
        result = ideas.instant_runoff(ballots, options)
        exhausted = 0
        for number, round_ in enumerate(result["rounds"]):
            assert sum(round_["counts"].values()) + round_["exhausted"] == len(ballots)
            assert round_["exhausted"] >= exhausted
            exhausted = round_["exhausted"]
            assert len(round_["counts"]) == len(options) - number
        last = result["rounds"][-1]
        assert (result["winner"] is None) == bool(result["tied"])
        assert last["eliminated"] is None
