"""The print pack, made in Chromium and printed to PDF, in English and in every right-to-left
locale.

One dialogue serves every locale (building it is the slow part): its working languages are
English and the six right-to-left locales, its session and items are titled in each, and the
convener's device makes an invitation in each language, plus one whose secret this device no
longer holds (as if made on another device). Then, for each locale, the convener reads the print
page in that language and prints the pack with Chromium (``page.pdf``). On the PDF, read back with
pypdfium2: each agenda page holds its session, items and rules in its own language, its text runs
right to left on the rendered page where the language is written so (by the boxes of its
characters), whatever the interface's direction; the team's guidance is not printed; the cards'
QR codes, rendered to an image, decode (zxing-cpp) to exactly the invitation links, and the card
whose secret is elsewhere is not printed but named as such. Making the pack sends nothing to the
server and reads no secret from it. The page passes axe-core in every locale. A rapporteur (not
a key steward) gets the agendas and no invitation cards.
"""

from __future__ import annotations

import re
import shutil
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from facilitator.core.i18n import locale_info
from tests.browser.test_live_room import seat_facilitator
from tests.browser.test_workspace import (
    ID,
    WAIT,
    Watch,
    axe_violations,
    open_editor,
    planned_day,
    sign_in,
)

pytestmark = pytest.mark.browser

LOCALES = ["en", "ar", "ckb", "fa", "he", "ps", "ur"]
RTL = [tag for tag in LOCALES if locale_info(tag).is_rtl]
TITLE = {
    "en": "Vell River water-sharing dialogue, round 3",
    "ar": "حوار تقاسم مياه نهر فيل، الجولة الثالثة",
    "ckb": "دیالۆگی دابەشکردنی ئاوی ڕووباری ڤێل",
    "fa": "گفت‌وگوی تقسیم آب رود ول، دور سوم",
    "he": "שיח על חלוקת מי נהר ול, סבב שלישי",
    "ps": "د ول سیند د اوبو د ویش خبرې، درېیم پړاو",
    "ur": "دریائے ویل کے پانی کی تقسیم پر مکالمہ، تیسرا دور",
}
SESSION = {
    "en": "Day one: perspectives",
    "ar": "اليوم الأول: وجهات النظر",
    "ckb": "ڕۆژی یەکەم: تێڕوانینەکان",
    "fa": "روز نخست: دیدگاه‌ها",
    "he": "יום ראשון: נקודות מבט",
    "ps": "لومړۍ ورځ: لیدلوري",
    "ur": "پہلا دن: نقطہ ہائے نظر",
}
# The first word of each session title: where the eye starts reading the page's heading.
FIRST_WORD = {tag: text.split()[0].rstrip(":") for tag, text in SESSION.items()}
OTHER_SESSION = {tag: f"{text} (2)" for tag, text in SESSION.items()}
ITEMS = [
    {
        "phase": "opening",
        "minutes": 30,
        "confidentiality": "on_record",
        "title": {
            "en": "Opening and ground rules",
            "ar": "افتتاح الجلسة وقواعد الحوار",
            "ckb": "کردنەوەی دانیشتن و یاساکانی گفتوگۆ",
            "fa": "آغاز نشست و قواعد گفت‌وگو",
            "he": "פתיחה וכללי השיח",
            "ps": "د غونډې پرانیستنه او د خبرو اصول",
            "ur": "اجلاس کا آغاز اور گفتگو کے اصول",
        },
    },
    {
        "phase": "perspectives",
        "minutes": 90,
        "confidentiality": "off_record",
        "title": {
            "en": "How each side sees the dry-season allocation",
            "ar": "كيف يرى كل طرف توزيع المياه في موسم الجفاف",
            "ckb": "هەر ئەندامێک چۆن دابەشکردنی ئاو دەبینێت",
            "fa": "هر طرف تقسیم آب فصل خشک را چگونه می‌بیند",
            "he": "איך כל צד רואה את חלוקת המים בעונה היבשה",
            "ps": "هر اړخ د وچ موسم د اوبو ویش څنګه ویني",
            "ur": "ہر فریق خشک موسم میں پانی کی تقسیم کو کیسے دیکھتا ہے",
        },
    },
]
GUIDANCE = "CANARY-TEAM-GUIDANCE: keep rebuttals for the afternoon."
# One invited person per language, each named in its own script.
PEOPLE = {
    "en": "Marie-Claire Ndiaye",
    "ar": "ليلى ناصر",
    "ckb": "شیلان ئەحمەد",
    "fa": "پرستو رضایی",
    "he": "נועה לוי",
    "ps": "ملالۍ احمدزی",
    "ur": "عائشہ خان",
}
ELSEWHERE = "Anatoly Greshnev"
# What each rule asks, as the catalogue of each language says it (checked in English only; in
# the other languages the agenda's own titles stand for the language).
RULES_EN = [
    "On the record: what is said may be quoted and attributed.",
    "Off the record: nothing said now may be quoted or used outside this room.",
]
BIDI_AND_SPACE = re.compile(r"[\s\u200c\u200d\u200e\u200f\u2066-\u2069\u061c]")
PUNCTUATION = ":,،()."


