"""存在问题 / 下步打算 of the 年度总结 (review "annual2" #1).

The rule: whoever may write a 月报's words (an admin any summary; a liaison their own
unit's and their communities') writes the year's on the 年度总结 page. They are kept
per summary and year — not the 月报's, not another year's — and told after the figures
and the pending note, numbered on, one paragraph a line, each left out with its heading
when empty, in the page, .docx, .xlsx and .csv alike. Too long is said on the page,
what was typed kept. A save from an older page keeps the other's words in a field it
left as shown, and is refused where both wrote differently, as the 月报's is. The year's
定稿 is tests/reports/test_annual_final.py.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories as f
from tests.plans import paragraph_text
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AuditEvent, ReportStatus, SummaryNote, SummaryScope, YearNote
from tracker.reports.annual import build_annual
from tracker.reports.summary import build_summary
from tracker.services import PermissionDenied, unit_of_work
from tracker.services import summary_notes, year_notes


def one_activity(w):
    """One approved 环境整治 (a 志愿服务 category) in March 2025, its item's target 10."""
    clean = f.item(w.unit, w.community, "environment_cleanup", year=2025, target=10)
    task = f.task(clean, w.liaison, starts_at=b.at_local(date(2025, 3, 10)))
    b.join(task, w.member, minutes=60)
    b.report(task, w.liaison, ReportStatus.approved)
    db.session.commit()


def test_the_years_words_are_numbered_sections_after_the_figures(world):
    one_activity(world)
    scope = SummaryScope(unit_id=world.unit.id)
    with unit_of_work():
        year_notes.save_year_notes(world.liaison, scope, 2025, "问题一\n\n问题二", "")
    s = build_annual(2025, unit=world.unit)
    # 环境整治 is 志愿服务; the checklist and the roll follow; then 存在问题, numbered on;
    # 下步打算 is empty: left out with its heading
    assert [p.heading for p in s.paragraphs if p.heading] == [
        "一、组织党员志愿服务。", "二、资源清单完成情况。", "三、参与情况。", "四、存在问题。"]
    assert [p.text for p in s.paragraphs][-2:] == ["问题一", "问题二"]
    # another year, and the community's summary, have their own words
    assert not [p for p in build_annual(2024, unit=world.unit).paragraphs
                if "存在问题" in p.heading]
    assert not [p for p in build_annual(2025, community=world.community).paragraphs
                if "存在问题" in p.heading]


def test_the_years_words_and_the_months_are_apart(world):
    one_activity(world)
    scope = SummaryScope(unit_id=world.unit.id)
    with unit_of_work():
        summary_notes.save_notes(world.liaison, scope, 2025, 3, "三月的问题", "")
        year_notes.save_year_notes(world.liaison, scope, 2025, "", "明年的打算")
    year = [p.heading + p.text for p in build_annual(2025, unit=world.unit).paragraphs]
    assert "四、下步打算。明年的打算" in year
    assert not any("三月的问题" in t for t in year)
    march = [p.heading + p.text for p in build_summary(2025, 3, unit=world.unit).paragraphs]
    assert not any("明年的打算" in t for t in march)
    assert any(t.endswith("存在问题。三月的问题") for t in march)


def test_who_may_write_the_years_words(world):
    """As the 月报's: a liaison their own unit's and their communities', not another's."""
    other_unit = f.unit("县财政局")
    db.session.commit()
    with pytest.raises(PermissionDenied):
        year_notes.save_year_notes(world.liaison, SummaryScope(unit_id=other_unit.id), 2025,
                                   "问题", "")
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        year_notes.save_year_notes(world.liaison, SummaryScope(community_id=world.other_community.id),
                                   2025, "问题", "")
    db.session.rollback()
    with unit_of_work():
        year_notes.save_year_notes(world.admin, SummaryScope(unit_id=other_unit.id), 2025,
                                   "问题", "")
    assert db.session.scalar(select(YearNote.problems)) == "问题"


