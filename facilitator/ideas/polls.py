"""Decision polls: consent, ranked choice (instant-runoff) and dot voting (docs/ideas.md).

Each function counts the opened ballots of a closed poll; the results stay hidden until the
facilitator closes it, so nothing here is ever run on a partial poll that people can watch move.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from facilitator.ideas.checks import (
    MIN_CELL,
    TallyError,
    check_min_cell,
    is_name,
    need_count,
    need_list,
    need_mapping,
    need_names,
    roster_sides,
    side_map,
    side_of_voter,
    withheld_sides,
)

CONSENT = ("agree", "stand_aside", "block")


def consent_result(
    ballots: Sequence[Any],
    side_of: Mapping[str, str],
    *,
    sides: Sequence[str] | None = None,
    hands: Sequence[Any] = (),
    min_cell: int = MIN_CELL,
) -> dict[str, Any]:
    """Agree, stand aside and block counted, and the blocks by side.

    ``ballots``: ``{"voter", "choice"}`` in the order cast, a voter's last one counted;
    ``hands``: a show of hands, ``{"side", "agree", "stand_aside", "block"}``. ``sides``: the
    roster's, in the order shown; by default those in ``side_of``, in code point order. A side's
    blocks are withheld (None, and the side listed in
    ``withheld``) by the rule of ``checks.withheld_sides``, since the overall counts are
    published beside them.
    """
    sides_of = side_map(side_of)
    min_cell = check_min_cell(min_cell)
    side_list = roster_sides(sides_of, sides)
    last: dict[str, tuple[str, str]] = {}
    for index, ballot in enumerate(need_list(ballots, "malformed_ballot", "ballots")):
        ballot = need_mapping(ballot, "malformed_ballot", f"ballot {index}")
        side = side_of_voter(sides_of, ballot.get("voter"), index)
        if ballot.get("choice") not in CONSENT:
            raise TallyError("unknown_vote", f"ballot {index}: agree, stand_aside or block")
        last[ballot["voter"]] = (side, ballot["choice"])
    counts = dict.fromkeys(CONSENT, 0)
    sizes = dict.fromkeys(side_list, 0)
    blocks = dict.fromkeys(side_list, 0)
    for side, choice in last.values():
        counts[choice] += 1
        sizes[side] += 1
        blocks[side] += choice == "block"
    by_hand = 0
    for index, entry in enumerate(need_list(hands, "malformed_count", "hands")):
        entry = need_mapping(entry, "malformed_count", f"show of hands {index}")
        side_named = entry.get("side")
        if not is_name(side_named) or side_named not in sizes:
            raise TallyError("unknown_side", f"show of hands {index}: no such side in the roster")
        side = str(side_named)
        for choice in CONSENT:
            counted = need_count(entry.get(choice), f"show of hands {index}: {choice}")
            counts[choice] += counted
            sizes[side] += counted
            by_hand += counted
        blocks[side] += entry["block"]
    withheld = withheld_sides(sizes, side_list, min_cell)
    return {
        "counts": counts,
        "votes": sum(counts.values()),
        "hands": by_hand,
        "blocked": counts["block"] > 0,
        "blocks_by_side": {s: None if s in withheld else blocks[s] for s in side_list},
        "withheld": withheld,
    }


def _rankings(ballots: object, options: list[str]) -> list[list[str]]:
    out = []
    for index, ranking in enumerate(need_list(ballots, "malformed_ballot", "ballots")):
        ranking = need_list(ranking, "malformed_ballot", f"ballot {index}")
        for option in ranking:
            if option not in options:
                raise TallyError("unknown_option", f"ballot {index} ranks an unknown option")
        if len(set(ranking)) != len(ranking):
            raise TallyError("duplicate_option", f"ballot {index} ranks an option twice")
        out.append(ranking)
    return out


def _to_eliminate(
    lowest: list[str], earlier: list[dict[str, int]], options: list[str]
) -> tuple[str, str]:
    """Which of the options tied for the fewest votes goes: the one with the fewest votes in the
    latest earlier round that tells them apart, else the one listed last among the options."""
    for counts in reversed(earlier):
        fewest = min(counts[o] for o in lowest)
        lowest = [o for o in lowest if counts[o] == fewest]
        if len(lowest) == 1:
            return lowest[0], "earlier_rounds"
    return max(lowest, key=options.index), "option_order"


def instant_runoff(ballots: Sequence[Any], options: Sequence[str]) -> dict[str, Any]:
    """Count rankings round by round; every round is returned.

    ``ballots``: each a list of options, most preferred first, possibly partial or empty. In each
    round a ballot counts for its first continuing option; a ballot with none left is exhausted.
    An option with more than half of the round's unexhausted ballots wins (so does the last one
    left, if anyone ranked it); if every continuing option has the same count, they tie and no one
    wins; otherwise the option with the fewest votes is eliminated (ties broken by
    ``_to_eliminate``).
    """
    option_list = need_names(options, "bad_options", "options")
    rankings = _rankings(ballots, option_list)
    continuing = list(option_list)
    rounds: list[dict[str, Any]] = []
    winner, tied = None, []
    while True:
        counts = dict.fromkeys(continuing, 0)
        exhausted = 0
        for ranking in rankings:
            choice = next((o for o in ranking if o in counts), None)
            if choice is None:
                exhausted += 1
            else:
                counts[choice] += 1
        this = {"counts": counts, "exhausted": exhausted, "eliminated": None, "tie_break": None}
        rounds.append(this)
        top = max(counts.values())
        if top * 2 > len(rankings) - exhausted:
            winner = next(o for o in continuing if counts[o] == top)
            break
        fewest = min(counts.values())
        lowest = [o for o in continuing if counts[o] == fewest]
        if len(lowest) == len(continuing):
            tied = continuing
            break
        if len(lowest) == 1:
            out = lowest[0]
        else:
            earlier = [r["counts"] for r in rounds[:-1]]
            out, this["tie_break"] = _to_eliminate(lowest, earlier, option_list)
        this["eliminated"] = out
        continuing.remove(out)
    return {"rounds": rounds, "winner": winner, "tied": tied, "ballots": len(rankings)}


def dot_vote(ballots: Sequence[Any], options: Sequence[str], dots: int) -> dict[str, Any]:
    """Dots per option. ``ballots``: each ``{option: dots}``, at most ``dots`` in all (fewer is
    fine). ``order``: the options by total, most first, ties in the options' order; ``leaders``:
    the options sharing the highest total, if any dot was cast."""
    option_list = need_names(options, "bad_options", "options")
    if not isinstance(dots, int) or isinstance(dots, bool) or not 1 <= dots <= 1000:
        raise TallyError("bad_parameter", "dots is a whole number from 1 to 1000")
    totals = dict.fromkeys(option_list, 0)
    for index, ballot in enumerate(need_list(ballots, "malformed_ballot", "ballots")):
        ballot = need_mapping(ballot, "malformed_ballot", f"ballot {index}")
        spent = 0
        for option, value in ballot.items():
            if option not in totals:
                raise TallyError("unknown_option", f"ballot {index} names an unknown option")
            spent += need_count(value, f"ballot {index}: {option}")
        if spent > dots:
            raise TallyError("dots_overspent", f"ballot {index} spends {spent} dots of {dots}")
        for option, value in ballot.items():
            totals[option] += value
    order = sorted(option_list, key=lambda o: (-totals[o], option_list.index(o)))
    top = totals[order[0]]
    return {
        "totals": totals,
        "order": order,
        "leaders": [o for o in order if totals[o] == top] if top > 0 else [],
        "ballots": len(ballots),
        "dots_cast": sum(totals.values()),
    }
