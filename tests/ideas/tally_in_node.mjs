// The browser's counting run by Node for tests/ideas/test_tally_parity.py: reads a JSON list of
// {fn, args} (args by their Python names, as in tests/ideas/ideas_cases.json) on stdin and writes
// the list of results, each {"result": ...} or {"error": code}.

import { Buffer } from "node:buffer";
import process from "node:process";

import { TallyError } from "../../static/js/ideas/tally.js";
import { runCase } from "../js/ideas-run.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const requests = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const answers = requests.map(({ fn, args }) => {
  try {
    return { result: runCase(fn, args) };
  } catch (error) {
    if (error instanceof TallyError) return { error: error.code };
    throw error;
  }
});
process.stdout.write(JSON.stringify(answers));
