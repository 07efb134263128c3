// Dates and times inside right-to-left text (static/js/dialogues/time.js): each run of a date, a
// time or a range of times, and a zone is isolated on its own, and a range whose formatter has
// no `formatRangeToParts` (the CLDR fallback of `ps` and `ckb`) is put together from its ends.

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";

globalThis.document = { documentElement: { lang: "ur", dir: "rtl" } };
globalThis.navigator = { languages: [] };
const { isolate, isolatedParts, formatRange } = await import("../../static/js/dialogues/time.js");

const FSI = "\u2068";
const LRI = "\u2066";
const RLI = "\u2067";
const PDI = "\u2069";
const runs = (text) => [...text.matchAll(/[\u2066-\u2068]([^\u2069]*)\u2069/g)].map((m) => m[1]);

describe("isolation", () => {
  beforeEach(() => {
    globalThis.document.documentElement.dir = "rtl";
  });

  test("a run with letters follows its first letter", () => {
    assert.equal(isolate("11:00 AM – 7:00 PM"), `${FSI}11:00 AM – 7:00 PM${PDI}`);
  });

  test("a run of digits alone takes the page's direction", () => {
    assert.equal(isolate("11:00–19:00"), `${RLI}11:00–19:00${PDI}`);
    globalThis.document.documentElement.dir = "ltr";
    assert.equal(isolate("11:00–19:00"), `${LRI}11:00–19:00${PDI}`);
  });

  test("an Urdu range keeps its times together, apart from the date and the zone", () => {
    const format = new Intl.DateTimeFormat("ur", {
      weekday: "short", year: "numeric", month: "short", day: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short", timeZone: "Asia/Karachi",
    });
    const text = isolatedParts(format.formatRangeToParts(new Date("2026-12-08T06:00:00Z"), new Date("2026-12-08T14:00:00Z")));
    const found = runs(text);
    assert.equal(found.length, 3, text);
    assert.match(found[1], /^11:00 AM\s*–\s*7:00 PM$/);
    assert.match(found[2], /GMT/);
    assert.ok(!found[0].includes(":"), "the date run holds no time");
  });

  test("literals between runs stay outside them", () => {
    const parts = [
      { type: "weekday", value: "Tue" }, { type: "literal", value: ", " },
      { type: "hour", value: "11" }, { type: "literal", value: ":" }, { type: "minute", value: "00" },
      { type: "literal", value: " " }, { type: "timeZoneName", value: "GMT+5" },
    ];
    assert.equal(isolatedParts(parts), `${FSI}Tue${PDI}, ${RLI}11:00${PDI} ${FSI}GMT+5${PDI}`);
  });
});

describe("a range without formatRangeToParts", () => {
  test("the same day: the date once, then both times in one run", () => {
    const real = Intl.DateTimeFormat.prototype.formatRangeToParts;
    delete Intl.DateTimeFormat.prototype.formatRangeToParts;
    try {
      const text = formatRange("2026-12-08T06:00:00Z", "2026-12-08T14:00:00Z");
      const found = runs(text);
      assert.equal(found.filter((run) => /2026/.test(run)).length, 1, text);
      assert.deepEqual(found.filter((run) => /:/.test(run)).map((run) => /\d\d:\d\d.*–.*\d\d:\d\d/.test(run)), [true], text);
    } finally {
      Intl.DateTimeFormat.prototype.formatRangeToParts = real;
    }
  });
});
