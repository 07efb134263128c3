"""A retracted live message leaves every screen: the devices connected at the time, and a device
that reads the log again from the start."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_live_room import (
    LAYLA,
    WAIT,
    LiveWatch,
    admit,
    send,
    texts,
    wait_live,
)
from tests.browser.test_workspace import add_agenda, create_dialogue, sign_in

KEPT = "The technical committee's figures are on the table."
RETRACTED = "Please strike that: the figures I named are not public."


@pytest.mark.browser
def test_a_retracted_message_leaves_every_screen(browser, origin, live_app, make_member):
    watch = LiveWatch()
    convener_context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    console = watch.page(convener_context)
    sign_in(console, origin, make_member("convener", username="samira"))
    dialogue_id = create_dialogue(console, origin)
    add_agenda(console)
    ar_context = browser.new_context(locale="ar", timezone_id="Asia/Amman")
    arabic = admit(console, ar_context, watch, LAYLA, origin, dialogue_id)
    console.goto(f"{origin}/dialogues/{dialogue_id}/live")
    arabic.click("#live-link")
    wait_live(console, arabic)

    send(console, KEPT)
    send(console, RETRACTED)
    for page in (console, arabic):
        expect(texts(page)).to_have_text([KEPT, RETRACTED], timeout=WAIT)
    message_id = console.locator("#messages li.message", has_text=RETRACTED).get_attribute(
        "data-message-id"
    )
    # A participant may not retract the convener's message; the convener (its author) may.
    refused = arabic.evaluate(
        """async ([dialogueId, messageId]) => {
            const api = await import("/static/js/dialogues/api.js");
            try { await api.del(`/dialogues/${dialogueId}/envelopes/${messageId}`); return 200; }
            catch (error) { return error.status; }
        }""",
        [dialogue_id, message_id],
    )
    assert refused == 403
    console.evaluate(
        """async ([dialogueId, messageId]) => {
            const api = await import("/static/js/dialogues/api.js");
            await api.del(`/dialogues/${dialogueId}/envelopes/${messageId}`);
        }""",
        [dialogue_id, message_id],
    )
    for page in (console, arabic):
        expect(texts(page)).to_have_text([KEPT], timeout=WAIT)
        expect(page.locator("#messages li.error-entry")).to_have_count(0)

    # A device that forgets its log and reads it again never shows the retracted message.
    arabic.evaluate(
        """async () => {
            const store = await import("/static/js/dialogues/store.js");
            for (const [key] of await store.loadAll("live-")) {
                if (key.startsWith("live-log:") || key.startsWith("live-seq:")) await store.forget(key);
            }
        }"""
    )
    arabic.reload()
    wait_live(arabic)
    expect(texts(arabic)).to_have_text([KEPT], timeout=WAIT)
    arabic.reload()
    wait_live(arabic)
    expect(texts(arabic)).to_have_text([KEPT], timeout=WAIT)
    problems = [p for p in watch.problems if "403" not in p]
    assert problems == [], watch.problems
    for context in (convener_context, ar_context):
        context.close()
