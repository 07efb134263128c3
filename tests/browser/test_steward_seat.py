"""A lead facilitator seated as a key steward lets a participant in from their own browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_workspace import (
    SCENARIO,
    WAIT,
    Watch,
    create_dialogue,
    invite_participant,
    knock_fingerprint,
    let_in,
    open_editor,
    participant_joins,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_lead_facilitator_steward_admits_a_participant(browser, live_app, make_member):
    origin = live_app.config["LIVE_ORIGIN"]
    watch = Watch()
    convener = make_member("convener", username="samira")
    lead = make_member("facilitator", username="oleksandr")
    convener_page = watch.page(browser.new_context(locale="en-GB"))
    sign_in(convener_page, origin, convener)
    dialogue_id = create_dialogue(convener_page, origin)

    open_editor(convener_page, "seat")
    convener_page.fill("#seat-username", "oleksandr")
    convener_page.select_option("#seat-role", "facilitator")
    convener_page.fill("#seat-name", "Oleksandr Petrenko")
    convener_page.check("#seat-steward")
    convener_page.click("#seat-form button[type=submit]")
    expect(convener_page.locator("#invitation-list")).to_contain_text("team seat", timeout=WAIT)

    lead_page = watch.page(browser.new_context(locale="ru"))
    sign_in(lead_page, origin, lead)
    lead_page.goto(origin + "/dialogues")
    lead_page.locator("#seat-list button").click()
    seat_fp = lead_page.locator("[data-seat-fingerprint]")
    expect(seat_fp).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"), timeout=WAIT)
    assert knock_fingerprint(convener_page) == seat_fp.inner_text()
    let_in(convener_page)

    # The lead facilitator now holds a steward key: the steward panel is theirs too.
    lead_page.goto(f"{origin}/dialogues/{dialogue_id}#invitations")
    expect(lead_page.locator("#steward-panel")).to_be_visible(timeout=WAIT)
    link = invite_participant(lead_page)
    participant_context = browser.new_context(locale="ar")
    participant_page, participant_fp = participant_joins(participant_context, watch, link, origin)
    assert knock_fingerprint(lead_page) == participant_fp
    let_in(lead_page)
    expect(participant_page.locator("html")).to_have_attribute("dir", "rtl")
    expect(participant_page).to_have_url(re.compile(rf"/p/{dialogue_id}$"), timeout=WAIT)
    # The chain verifies on the participant's device (anchored on the lead's key from the link):
    # the title decrypts, right to left.
    expect(participant_page.locator("#dialogue-title")).to_have_text(SCENARIO["title"]["ar"],
                                                                     timeout=WAIT)
    assert watch.problems == []
