// The browser's anonymiser run by Node, for the benchmark, the held-out evaluation and the
// property test that compare it with the Python one (facilitator_bench/anonymiser/,
// tests/export/test_anonymiser_property.py): reads {"reviews": [{summary, context}]} as JSON on
// stdin and writes {"reviews": [findings]}. With --lines, reads one such request per line and
// answers each on a line of its own, so that one process serves many requests.

import { Buffer } from "node:buffer";
import process from "node:process";
import readline from "node:readline";

import { review } from "../static/js/export/anonymise.js";

function answer(request) {
  const reviews = (request.reviews ?? []).map(({ summary, context }) => review(summary, context));
  return JSON.stringify({ reviews });
}

if (process.argv.includes("--lines")) {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim()) process.stdout.write(answer(JSON.parse(line)) + "\n");
  }
} else {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  process.stdout.write(answer(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
}
