// The shared room-state cases (tests/live/room_cases.json) against static/js/live/state.js: the
// browser's reducer gives what facilitator/live/state.py gives (tests/live/test_room_state.py),
// case for case, including the strict types of a log entry (docs/live-room.md).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { jsonInt, replay, snapshot } from "../../static/js/live/state.js";

const { cases: CASES } = JSON.parse(readFileSync(new URL("../live/room_cases.json", import.meta.url), "utf8"));

for (const c of CASES) {
  test(c.name, () => {
    const expect = c.expect;
    const now = expect.item_elapsed_ms_at ? expect.item_elapsed_ms_at[0] : null;
    const state = snapshot(replay(c.log, c.roles), now);
    assert.deepEqual(state.errors, expect.errors);
    for (const key of ["queue", "speaker", "totals_ms", "item_totals_ms", "spoke_at_ms", "item", "closed_at_ms"]) {
      if (key in expect) assert.deepEqual(state[key], expect[key], key);
    }
    if (expect.item_elapsed_ms_at) assert.equal(state.item_elapsed_ms, expect.item_elapsed_ms_at[1]);
    assert.deepEqual(snapshot(replay(c.log, c.roles), now), state, "replaying twice gives the same state");
  });
}

test("jsonInt takes JSON integers only", () => {
  for (const value of [0, 7, -3, 2 ** 53 - 1]) assert.equal(jsonInt(value), value);
  for (const value of [true, false, 1.5, "1", null, undefined, [], {}, 2 ** 53, Number.NaN]) {
    assert.equal(jsonInt(value), null, String(value));
  }
});
