"""A returning device keeps the epoch chain it verified, sealed, and fetches only what follows its
tip: the requests it makes show it, a server that rewrites a verified epoch is still refused,
what it keeps does not show the dialogue's metadata, and an ephemeral device keeps nothing
(docs/threat-model.md, "What a device keeps")."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from playwright.sync_api import expect

from facilitator.client import DialogueClient, HttpTransport
from tests.browser.test_workspace import (
    WAIT,
    Watch,
    create_dialogue,
    flip,
    invite_participant,
    knock_fingerprint,
    let_in,
    sign_in,
)

pytestmark = pytest.mark.browser

# What the dialogue store holds for the dialogue, each value described without its bytes.
STORED = """async (id) => {
  const store = await import('/static/js/dialogues/store.js');
  const rows = await store.loadAll('');
  const describe = (value) => {
    if (value instanceof CryptoKey) return {cryptoKey: true, extractable: value.extractable};
    if (value instanceof Uint8Array) return {bytes: value.length};
    if (Array.isArray(value)) return value.map(describe);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]));
    }
    return value;
  };
  return rows.filter(([key]) => key.includes(id)).map(([key, value]) => [key, describe(value)]);
}"""

OPEN = """async (id) => {
  const cs = await import('/static/js/dialogues/crypto-state.js');
  try {
    const s = await cs.openDialogue(id);
    return {ok: true, epoch: s.epoch, meta: s.metaKeys.size, msg: s.msgKeys.size};
  } catch (error) {
    return {ok: false, reason: error.reason ?? error.message, detail: error.detail ?? null};
  }
}"""


def chain_requests(page: Any) -> list[str]:
    seen: list[str] = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.url.split("/api/v1", 1)[-1])
            if "/epochs" in request.url or "wraps" in request.url
            else None
        ),
    )
    return seen


def admit_participants(page: Any, origin: str, count: int) -> None:
    for _ in range(count):
        link = invite_participant(page)
        knock = DialogueClient(HttpTransport(origin)).knock(link.removeprefix(origin))
        assert knock_fingerprint(page) == knock["fingerprint"]
        let_in(page)


def database(live_app: Any) -> str:
    return str(live_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def test_a_returning_device_extends_its_sealed_chain(browser, origin, live_app, make_member):
    watch = Watch()
    convener = make_member("convener", username="samira")
    context = browser.new_context(locale="en-GB")
    page = watch.page(context)
    sign_in(page, origin, convener)
    dialogue_id = create_dialogue(page, origin)
    admit_participants(page, origin, 2)  # epochs 1 and 2
    first = page.evaluate(OPEN, dialogue_id)
    assert first["ok"] and first["epoch"] == 2 and first["meta"] == 3 == first["msg"], first

    # What is kept is sealed: the chain and the subkeys' index are ciphertext, the subkeys
    # non-extractable CryptoKeys, and nothing names a member.
    stored = dict(page.evaluate(STORED, dialogue_id))
    chain = stored[f"chain:{dialogue_id}"]
    assert chain["sealed"] == 1 and set(chain) == {"sealed", "iv", "blob"}
    assert chain["blob"]["bytes"] > 500
    subkeys = stored[f"subkeys:{dialogue_id}"]
    assert subkeys["keys"] and all(
        k == {"cryptoKey": True, "extractable": False} for k in subkeys["keys"]
    )
    assert stored[f"cache-key:{dialogue_id}"] == {"cryptoKey": True, "extractable": False}
    raw = page.evaluate(
        """async (id) => { const store = await import('/static/js/dialogues/store.js');
          const b = (await store.load(`chain:${id}`)).blob;
          return Array.from(b.slice(0, 4096)).map((c) => String.fromCharCode(c)).join(''); }""",
        dialogue_id,
    )
    handles = [
        m["handle"]
        for m in json.loads(
            page.evaluate(
                "async (id) => JSON.stringify((await (await import("
                "'/static/js/dialogues/api.js')).get(`/dialogues/${id}`)).members)",
                dialogue_id,
            )
        )
    ]
    assert handles and not any(h in raw for h in handles)

    # The second visit asks for the epochs from the tip on and the wraps after it, no more.
    seen = chain_requests(page)
    page.reload()
    expect(page.locator("#panels")).to_be_visible(timeout=WAIT)
    expect(page.locator("#dialogue-title")).to_be_visible(timeout=WAIT)
    page.wait_for_timeout(500)
    epochs = [url for url in seen if "/epochs" in url]
    assert epochs and all(url.endswith("/epochs?after=1") for url in epochs), seen
    wraps = [url for url in seen if url.endswith("/wraps") or "/wraps?" in url]
    assert wraps and all(url.endswith("/wraps?after=2") for url in wraps), seen
    again = page.evaluate(OPEN, dialogue_id)
    assert again == first

    # A new epoch is verified as the extension of the kept tip.
    admit_participants(page, origin, 1)
    grown = page.evaluate(OPEN, dialogue_id)
    assert grown["ok"] and grown["epoch"] == 3 and grown["meta"] == 4 == grown["msg"], grown

    # A server that serves the whole chain with an already verified epoch rewritten: a fork.
    def rewrite_epoch_one(route: Any) -> None:
        response = route.fetch(url=route.request.url.split("?")[0])
        served = response.json()
        served[1]["record"] = flip(served[1]["record"], 70)
        route.fulfill(response=response, json=served)

    page.route("**/epochs?after=*", rewrite_epoch_one)
    refused = page.evaluate(OPEN, dialogue_id)
    assert refused == {"ok": False, "reason": "chain", "detail": {"reason": "fork", "index": 1}}
    page.unroute("**/epochs?after=*")

    # The server rewrites the tip this device verified, in its database: refused on the next
    # visit, where people see it.
    with sqlite3.connect(database(live_app)) as connection:
        (record,) = connection.execute(
            "SELECT record FROM epoch WHERE dialogue_id = ? AND number = 3", (dialogue_id,)
        ).fetchone()
        connection.execute(
            "UPDATE epoch SET record = ? WHERE dialogue_id = ? AND number = 3",
            (flip(record, 70), dialogue_id),
        )
    refused = page.evaluate(OPEN, dialogue_id)
    assert refused == {"ok": False, "reason": "chain", "detail": {"reason": "fork", "index": 3}}
    page.reload()
    expect(page.locator("#refusal")).to_contain_text("different key history", timeout=WAIT)
    assert [p for p in watch.problems if p.startswith("pageerror")] == []
    context.close()


def test_an_ephemeral_device_keeps_nothing(browser, origin, live_app, make_member):
    watch = Watch()
    convener = make_member("convener", username="samira")
    context = browser.new_context(locale="en-GB")
    page = watch.page(context)
    sign_in(page, origin, convener)
    dialogue_id = create_dialogue(page, origin)
    admit_participants(page, origin, 1)
    assert page.evaluate(OPEN, dialogue_id)["ok"]
    log = """async ([id, handle]) => {
      const logStore = await import('/static/js/live/log-store.js');
      const writer = new logStore.LogWriter(id);
      await writer.append([{seq: 7, epoch: 1, author_handle: handle, blob: 'x'}], 7);
      const counter = await logStore.nextCounter(id, handle, 1, 3);
      const again = await logStore.nextCounter(id, handle, 1, 0);
      // Another page (a reload): a module instance of its own, nothing in memory.
      const reloaded = await import('/static/js/live/log-store.js?reloaded');
      return {log: await logStore.loadLog(id), counter, again,
              afterReload: await reloaded.nextCounter(id, handle, 1, 0)};
    }"""
    handle = "QUJDREVGR0hJSktMTU5PUA"
    kept = page.evaluate(log, [dialogue_id, handle])
    assert kept["log"]["lastSeq"] == 7 and kept["log"]["envelopes"][0]["author_handle"] == handle
    assert (kept["counter"], kept["again"]) == (4, 5)
    # Counters are stored ahead of use: a reload never reuses one, whatever it had not used.
    assert kept["afterReload"] > 5
    stored = page.evaluate(STORED, dialogue_id)
    names = {key.split(":")[0] for key, _ in stored}
    assert {"chain", "subkeys", "cache-key", "live-log", "live-seq", "live-ctr"} <= names
    # The log is sealed: neither the author's handle nor the envelope's fields are readable.
    for key, value in stored:
        if key.startswith("live-"):
            assert set(value) == {"sealed", "iv", "blob"}, (key, value)

    # Marking the device ephemeral deletes all of it; from then on nothing is kept.
    page.evaluate(
        """async (id) => (await import('/static/js/dialogues/ephemeral.js'))
             .markEphemeral(id, true, {since: 0, by: 'self'})""",
        dialogue_id,
    )
    seen = chain_requests(page)
    opened = page.evaluate(OPEN, dialogue_id)
    assert opened["ok"] and opened["epoch"] == 1
    assert [url for url in seen if "/epochs" in url] == [f"/dialogues/{dialogue_id}/epochs"]
    in_memory = page.evaluate(log, [dialogue_id, handle])
    assert in_memory["log"] == {"envelopes": [], "lastSeq": 0}
    assert (in_memory["counter"], in_memory["again"]) == (6, 7)  # above those used on the page
    # What remains is what any device keeps: the mark itself and the newest record seen.
    left = {key.split(":")[0] for key, _ in page.evaluate(STORED, dialogue_id)}
    assert left <= {"ephemeral", "seen", "anchor"} and "ephemeral" in left, left

    # "Leave and wipe this device" deletes both databases.
    page.evaluate("async () => (await import('/static/js/dialogues/device.js')).wipeDevice()")
    names = page.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)")
    assert "facilitator-dialogues" not in names and "td2-keystore" not in names
    assert [p for p in watch.problems if p.startswith("pageerror")] == []
    context.close()
