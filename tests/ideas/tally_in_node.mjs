// The browser's counting run by Node for tests/ideas/test_tally_parity.py: reads a JSON list of
// {fn, args} (args by their Python names, as in tests/ideas/ideas_cases.json) on stdin and writes
// the list of results, each {"result": ...} or {"error": code}.

import { Buffer } from "node:buffer";
import process from "node:process";

import {
  TallyError,
  aggregateVotes,
  bridgingRanking,
  consentResult,
  dotVote,
  instantRunoff,
} from "../../static/js/ideas/tally.js";

const RUN = {
  aggregate_votes: (a) => aggregateVotes(a.ballots, a.side_of, { hands: a.hands, sides: a.sides }),
  bridging_ranking: (a) =>
    bridgingRanking(a.aggregates, a.sides, {
      minCell: a.min_cell,
      commonGround: a.common_ground,
      divisiveHigh: a.divisive_high,
      divisiveLow: a.divisive_low,
    }),
  consent_result: (a) =>
    consentResult(a.ballots, a.side_of, { sides: a.sides, hands: a.hands, minCell: a.min_cell }),
  instant_runoff: (a) => instantRunoff(a.ballots, a.options),
  dot_vote: (a) => dotVote(a.ballots, a.options, a.dots),
};

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const requests = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const answers = requests.map(({ fn, args }) => {
  try {
    return { result: RUN[fn](args) };
  } catch (error) {
    if (error instanceof TallyError) return { error: error.code };
    throw error;
  }
});
process.stdout.write(JSON.stringify(answers));
