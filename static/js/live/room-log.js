// The live room's log as this device holds it: the room's and the team channel's entries in
// `seq` order, the reducer's state after them, and each entry's refusal. A pure module (no DOM,
// no I/O), used by room.js and tested on its own (tests/js/room-log.test.js).
//
// `buildLog` computes it all from every held entry. `extendLog` adds a batch whose entries all
// come after everything held, the normal case while the room is live, in time proportional to
// the batch, not to the history: the reducer (state.js) applies messages one after the other in
// `seq` order, so applying the new ones to the state after the old ones gives the state a full
// replay would give. Whatever could change an earlier entry's place or meaning (an entry below
// one already held, a retraction, an entry that a retraction named) makes `extendLog` decline,
// and the caller builds the log again from everything held.

import { applyEntry, createRoom } from "./state.js";
import { isTeamRole } from "../td2/index.js";

/**
 * @typedef {object} Log
 * @property {any[]} ordered held entries of the room's channel, in seq order
 * @property {any[]} teamOrdered held entries of the team channel, in seq order
 * @property {ReturnType<typeof createRoom>} room the reducer's state after `ordered`
 * @property {ReturnType<typeof createRoom>} teamRoom the team channel's counters and errors
 * @property {Set<string>} retracted message ids named by a retraction
 * @property {number} maxSeq the highest seq of every entry taken in (kept or not)
 * @property {(handle: string, epoch: number) => string | null} roles
 */

const logEntry = (entry) => ({ seq: entry.env.seq, epoch: entry.env.epoch, author: entry.env.author_handle, content: entry.content });

/** The team channel's authors: a team role in the message's epoch. */
function teamRoles(roles) {
  return (handle, epoch) => {
    const role = roles(handle, epoch);
    return role && isTeamRole(role) ? role : null;
  };
}

/** Applies one entry (following every entry applied so far) and sets its `refused`. */
function take(log, entry) {
  if (entry.channel === "team") {
    log.teamOrdered.push(entry);
    entry.refused = null;
    if (!entry.content) return;
    const onTeam = teamRoles(log.roles);
    if (!onTeam(entry.env.author_handle, entry.env.epoch)) entry.refused = "not_allowed";
    else if (entry.content.type !== "text") entry.refused = "unknown_type";
    else entry.refused = applyEntry(log.teamRoom, logEntry(entry), onTeam);
  } else {
    log.ordered.push(entry);
    entry.refused = entry.content ? applyEntry(log.room, logEntry(entry), log.roles) : null;
  }
}

/**
 * The log from every held entry (null for a seq reserved but not opened yet). A retraction
 * (kind "retract", naming the message in `replaces`) removes that message from the room's log,
 * here and on every device, as if it had not been sent.
 * @returns {Log}
 */
export function buildLog(held, roles) {
  const retracted = new Set();
  let maxSeq = 0;
  for (const entry of held) {
    if (!entry) continue;
    maxSeq = Math.max(maxSeq, entry.env.seq);
    if (entry.env.kind === "retract" && entry.channel !== null) retracted.add(entry.env.replaces);
  }
  const log = { ordered: [], teamOrdered: [], room: createRoom(), teamRoom: createRoom(), retracted, maxSeq, roles };
  const kept = held
    .filter((entry) => entry && entry.error !== "other_channel" && !retracted.has(entry.env.message_id))
    .sort((a, b) => a.env.seq - b.env.seq);
  for (const entry of kept) take(log, entry);
  return log;
}

/**
 * Adds `entries` (opened and checked) to `log` in place and returns true, or returns false and
 * leaves `log` untouched when the result could differ from `buildLog` over everything held:
 * an entry at or below `log.maxSeq`, a retraction, or an entry a retraction already named.
 */
export function extendLog(log, entries) {
  for (const entry of entries) {
    if (!entry || entry.env.seq <= log.maxSeq) return false;
    if (entry.env.kind === "retract" || log.retracted.has(entry.env.message_id)) return false;
  }
  const batch = [...entries].sort((a, b) => a.env.seq - b.env.seq);
  for (const entry of batch) {
    log.maxSeq = entry.env.seq;
    if (entry.error !== "other_channel") take(log, entry);
  }
  return true;
}
