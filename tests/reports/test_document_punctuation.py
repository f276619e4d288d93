"""The text of the 月报 and the 年度总结 joins names and clauses and ends its sentences
as its language does: 「、」「，」「；」「。」 and 「（…）」 in Chinese, ", ", "; ", "." and
" (…)" in English — every separator through the catalog, as ``_("、")`` is, never a
Chinese literal inside English text (units51, left51 "### Open": "县第0局、县第1局 and
others (7 units)").

A document is handed in to the county's offices in Chinese, whoever downloads it
(``tables.DOCUMENT_LOCALE``; tests/reports/test_document_language.py): the page, the
.docx and the .xlsx an English reader gets print the Chinese sentences, and they read
byte for byte as they did (the golden texts and tests/reports/test_wording_version.py
pin the whole documents; the sentences are pinned here too). The English text is what
``narrative`` writes under an English locale."""
from __future__ import annotations

import io
import re
from datetime import date
from types import SimpleNamespace

from docx import Document
from flask_babel import force_locale
from openpyxl import load_workbook

from tests.reports.test_document_language import english
from tracker.reports.annual import build_annual
from tracker.reports.annual_text import annual_paragraphs
from tracker.reports.narrative import (
    paragraphs,
    places,
    roll_work_sentence,
    took_part_parts,
    units_named,
)
from tracker.reports.summary import build_summary

SIGNED = date(2022, 11, 3)
CHINESE_MARKS = ("、", "，", "；", "。", "（", "）")

# October 2022 (tests/reports/dataset.py), 县商务局's 月报: the sentences that join names
# and clauses and end with 「。」, as they have always read
MONTH = {
    "lead": "10月份，我局组织党员干部深入建设路社区、解放路社区开展共建活动3场、11次，参与党员干部48人次"
            "（13人），累计志愿服务126.5小时，扎实推进社区共建和城市“双创”工作。现将有关情况汇报如下：",
    "一、落实结对共建责任。": "针对解放路社区实际困难，按照单位资源清单落实帮扶措施：开展电子商务培训2场，"
                   "培训社区居民71人次；开展招商引资政策宣讲1场，覆盖群众40人次；结对帮扶困难群众5户。"
                   "本月使用共建活动经费2,800.00元，年度累计8,400.00元，占年度预算（10,000.00元）的84.0%。",
    "二、组织党员志愿服务。": "组织党员干部前往解放路社区报到，开展环境整治2次（11人次），"
                   "疫情防控值守3次（9人次，36.0小时），慰问“空巢”老人9人，增强社区居民幸福感、安全感、获得感。",
    "三、协同推进“双创”工作。": "按照“双创”工作安排，组织党员干部分组前往建设路社区责任区，"
                      "清除牛皮癣132处（一区47处、二区85处），粉刷楼道9个，"
                      "摸排统计下水道、人行道及其他破损道路问题17处（下水道5处、人行道7处、破损道路5处），"
                      "已移交相关部门11处，已整改3处。",
    "四、参与情况。": "我局在册党员干部15人，本月参与13人，参与率86.7%。未参与：冯某某、郑某某。",
}
# … and its 2022 年度总结's
YEAR = {
    "一、落实结对共建责任。": "全年针对解放路社区实际困难，按照单位资源清单落实帮扶措施：开展电子商务培训3场，"
                   "培训社区居民91人次；开展招商引资政策宣讲1场，覆盖群众40人次；结对帮扶困难群众5户。",
    "二、组织党员志愿服务。": "全年组织党员干部前往解放路社区报到，开展环境整治3次（13人次），"
                   "疫情防控值守3次（9人次，36.0小时），慰问“空巢”老人9人，增强社区居民幸福感、安全感、获得感。",
    "三、协同推进“双创”工作。": "按照“双创”工作安排，全年组织党员干部分组前往建设路社区责任区，"
                      "清除牛皮癣132处（一区47处、二区85处），粉刷楼道9个，"
                      "摸排统计下水道、人行道及其他破损道路问题17处（下水道5处、人行道7处、破损道路5处），"
                      "已移交相关部门11处，已整改3处。",
    "四、资源清单完成情况。": "全年资源清单共10项（不含共建活动经费），已完成全年目标5项。各类别完成情况："
                    "电子商务培训目标10人次、完成91人次（910.0%），招商引资政策宣讲目标10人次、完成40人次（400.0%），"
                    "困难群众结对帮扶目标10户次、完成5户次（50.0%），环境整治目标10次、完成3次（30.0%），"
                    "疫情防控目标10次、完成3次（30.0%），慰问“空巢”老人目标10人次、完成9人次（90.0%），"
                    "牛皮癣清除目标20处、完成132处（660.0%），楼道粉刷目标10个、完成9个（90.0%），"
                    "下水道、人行道及破损道路摸排目标10处、完成17处（170.0%）。",
    "五、参与情况。": "我局在册党员干部15人，全年参与13人，参与率86.7%。全年未参与：冯某某、郑某某。",
    "六、共建活动经费。": "全年使用共建活动经费8,400.00元，占年度预算（10,000.00元）的84.0%。",
}