def squash(text: str) -> str:
    """Text as compared across the PDF's extraction: no spaces, line breaks, joiners or bidi
    marks, and letters in their canonical form (no presentation forms)."""
    return BIDI_AND_SPACE.sub("", unicodedata.normalize("NFKC", text))


def words(text: str) -> list[str]:
    return [squash(word.strip(PUNCTUATION)) for word in text.split() if word.strip(PUNCTUATION)]


def holds(page_text: str, text: str) -> bool:
    """Whether the page's text holds ``text``, word by word. pdfium gives the letters of some
    right-to-left words in the order they stand on the page (reversed), so a word counts either
    way; its true order on the page is checked separately, by the boxes of its letters."""
    flat = squash(page_text)
    return all(word in flat or word[::-1] in flat for word in words(text))


@dataclass
class World:
    origin: str
    watch: Watch
    context: Any
    page: Any
    dialogue_id: str
    links: dict[str, str] = field(default_factory=dict)
    elsewhere: str = ""
    make_member: Any = None


def create_dialogue(page: Any, origin: str) -> str:
    page.goto(origin + "/dialogues/new")
    english = page.locator("#language-boxes input[value='en']")
    if not english.is_checked():
        english.check()
    for tag in LOCALES[1:]:
        page.locator(f"#language-boxes input[value='{tag}']").check()
    for tag, text in TITLE.items():
        page.fill(f"#title-{tag}", text)
    page.select_option("#timezone", "Asia/Amman")
    page.select_option("#track", "II")
    page.select_option("#confidentiality", "chatham_house")
    page.fill("#display-name", "Samira Haddad-Lund")
    page.click("#new-dialogue button[type=submit]")
    page.wait_for_url(re.compile(rf"{re.escape(origin)}/dialogues/{ID}$"), timeout=WAIT)
    expect(page.locator("#panels")).to_be_visible(timeout=WAIT)
    return page.url.rsplit("/", 1)[1]


def add_session(page: Any, titles: dict[str, str], day: int, items: list[dict[str, Any]]) -> None:
    open_editor(page, "session")
    sessions = page.locator("#sessions > li.session")
    before = sessions.count()
    for tag, text in titles.items():
        page.fill(f"#session-title-{tag}", text)
    page.fill("#session-starts", f"{planned_day(day)}T09:00")
    page.fill("#session-ends", f"{planned_day(day)}T17:00")
    page.click("#session-submit")
    expect(sessions).to_have_count(before + 1, timeout=WAIT)
    open_editor(page, "item")
    for item in items:
        count = page.locator("#sessions li.item").count()
        page.select_option("#item-session", label=titles["en"])
        for tag, text in item["title"].items():
            page.fill(f"#item-title-{tag}", text)
        page.select_option("#item-phase", item["phase"])
        page.fill("#item-minutes", str(item["minutes"]))
        page.select_option("#item-confidentiality", item["confidentiality"])
        page.fill("#item-guidance-en", GUIDANCE)
        page.click("#item-submit")
        expect(page.locator("#sessions li.item")).to_have_count(count + 1, timeout=WAIT)


def invite(page: Any, name: str, language: str) -> str:
    open_editor(page, "invite")
    page.fill("#invite-name", name)
    page.select_option("#invite-language", language)
    page.select_option("#invite-attendance", "in_room")
    page.select_option("#invite-role", "participant")
    before = page.locator("#invitation-list > li").count()
    page.click("#participant-invite button[type=submit]")
    expect(page.locator("#invitation-list > li")).to_have_count(before + 1, timeout=WAIT)
    link = page.locator("#invite-link")
    expect(link).to_have_text(re.compile(r"/j/"), timeout=WAIT)
    return link.inner_text()


