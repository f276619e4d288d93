"""One English word per glossary term (docs/design.md, "Glossary").

The glossary's "English UI word" column says how the English catalog translates each
UI word; a variant it names as "not …" (“workbench” for 工作台, “monthly report” for
月报, “backfill” for 补录) appears in no English msgstr, so a page never sends the
reader to a name no page or menu carries (review session 27, English UI #7)."""
from __future__ import annotations

import re
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "design.md"


def glossary() -> list[tuple[str, str, list[str]]]:
    """(UI word, English word, refused variants) per word of the glossary table."""
    text = DESIGN.read_text(encoding="utf-8")
    table = text.split("## Glossary", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    assert header[:3] == ["term (code)", "UI word", "English UI word"], header
    words = []
    for row in rows[1:]:
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        chinese, english = cells[1], cells[2]
        refused = re.findall(r"not “([^”]+)”", english)
        english = re.split(r";| \(not ", english)[0].strip()
        for zh, en in zip(chinese.split(" / "), english.split(" / "), strict=True):
            words.append((zh.strip(), en.strip(), refused))
    return words


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_the_glossary_has_an_english_word_for_every_term():
    words = glossary()
    assert len(words) > 30
    assert ("工作台", "Dashboard", ["workbench"]) in words
    assert ("月报", "Monthly summary", ["monthly report"]) in words


def test_each_glossary_word_is_translated_as_the_glossary_says(catalog):
    wrong = []
    for chinese, english, _refused in glossary():
        message = catalog.get(chinese)
        if message is None or isinstance(message.id, tuple):
            continue  # the word is only ever part of longer messages
        if english.lower() not in message.string.lower():
            wrong.append(f"{chinese}: {message.string!r}, the glossary says {english!r}")
    assert not wrong, "\n".join(wrong)


def test_no_english_message_uses_a_refused_variant(catalog):
    refused = {variant.lower() for _zh, _en, variants in glossary() for variant in variants}
    assert {"workbench", "monthly report", "backfill"} <= refused
    found = [f"{message.id!r}: {string!r}" for message in catalog if message.id
             for string in _strings(message)
             for variant in refused if variant in string.lower()]
    assert not found, "\n".join(found[:20])


def test_the_record_form_and_the_slots_have_one_name_each(catalog):
    """补录's form is named the same wherever a page points to it, and a task's
    remaining 名额 are "slots" on the task page and in its share text alike."""
    assert catalog.get("补录活动").string == "Record a past activity"
    assert catalog.get("剩余名额").string == "Slots left"
    assert catalog.get("剩余名额：%(left)d/%(slots)d").string.startswith("Slots left")
    places = [message.id for message in catalog if message.id
              for string in _strings(message) if re.search(r"(?i)places? left", string)]
    assert not places, places
