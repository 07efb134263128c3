"""The summary the review benchmark times: a dialogue's notes in the working languages of a
multilingual mediation, naming the roster's people in their own script and in others, their
organisations by name and by abbreviation, and full of ordinary words. The same on every run."""

# The notes are written in the languages of the roster on purpose:
# ruff: noqa: RUF001

from __future__ import annotations

import random
from typing import Any

SEED = 20261208

# Twenty people, as a convener's roster has them: names in their own script, an alias or two,
# an organisation and a side.
ROSTER: tuple[dict[str, Any], ...] = (
    {"display_name": "أحمد الشريف", "affiliation": "نقابة الصيادين", "side": "North"},
    {"display_name": "نوید احمدزی", "affiliation": "شورای آب کابل", "side": "North"},
    {"display_name": "ثمینہ بلوچ", "affiliation": "Balochistan Water Forum", "side": "South"},
    {"display_name": "Мирослава Коваленко", "affiliation": "Водоканал Полтава", "side": "South"},
    {"display_name": "Надія Шевченко", "affiliation": "Громада Лубни", "side": "South"},
    {"display_name": "Дмитрий Волков", "affiliation": "Росводресурсы", "side": "North"},
    {"display_name": "יעל מזרחי", "affiliation": "רשות המים", "side": "North"},
    {"display_name": "דוד לוי", "affiliation": "עמותת הנחל", "side": "South"},
    {"display_name": "Ayşe Demir", "affiliation": "Dicle Su Birliği", "side": "North"},
    {"display_name": "Mehmet Yıldız", "affiliation": "Fırat Kooperatifi", "side": "South"},
    {"display_name": "ڕێباز کەریم", "affiliation": "یەکێتی جووتیاران", "side": "North"},
    {"display_name": "زرمینه یوسفزۍ", "affiliation": "د کونړ د اوبو شورا", "side": "South"},
    {
        "display_name": "Grace Mutua",
        "affiliation": "Highland Dairy Association",
        "aliases": ["HDA"],
        "side": "South",
    },
    {"display_name": "Mark Levin", "affiliation": "River Trust", "side": "North"},
    {"display_name": "Hélène Marchetti", "affiliation": "Agence de l'eau", "side": "South"},
    {"display_name": "Rosa Vargas", "affiliation": "Comunidad de Regantes", "side": "North"},
    {"display_name": "ليلى ناصر", "affiliation": "جامعة الوادي", "side": "South"},
    {"display_name": "پرستو رضایی", "affiliation": "تعاونی زنان دلتا", "side": "North"},
    {
        "display_name": "Tomás Oyelaran",
        "affiliation": "Regional Basin Commission",
        "aliases": ["Tom"],
        "side": "South",
    },
    {"display_name": "יוסף כהן", "affiliation": "מועצת העמק", "side": "North"},
)

# Sentences by language; {0} and {1} are people, written as the rapporteur would (their own
# spelling, or a transliteration for someone named in another script).
SENTENCES: dict[str, tuple[str, ...]] = {
    "en": (
        "{0} asked whether the upstream gauges could be read by both sides every morning.",
        "There was good news on the reservoir levels, and {0} thanked {1} for the figures.",
        "The group agreed that the rose garden by the weir is common ground, not a claim.",
        "{0} said the Highland Dairy Association would mark the new channel on its maps.",
        "Several participants felt the grace period for repairs was too short to be fair.",
    ),
    "ar": (
        "قال {0} إن التنافس الشريف على المياه ممكن إذا التزم الجميع بالجدول.",
        "اقترح {0} أن تتولى لجنة مشتركة قراءة العدادات مرة كل أسبوع.",
        "أبدى المشاركون أملاً في أن تصل المياه إلى القرى الجنوبية قبل الصيف.",
        "شكر {0} الزميل {1} على الأرقام التي قدمها عن منسوب السد.",
    ),
    "fa": (
        "{0} گفت که نوید خوبی برای کشاورزان پایین‌دست وجود دارد.",
        "آقای احمدی از شورا پرسید که سهم آب هر روستا چگونه حساب می‌شود.",
        "{0} پیشنهاد کرد که گزارش‌ها هر هفته به هر دو طرف فرستاده شود.",
        "به گفتهٔ {0} امید زیادی به توافق پیش از فصل کاشت هست.",
    ),
    "ur": (
        "{0} نے کہا کہ پانی کی تقسیم کا جدول سب کے سامنے رکھا جائے۔",
        "شرکاء نے امید ظاہر کی کہ اگلے ہفتے تک نہر کی مرمت ہو جائے گی۔",
        "{0} نے {1} سے پوچھا کہ بند کے پیچھے کتنا پانی ہے۔",
    ),
    "ru": (
        "{0} предложил публиковать данные о сбросе воды каждую неделю.",
        "Участники выразили надежду, что мир на реке возможен.",
        "По словам {0}, водоканал готов открыть доступ к датчикам.",
    ),
    "uk": (
        "{0} сказала, що надія на домовленість до весни ще є.",
        "Громада просить, щоб {0} представила графік ремонту каналу.",
        "Учасники погодилися, що воду треба ділити чесно між селами.",
    ),
    "he": (
        "{0} אמר שהדוד שלו מעבד שדות ליד הנחל כבר שלושים שנה.",
        "המשתתפים הסכימו שצריך למדוד את הזרימה בכל בוקר.",
        "{0} ביקש מ{1} לשלוח את הנתונים של רשות המים.",
    ),
    "tr": (
        "{0} toplantıda barajın su seviyesinin her hafta paylaşılmasını önerdi.",
        "Katılımcılar deniz kıyısındaki köylerin de dinlenmesi gerektiğini söyledi.",
        "{0} ile {1} ortak bir ölçüm takvimi üzerinde uzlaştı.",
    ),
    "ckb": (
        "{0} گوتی کە ئاو دەبێت بە دادپەروەری دابەش بکرێت.",
        "بەشداربووان ڕازی بوون کە هەموو هەفتەیەک ڕاپۆرت بنێررێت.",
    ),
    "ps": (
        "{0} وویل چې د اوبو ویش باید د ټولو کلیو لپاره عادلانه وي.",
        "ګډونوالو هیله وښوده چې تر دوبي مخکې ویاله ترمیم شي.",
    ),
    "fr": (
        "{0} a rappelé que l'Agence de l'eau publiera les relevés chaque semaine.",
        "Les participants ont salué le travail de {0} sur la carte des puits.",
    ),
    "es": (
        "{0} propuso que la Comunidad de Regantes comparta los datos con {1}.",
        "Los participantes hablaron de paz entre los usuarios del canal.",
    ),
}

