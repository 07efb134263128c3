// The summary's neutral labels in the summary's language (static/js/dialogues/summary-findings.js):
// read from that locale's catalogue beside the page's own, while the page keeps its language, and
// handed to the anonymiser's apply; the Markdown's headings in the same language
// (summary-export.js); possible findings kept until decided otherwise. The catalogue served here
// is the Persian .po file's own text.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

// Node has WebCrypto; the browser modules check for it as a secure context.
globalThis.isSecureContext = true;
globalThis.document = { documentElement: { lang: "en", dir: "ltr", dataset: { locales: "en fa" } } };

const po = readFileSync(new URL("../../translations/fa/LC_MESSAGES/messages.po", import.meta.url), "utf8");
/** The msgstr of a simple (not plural) msgid in the .po file. */
function translated(msgid) {
  const at = po.indexOf(`msgid ${JSON.stringify(msgid)}\nmsgstr `);
  assert.ok(at >= 0, msgid);
  const line = po.slice(at).split("\n")[1];
  return JSON.parse(line.slice("msgstr ".length));
}
const KEYS = [
  "[a participant]", "[an organisation]", "[a side]", "[a term]",
  "Anonymised summary", "Summary", "Points made", "Opening", "Translation",
  "Epoch-chain head %(head)s; content SHA-256 %(digest)s",
];
const asked = [];
globalThis.fetch = async (url) => {
  asked.push(String(url));
  const messages = String(url).endsWith("/fa.json") ? Object.fromEntries(KEYS.map((k) => [k, translated(k)])) : {};
  return { ok: true, json: async () => ({ messages, language_names: {} }) };
};

const { _, currentLocale, loadOtherCatalogs } = await import("../../static/js/i18n.js");
const { defaultDecisions, labels, labelsIn, sameSource } = await import("../../static/js/dialogues/summary-findings.js");
const { toMarkdown } = await import("../../static/js/dialogues/summary-export.js");
const { apply } = await import("../../static/js/export/anonymise.js");

test("a Persian summary's labels come from the Persian catalogue; the page stays English", async () => {
  await loadOtherCatalogs(["en", "fa"]);
  const persian = labelsIn("fa");
  assert.equal(persian.participant, "[یک شرکت‌کننده]");
  for (const [key, english] of Object.entries(labels())) assert.notEqual(persian[key], english, key);
  assert.equal(currentLocale(), "en");
  assert.equal(_("[a participant]"), "[a participant]");
  assert.deepEqual(labelsIn("en"), labels());
  assert.ok(asked.some((url) => url.endsWith("/fa.json")));
});

test("apply writes the summary's label for every undecided or replaced finding", () => {
  const summary = { dialogue: { title: "Talks" }, free_text: "Yusuf Al-Mansour spoke; Yusuf Al-Mansour left.", sessions: [] };
  const context = { roster: [{ display_name: "Yusuf Al-Mansour" }], sides: [], terms: [], pseudonyms: [] };
  const out = apply(summary, context, [], labelsIn("fa"));
  assert.equal(out.free_text, "[یک شرکت‌کننده] spoke; [یک شرکت‌کننده] left.");
});

test("findings of the same listed name and kind are one person", () => {
  const a = { kind: "participant", source: "Yusuf Al-Mansour" };
  assert.ok(sameSource(a, { ...a, id: "other" }));
  assert.ok(!sameSource(a, { kind: "participant", source: "Anatoly Greshnev" }));
  assert.ok(!sameSource(a, { kind: "term", source: "Yusuf Al-Mansour" }));
});

test("a possible finding starts as kept; a certain one has no decision", () => {
  const findings = [
    { id: "a", kind: "participant", source: "Grace Okafor", confidence: "possible" },
    { id: "b", kind: "participant", source: "Grace Okafor", confidence: "certain" },
    { id: "c", kind: "handle", source: "x" },
  ];
  assert.deepEqual([...defaultDecisions(findings)], [["a", { id: "a", action: "keep" }]]);
});

test("the Markdown's headings are in the summary's language; the page's stay its own", async () => {
  await loadOtherCatalogs(["en", "fa"]);
  const summary = {
    dialogue: { title: "Talks" }, free_text: "Text.",
    sessions: [{ title: "Day one", day: "2026-12-08", items: [{ title: "Start", phase: "opening", rule: "on_record",
      notes: [{ kind: "point", text: "A note.", lang: "en", at: "2026-12-08", translation: { text: "Une note.", lang: "fr" } }] }] }],
  };
  const manifest = { epoch_chain_head: "HEAD", content_sha256: "abc" };
  const persian = toMarkdown(summary, manifest, "fa");
  for (const msgid of KEYS.slice(4)) {
    const words = translated(msgid).replace("%(head)s", "HEAD").replace("%(digest)s", "abc");
    assert.ok(persian.includes(words), msgid);
    assert.ok(!persian.includes(msgid.replace("%(head)s", "HEAD")), msgid);
  }
  const english = toMarkdown(summary, manifest);
  assert.ok(english.includes("*Anonymised summary*") && english.includes("**Points made**"));
  assert.equal(toMarkdown(summary, manifest, "en"), english);
  assert.equal(_("Summary"), "Summary");
});
