// The browser's anonymiser run by Node, for the benchmark and the held-out evaluation that compare
// it with the Python one (facilitator_bench/anonymiser/): reads {"reviews": [{summary, context}]}
// as JSON on stdin and writes {"reviews": [findings]}.

import { Buffer } from "node:buffer";
import process from "node:process";

import { review } from "../static/js/export/anonymise.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const reviews = (input.reviews ?? []).map(({ summary, context }) => review(summary, context));
process.stdout.write(JSON.stringify({ reviews }));
