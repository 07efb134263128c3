"""Ballots sealed to a round's tally key (facilitator/ideas/ballot.py): the shared vectors open
to their content, moved or altered ballots do not, and what is sealed opens again. The browser's
twin passes the same vectors (tests/js/ideas-ballot.test.js)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator import td2
from facilitator.ideas.ballot import POLL_SLOT, open_ballot, seal_ballot

VECTORS = json.loads((Path(__file__).parent / "ballot_vectors.json").read_text())
d = td2.b64u_decode


def _open(private: str, round_id: str, slot: str, sealed: str):
    return open_ballot(d(private), d(VECTORS["dialogue_id"]), d(round_id), d(slot), d(sealed))


@pytest.mark.parametrize("ballot", VECTORS["ballots"], ids=lambda b: json.dumps(b["content"]))
def test_vectors_open_to_their_content(ballot):
    assert _open(VECTORS["tally_private"], VECTORS["round_id"], ballot["slot"],
                 ballot["sealed"]) == ballot["content"]


@pytest.mark.parametrize("ballot", VECTORS["ballots"][:3])
def test_only_the_tally_key_and_the_round_open_them(ballot):
    with pytest.raises(td2.Td2Error):
        _open(VECTORS["other_private"], VECTORS["round_id"], ballot["slot"], ballot["sealed"])
    with pytest.raises(td2.Td2Error):
        _open(VECTORS["tally_private"], VECTORS["other_round_id"], ballot["slot"],
              ballot["sealed"])


@pytest.mark.parametrize("case", VECTORS["refused"], ids=lambda c: c["why"])
def test_moved_or_altered_ballots_are_refused(case):
    with pytest.raises(td2.Td2Error):
        _open(VECTORS["tally_private"], VECTORS["round_id"], case["slot"], case["sealed"])


def test_a_sealed_ballot_opens_and_hides_its_size():
    private, public = td2.generate_member_keypair()
    dialogue, round_id = td2.random_id(), td2.random_id()
    short = seal_ballot(public, dialogue, round_id, POLL_SLOT, {"choice": "agree", "side": "A"})
    long = seal_ballot(public, dialogue, round_id, POLL_SLOT,
                       {"ranking": ["option one", "option two", "option three"], "side": "B"})
    assert len(short) == len(long) == 80 + 12 + 256 + 16
    assert open_ballot(private, dialogue, round_id, POLL_SLOT, long)["side"] == "B"
    with pytest.raises(td2.Td2Error):
        open_ballot(private, dialogue, round_id, POLL_SLOT, short[:-1])
