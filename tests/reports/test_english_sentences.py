"""The English text of the 月报 and the 年度总结 puts one space between its sentences
(words53, english52's (a): 「…households.2,800.00 yuan…」, 「…86.7%.Not yet…」).

One rule: a sentence's msgstr never starts with a space; ``narrative.sentences`` joins
sentences, with the text language's own space between them — none in Chinese, whose
「。」 needs none, one in English. The Chinese text reads byte for byte as it did
(tests/reports/test_document_punctuation.py, the golden texts)."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import force_locale

from tests.reports.test_document_punctuation import SIGNED
from tracker.reports.annual import build_annual
from tracker.reports.annual_text import annual_paragraphs
from tracker.reports.narrative import paragraphs
from tracker.reports.summary import build_summary

# a sentence's end and the next sentence's first letter or figure with no space between:
# 「households.2,800.00」, 「86.7%.Not」 — not a decimal point (「36.0」) nor a full
# stop before a closing bracket or quote
RUN_TOGETHER = re.compile(r"[.!?][^\s\d)”’\"]|(?<=[^\s\d])[.!?]\d")


def english_texts(app, october) -> list[str]:
    month = build_summary(2022, 10, unit=october.unit, today=SIGNED)
    community = build_summary(2022, 10, community=october.jiefang, today=SIGNED)
    year = build_annual(2022, unit=october.unit, today=date(2023, 1, 3))
    with app.test_request_context(), force_locale("en"):
        texts = [p.text for s in (month, community) for p in paragraphs(s, None, s.attached)]
        return texts + [p.text for p in annual_paragraphs(year)]


def test_english_sentences_are_apart_by_one_space(app, october):
    texts = english_texts(app, october)
    assert len(texts) > 10
    together = {text: RUN_TOGETHER.findall(text) for text in texts if RUN_TOGETHER.search(text)}
    assert not together, together
    spaced = [text for text in texts if "  " in text or text != text.strip()]
    assert not spaced, spaced
    every = "\n".join(texts)
    assert "needy households. 2,800.00 yuan of co-building funds" in every
    assert "86.7%. Not yet taken part: " in every
    assert "solidly advancing community co-building. The details are as follows:" in every


def test_sentences_are_joined_as_their_language_writes_them(app):
    from tracker.reports.narrative import sentences

    with app.test_request_context():
        with force_locale("zh_CN"):
            assert sentences("结对帮扶困难群众5户。", "", "本月使用经费10元。") == \
                "结对帮扶困难群众5户。本月使用经费10元。"
        with force_locale("en"):
            assert sentences("Helped 5 households.", "", "10 yuan spent.") == \
                "Helped 5 households. 10 yuan spent."
            assert sentences("", "Besides, findings of earlier months fixed: 1.") == \
                "Besides, findings of earlier months fixed: 1."



def test_the_notes_heading_is_a_sentence_before_the_words_it_heads(app, october):
    """存在问题 / 下步打算's heading and the people's first line are one paragraph: run on
    in Chinese (「五、存在问题。部分…」), one space apart in English — the sentence joiner's
    (``narrative.heading_before``), not a space the heading's msgstr carried (then55)."""
    from types import SimpleNamespace

    month = build_summary(2022, 10, unit=october.unit, today=SIGNED)
    year = build_annual(2022, unit=october.unit, today=date(2023, 1, 3))
    year.note = SimpleNamespace(problems="部分党员工作日参与不足。\n另一行。",
                                plans="Weekends.")
    notes = year.note
    read = {}
    for lang in ("zh_CN", "en"):
        with app.test_request_context(), force_locale(lang):
            read[lang] = [[p.heading + p.text for p in built if p.heading][-2:]
                          for built in (paragraphs(month, notes, month.attached),
                                        annual_paragraphs(year))]
    unnumbered = {lang: [[line.split("、", 1)[1] for line in headed] for headed in both]
                  for lang, both in read.items()}
    assert unnumbered["zh_CN"] == [["存在问题。部分党员工作日参与不足。", "下步打算。Weekends."]] * 2
    assert unnumbered["en"] == [["Problems. 部分党员工作日参与不足。", "Next steps. Weekends."]] * 2


def test_every_numbered_heading_is_a_sentence_before_its_text(app, october):
    """The sections' headings (「一、落实结对共建责任。」) stand before their text as the notes'
    do: run on in Chinese, one space apart in English ("…co-building duties. To …"),
    never "…duties.To …" (then55's Open)."""
    month = build_summary(2022, 10, unit=october.unit, today=SIGNED)
    year = build_annual(2022, unit=october.unit, today=date(2023, 1, 3))
    read = {}
    for lang in ("zh_CN", "en"):
        with app.test_request_context(), force_locale(lang):
            read[lang] = [p.heading + p.text
                          for built in (paragraphs(month, None, month.attached),
                                        annual_paragraphs(year))
                          for p in built if p.heading]
    assert len(read["en"]) >= 4
    together = [line for line in read["en"] if RUN_TOGETHER.search(line)]
    assert not together, together
    assert all("。 " not in line for line in read["zh_CN"]), read["zh_CN"]
