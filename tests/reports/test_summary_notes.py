"""存在问题 and 下步打算: people's words in the 月报, kept per unit-or-community and
month, in every format, left out when empty, frozen once the month is 已定稿."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, SummaryNote, SummaryScope
from tracker.reports.summary import build_summary
from tests.plans import paragraph_text
from tracker.services import PermissionDenied, ServiceError, unit_of_work
from tracker.services import summary_notes as notes

MONTH = "2022-10"


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "summary_note").order_by(AuditEvent.id)))


def test_saved_words_are_numbered_sections_after_the_figures(october):
    unit = SummaryScope(unit_id=october.unit.id)
    with unit_of_work():
        notes.save_notes(october.liaison, unit, 2022, 10, "问题一\n\n问题二", "")
    summary = build_summary(2022, 10, unit=october.unit)
    headings = [p.heading for p in summary.paragraphs if p.heading]
    assert headings == ["一、落实结对共建责任。", "二、组织党员志愿服务。", "三、协同推进“双创”工作。",
                        "四、参与情况。", "五、存在问题。"]  # no 下步打算: it is empty
    texts = [p.text for p in summary.paragraphs]
    assert texts[-2:] == ["问题一", "问题二"]  # one paragraph a line, blanks dropped
    assert texts[-3].startswith("另有1份完成情况待审核")  # the pending note comes before
    # Another month, and the community's summary, have their own words.
    assert not [p for p in build_summary(2022, 9, unit=october.unit).paragraphs
                if "存在问题" in p.heading]
    assert not [p for p in build_summary(2022, 10, community=october.jiefang).paragraphs
                if "存在问题" in p.heading]


def test_finalise_freezes_the_words_and_an_admin_may_reopen(october):
    scope = SummaryScope(community_id=october.jiefang.id)
    with unit_of_work():
        notes.save_notes(october.liaison, scope, 2022, 10, "问题", "打算")
        notes.finalize(october.liaison, scope, 2022, 10, today=date(2022, 11, 3))
    with pytest.raises(ServiceError, match="已定稿"):
        notes.save_notes(october.liaison, scope, 2022, 10, "改", "改")
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        notes.reopen(october.liaison, scope, 2022, 10)
    with unit_of_work():
        notes.reopen(october.admin, scope, 2022, 10)
        notes.save_notes(october.admin, scope, 2022, 10, "改过的问题", "打算")
    assert actions() == ["save_summary_notes", "finalize_summary", "reopen_summary",
                         "save_summary_notes"]
    note = db.session.scalar(select(SummaryNote))
    assert (note.problems, note.final) == ("改过的问题", False)


def test_a_month_is_final_only_once_it_is_over(october):
    scope = SummaryScope(unit_id=october.unit.id)
    with pytest.raises(ServiceError, match="月份结束后"):
        notes.finalize(october.admin, scope, 2022, 10, today=date(2022, 10, 31))
    with pytest.raises(ServiceError, match="尚未定稿"):
        notes.reopen(october.admin, scope, 2022, 10)


def test_the_signature_is_dated_the_day_it_was_final(october):
    scope = SummaryScope(unit_id=october.unit.id)
    with unit_of_work():
        notes.finalize(october.admin, scope, 2022, 10, today=date(2022, 11, 3))
    summary = build_summary(2022, 10, unit=october.unit, today=date(2023, 5, 1))
    note = db.session.scalar(select(SummaryNote))
    from tracker.timeutil import to_local

    day = to_local(note.finalized_at).date()
    assert summary.signed_on == f"{day.year}年{day.month}月{day.day}日"


@pytest.mark.parametrize("actor, scope, allowed", [
    ("liaison", lambda o: SummaryScope(unit_id=o.unit.id), True),  # their own unit's words
    ("liaison", lambda o: SummaryScope(community_id=o.jianshe.id), True),
    ("liaison", lambda o: SummaryScope(unit_id=o.other_unit.id), False),
    ("admin", lambda o: SummaryScope(unit_id=o.other_unit.id), True),
])
def test_who_may_write(october, actor, scope, allowed):
    assert notes.may_write(getattr(october, actor), scope(october)) is allowed


def test_the_page_writes_them_into_every_format(client, login, october):
    login(october.liaison)
    query = f"unit={october.unit.id}&month={MONTH}"
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert 'name="problems"' in page and "尚未填写（月报中不出现此部分）" in page
    response = client.post(f"/reports/notes?{query}",
                           data={"problems": "部分党员工作日参与不足。", "plans": ""})
    assert response.status_code == 302
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert "五、存在问题。" in page and "部分党员工作日参与不足。" in page
    assert "六、下步打算" not in page  # empty: left out …
    assert "下步打算：" in page and "尚未填写" in page  # … and the page says so
    docx = Document(io.BytesIO(client.get(f"/reports/monthly.docx?{query}").data))
    text = [p.text for p in docx.paragraphs]
    assert "五、存在问题。部分党员工作日参与不足。" in text
    assert not any("下步打算" in t for t in text)
    book = load_workbook(io.BytesIO(client.get(f"/reports/monthly.xlsx?{query}").data))
    assert "五、存在问题。部分党员工作日参与不足。" in [paragraph_text(c.value)
                                               for c in book["汇总"]["A"] if c.value]
    rows = list(csv.reader(io.StringIO(
        client.get(f"/reports/monthly.csv?{query}").data.decode("utf-8-sig"))))
    assert ["五、存在问题。部分党员工作日参与不足。"] in rows


def test_a_refused_save_keeps_what_was_typed(client, login, october):
    login(october.liaison)
    query = f"unit={october.unit.id}&month={MONTH}"
    response = client.post(f"/reports/notes?{query}", data={"problems": "长" * 2001, "plans": "打算"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "不能超过2000个字" in page and "长" * 2001 in page and "打算" in page
    assert db.session.scalar(select(SummaryNote)) is None


def test_finalised_on_the_page_then_reopened_by_an_admin(client, login, october):
    login(october.liaison)
    query = f"community={october.jiefang.id}&month={MONTH}"
    client.post(f"/reports/notes?{query}", data={"problems": "问题", "plans": "打算"})
    assert client.post(f"/reports/finalize?{query}", data={"confirmed": "1"}).status_code == 302
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert "本月月报已定稿" in page and 'name="problems"' not in page
    assert "/reports/reopen" not in page  # a liaison cannot re-open
    assert client.post(f"/reports/reopen?{query}").status_code == 403
    login(october.admin)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert "/reports/reopen" in page
    assert client.post(f"/reports/reopen?{query}").status_code == 302
    assert 'name="problems"' in client.get(f"/reports/?{query}").get_data(as_text=True)


def test_the_audit_names_which_words_changed_not_the_words(october):
    """存在问题 may well name a resident (「幸福里2栋刘桂兰老人家漏水」); the trail, which
    nothing can ever be taken out of, says which of the two texts changed, not what they
    say: the note itself and the month's signed copy keep the words."""
    scope = SummaryScope(unit_id=october.unit.id)
    with unit_of_work():
        notes.save_notes(october.liaison, scope, 2022, 10, "幸福里2栋刘桂兰老人家漏水", "")
    with unit_of_work():
        notes.save_notes(october.liaison, scope, 2022, 10, "幸福里2栋刘桂兰老人家漏水",
                         "联系物业维修")
    rows = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "save_summary_notes").order_by(AuditEvent.id)))
    assert [row.detail["fields"] for row in rows] == [["problems"], ["plans"]]
    for row in rows:
        assert "刘桂兰" not in str(row.detail) and "物业" not in str(row.detail)
