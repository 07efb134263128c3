// Bundles the browser's own ES modules (static/js) into static/dist/: one minified file per page,
// the code pages share split into chunks, every name content-hashed, each text file written with
// its gzip and brotli forms beside it.
//
// Why: a participant's phone on a poor network pays a round trip per module. Unbundled, the live
// page asks for some fifty modules one import level at a time; bundled, it asks for its own file
// and the few chunks it shares, and never for the console's, the summary's or the export's code,
// which no participant page imports. Hashed names let the server say "never ask again"
// (facilitator/core/assets.py); compressing here, once, costs the server nothing per request.
//
// The stylesheets are minified and hashed too, so that everything a page loads but the page itself
// is cached for good.
//
// static/dist/manifest.json maps each entry ("js/live/page-participant.js", "css/app.css") to its
// file and the chunks it imports, which the templates read through `asset_url` and
// `asset_preloads`; static/dist/meta.json is esbuild's metafile (which source went where), read by the tests.
// Without static/dist the app serves the files under static/js and static/css as they are.
// Run after scripts/vendor.mjs (pages import the vendored bundles): `node scripts/build.mjs`.

import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

import * as esbuild from "esbuild";

import { assertNoEval } from "./csp.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const STATIC = join(ROOT, "static");
const OUT = join(ROOT, "static", "dist");

/**
 * The modules a template loads with `<script type="module">`, relative to static/js, in groups
 * built apart. Chunks are shared within a group only: the pages a participant's phone opens share
 * a few chunks among themselves, instead of the many small ones that code shared with the team's
 * pages would be cut into, each one more request.
 */
export const GROUPS = {
  participant: [
    "secure-context.js",
    "dialogues/page-join.js",
    "dialogues/page-participant.js",
    "dialogues/page-notes.js",
    "dialogues/page-approve.js",
    "live/page-participant.js",
  ],
  team: [
    "pages/link-token.js",
    "pages/totp-qr.js",
    "dialogues/page-dashboard.js",
    "dialogues/page-new.js",
    "dialogues/page-print.js",
    "dialogues/page-summary.js",
    "dialogues/page-workspace.js",
    "live/page-console.js",
    "live/page-projector.js",
  ],
};
/** The stylesheets, minified and hashed like the modules (they import nothing). */
const STYLESHEETS = ["app", "dialogues", "live", "live-text", "notes", "print", "print-pack"].map((name) => `css/${name}.css`);
/** Manifest keys: each entry's path under static/ ("js/live/page-participant.js", "css/app.css"). */
const ENTRIES = [...Object.values(GROUPS).flat().map((entry) => `js/${entry}`), ...STYLESHEETS];

/** Writes `file`.gz and `file`.br next to it, which the server sends to a client that accepts them. */
async function precompress(file) {
  const data = await readFile(file);
  await writeFile(`${file}.gz`, gzipSync(data, { level: 9 }));
  await writeFile(
    `${file}.br`,
    brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }),
  );
}

/** The chunks an output imports statically, transitively: what the browser fetches before it runs. */
function staticImports(outputs, path, seen = new Set()) {
  for (const imported of outputs[path].imports) {
    if (imported.kind === "import-statement" && !imported.external && !seen.has(imported.path)) {
      seen.add(imported.path);
      staticImports(outputs, imported.path, seen);
    }
  }
  return seen;
}

function manifestFrom(metafile) {
  const outputs = metafile.outputs;
  const entries = {};
  for (const [path, output] of Object.entries(outputs)) {
    // A module a page imports dynamically is an entry to esbuild too, but no template loads it.
    const entry = output.entryPoint && relative(STATIC, join(ROOT, output.entryPoint)).split("\\").join("/");
    if (!ENTRIES.includes(entry)) continue;
    const toDist = (p) => relative(OUT, join(ROOT, p)).split("\\").join("/");
    entries[entry] = { file: toDist(path), imports: [...staticImports(outputs, path)].sort().map(toDist) };
  }
  return { entries };
}

async function build(entries) {
  return esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: entries.map((entry) => join("static", "js", entry)),
    outbase: join("static", "js"),
    outdir: join(relative(ROOT, OUT), "js"),
    entryNames: "[dir]/[name]-[hash]",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    supported: { "top-level-await": true, "import-attributes": true },
    minify: true,
    legalComments: "eof",
    sourcemap: false,
    metafile: true,
    logLevel: "warning",
  });
}

/** No `target`: esbuild keeps the stylesheets' logical properties as they are written. */
async function buildStylesheets() {
  return esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: STYLESHEETS.map((entry) => join("static", entry)),
    outbase: "static",
    outdir: relative(ROOT, OUT),
    entryNames: "[dir]/[name]-[hash]",
    bundle: true,
    minify: true,
    metafile: true,
    logLevel: "warning",
  });
}

async function main() {
  await rm(OUT, { recursive: true, force: true });
  const metafile = { inputs: {}, outputs: {} };
  const results = [];
  for (const entries of Object.values(GROUPS)) results.push(await build(entries));
  results.push(await buildStylesheets());
  for (const result of results) {
    Object.assign(metafile.inputs, result.metafile.inputs);
    Object.assign(metafile.outputs, result.metafile.outputs);
  }
  let total = 0;
  for (const path of Object.keys(metafile.outputs)) {
    const file = join(ROOT, path);
    const code = await readFile(file, "utf8");
    assertNoEval(path, code);
    await precompress(file);
    total += code.length;
  }
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, "meta.json"), JSON.stringify(metafile));
  // Written last: make treats it as the build's stamp.
  await writeFile(join(OUT, "manifest.json"), `${JSON.stringify(manifestFrom(metafile), null, 1)}\n`);
  console.log(`static/dist: ${Object.keys(metafile.outputs).length} files, ${total} bytes`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
