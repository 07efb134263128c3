// The browser's anonymiser run by Node for the Python tests that compare both implementations
// (tests/export/test_anonymiser_parity.py): reads {"reviews": [{summary, context}], "latin":
// [word], "skeletons": [word]} as JSON on stdin and writes the same keys with the results.

import { review } from "../../static/js/export/anonymise.js";
import { latin, skeletons } from "../../static/js/export/anonymise/translit.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const output = {
  reviews: (input.reviews ?? []).map(({ summary, context }) => review(summary, context)),
  latin: (input.latin ?? []).map(latin),
  skeletons: (input.skeletons ?? []).map(skeletons),
};
process.stdout.write(JSON.stringify(output));
