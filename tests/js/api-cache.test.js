// static/js/dialogues/api.js's conditional GETs against a stand-in for fetch that answers as the
// server does (tests/dialogues/test_conditional_get.py): an ETag on every JSON GET, 304 without
// a body when If-None-Match names it.

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

globalThis.document = {
  documentElement: { lang: "en" },
  querySelector: () => ({ getAttribute: () => "csrf" }),
};

const api = await import("../../static/js/dialogues/api.js");

/** The server's documents, path -> JSON value; every call made, {method, path, ifNoneMatch}. */
let documents;
let calls;
let status;

const etagOf = (text) => `"${Buffer.from(text).toString("base64url").slice(-16)}-${text.length}"`;

globalThis.fetch = async (url, init) => {
  const path = url.replace("/api/v1", "");
  const ifNoneMatch = init.headers["If-None-Match"] ?? null;
  calls.push({ method: init.method, path, ifNoneMatch, cache: init.cache });
  if (status !== 200) return new Response(JSON.stringify({ error: "dialogue_not_found" }), { status });
  const text = JSON.stringify(documents[path] ?? null);
  if (init.method !== "GET") return new Response(text, { status: 200 });
  const etag = etagOf(text);
  if (ifNoneMatch === etag) return new Response(null, { status: 304, headers: { ETag: etag } });
  return new Response(text, { status: 200, headers: { ETag: etag, "Content-Type": "application/json" } });
};

beforeEach(() => {
  api.forget();
  documents = { "/dialogues/a": { epoch: 1, members: ["x", "y"] } };
  calls = [];
  status = 200;
});

test("a second GET asks with the validator and gets the held answer from a 304", async () => {
  const first = await api.get("/dialogues/a");
  assert.deepEqual(first, { epoch: 1, members: ["x", "y"] });
  assert.equal(calls[0].ifNoneMatch, null);
  assert.equal(calls[0].cache, "no-store");
  const second = await api.get("/dialogues/a");
  assert.equal(calls[1].ifNoneMatch, etagOf(JSON.stringify(first)));
  assert.deepEqual(second, first);
});

test("each answer from a 304 is parsed afresh: a caller changing it changes nothing held", async () => {
  const first = await api.get("/dialogues/a");
  first.members.push("mutated");
  const second = await api.get("/dialogues/a");
  assert.deepEqual(second.members, ["x", "y"]);
  second.epoch = 99;
  assert.equal((await api.get("/dialogues/a")).epoch, 1);
});

test("getIfChanged is null while the answer is unchanged, the new answer once it changes", async () => {
  await api.get("/dialogues/a");
  assert.equal(await api.getIfChanged("/dialogues/a"), null);
  documents["/dialogues/a"] = { epoch: 2, members: ["x"] };
  assert.deepEqual(await api.getIfChanged("/dialogues/a"), { epoch: 2, members: ["x"] });
  assert.equal(await api.getIfChanged("/dialogues/a"), null);
});

test("getIfChanged compares with the validator the caller used, not only the last one held", async () => {
  await api.get("/dialogues/a");
  const used = api.versionOf("/dialogues/a");
  documents["/dialogues/a"] = { epoch: 2, members: [] };
  await api.get("/dialogues/a"); // someone else on the page read the new answer
  assert.equal(await api.getIfChanged("/dialogues/a"), null);
  assert.deepEqual(await api.getIfChanged("/dialogues/a", used), { epoch: 2, members: [] });
  assert.equal(await api.getIfChanged("/dialogues/a", api.versionOf("/dialogues/a")), null);
});

test("a path never fetched is always changed", async () => {
  assert.deepEqual(await api.getIfChanged("/dialogues/a"), { epoch: 1, members: ["x", "y"] });
});

test("a refusal is thrown and forgets what was held for the path", async () => {
  await api.get("/dialogues/a");
  status = 404;
  await assert.rejects(api.get("/dialogues/a"), (error) => error.code === "dialogue_not_found");
  status = 200;
  assert.equal(api.versionOf("/dialogues/a"), null);
  await api.get("/dialogues/a");
  assert.equal(calls.at(-1).ifNoneMatch, null);
});

test("unsafe calls send no validator and hold nothing", async () => {
  await api.get("/dialogues/a");
  await api.post("/dialogues/a", {});
  assert.equal(calls[1].ifNoneMatch, null);
  assert.equal(api.versionOf("/dialogues/a"), etagOf(JSON.stringify(documents["/dialogues/a"])));
});

test("forget drops every validator", async () => {
  await api.get("/dialogues/a");
  api.forget();
  assert.equal(api.versionOf("/dialogues/a"), null);
  await api.get("/dialogues/a");
  assert.equal(calls.at(-1).ifNoneMatch, null);
});

test("a prefetched answer is taken by the next GET of its path, and only by that one", async () => {
  api.prefetch("/dialogues/a");
  api.prefetch("/dialogues/a"); // asked for once however often it is prefetched
  assert.equal(calls.length, 1);
  documents["/dialogues/a"] = { epoch: 2, members: [] };
  assert.deepEqual(await api.get("/dialogues/a"), { epoch: 1, members: ["x", "y"] });
  assert.equal(calls.length, 1);
  assert.deepEqual(await api.get("/dialogues/a"), { epoch: 2, members: [] });
  assert.equal(calls.length, 2);
});

test("a prefetch that fails is reported by the GET that takes it", async () => {
  status = 404;
  api.prefetch("/dialogues/a");
  await assert.rejects(api.get("/dialogues/a"), (error) => error instanceof api.ApiError && error.code === "dialogue_not_found");
  status = 200;
  assert.deepEqual(await api.get("/dialogues/a"), { epoch: 1, members: ["x", "y"] });
});