FORGET_SECRET = """async (inviteId) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("facilitator-dialogues", 1);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise((resolve, reject) => {
    const tx = db.transaction("records", "readwrite");
    tx.objectStore("records").delete(`invite:${inviteId}`);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}"""


def member_maker(app: Any) -> Any:
    """Team accounts on this module's own app (``make_member`` is bound to a test's app)."""
    from facilitator.accounts import service
    from facilitator.core.db import commit_boundary
    from facilitator.extensions import db
    from tests.conftest import PASSWORD, Member

    def make(role: str, username: str) -> Member:
        key = app.extensions["facilitator.settings"].totp_key
        with app.app_context(), commit_boundary():
            account = service.create_convener(db.session, username, PASSWORD, totp_key=key)
            account.role = role
            account.activated_at = account.created_at
            db.session.flush()
            return Member(
                account.id, account.username, role, PASSWORD, service.totp_secret(account, key)
            )

    return make


@pytest.fixture(scope="module")
def world(browser, migrated_template, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """One live server and one dialogue for every locale's test (see the module's docstring)."""
    from werkzeug.serving import make_server

    from facilitator.app import create_app
    from facilitator.extensions import db
    from facilitator.settings import Settings

    folder = tmp_path_factory.mktemp("print-pack")
    shutil.copyfile(migrated_template, folder / "facilitator.db")
    server = make_server("127.0.0.1", 0, None, threaded=True)  # type: ignore[arg-type]
    origin = f"http://127.0.0.1:{server.server_port}"
    settings = Settings(
        secret_key="test-secret-key-" + "k" * 32,
        database_url=f"sqlite:///{folder / 'facilitator.db'}",
        secure_cookies=False,
        public_origin=origin,
        testing=True,
    )
    app = create_app(settings)
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    make_member = member_maker(app)
    watch = Watch()
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = watch.page(context)
    try:
        sign_in(page, origin, make_member("convener", username="samira"))
        dialogue_id = create_dialogue(page, origin)
        add_session(page, SESSION, 0, ITEMS)
        add_session(page, OTHER_SESSION, 1, ITEMS[:1])
        world = World(origin, watch, context, page, dialogue_id, make_member=make_member)
        for tag, name in PEOPLE.items():
            world.links[tag] = invite(page, name, tag)
        elsewhere = invite(page, ELSEWHERE, "ru")
        world.elsewhere = elsewhere.split("/j/")[1].split("#")[0]
        page.evaluate(FORGET_SECRET, world.elsewhere)
        yield world
    finally:
        context.close()
        server.shutdown()
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def switch_locale(page: Any, tag: str) -> None:
    page.select_option("#locale-select", tag)
    page.locator(".locale-switcher button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", tag)


def open_print_page(page: Any, world: World) -> None:
    page.goto(f"{world.origin}/dialogues/{world.dialogue_id}/print")
    expect(page.locator("#print-content")).to_be_visible(timeout=WAIT)
    expect(page.locator("#loading")).to_be_hidden()


def pdf_pages(data: bytes) -> list[dict[str, Any]]:
    """Each page's text, its characters (for their boxes) and the page itself, to render."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    pages = []
    for page in pdf:
        textpage = page.get_textpage()
        pages.append(
            {
                "page": page,
                "textpage": textpage,
                "text": textpage.get_text_range(),
                "width": page.get_width(),
            }
        )
    return pages


def page_with(pages: list[dict[str, Any]], sample: str) -> dict[str, Any]:
    found = [page for page in pages if holds(page["text"], sample)]
    assert len(found) == 1, f"{sample!r} is on {len(found)} pages"
    return found[0]


def reading_order(page: dict[str, Any], word: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The boxes (left, bottom, right, top) of the first and the last letter of ``word`` as laid
    out on the rendered page, found in the page's text in either order (see ``holds``)."""
    flat, index = "", []
    for at, char in enumerate(page["text"]):
        for part in unicodedata.normalize("NFKC", char):
            flat += part
            index.append(at)
    word = squash(word)
    at = flat.find(word)
    if at >= 0:
        first, last = index[at], index[at + len(word) - 1]
    else:
        at = flat.find(word[::-1])
        assert at >= 0, f"{word!r} not found in the page's text"
        first, last = index[at + len(word) - 1], index[at]
    return page["textpage"].get_charbox(first), page["textpage"].get_charbox(last)


def check_agenda_page(pages: list[dict[str, Any]], tag: str) -> dict[str, Any]:
    """The agenda in ``tag``: its titles, and read in the language's direction."""
    page = page_with(pages, SESSION[tag])
    for item in ITEMS:
        assert holds(page["text"], item["title"][tag]), (tag, item["title"][tag])
    assert holds(page["text"], TITLE[tag]), tag
    assert "(2)" not in page["text"] and ")2(" not in page["text"], f"{tag}: the other session"
    assert "CANARY" not in page["text"], f"{tag}: the team's guidance was printed"
    assert "Asia/Amman" not in page["text"], f"{tag}: the zone is shown by its id"
    first, last = reading_order(page, FIRST_WORD[tag])
    if tag in RTL:
        assert first[0] > last[0], f"{tag}: the title does not read right to left"
        assert first[2] > page["width"] / 2, f"{tag}: the line does not start on the right"
    else:
        assert first[0] < last[0], f"{tag}: the title does not read left to right"
        assert first[0] < page["width"] / 2, f"{tag}: the line does not start on the left"
    return page


def decoded_links(pages: list[dict[str, Any]], artifacts: Path, tag: str) -> list[str]:
    """Every QR code on the pages that have cards, decoded from the rendered image."""
    import zxingcpp

    found = []
    for number, page in enumerate(pages):
        if "/j/" not in page["text"]:
            continue
        image = page["page"].render(scale=3).to_pil()
        image.save(artifacts / f"print-pack-{tag}-cards-{number}.png")
        codes = zxingcpp.read_barcodes(image)
        assert all(code.format == zxingcpp.BarcodeFormat.QRCode for code in codes)
        found.extend(code.text for code in codes)
    return found


@pytest.mark.parametrize("tag", LOCALES)
def test_print_pack_in_every_locale(world, tag, artifacts):
    page = world.page
    page.goto(f"{world.origin}/dialogues/{world.dialogue_id}")
    expect(page.locator("#print-link")).to_be_visible(timeout=WAIT)
    if page.locator("html").get_attribute("lang") != tag:
        switch_locale(page, tag)
    asked: list[tuple[str, str]] = []

    def record(request: Any) -> None:
        asked.append((request.method, request.url))

    page.on("request", record)
    page.click("#print-link")
    page.wait_for_url(f"{world.origin}/dialogues/{world.dialogue_id}/print")
    expect(page.locator("#print-content")).to_be_visible(timeout=WAIT)
    html = page.locator("html")
    expect(html).to_have_attribute("dir", locale_info(tag).direction)

    # Every working language is offered, and every agenda sheet has its own lang and dir.
    languages = page.locator("#pack-languages input[name=language]")
    assert languages.evaluate_all("(boxes) => boxes.map((box) => box.value)") == LOCALES
    first_session = page.locator(
        "#pack-session option", has_text=re.compile("^" + re.escape(SESSION[tag]) + " —")
    )
    page.select_option("#pack-session", first_session.get_attribute("value"))
    sheets = page.locator("#pack .agenda-sheet")
    expect(sheets).to_have_count(len(LOCALES))
    for index, sheet_tag in enumerate(LOCALES):
        sheet = sheets.nth(index)
        expect(sheet).to_have_attribute("lang", sheet_tag)
        expect(sheet).to_have_attribute("dir", locale_info(sheet_tag).direction)
        expect(sheet.locator(".sheet-title")).to_have_text(SESSION[sheet_tag])

    # The cards: one per invitation made here; the one whose secret is elsewhere is named as such.
    choices = page.locator("#card-list input[name=card]")
    expect(choices).to_have_count(len(PEOPLE))
    elsewhere = page.locator(f'#card-list li[data-invite-id="{world.elsewhere}"]')
    expect(elsewhere).to_have_class(re.compile("unavailable"))
    expect(elsewhere).to_contain_text(ELSEWHERE)
    assert elsewhere.locator("input").count() == 0
    expect(page.locator("#card-unavailable")).to_be_visible()
    cards = page.locator("#pack .invite-card")
    expect(cards).to_have_count(len(PEOPLE))
    for person_tag, name in PEOPLE.items():
        card = page.locator(".invite-card", has_text=name)
        expect(card).to_have_attribute("lang", person_tag)
        expect(card).to_have_attribute("dir", locale_info(person_tag).direction)
    assert axe_violations(page, world.origin) == [], tag
    if tag == "en":
        # What is left unticked is left out of the pack, and comes back when ticked again.
        page.locator("#pack-languages input[value=he]").uncheck()
        expect(sheets).to_have_count(len(LOCALES) - 1)
        expect(page.locator('#pack .agenda-sheet[lang="he"]')).to_have_count(0)
        page.locator("#pack-languages input[value=he]").check()
        choice = page.locator("#card-list li", has_text=PEOPLE["ar"]).locator("input")
        choice.uncheck()
        expect(cards).to_have_count(len(PEOPLE) - 1)
        choice.check()
        expect(sheets).to_have_count(len(LOCALES))
        expect(cards).to_have_count(len(PEOPLE))

    # "Print" asks the browser to print.
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.click("#pack-print")
    assert page.evaluate("() => window.printed === true")

    # Printed: the sheets alone, each agenda on its page, the cards four to a page.
    data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (artifacts / f"print-pack-{tag}.pdf").write_bytes(data)
    pages = pdf_pages(data)
    assert len(pages) == len(LOCALES) + 2, [p["text"][:40] for p in pages]
    for sheet_tag in LOCALES if tag == "en" else ["en", tag]:
        agenda = check_agenda_page(pages, sheet_tag)
        if sheet_tag == tag:
            agenda["page"].render(scale=2).to_pil().save(artifacts / f"print-pack-{tag}.png")
    english = squash(page_with(pages, "Day one: perspectives")["text"])
    for rule in RULES_EN:
        assert squash(rule) in english
    assert "09:00" in english and "17:00" in english, "times in the dialogue's own zone"
    everything = "".join(squash(p["text"]) for p in pages)
    assert holds(everything, PEOPLE[tag])
    # The link wraps anywhere on a card, and pdfium may hand a right-to-left card's lines back
    # reversed: each of its parts must be there (the QR codes are checked to the letter below).
    parts = re.sub(r"[-/#.:]+", " ", world.links[tag])
    assert squash(world.links[tag]) in everything or holds(everything, parts), (
        "the link is printed as text too"
    )
    assert ELSEWHERE not in everything
    assert sorted(decoded_links(pages, artifacts, tag)) == sorted(world.links.values())
    if tag in RTL:
        # The card's name, in its language's direction on the page.
        card_page = page_with(pages, PEOPLE[tag])
        first, last = reading_order(card_page, PEOPLE[tag].split()[0])
        assert first[0] > last[0], f"{tag}: the name on the card does not read right to left"

    # Making the pack wrote nothing to the server and sent no secret.
    assert [method for method, _url in asked if method != "GET"] == []
    secrets = [link.split("#")[1] for link in world.links.values()]
    for _method, url in asked:
        assert not any(secret.split(".")[0] in url for secret in secrets), url
    assert world.watch.problems == [], world.watch.problems
    page.remove_listener("request", record)


def test_a_rapporteur_prints_agendas_and_no_cards(world, browser):
    """Not a key steward: the agendas, and neither the invitations nor a request for them."""
    convener = world.page
    if convener.locator("html").get_attribute("lang") != "en":
        switch_locale(convener, "en")
    convener.goto(f"{world.origin}/dialogues/{world.dialogue_id}")
    expect(convener.locator("#panels")).to_be_visible(timeout=WAIT)
    member = world.make_member("rapporteur", username="dariush")
    context = browser.new_context(locale="he", timezone_id="Asia/Jerusalem")
    page = world.watch.page(context)
    seat_facilitator(convener, page, world.origin, member, role="rapporteur", name="Dariush")
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    open_print_page(page, world)
    expect(page.locator("#pack .agenda-sheet")).to_have_count(len(LOCALES))
    expect(page.locator("#pack-cards")).to_be_hidden()
    assert page.locator("#pack .invite-card").count() == 0
    assert not [url for url in asked if url.endswith("/invitations")], asked
    assert axe_violations(page, world.origin) == []
    # On a phone the preview fits the screen.
    page.set_viewport_size({"width": 375, "height": 740})
    overflow = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 1, "the print page scrolls sideways on a phone"
    assert world.watch.problems == [], world.watch.problems
    context.close()
