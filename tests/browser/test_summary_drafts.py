"""Summary drafts saved sealed on the server, continued on another device, in Chromium.

A convener drafts a summary and saves it. A rapporteur, on their own device, account and seat,
opens the summary page, finds the draft, continues it and saves; a text typed and not yet saved
survives a reload of that tab and is named as not saved. The convener's page, still open on the
first version, is told of the newer one instead of overwriting it, loads it, and sees it again
after a reload; the versions list shows every version, and version 1 is restored as a new one.
Saving also happens by itself a few seconds after the last change. After a newcomer's epoch, the
rapporteur's page, held back by a newer version, saves on top of it when told to, under the new
epoch. An interpreter's page says why
it shows no draft, and a participant's device finds boxes addressed to the conveners and the
rapporteur only. The database holds no draft text. The page is checked in English and Arabic
(right to left), with axe-core.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from facilitator import td2
from facilitator.client import epochs
from facilitator.client.sealing import open_envelope, well_known_channel_id
from facilitator.extensions import db
from tests.browser.test_live_room import seat_facilitator
from tests.browser.test_notes_export import new_context, switch_locale
from tests.browser.test_workspace import (
    WAIT,
    Watch,
    axe_violations,
    create_dialogue,
    invite_participant,
    knock_fingerprint,
    let_in,
    sign_in,
)

pytestmark = pytest.mark.browser

CANARY = "CANARY-5d1e-DRAFT"
FIRST = f"{CANARY} The two boards agreed to share the gauge logs every week."
SECOND = " They will visit the Kessa bridge together in March."
TYPED = " Not saved yet: the ministry's position."
LATER = " Written after a newcomer joined."
TERMS = "Kessa bridge"


def summary(page: Any, origin: str, dialogue_id: str) -> None:
    page.goto(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(page.locator("#summary-content")).to_be_visible(timeout=WAIT)


def versions(page: Any) -> Any:
    return page.locator("#draft-versions > li")


def saved(page: Any, version: int) -> None:
    expect(page.locator("#draft-status")).to_contain_text(f"(version {version})", timeout=WAIT)


def test_a_draft_written_on_one_device_is_continued_on_another(
    browser, origin, live_app, make_member, artifacts, caplog, capfd
):
    from facilitator.client import DialogueClient, HttpTransport

    caplog.set_level(logging.DEBUG)
    watch = Watch()
    convener_account = make_member("convener", username="samira")
    rapporteur_account = make_member("rapporteur", username="dariush")
    interpreter_account = make_member("interpreter", username="karim")
    convener_context = new_context(browser, locale="en-GB", timezone_id="Europe/London")
    convener = watch.page(convener_context)
    sign_in(convener, origin, convener_account)
    dialogue_id = create_dialogue(convener, origin, name="Samira Haddad-Lund")

    # The team and a participant (on the Python client) are let in before anything is drafted.
    rapporteur_context = new_context(browser, locale="en-GB", timezone_id="Asia/Amman")
    rapporteur = watch.page(rapporteur_context)
    seat_facilitator(
        convener, rapporteur, origin, rapporteur_account, role="rapporteur", name="Dariush Farahani"
    )
    interpreter_context = new_context(browser, locale="en-GB")
    interpreter = watch.page(interpreter_context)
    seat_facilitator(
        convener,
        interpreter,
        origin,
        interpreter_account,
        role="interpreter",
        name="Karim Haddad",
        pairs="ar>en, en>ar",
    )
    link = invite_participant(convener)
    participant = DialogueClient(HttpTransport(origin))
    knock = participant.knock(link.removeprefix(origin))
    assert knock_fingerprint(convener) == knock["fingerprint"]
    let_in(convener)

    # The convener drafts and saves: version 1, said politely.
    summary(convener, origin, dialogue_id)
    expect(convener.locator("#versions-empty")).to_be_visible()
    convener.fill("#summary-text", FIRST)
    convener.fill("#terms", TERMS)
    convener.click("#draft-save")
    saved(convener, 1)
    status = convener.locator("#draft-status")
    assert status.get_attribute("aria-live") == "polite"
    expect(status).to_contain_text(re.compile(r"Draft saved at \S*\d{1,2}:\d{2}"))
    expect(versions(convener)).to_have_count(1)

    # The rapporteur's device, from the notes page's link: the draft, the terms; no review nor
    # export, and why.
    rapporteur.goto(f"{origin}/dialogues/{dialogue_id}/notes")
    expect(rapporteur.locator("#summary-link")).to_be_visible(timeout=WAIT)
    rapporteur.click("#summary-link")
    expect(rapporteur.locator("#summary-content")).to_be_visible(timeout=WAIT)
    expect(rapporteur.locator("#summary-text")).to_have_value(FIRST, timeout=WAIT)
    expect(rapporteur.locator("#terms")).to_have_value(TERMS)
    expect(rapporteur.locator("#conveners-only")).to_be_visible()
    expect(rapporteur.locator("#conveners-only")).to_contain_text("for the dialogue's conveners")
    for hidden in ("#run-review", "#export-row", "#archive"):
        expect(rapporteur.locator(hidden)).to_be_hidden()
    # Text typed and not saved survives a reload of the tab, named as such.
    rapporteur.fill("#summary-text", FIRST + TYPED)
    rapporteur.reload()
    expect(rapporteur.locator("#summary-content")).to_be_visible(timeout=WAIT)
    expect(rapporteur.locator("#summary-text")).to_have_value(FIRST + TYPED, timeout=WAIT)
    expect(rapporteur.locator("#draft-status")).to_contain_text("not saved yet")
    rapporteur.fill("#summary-text", FIRST + SECOND)
    rapporteur.click("#draft-save")
    saved(rapporteur, 2)
    expect(versions(rapporteur)).to_have_count(2)
    assert axe_violations(rapporteur, origin) == []

    # The convener's page still stands on version 1: saving there is held back, never silent.
    convener.fill("#summary-text", FIRST + " An edit made meanwhile.")
    convener.click("#draft-save")
    newer = convener.locator("#draft-newer")
    expect(newer).to_be_visible(timeout=WAIT)
    expect(newer).to_contain_text("Version 2 was saved on another device")
    expect(versions(convener)).to_have_count(2)
    convener.click("#draft-load-newer")
    expect(convener.locator("#summary-text")).to_have_value(FIRST + SECOND)
    expect(newer).to_be_hidden()
    convener.reload()
    expect(convener.locator("#summary-content")).to_be_visible(timeout=WAIT)
    expect(convener.locator("#summary-text")).to_have_value(FIRST + SECOND, timeout=WAIT)
    expect(versions(convener)).to_have_count(2)
    expect(versions(convener).nth(0)).to_contain_text("Version 2")
    expect(versions(convener).nth(0)).to_contain_text("Rapporteur")
    expect(versions(convener).nth(1)).to_contain_text("Version 1")
    expect(versions(convener).nth(1)).to_contain_text("Convener")

    # Restore version 1 (asked first): saved again as version 3.
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    convener.once("dialog", accept)
    versions(convener).nth(1).get_by_role("button", name="Restore version 1").click()
    expect(convener.locator("#draft-status")).to_contain_text(
        "Version 1 restored as version 3.", timeout=WAIT
    )
    assert asked and "Restore version 1?" in asked[0]
    expect(convener.locator("#summary-text")).to_have_value(FIRST)
    expect(versions(convener)).to_have_count(3)
    expect(versions(convener).nth(0)).to_contain_text("restored from version 1")
    # A change saves itself a few seconds later.
    convener.fill("#summary-text", FIRST + SECOND + " Saved by itself.")
    saved(convener, 4)
    assert axe_violations(convener, origin) == []
    convener.screenshot(path=str(artifacts / "summary-drafts-en.png"), full_page=True)

    # The interpreter's page says why; the participant's device holds no wrap of any draft.
    summary_url = f"{origin}/dialogues/{dialogue_id}/summary"
    interpreter.goto(f"{origin}/dialogues/{dialogue_id}/notes")
    expect(interpreter.locator("#notes-content")).to_be_visible(timeout=WAIT)
    expect(interpreter.locator("#summary-link")).to_be_hidden()
    interpreter.goto(summary_url)
    refusal = interpreter.locator("#refusal")
    expect(refusal).to_contain_text(
        "Only the dialogue's conveners and rapporteurs write summaries", timeout=WAIT
    )
    expect(refusal).to_contain_text("Interpreter")
    expect(interpreter.locator("#summary-text")).to_have_count(0)
    participant.open_device_session(dialogue_id)
    ring = participant.keyrings[dialogue_id]
    states = epochs.by_number(participant, dialogue_id)
    channel = td2.b64u_encode(well_known_channel_id("summary", ring.dialogue_id))
    listed = participant.call("GET", f"/api/v1/dialogues/{dialogue_id}/envelopes?channel={channel}")
    members = participant.call("GET", f"/api/v1/dialogues/{dialogue_id}")["members"]
    by_role = {m["role"]: m["handle"] for m in members}
    assert len(listed) == 4
    for envelope in listed:
        key = states[envelope["epoch"]].subkey(ring.dialogue_id, "meta")
        document = open_envelope(key, "summary", ring.dialogue_id, envelope)
        assert document["type"] == "summary_draft"
        assert set(document["box"]["wraps"]) == {by_role["convener"], by_role["rapporteur"]}
        assert CANARY not in json.dumps(document)
    assert td2.b64u_encode(ring.handle) == by_role["participant"]

    # A newcomer is let in (a new epoch) while the rapporteur's page is open on the old epoch and
    # on version 2: the save is held back for version 4, then, chosen, opens the dialogue again
    # and is sealed under the new epoch.
    convener.goto(f"{origin}/dialogues/{dialogue_id}")
    expect(convener.locator("#panels")).to_be_visible(timeout=WAIT)
    newcomer = DialogueClient(HttpTransport(origin))
    knock = newcomer.knock(invite_participant(convener).removeprefix(origin))
    assert knock_fingerprint(convener) == knock["fingerprint"]
    let_in(convener)
    rapporteur.fill("#summary-text", FIRST + LATER)
    rapporteur.click("#draft-save")
    expect(rapporteur.locator("#draft-newer")).to_contain_text("Version 4 was saved", timeout=WAIT)
    rapporteur.click("#draft-keep-mine")
    saved(rapporteur, 5)
    expect(rapporteur.locator("#draft-newer")).to_be_hidden()
    epochs_of = [
        e["epoch"]
        for e in participant.call(
            "GET", f"/api/v1/dialogues/{dialogue_id}/envelopes?channel={channel}"
        )
    ]
    assert epochs_of[-1] == max(epochs_of) > max(e["epoch"] for e in listed)

    # Arabic (right to left): the rapporteur's page, its versions and a save.
    switch_locale(rapporteur, "ar")
    summary(rapporteur, origin, dialogue_id)
    assert rapporteur.locator("html").get_attribute("dir") == "rtl"
    expect(rapporteur.locator("#summary-text")).to_have_value(FIRST + LATER, timeout=WAIT)
    expect(rapporteur.locator("#versions-heading")).to_have_text("نسخ المسودة")
    expect(versions(rapporteur)).to_have_count(5)
    expect(versions(rapporteur).nth(2)).to_contain_text("مستعادة من النسخة")
    rapporteur.fill("#summary-text", FIRST)
    rapporteur.click("#draft-save")
    expect(rapporteur.locator("#draft-status")).to_contain_text("حُفظت المسودة", timeout=WAIT)
    assert axe_violations(rapporteur, origin) == []
    rapporteur.screenshot(path=str(artifacts / "summary-drafts-ar.png"), full_page=True)
    switch_locale(interpreter, "ar")
    interpreter.goto(summary_url)
    expect(interpreter.locator("#refusal")).to_contain_text("منظِّمي الحوار ومقرِّريه", timeout=WAIT)
    assert axe_violations(interpreter, origin) == []

    assert watch.problems == [], watch.problems
    for each in (convener_context, rapporteur_context, interpreter_context):
        each.close()

    # The server stores ciphertext only: no draft text in any table.
    with live_app.app_context():
        dump = "\n".join(
            str(row)
            for table in db.metadata.sorted_tables
            for row in db.session.execute(select(table))
        )
    out, err = capfd.readouterr()
    logs = caplog.text + out + err
    # Positive controls: this is the flow's database and its server's log.
    assert dialogue_id in dump and channel in dump and f"/api/v1/dialogues/{dialogue_id}" in logs
    for secret in (CANARY, "gauge logs", "Kessa bridge", "ministry's position"):
        assert secret not in dump, secret
        assert secret not in logs, secret
