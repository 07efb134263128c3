"""Votes on statements, by side, and the bridging ranking (docs/ideas.md, "Counting").

A vote is ``agree``, ``disagree`` or ``pass``. The tally holder's device adds the opened ballots
up per statement and side (``aggregate_votes``); the ranking (``bridging_ranking``) is computed
from those aggregates on every device, so anyone can check it against what was published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from facilitator.ideas.checks import (
    MIN_CELL,
    TallyError,
    check_divisive,
    check_min_cell,
    check_share,
    is_name,
    need_count,
    need_list,
    need_mapping,
    need_names,
    roster_sides,
    side_map,
    side_of_voter,
)

VOTES = ("agree", "disagree", "pass")

# Agreement on every side at least this (Remesh's bar with AllMEP: 84% on each side).
COMMON_GROUND = 0.84
# Divisive: agreement at least this on one side and at most DIVISIVE_LOW on another.
DIVISIVE_HIGH = 0.7
DIVISIVE_LOW = 0.3


def _empty() -> dict[str, int]:
    return {"agree": 0, "disagree": 0, "pass": 0, "hands": 0}


def aggregate_votes(
    ballots: Sequence[Any],
    side_of: Mapping[str, str],
    *,
    hands: Sequence[Any] = (),
    sides: Sequence[str] | None = None,
) -> dict[str, dict[str, dict[str, int]]]:
    """Counts per statement and side: ``{statement: {side: {agree, disagree, pass, hands}}}``.

    ``ballots``: ``{"voter", "statement", "vote"}`` in the order cast; a voter's last vote on a
    statement is the one counted. ``hands``: counts a facilitator entered from a show of hands for
    people without a device, ``{"statement", "side", "agree", "disagree", "pass"}``; they are
    added to the side's counts and ``hands`` says how many of the side's votes came that way.
    ``sides``: the roster's sides, where a show of hands may name one whose people have no
    device; by default the sides in ``side_of``. The result holds small cells: it is the tally
    holder's working figure, and the room gets ``bridging_ranking``'s cells instead.
    """
    by_handle = side_map(side_of)
    known = set(roster_sides(by_handle, sides))
    last: dict[tuple[str, str], tuple[str, str]] = {}
    for index, ballot in enumerate(need_list(ballots, "malformed_ballot", "ballots")):
        ballot = need_mapping(ballot, "malformed_ballot", f"ballot {index}")
        side = side_of_voter(by_handle, ballot.get("voter"), index)
        statement, vote = ballot.get("statement"), ballot.get("vote")
        if not is_name(statement):
            raise TallyError("malformed_ballot", f"ballot {index} names no statement")
        if vote not in VOTES:
            raise TallyError("unknown_vote", f"ballot {index}: a vote is agree, disagree or pass")
        last[(ballot["voter"], statement)] = (side, vote)
    out: dict[str, dict[str, dict[str, int]]] = {}
    for (_voter, statement), (side, vote) in last.items():
        out.setdefault(statement, {}).setdefault(side, _empty())[vote] += 1
    for index, entry in enumerate(need_list(hands, "malformed_count", "hands")):
        entry = need_mapping(entry, "malformed_count", f"show of hands {index}")
        where, named = entry.get("statement"), entry.get("side")
        if not is_name(where):
            raise TallyError("malformed_count", f"show of hands {index} names no statement")
        if not is_name(named) or named not in known:
            raise TallyError("unknown_side", f"show of hands {index}: no such side in the roster")
        cell = out.setdefault(where, {}).setdefault(str(named), _empty())
        for vote in VOTES:
            counted = need_count(entry.get(vote), f"show of hands {index}: {vote}")
            cell[vote] += counted
            cell["hands"] += counted
    return out


def _cell(value: object, where: str) -> dict[str, int]:
    cell = need_mapping(value, "malformed_count", where)
    counts = {vote: need_count(cell.get(vote), f"{where}: {vote}") for vote in VOTES}
    counts["hands"] = need_count(cell.get("hands", 0), f"{where}: hands")
    if counts["hands"] > counts["agree"] + counts["disagree"] + counts["pass"]:
        raise TallyError("malformed_count", f"{where}: more hands than votes")
    return counts


def _shown(counts: dict[str, int], min_cell: int) -> dict[str, Any]:
    """A cell as published: its counts, and its agreement when enough people took a position."""
    decided = counts["agree"] + counts["disagree"]
    agreement = counts["agree"] / decided if decided >= min_cell else None
    return {**counts, "agreement": agreement}


def _code_points(text: str) -> tuple[int, ...]:
    return tuple(ord(c) for c in text)


def bridging_ranking(
    aggregates: Mapping[str, Any],
    sides: Sequence[str],
    *,
    min_cell: int = MIN_CELL,
    common_ground: float = COMMON_GROUND,
    divisive_high: float = DIVISIVE_HIGH,
    divisive_low: float = DIVISIVE_LOW,
) -> dict[str, Any]:
    """Each statement's published cells, and the statements ranked, divisive or unranked.

    A side's cell with 1 to ``min_cell - 1`` votes is withheld (``{"suppressed": true}``), and
    then so is the statement's total. Agreement is agree / (agree + disagree), given only when at
    least ``min_cell`` people on the side took a position; passes count towards the cell's size,
    not towards agreement. Every decision below reads published figures only.
    """
    side_list = need_names(sides, "bad_parameter", "sides")
    min_cell = check_min_cell(min_cell)
    common_ground = check_share(common_ground, "common_ground")
    divisive_high, divisive_low = check_divisive(divisive_high, divisive_low)
    statements: dict[str, Any] = {}
    ranked: list[tuple[Any, dict[str, Any]]] = []
    divisive: list[tuple[Any, dict[str, Any]]] = []
    unranked: list[dict[str, Any]] = []
    for statement, by_side in need_mapping(aggregates, "malformed_count", "aggregates").items():
        if not is_name(statement):
            raise TallyError("malformed_count", "a statement id is empty")
        by_side = need_mapping(by_side, "malformed_count", f"statement {statement}")
        for side in by_side:
            if side not in side_list:
                raise TallyError("unknown_side", f"statement {statement}: no such side")
        cells = {s: _cell(by_side.get(s, _empty()), f"{statement}/{s}") for s in side_list}
        suppressed = [s for s in side_list if 0 < sum(cells[s][v] for v in VOTES) < min_cell]
        published = {
            s: {"suppressed": True} if s in suppressed else _shown(cells[s], min_cell)
            for s in side_list
        }
        total = None
        if not suppressed:
            total = _shown({k: sum(cells[s][k] for s in side_list) for k in _empty()}, min_cell)
        statements[statement] = {"sides": published, "total": total}
        agreement = {
            s: published[s]["agreement"]
            for s in side_list
            if s not in suppressed and published[s]["agreement"] is not None
        }
        high = [s for s in side_list if s in agreement and agreement[s] >= divisive_high]
        low = [s for s in side_list if s in agreement and agreement[s] <= divisive_low]
        if high and low:
            top, bottom = max(agreement.values()), min(agreement.values())
            entry = {
                "statement": statement,
                "highest": top,
                "lowest": bottom,
                "high_sides": high,
                "low_sides": low,
            }
            divisive.append(((-(top - bottom), _code_points(statement)), entry))
        elif len(agreement) == len(side_list):
            lowest = min(agreement.values())
            decided = sum(cells[s]["agree"] + cells[s]["disagree"] for s in side_list)
            entry = {
                "statement": statement,
                "lowest": lowest,
                "common_ground": lowest >= common_ground,
            }
            leximin = tuple(-a for a in sorted(agreement.values()))
            ranked.append(((leximin, -decided, _code_points(statement)), entry))
        else:
            undecided = [s for s in side_list if s not in suppressed and s not in agreement]
            unranked.append(
                {"statement": statement, "suppressed": suppressed, "undecided": undecided}
            )
    unranked.sort(key=lambda entry: _code_points(entry["statement"]))
    return {
        "statements": statements,
        "ranked": [entry for _key, entry in sorted(ranked, key=lambda pair: pair[0])],
        "divisive": [entry for _key, entry in sorted(divisive, key=lambda pair: pair[0])],
        "unranked": unranked,
    }
