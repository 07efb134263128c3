"""Consent of each side before a summary is exported, end to end in Chromium.

A convener lists a participant of each side (one reads Arabic, one Russian) and seats an
interpreter. Once the review is complete the convener sends the summary for approval; the
interpreter translates it into Arabic and Russian beside the original. The Arabic participant
reads the translation (right to left, the original a tap away) and approves: export stays refused,
with the reason. The Russian participant asks for changes with a comment, which the convener reads,
then approves: export is allowed. The JSON export's manifest holds two approvals whose signatures
and certificates verify here against the statements of docs/protocol.md, and no name, handle or
side. The text, the comment and the decisions never reach the database. A changed text needs the
approval again, and the command line checks the manifest against the ciphertext bundle.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from playwright.sync_api import expect

from tests.browser.test_live_room import admit, seat_facilitator
from tests.browser.test_notes_export import bundle_of, download, new_context
from tests.browser.test_workspace import WAIT, Watch, axe_violations, create_dialogue, sign_in

pytestmark = pytest.mark.browser

POLL = 30_000  # ms: the pages look for new answers every 4 to 5 s
LAYLA = {"name": "ليلى ناصر", "side": "Upper Vell", "language": "ar", "attendance": "remote"}
ANATOLY = {
    "name": "Анатолий Гречнев",
    "side": "Lower Vell",
    "language": "ru",
    "attendance": "remote",
}
FREE_TEXT = "CANARY-SUMMARY: both delegations agreed to share the gauge logs before the site visit."
ARABIC = "اتفق الوفدان على تبادل سجلات القياس قبل الزيارة الميدانية."
RUSSIAN = "Обе делегации согласились обменяться журналами измерений до выезда на место."
COMMENT = "CANARY-COMMENT: please say that the logs cover the last two dry seasons."
MORE_TEXT = " The logs cover the last two dry seasons."


@pytest.fixture
def origin(live_app):  # type: ignore[no-untyped-def]
    return live_app.config["LIVE_ORIGIN"]


def b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def side_states(page: Any) -> list[str]:
    return list(
        page.locator("#consent-sides > li").evaluate_all("(li) => li.map((x) => x.dataset.state)")
    )


def open_request(page: Any, origin: str, dialogue_id: str) -> None:
    """A participant follows the home page's link to the summary sent for approval."""
    page.goto(f"{origin}/p/{dialogue_id}")
    expect(page.locator("#approve-link")).to_be_visible(timeout=POLL)
    page.click("#approve-link")
    page.wait_for_url(f"{origin}/p/{dialogue_id}/approve", timeout=WAIT)
    expect(page.locator("#to-approve")).to_be_visible(timeout=WAIT)


def translate(interpreter: Any, lang: str, text: str) -> None:
    form = interpreter.locator("#translate-list li.translate-request form").first
    form.locator("select[name=lang]").select_option(lang)
    form.locator("textarea[name=text]").fill(text)
    form.locator("button[type=submit]").click()
    done = interpreter.locator("#translate-list .translated-into").first
    expect(done).to_have_attribute("data-langs", re.compile(rf"\b{lang}\b"), timeout=WAIT)


def answer(page: Any, decision: str, comment: str = "") -> None:
    page.locator(f"#answer-form input[name=decision][value={decision}]").check()
    page.fill("#answer-comment", comment)
    page.click("#answer-send")
    expect(page.locator("#answer-sent")).to_be_visible(timeout=WAIT)


def verify_approvals(manifest: dict[str, Any], dialogue_id: str) -> None:
    """Every approval and certificate against the statements of docs/protocol.md."""
    dialogue = b64u(dialogue_id)
    content = bytes.fromhex(manifest["content_sha256"])
    sides = {
        base64.urlsafe_b64encode(hashlib.sha256(side.encode()).digest()).rstrip(b"=").decode()
        for side in (LAYLA["side"], ANATOLY["side"])
    }
    assert {a["side_sha256"] for a in manifest["approvals"]} == sides
    order = [(a["side_sha256"], a["approval_public"]) for a in manifest["approvals"]]
    assert order == sorted(order)
    for approval in manifest["approvals"]:
        key = b64u(approval["approval_public"])
        Ed25519PublicKey.from_public_bytes(key).verify(
            b64u(approval["signature"]), b"td2/v1/summary-approval" + dialogue + content
        )
        Ed25519PublicKey.from_public_bytes(b64u(approval["certifier"])).verify(
            b64u(approval["certificate"]),
            b"td2/v1/approver" + dialogue + content + key + b64u(approval["side_sha256"]),
        )


def stored_bytes(live_app: Any) -> bytes:
    database = live_app.extensions["facilitator.settings"].database_url.removeprefix("sqlite:///")
    stored = b""
    for suffix in ("", "-wal", "-journal"):
        if Path(database + suffix).exists():
            stored += Path(database + suffix).read_bytes()
    return stored


