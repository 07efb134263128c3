// Bundles the browser's third-party packages into self-contained ES modules under static/vendor/.
//
// Our own code is plain ES modules with no build step. These packages use bare imports
// ("@hpke/common", "engine.io-client", ...), which a browser cannot resolve without an import map,
// and our CSP (script-src 'self') forbids the inline script an import map would need. So each
// package becomes one minified file with no bare imports left; app code imports
// "/vendor/hpke.js" and friends. Never a CDN. Run after `npm ci`: `node scripts/vendor.mjs`.

import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

import { assertNoEval } from "./csp.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "static", "vendor");

/**
 * Locales whose CLDR data browsers' built-in ICU often lacks (Chromium formats `ps` and `ckb`
 * dates in English). Each gets FormatJS's DateTimeFormat with that locale's data, exported as a
 * class and not installed over Intl: static/js/i18n.js uses it only where the browser lacks the
 * locale. The data file queues itself on a global when no polyfill is installed; it is handed to
 * the class here.
 */
const CLDR_FALLBACK = ["ps", "ckb"];

function dateTimeFormatFor(tag) {
  return [
    `import "@formatjs/intl-datetimeformat/locale-data/${tag}.js";`,
    'import { DateTimeFormat } from "@formatjs/intl-datetimeformat";',
    "const queued = globalThis.__FORMATJS_DATETIMEFORMAT_DATA__ ?? [];",
    "for (const data of queued.splice(0)) DateTimeFormat.__addLocaleData(data);",
    "export { DateTimeFormat };",
  ].join("\n");
}

/** Output file -> the module source that re-exports what the app uses from the package. */
const BUNDLES = {
  "hpke.js": 'export * from "@hpke/core";',
  "socket.io.js": 'export * from "socket.io-client";\nexport { default } from "socket.io-client";',
  "qrcode.js": 'export * from "qrcode-generator";\nexport { default } from "qrcode-generator";',
  // The anonymiser's transliteration (static/js/export/anonymise/translit.js): the tables of the
  // PyPI anyascii release that facilitator/export/anonymise/translit.py uses.
  "any-ascii.js": 'export { default } from "any-ascii";',
  ...Object.fromEntries(CLDR_FALLBACK.map((tag) => [`intl-${tag}.js`, dateTimeFormatFor(tag)])),
};

/**
 * Type declarations written next to the bundles, for `tsc --checkJs` (make lint): each re-exports
 * the package's own types, so the checker reads the packages' declarations instead of the
 * minified bundles. Browsers never request them.
 */
const DECLARATIONS = {
  "hpke.d.ts": 'export * from "@hpke/core";',
  "socket.io.d.ts": BUNDLES["socket.io.js"],
  "qrcode.d.ts": 'import qrcode from "qrcode-generator";\nexport default qrcode;',
  "any-ascii.d.ts": 'import anyAscii from "any-ascii";\nexport default anyAscii;',
  ...Object.fromEntries(
    CLDR_FALLBACK.map((tag) => [`intl-${tag}.d.ts`, 'export { DateTimeFormat } from "@formatjs/intl-datetimeformat";']),
  ),
};

/** Files copied as they are (axe-core is injected by the accessibility tests, not imported). */
const COPIES = {
  "axe.min.js": join(ROOT, "node_modules", "axe-core", "axe.min.js"),
};

async function bundle(name, contents) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: ROOT, sourcefile: `vendor-${name}`, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    legalComments: "eof",
    sourcemap: false,
    write: false,
    logLevel: "warning",
    define: { "process.env.NODE_ENV": '"production"' },
  });
  const code = result.outputFiles[0].text;
  assertNoEval(name, code);
  await writeFile(join(OUT, name), code);
  return code.length;
}

async function main() {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  for (const [name, contents] of Object.entries(BUNDLES)) {
    const size = await bundle(name, contents);
    console.log(`static/vendor/${name}  ${size} bytes`);
  }
  for (const [name, text] of Object.entries(DECLARATIONS)) {
    await writeFile(join(OUT, name), `${text}\n`);
  }
  for (const [name, source] of Object.entries(COPIES)) {
    await copyFile(source, join(OUT, name));
    const size = (await readFile(join(OUT, name))).length;
    console.log(`static/vendor/${name}  ${size} bytes (copied)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
