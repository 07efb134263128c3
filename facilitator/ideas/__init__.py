"""Ideas and decisions in the room: the counting, as pure functions (docs/ideas.md, "Counting").

The tally holder's device opens the ballots and counts them; every device computes the ranking
from the published aggregates. The browser has the same functions (``static/js/ideas/``); both
pass ``tests/ideas/ideas_cases.json``. The counting is standard library only, so the Python
client and the command line can use it without the web stack; ``ballot`` seals and opens a
ballot with ``facilitator.td2``.
"""

from facilitator.ideas.checks import MIN_CELL, TallyError
from facilitator.ideas.polls import consent_result, dot_vote, instant_runoff
from facilitator.ideas.ranking import aggregate_votes, bridging_ranking

__all__ = [
    "MIN_CELL",
    "TallyError",
    "aggregate_votes",
    "bridging_ranking",
    "consent_result",
    "dot_vote",
    "instant_runoff",
]
