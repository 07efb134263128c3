"""The two countings (facilitator/ideas/ and static/js/ideas/) give the same document for random
inputs, refusals included: the shared cases pin the rules, these catch a difference the cases
did not think of (ties everywhere, small cells, exhausted ballots, overspent dots). Node runs the
browser's modules (tests/ideas/tally_in_node.mjs)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from facilitator import ideas

ROOT = Path(__file__).resolve().parents[2]
NODE_SIDE = Path(__file__).with_name("tally_in_node.mjs")
SEED = 20261208

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")


def in_node(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["node", str(NODE_SIDE)],
        input=json.dumps(requests),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    return answers


def in_python(fn: str, args: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"result": getattr(ideas, fn)(**args)}
    except ideas.TallyError as error:
        return {"error": error.code}


def same(value: Any) -> Any:
    """A form in which ``1`` and ``1.0`` are one number (JSON has one) and ``True`` is not 1."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", float(value))
    if isinstance(value, dict):
        return ("object", sorted((key, same(item)) for key, item in value.items()))
    return ("array", [same(item) for item in value])


SIDES = ["north", "south", "east", "west"]
OPTIONS = ["a", "b", "c", "d", "e"]


def roster(rng: random.Random, sides: list[str]) -> dict[str, str]:
    return {f"v{i}": rng.choice(sides) for i in range(rng.randint(0, 16))}


def counts(rng: random.Random, *names: str) -> dict[str, int]:
    """Small counts for a show of hands, and a pass or two."""
    return {**{name: rng.randint(0, 2) for name in names}, "pass": rng.randint(0, 1)}


def ranking_request(rng: random.Random) -> dict[str, Any]:
    sides = SIDES[: rng.randint(1, 4)]
    small = rng.random() < 0.5  # small counts: suppressed cells, undecided sides, ties
    top = 4 if small else 12
    aggregates = {
        f"s-{i}": {
            side: {
                "agree": rng.randint(0, top),
                "disagree": rng.randint(0, top),
                "pass": rng.randint(0, 3),
            }
            for side in sides
            if rng.random() < 0.9
        }
        for i in range(rng.randint(0, 8))
    }
    args: dict[str, Any] = {"aggregates": aggregates, "sides": sides}
    if rng.random() < 0.2:
        args["min_cell"] = rng.randint(1, 5)
    return {"fn": "bridging_ranking", "args": args}


def aggregate_request(rng: random.Random) -> dict[str, Any]:
    side_of = roster(rng, SIDES[:3])
    voters = [*side_of, "stranger"] if rng.random() < 0.1 else list(side_of)
    votes = ["agree", "disagree", "pass"] + (["maybe"] if rng.random() < 0.1 else [])
    ballots = [
        {
            "voter": rng.choice(voters),
            "statement": rng.choice(["s-1", "s-2"]),
            "vote": rng.choice(votes),
        }
        for _ in range(rng.randint(0, 20) if voters else 0)
    ]
    hands = [
        {"statement": "s-1", "side": rng.choice(SIDES[:3]), **counts(rng, "agree", "disagree")}
        for _ in range(rng.randint(0, 2))
    ]
    args: dict[str, Any] = {"ballots": ballots, "side_of": side_of, "hands": hands}
    if rng.random() < 0.3:
        args["sides"] = rng.sample(SIDES, 4)
    return {"fn": "aggregate_votes", "args": args}


def consent_request(rng: random.Random) -> dict[str, Any]:
    sides = SIDES[: rng.randint(1, 4)]
    side_of = roster(rng, sides)
    choices = ["agree", "stand_aside", "block"]
    ballots = [
        {"voter": voter, "choice": rng.choice(choices)} for voter in side_of if rng.random() < 0.8
    ]
    hands = [
        {
            "side": rng.choice(sides),
            "agree": rng.randint(0, 2),
            "stand_aside": 0,
            "block": rng.randint(0, 1),
        }
        for _ in range(rng.randint(0, 1))
        if side_of
    ]
    args: dict[str, Any] = {"ballots": ballots, "side_of": side_of, "hands": hands}
    if rng.random() < 0.4:
        args["sides"] = rng.sample(SIDES, 4)  # the order shown, and sides no one is in
    return {"fn": "consent_result", "args": args}


def runoff_request(rng: random.Random) -> dict[str, Any]:
    options = OPTIONS[: rng.randint(1, 5)]
    ballots = [rng.sample(options, rng.randint(0, len(options))) for _ in range(rng.randint(0, 14))]
    return {"fn": "instant_runoff", "args": {"ballots": ballots, "options": options}}


def dots_request(rng: random.Random) -> dict[str, Any]:
    options = OPTIONS[: rng.randint(1, 5)]
    dots = rng.randint(1, 5)
    ballots = [
        {option: rng.randint(0, 2) for option in rng.sample(options, rng.randint(0, len(options)))}
        for _ in range(rng.randint(0, 8))
    ]
    return {"fn": "dot_vote", "args": {"ballots": ballots, "options": options, "dots": dots}}


MAKERS = [ranking_request, aggregate_request, consent_request, runoff_request, dots_request]


@pytest.mark.parametrize("maker", MAKERS, ids=[m.__name__ for m in MAKERS])
def test_both_countings_agree_on_random_inputs(maker):
    rng = random.Random(f"{SEED}-{maker.__name__}")
    requests = [maker(rng) for _ in range(300)]
    answers = in_node(requests)
    refused = 0
    for request, answer in zip(requests, answers, strict=True):
        expected = in_python(request["fn"], request["args"])
        assert same(answer) == same(expected), request
        refused += "error" in expected
    assert refused < len(requests), "some inputs were counted, not only refused"
