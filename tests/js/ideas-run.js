// One counting case run by the browser's modules: `fn` and `args` as in
// tests/ideas/ideas_cases.json (the Python names), for tests/js/ideas-tally.test.js and for
// tests/ideas/tally_in_node.mjs (the random comparison with Python).

import { aggregateVotes, bridgingRanking, consentResult, dotVote, instantRunoff } from "../../static/js/ideas/tally.js";

const aggregate = (a) => aggregateVotes(a.ballots, a.side_of, { hands: a.hands, sides: a.sides });

const RUN = {
  aggregate_votes: aggregate,
  bridging_ranking: (a) =>
    bridgingRanking(a.aggregates, a.sides, {
      minCell: a.min_cell,
      commonGround: a.common_ground,
      divisiveHigh: a.divisive_high,
      divisiveLow: a.divisive_low,
    }),
  aggregate_then_rank: (a) => bridgingRanking(aggregate(a), a.sides),
  consent_result: (a) =>
    consentResult(a.ballots, a.side_of, { sides: a.sides, hands: a.hands, minCell: a.min_cell }),
  instant_runoff: (a) => instantRunoff(a.ballots, a.options),
  dot_vote: (a) => dotVote(a.ballots, a.options, a.dots),
};

/** The result of the case's function on its arguments; a TallyError propagates. */
export function runCase(fn, args) {
  return RUN[fn](args);
}
