// Ideas and decisions in the room: the counting, as pure functions (docs/ideas.md, "Counting").
//
// The twin of facilitator/ideas/; both pass tests/ideas/ideas_cases.json. No DOM, no I/O: the
// tally holder's device counts opened ballots, and every device recomputes the ranking from the
// published aggregates.

export { MIN_CELL, TallyError } from "./checks.js";
export { aggregateVotes, bridgingRanking, COMMON_GROUND, DIVISIVE_HIGH, DIVISIVE_LOW } from "./ranking.js";
export { consentResult, dotVote, instantRunoff } from "./polls.js";