def test_each_side_approves_before_export(
    browser, origin, live_app, make_member, artifacts, tmp_path
):
    watch = Watch()
    context = new_context(browser, locale="en-GB", timezone_id="Asia/Amman", accept_downloads=True)
    convener = watch.page(context)
    sign_in(convener, origin, make_member("convener", username="samira"))
    dialogue_id = create_dialogue(convener, origin)
    interpreter = watch.page(new_context(browser, locale="fr", timezone_id="Europe/Paris"))
    seat_facilitator(
        convener,
        interpreter,
        origin,
        make_member("interpreter", username="karim"),
        role="interpreter",
        name="Karim Benali",
        pairs="en>ar, en>ru",
    )
    arabic = admit(convener, new_context(browser, locale="ar"), watch, LAYLA, origin, dialogue_id)
    russian = admit(
        convener, new_context(browser, locale="ru"), watch, ANATOLY, origin, dialogue_id
    )

    # The review is complete: the approval section appears, export waits for it.
    convener.goto(f"{origin}/dialogues/{dialogue_id}/summary")
    expect(convener.locator("#summary-content")).to_be_visible(timeout=WAIT)
    convener.fill("#summary-text", FREE_TEXT)
    convener.click("#run-review")
    expect(convener.locator("#consent")).to_be_visible(timeout=WAIT)
    expect(convener.locator("#consent-hint")).to_contain_text(
        "Send the summary for approval", timeout=WAIT
    )
    expect(convener.locator("#export-json")).to_be_disabled()
    approvers = convener.locator("#consent-approvers input[name=approver]")
    expect(approvers).to_have_count(2)
    convener.click("#consent-send")
    expect(convener.locator("#consent-status")).to_contain_text("2 approvers", timeout=WAIT)
    expect(convener.locator("#consent-sides > li")).to_have_count(2, timeout=WAIT)
    assert side_states(convener) == ["waiting", "waiting"]
    assert convener.locator("#consent-sides").get_attribute("aria-live") == "polite"

    # The interpreter translates it, the original beside the text area.
    interpreter.goto(f"{origin}/dialogues/{dialogue_id}")
    interpreter.click("#approve-link")
    expect(interpreter.locator("#to-translate")).to_be_visible(timeout=WAIT)
    expect(interpreter.locator("#translate-list .original-text").first).to_contain_text(FREE_TEXT)
    translate(interpreter, "ar", ARABIC)
    translate(interpreter, "ru", RUSSIAN)
    assert axe_violations(interpreter, origin) == []

    # The Arabic participant reads the Arabic translation, right to left, and approves.
    open_request(arabic, origin, dialogue_id)
    shown = arabic.locator("#approve-reading .approval-translation")
    expect(shown).to_contain_text(ARABIC)
    assert shown.get_attribute("dir") == "rtl" and shown.get_attribute("lang") == "ar"
    original = arabic.locator("#approve-reading .approval-original")
    expect(original).to_be_hidden()
    arabic.click("#approve-reading button.show-original")
    expect(original).to_be_visible()
    expect(original).to_contain_text(FREE_TEXT)
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    assert axe_violations(arabic, origin) == []
    answer(arabic, "approve")
    arabic.screenshot(path=str(artifacts / "approval-ar.png"), full_page=True)

    # One side approved: export is still refused, and the page says why.
    expect(convener.locator("#consent-sides > li[data-state=approved]")).to_have_count(
        1, timeout=POLL
    )
    expect(convener.locator("#consent-hint")).to_contain_text("1 of 2 sides")
    expect(convener.locator("#export-json")).to_be_disabled()
    expect(convener.locator("#export-md")).to_be_disabled()

    # The Russian participant asks for changes; the convener reads the comment.
    open_request(russian, origin, dialogue_id)
    expect(russian.locator("#approve-reading .approval-translation")).to_contain_text(RUSSIAN)
    answer(russian, "changes", COMMENT)
    expect(convener.locator("#consent-sides > li[data-state=changes]")).to_contain_text(
        COMMENT, timeout=POLL
    )
    expect(convener.locator("#export-json")).to_be_disabled()

    # Then approves: export is allowed.
    answer(russian, "approve")
    expect(convener.locator("#export-json")).to_be_enabled(timeout=POLL)
    assert side_states(convener) == ["approved", "approved"]
    expect(convener.locator("#consent-refused")).to_be_hidden()
    assert axe_violations(convener, origin) == []
    convener.screenshot(path=str(artifacts / "approval-convener.png"), full_page=True)
    _name, exported = download(convener, "#export-json")
    summary_file = tmp_path / "summary.json"
    summary_file.write_bytes(exported)
    manifest = json.loads(exported)["manifest"]
    assert manifest["sides"] == 2 and len(manifest["approvals"]) == 2
    verify_approvals(manifest, dialogue_id)
    members = convener.evaluate(
        "async (id) => (await (await fetch(`/api/v1/dialogues/${id}`)).json()).members", dialogue_id
    )
    words = json.dumps(manifest, ensure_ascii=False)
    for secret in [m["handle"] for m in members] + [
        LAYLA["name"],
        ANATOLY["name"],
        LAYLA["side"],
        ANATOLY["side"],
        "Karim",
        "Samira",
    ]:
        assert secret not in words
    _name, markdown = download(convener, "#export-md")
    assert '"approvals"' in markdown.decode()

    # The text, the comment, the translations and the decisions never reach the database.
    stored = stored_bytes(live_app)
    for canary in (FREE_TEXT, COMMENT, ARABIC, RUSSIAN, '"decision"'):
        assert canary.encode() not in stored, canary

    # A changed text needs the approval again.
    bundle = bundle_of(convener, dialogue_id)
    convener.fill("#summary-text", FREE_TEXT + MORE_TEXT)
    convener.click("#run-review")
    expect(convener.locator("#consent-hint")).to_contain_text("approval again", timeout=WAIT)
    expect(convener.locator("#export-json")).to_be_disabled()
    assert watch.problems == [], watch.problems

    # The command line checks the exported manifest against the ciphertext bundle.
    from facilitator.cli import main

    bundle_file = tmp_path / "bundle.json"
    bundle_file.write_text(json.dumps(bundle))
    result = CliRunner().invoke(
        main, ["verify-manifest", "--bundle", str(bundle_file), "--summary", str(summary_file)]
    )
    assert result.exit_code == 0, result.output
