// The browser's anonymiser run by Node for the Python tests that compare both implementations
// (tests/export/test_anonymiser_parity.py): reads {"reviews": [{summary, context}], "latin":
// [word], "skeletons": [word], "ascii": [text], "assigned": bool, "unknown": [code point]} as JSON on stdin and writes the same keys with the results.

import { Buffer } from "node:buffer";
import process from "node:process";

import { review } from "../../static/js/export/anonymise.js";
import { unknown } from "../../static/js/export/anonymise/fold.js";
import anyAscii from "../../static/vendor/any-ascii.js";
import { latin, skeletons } from "../../static/js/export/anonymise/translit.js";

function assigned() {
  const unassigned = /^\p{Cn}$/u;
  const ranges = [];
  let start = -1;
  for (let point = 0; point <= 0x110000; point += 1) {
    const known = point <= 0x10ffff && !unassigned.test(String.fromCodePoint(point));
    if (known && start < 0) start = point;
    if (!known && start >= 0) {
      ranges.push([start, point - 1]);
      start = -1;
    }
  }
  return ranges;
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const output = {
  reviews: (input.reviews ?? []).map(({ summary, context }) => review(summary, context)),
  ascii: (input.ascii ?? []).map((text) => anyAscii(text)),
  latin: (input.latin ?? []).map(latin),
  // [low, high] ranges of the code points this Node's Unicode assigns, and which of them the
  // anonymiser treats as unknown to Unicode 14.
  assigned: input.assigned ? assigned() : [],
  unknown: (input.unknown ?? []).map((point) => unknown(String.fromCodePoint(point))),
  skeletons: (input.skeletons ?? []).map(skeletons),
};
process.stdout.write(JSON.stringify(output));