# How a rapporteur writing in one script may spell someone named in another.
SPELLINGS: dict[str, dict[str, str]] = {
    "latin": {
        "أحمد الشريف": "Ahmad al-Sharif",
        "نوید احمدزی": "Navid Ahmadzai",
        "ثمینہ بلوچ": "Samina Baloch",
        "Мирослава Коваленко": "Miroslava Kovalenko",
        "Надія Шевченко": "Nadiya Shevchenko",
        "Дмитрий Волков": "Dmitry Volkov",
        "יעל מזרחי": "Yael Mizrahi",
        "דוד לוי": "David Levi",
        "ڕێباز کەریم": "Rebaz Karim",
        "ليلى ناصر": "Layla Nasser",
        "پرستو رضایی": "Parastoo Rezaei",
        "יוסף כהן": "Yosef Cohen",
    },
    "arabic": {
        "Grace Mutua": "غريس موتوا",
        "Mark Levin": "مارك ليفين",
        "Мирослава Коваленко": "ميروسلافا كوفالينكو",
        "Дмитрий Волков": "دميتري فولكوف",
        "יעל מזרחי": "ياعيل مزراحي",
    },
    "cyrillic": {
        "أحمد الشريف": "Ахмад аль-Шариф",
        "Ayşe Demir": "Айше Демир",
        "Mark Levin": "Марк Левин",
    },
    "hebrew": {
        "أحمد الشريف": "אחמד א-שריף",
        "Mark Levin": "מרק לוין",
        "Дмитрий Волков": "דמיטרי וולקוב",
    },
}
SCRIPT_OF_LANG = {
    "en": "latin", "tr": "latin", "fr": "latin", "es": "latin",
    "ar": "arabic", "fa": "arabic", "ur": "arabic", "ckb": "arabic", "ps": "arabic",
    "ru": "cyrillic", "uk": "cyrillic", "he": "hebrew",
}  # fmt: skip
NOTE_KINDS = ("point", "idea", "proposal", "agreement", "disagreement", "question", "action")


def _written(name: str, lang: str, rng: random.Random) -> str:
    """``name`` as written in a note in ``lang``: the roster's spelling, a transliteration, or
    the first or last word alone."""
    spelled = SPELLINGS.get(SCRIPT_OF_LANG[lang], {}).get(name, name)
    words = spelled.split()
    choice = rng.random()
    if choice < 0.15 and len(words) > 1:
        return words[0]
    if choice < 0.3 and len(words) > 1:
        return words[-1]
    return spelled


def summary(notes: int = 50, people: int = 20, chars: int = 20_000) -> dict[str, Any]:
    """A summary of ``notes`` notes (about ``chars`` characters in all) over five sessions."""
    rng = random.Random(SEED)  # noqa: S311 - the same made-up summary on every run
    names = [person["display_name"] for person in ROSTER[:people]]
    langs = sorted(SENTENCES)
    per_note = chars / max(1, notes)
    sessions: list[dict[str, Any]] = []
    for index in range(notes):
        lang = langs[index % len(langs)]
        text = ""
        while len(text) < per_note - 40:
            sentence = rng.choice(SENTENCES[lang])
            pair = rng.sample(names, 2)
            text += sentence.format(*(_written(name, lang, rng) for name in pair)) + " "
        note = {
            "kind": NOTE_KINDS[index % len(NOTE_KINDS)],
            "text": text.strip(),
            "lang": lang,
            "at": f"2026-12-0{1 + index // 10}T10:{index % 60:02d}:00+03:00",
        }
        if index % 10 == 0:
            sessions.append({"title": f"Day {1 + index // 10}", "day": note["at"][:10]})
            sessions[-1]["items"] = [
                {"title": "Water sharing", "rule": "chatham_house", "notes": []},
                {"title": "Next steps", "rule": "on_record", "notes": []},
            ]
        sessions[-1]["items"][index % 2]["notes"].append(note)
    return {"dialogue": {"title": "River dialogue, round 2"}, "sessions": sessions}


def context(people: int = 20) -> dict[str, Any]:
    return {"roster": [dict(person) for person in ROSTER[:people]], "sides": ["North", "South"]}


def size(built: dict[str, Any]) -> tuple[int, int]:
    """(notes, characters of note text) of a built summary."""
    texts = [
        note["text"]
        for session in built["sessions"]
        for item in session["items"]
        for note in item["notes"]
    ]
    return len(texts), sum(map(len, texts))