def test_the_audit_names_which_words_changed_not_the_words(world):
    scope = SummaryScope(unit_id=world.unit.id)
    with unit_of_work():
        year_notes.save_year_notes(world.liaison, scope, 2025, "问题", "")
    with unit_of_work():
        year_notes.save_year_notes(world.liaison, scope, 2025, "问题", "打算")
    events = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "save_year_notes").order_by(AuditEvent.id)))
    assert [e.detail["fields"] for e in events] == [["problems"], ["plans"]]
    assert all("问题" not in str(e.detail) for e in events)


# --- the page (the October 2022 dataset) ------------------------------------------------

def test_the_page_writes_them_into_every_format(client, login, october):
    login(october.liaison)
    query = f"unit={october.unit.id}&year=2022"
    page = client.get(f"/reports/annual?{query}").get_data(as_text=True)
    assert 'name="problems"' in page and "尚未填写（年度总结中不出现此部分）" in page
    response = client.post(f"/reports/annual/notes?{query}",
                           data={"problems": "部分党员工作日参与不足。", "plans": ""})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/annual?{query}")
    page = client.get(f"/reports/annual?{query}").get_data(as_text=True)
    headed = [p.heading + p.text for p in build_annual(2022, unit=october.unit).paragraphs
              if p.heading]
    # the last numbered section: the words, after every section of figures
    words = headed[-1]
    assert re.fullmatch(r"[一二三四五六七八九十]、存在问题。部分党员工作日参与不足。", words)
    heading = words.split("部分")[0]
    assert f'{heading}</strong>部分党员工作日参与不足。' in page
    assert "下步打算。" not in "".join(headed)  # empty: left out …
    assert "下步打算：" in page and "尚未填写" in page  # … and the page says so
    docx = Document(io.BytesIO(client.get(f"/reports/annual.docx?{query}").data))
    text_lines = [p.text for p in docx.paragraphs]
    assert words in text_lines
    assert not any("下步打算" in t for t in text_lines)
    book = load_workbook(io.BytesIO(client.get(f"/reports/annual.xlsx?{query}").data))
    assert words in [paragraph_text(c.value) for c in book["汇总"]["A"] if c.value]
    rows = list(csv.reader(io.StringIO(
        client.get(f"/reports/annual.csv?{query}").data.decode("utf-8-sig"))))
    assert [words] in rows


def test_a_refused_save_keeps_what_was_typed(client, login, october):
    login(october.liaison)
    query = f"unit={october.unit.id}&year=2022"
    response = client.post(f"/reports/annual/notes?{query}",
                           data={"problems": "长" * 2001, "plans": "打算"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "不能超过2000个字" in page and "长" * 2001 in page and "打算" in page
    assert db.session.scalar(select(YearNote)) is None
    assert db.session.scalar(select(SummaryNote)) is None


def test_the_page_offers_the_words_and_the_years_finalising(client, login, october):
    """A community's summary read by an admin: the form is there; 2022 is over, so the
    year's 定稿 button is offered (not a month's)."""
    login(october.admin)
    page = client.get(f"/reports/annual?community={october.jiefang.id}&year=2022").get_data(
        as_text=True)
    assert 'name="problems"' in page
    assert "/reports/finalize" not in page and "/reports/annual/finalize" in page


def test_going_back_from_the_years_question_brings_the_typed_words_back(client, login, october):
    """The year's 定稿 question, 「返回，不操作」 with no script (walk11 #1): the 年度总结
    again with the words as typed, nothing saved or signed."""
    login(october.admin)
    query = f"unit={october.unit.id}&year=2022"
    typed = {"problems": "年度新增问题X", "plans": "年度打算Y"}
    question = client.post(f"/reports/annual/finalize?{query}", data=typed).get_data(
        as_text=True)
    assert "确认定稿" in question and 'name="returning" value="1"' in question
    back = client.post(f"/reports/annual/finalize?{query}",
                       data={**typed, "confirmed": "1", "returning": "1"})
    assert back.status_code == 200
    page = back.get_data(as_text=True)
    assert re.search(r'name="problems"[^>]*>\s*年度新增问题X</textarea>', page)
    assert re.search(r'name="plans"[^>]*>\s*年度打算Y</textarea>', page)
    assert "确认定稿" not in page
    assert db.session.scalar(select(YearNote)) is None
