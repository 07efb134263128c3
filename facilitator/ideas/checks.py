"""What every count shares: the typed error, the strict input types and the suppression rule.

Ballots reach the tally decrypted, from devices that may be buggy or hostile, so nothing is
converted: a count is a JSON integer (never a boolean, never a fraction), a name is a non-empty
string, and anything else raises ``TallyError`` with a code both twins give for the same input
(``tests/ideas/ideas_cases.json``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

# Fewer votes than this in a cell (one side's votes on one statement or one poll) and the cell is
# withheld: with one or two votes, the people in the room could tell who cast them.
MIN_CELL = 3

# The browser's integers are exact up to here; a larger one would mean something else there.
MAX_INT = 2**53 - 1


class TallyError(ValueError):
    """A ballot, a count or a parameter the tally refuses; ``code`` is stable, the message not."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def is_count(value: object) -> TypeGuard[int]:
    """A JSON integer of zero or more: ``bool`` is an ``int`` to Python, not to JSON."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_INT


def is_name(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value != ""


def need_mapping(value: object, code: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise TallyError(code, f"{what} is not an object")
    return value


def need_list(value: object, code: str, what: str) -> list[Any]:
    """A JSON array (a tuple too, for Python callers)."""
    if not isinstance(value, list | tuple):
        raise TallyError(code, f"{what} is not a list")
    return list(value)


def need_count(value: object, what: str) -> int:
    if not is_count(value):
        raise TallyError("malformed_count", f"{what} is not a count (a whole number, 0 or more)")
    return value


def need_names(value: object, code: str, what: str) -> list[str]:
    """A non-empty list of distinct non-empty strings (options, sides)."""
    names = need_list(value, code, what)
    if not names or not all(is_name(n) for n in names) or len(set(names)) != len(names):
        raise TallyError(code, f"{what} must be distinct non-empty names, at least one")
    return names


def side_map(side_of: object) -> dict[str, str]:
    """The roster's sides, handle -> side, checked."""
    mapping = need_mapping(side_of, "bad_parameter", "side_of")
    if not all(is_name(k) and is_name(v) for k, v in mapping.items()):
        raise TallyError("bad_parameter", "side_of maps handles to side names")
    return dict(mapping)


def roster_sides(side_of: Mapping[str, str], sides: object) -> list[str]:
    """The sides to count by: ``sides`` as given (the roster's, in the order shown, including a
    side whose people have no device), or by default every side in ``side_of``, in code point
    order."""
    if sides is None:
        return sorted(set(side_of.values()))
    names = need_names(sides, "bad_parameter", "sides")
    if not set(side_of.values()) <= set(names):
        raise TallyError("unknown_side", "side_of names a side that is not among the sides")
    return names


def side_of_voter(side_of: Mapping[str, str], voter: object, index: int) -> str:
    if not is_name(voter):
        raise TallyError("malformed_ballot", f"ballot {index} names no voter")
    if voter not in side_of:
        raise TallyError("unknown_voter", f"ballot {index}: the voter has no side in the roster")
    return side_of[voter]


def withheld_sides(sizes: Mapping[str, int], order: Sequence[str], min_cell: int) -> list[str]:
    """The sides whose figures are withheld, in ``order``, when a total over every side is
    published beside them.

    A side with 1 to ``min_cell - 1`` votes is withheld (a side where no one voted has no one to
    give away). The published total minus the shown sides gives the withheld sides' sum, so while
    the withheld sides together hold fewer than ``min_cell`` votes, the shown side with the fewest
    votes, but some (the earlier in ``order`` on a tie), is withheld too: whatever can be worked
    out is then a figure about ``min_cell`` votes or more.
    """
    withheld = {side for side in order if 0 < sizes.get(side, 0) < min_cell}
    if not withheld:
        return []
    shown = [side for side in order if side not in withheld and sizes.get(side, 0) > 0]
    while shown and sum(sizes.get(side, 0) for side in withheld) < min_cell:
        smallest = min(shown, key=lambda side: sizes.get(side, 0))
        shown.remove(smallest)
        withheld.add(smallest)
    return [side for side in order if side in withheld]


def check_min_cell(value: object) -> int:
    if not is_count(value) or value < 1:
        raise TallyError("bad_parameter", "min_cell is a whole number, 1 or more")
    return value


def check_share(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise TallyError("bad_parameter", f"{what} is a share between 0 and 1")
    return float(value)


def check_divisive(high: object, low: object) -> tuple[float, float]:
    """The divisive thresholds: two shares, the low one below the high one (else one side could
    be high and low at once)."""
    high, low = check_share(high, "divisive_high"), check_share(low, "divisive_low")
    if not low < high:
        raise TallyError("bad_parameter", "divisive_low is below divisive_high")
    return high, low
