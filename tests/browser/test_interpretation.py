"""Interpretation in text, in Chromium: the convener records a contested term in the dialogue's
glossary; an Arabic participant writes a message that uses it; the interpreter (ar>fr, ar>en)
sees it in their queue with the term highlighted, translates it into French and English, then
corrects the French; a French participant and an English-reading facilitator read it in their
language, marked as a translation, with the original one tap away."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_live_room import LiveWatch, admit, seat_facilitator, wait_live
from tests.browser.test_workspace import (
    add_agenda,
    axe_violations,
    create_dialogue,
    open_editor,
    sign_in,
)

pytestmark = pytest.mark.browser

WAIT = 20_000
LAYLA = {"name": "ليلى ناصر", "side": "Upper Vell", "language": "ar", "attendance": "remote"}
MARIE = {"name": "Marie-Claire Ndiaye", "side": "Lower Vell", "language": "fr", "attendance": "remote"}
ORIGINAL = "نطالب بإنهاء الاحتلال المائي لمنابع النهر قبل أي اتفاق."
FRENCH = "Nous demandons la fin de l'administration unilatérale des sources avant tout accord."
FRENCH_CORRECTED = "Nous demandons la fin de la gestion unilatérale des sources avant tout accord."
ENGLISH = "We ask for an end to the unilateral administration of the headwaters before any deal."


def add_term(convener: Any) -> None:
    open_editor(convener, "term")
    convener.fill("#term-agreed-en", "administration of the headwaters")
    convener.fill("#term-agreed-ar", "إدارة المنابع")
    convener.fill("#term-agreed-fr", "gestion des sources")
    convener.fill("#term-contested-en", "occupation")
    convener.fill("#term-contested-ar", "الاحتلال")
    convener.fill("#term-note", "Agreed on day 1: neither side's word.")
    convener.click("#term-submit")
    expect(convener.locator("#terms-table tr.term")).to_have_count(1, timeout=WAIT)
    expect(convener.locator("#terms-table")).to_contain_text("gestion des sources")


def translate(interpreter: Any, into: str, text: str) -> None:
    form = interpreter.locator("#interpreter-queue li.queue-original form").first
    form.locator("select").select_option(into)
    form.locator("textarea").fill(text)
    form.locator("button[type=submit]").click()


def test_a_message_translated_by_an_interpreter(browser, origin, make_member, artifacts):
    watch = LiveWatch()
    convener_context = browser.new_context(locale="en-GB", timezone_id="Asia/Amman")
    convener = watch.page(convener_context)
    sign_in(convener, origin, make_member("convener", username="samira"))
    dialogue_id = create_dialogue(convener, origin)
    add_agenda(convener)
    add_term(convener)

    interpreter_context = browser.new_context(locale="fr", timezone_id="Europe/Paris")
    interpreter = watch.page(interpreter_context)
    seat_facilitator(convener, interpreter, origin, make_member("interpreter", username="karim"),
                     role="interpreter", name="Karim Benali", pairs="ar>fr, ar>en")
    arabic = admit(convener, browser.new_context(locale="ar"), watch, LAYLA, origin, dialogue_id)
    french = admit(convener, browser.new_context(locale="fr"), watch, MARIE, origin, dialogue_id)

    interpreter.goto(f"{origin}/dialogues/{dialogue_id}/live")
    convener.goto(f"{origin}/dialogues/{dialogue_id}/live")
    arabic.click("#live-link")
    french.click("#live-link")
    wait_live(interpreter, convener, arabic, french)
    expect(interpreter.locator("#interpreter-panel")).to_be_visible()
    expect(convener.locator("#interpreter-panel")).to_be_hidden()
    convener.select_option("#message-lang", "en")  # the facilitator reads English
    expect(french.locator("#message-lang")).to_have_value("fr")

    # The convener starts the first item; the Arabic participant writes.
    convener.get_by_role("button", name="Start: Opening and ground rules").click()
    expect(arabic.locator("#current-item-rule")).to_have_attribute("data-rule", "on_record", timeout=WAIT)
    arabic.fill("#message-text", ORIGINAL)
    arabic.locator("#composer button[type=submit]").click()

    # The interpreter's queue: the message, the contested term highlighted with the agreed ones.
    waiting = interpreter.locator("#interpreter-queue li.queue-original")
    expect(waiting).to_have_count(1, timeout=WAIT)
    mark = waiting.locator("mark.term.contested")
    expect(mark).to_have_text("الاحتلال")
    assert "gestion des sources" in mark.get_attribute("title")
    interpreter.screenshot(path=str(artifacts / "interpreter-queue-fr.png"), full_page=True)
    assert axe_violations(interpreter, origin) == []

    translate(interpreter, "fr", FRENCH)
    expect(waiting.locator("select option")).to_have_count(1, timeout=WAIT)  # English still due
    translate(interpreter, "en", ENGLISH)
    expect(interpreter.locator("#interpreter-queue-empty")).to_be_visible(timeout=WAIT)

    # Readers see their language, marked, with the original a tap away.
    shown = french.locator("#messages li.message.is-translation")
    expect(shown.locator(".translation-text")).to_have_text(FRENCH, timeout=WAIT)
    expect(shown.locator(".badge.translated")).to_have_attribute("data-from", "ar")
    original = shown.locator(".original-text")
    expect(original).to_be_hidden()
    shown.locator("button.show-original").click()
    expect(original).to_be_visible()
    expect(original).to_have_text(ORIGINAL)
    expect(original).to_have_attribute("lang", "ar")
    english = convener.locator("#messages li.message.is-translation .translation-text")
    expect(english).to_have_text(ENGLISH, timeout=WAIT)
    # The author reads their own words; the translations are not messages of their own.
    expect(arabic.locator("#messages li.message .message-text")).to_have_text([ORIGINAL])

    # A correction replaces the French for its readers, marked as corrected.
    interpreter.locator("#my-translations li", has_text=FRENCH).locator("button").click()
    form = interpreter.locator("#my-translations form")
    form.locator("textarea").fill(FRENCH_CORRECTED)
    form.locator("button[type=submit]").click()
    expect(shown.locator(".translation-text")).to_have_text(FRENCH_CORRECTED, timeout=WAIT)
    expect(shown.locator(".badge.translated")).to_contain_text("(")
    french.screenshot(path=str(artifacts / "translation-fr.png"), full_page=True)

    # The interpreters' channel, inside the team channel: not shown to participants at all.
    interpreter.fill("#interpreter-text", "Je prends le relais à 11 h.")
    interpreter.locator("#interpreter-composer button[type=submit]").click()
    expect(interpreter.locator("#interpreter-messages li.message")).to_have_count(1, timeout=WAIT)
    expect(convener.locator("#team-messages li.message")).to_have_count(1, timeout=WAIT)
    assert "relais" not in french.content() and "relais" not in arabic.content()
    assert watch.problems == []