def by_heading(paras) -> dict[str, str]:
    return {p.heading or "lead": p.text for p in paras if p.heading or p is paras[0]}


def data_words() -> list[str]:
    """What the data says in Chinese whatever the reader's language — the categories'
    names (「下水道、人行道及破损道路摸排」 has its own 「、」) —, taken out before looking
    for the text's own punctuation."""
    from tracker.extensions import db
    from tracker.models import Category

    names = db.session.scalars(db.select(Category.name)).all()
    return sorted(names, key=len, reverse=True)


def own_marks(text: str, words: list[str]) -> list[str]:
    for word in words:
        text = text.replace(word, "")
    return [mark for mark in CHINESE_MARKS if mark in text]


def test_the_chinese_month_and_year_read_as_they_always_have(october):
    month = build_summary(2022, 10, unit=october.unit, today=SIGNED)
    assert {k: v for k, v in by_heading(month.paragraphs).items() if k in MONTH} == MONTH
    year = build_annual(2022, unit=october.unit, today=date(2023, 1, 3))
    assert {k: v for k, v in by_heading(year.paragraphs).items() if k in YEAR} == YEAR


def test_an_english_reader_gets_the_chinese_document_on_the_page_and_in_word_and_excel(
        client, login, october):
    login(october.admin)
    english(client)
    query = f"unit={october.unit.id}&month=2022-10"
    page = re.sub(r"<[^>]+>", "", client.get(f"/reports/?{query}").get_data(as_text=True))
    docx = Document(io.BytesIO(client.get(f"/reports/monthly.docx?{query}").data))
    word = "\n".join(p.text for p in docx.paragraphs)
    book = load_workbook(io.BytesIO(client.get(f"/reports/monthly.xlsx?{query}").data))
    excel = "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                      for cell in row if cell)
    for heading, sentence in MONTH.items():
        for printed in (page, word, excel):  # the .xlsx wraps a paragraph over lines
            assert sentence in re.sub(r"\s+", "", printed), heading


def test_the_english_text_of_a_month_and_a_year_has_no_chinese_punctuation(app, october):
    month = build_summary(2022, 10, unit=october.unit, today=SIGNED)
    community = build_summary(2022, 10, community=october.jiefang, today=SIGNED)
    year = build_annual(2022, unit=october.unit, today=date(2023, 1, 3))
    words = data_words()
    with app.test_request_context(), force_locale("en"):
        texts = [p.text for s in (month, community) for p in paragraphs(s, None, s.attached)]
        texts += [p.text for p in annual_paragraphs(year)]
    assert len(texts) > 10
    left = {text: own_marks(text, words) for text in texts if own_marks(text, words)}
    assert not left, left
    assert "in 建设路社区, 解放路社区, with" in texts[0], texts[0]  # the lead's places
    every = "\n".join(texts)
    assert "71 person-times residents; Investment policy" in every  # 结对's clauses
    assert "(11 person-times), Epidemic-prevention duty: 3 times (9 person-times, 36.0 h)," \
        in every  # 志愿服务's clauses, and the detail in brackets
    assert "(一区 47处, 二区 85处)" in every  # the zones of the ads cleared


SEVEN = [f"县第{i}局" for i in range(7)]


def test_names_beyond_five_are_joined_in_each_language(app):
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert units_named(SEVEN) == "县第0局、县第1局、县第2局、县第3局、县第4局等7个单位"
            assert places(["甲社区", "乙社区"]) == "甲社区、乙社区"
        with force_locale("en"):
            assert units_named(SEVEN) == "县第0局, 县第1局, 县第2局, 县第3局, 县第4局 and others (7 units)"
            assert places(["甲社区", "乙社区"]) == "甲社区, 乙社区"


def test_the_roll_s_parts_are_joined_in_each_language(app):
    """left51's 「另含…」 and roll51's 调入 part (its units through ``units_named``)."""
    cov = SimpleNamespace(moved_out=1, left_roll=1, off_roll=0, person_times=3, minutes=120,
                          elsewhere_only=0, moved_in=2, took_part=2,
                          moved_in_units=("县财政局", "县民政局"), moved_in_off_roll=0, counted_now=0,
                          counted_now_units=())
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert roll_work_sentence(cov, None) == (
                "本单位党员参与3人次、服务时长2.0小时（按活动当日所在单位计，含参加其他单位组织的活动，"
                "另含本月调离的1人、本月离册的1人）。")
            assert took_part_parts(cov) == (
                "（均为本月调入，参与在调入前，人次和时长计入县财政局、县民政局）")
        with force_locale("en"):
            said = roll_work_sentence(cov, None) + took_part_parts(cov)
    assert not [mark for mark in CHINESE_MARKS if mark in said], said
    assert "县财政局, 县民政局" in said, said
