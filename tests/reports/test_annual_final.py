"""定稿 of the 年度总结 (task "yearfinal"), by the 月报's rule with the year for the month.

Whoever may write the year's words (an admin; a liaison their own unit's and their
communities') marks the year 已定稿 once it is over — from 1 January of the next year —
from the whole unit's view only. The document is kept as it then reads (page, .docx,
.xlsx, .csv) and its 落款 is the 定稿 date; the page and the downloads then serve it
byte for byte whatever changes, and the page names what differs in the live figures.
The year's 存在问题 / 下步打算 are refused until an admin re-opens the year (a liaison
may not). 定稿 and 重新打开 are audited.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AuditEvent, ReportStatus, SummaryScope, YearCopy, YearNote
from tracker.reports import annual_final
from tracker.reports.annual import build_annual
from tracker.services import PermissionDenied, ServiceError, unit_of_work, year_notes
from tracker.services.reviews import approve_report
from tracker.timeutil import local_today, to_local

YEAR = 2022  # the October 2022 dataset's year: long over


def query(o) -> str:
    return f"unit={o.unit.id}&year={YEAR}"


def document_section(html: str) -> str:
    return re.search(r'<article class="report">.*?</article>', html, re.S).group(0)


def downloads(client, q: str) -> dict:
    got = {}
    for fmt in ("docx", "xlsx", "csv"):
        response = client.get(f"/reports/annual.{fmt}?{q}")
        assert response.status_code == 200
        got[fmt] = response.data
        got[f"{fmt} name"] = unquote(response.headers["Content-Disposition"])
    return got


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_a_year_is_final_only_once_it_is_over(october):
    scope = SummaryScope(unit_id=october.unit.id)
    # 31 December is still the year: refused, nothing kept
    with pytest.raises(ServiceError, match="年度结束后"), unit_of_work():
        annual_final.finalize_year(october.admin, scope, YEAR, today=date(YEAR, 12, 31))
    assert db.session.scalar(select(func.count()).select_from(YearCopy)) == 0
    assert year_notes.find_year_note(scope, YEAR) is None or not (
        year_notes.find_year_note(scope, YEAR).final)
    # 1 January of the next year: it may be signed
    with unit_of_work():
        annual_final.finalize_year(october.admin, scope, YEAR, today=date(YEAR + 1, 1, 1))
    assert year_notes.find_year_note(scope, YEAR).final


def test_the_running_year_is_refused_on_the_page(client, login, october):
    login(october.admin)
    this_year = local_today().year
    q = f"unit={october.unit.id}&year={this_year}"
    page = client.get(f"/reports/annual?{q}").get_data(as_text=True)
    assert "年度结束后（次年1月1日起）可以定稿" in page and "/reports/annual/finalize" not in page
    response = client.post(f"/reports/annual/finalize?{q}", data={"confirmed": "1"}, follow_redirects=True)
    assert "年度结束后（次年1月1日起）才能定稿" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(YearCopy)) == 0


def test_the_kept_document_is_dated_the_day_of_its_final(october):
    scope = SummaryScope(unit_id=october.unit.id)
    with unit_of_work():
        annual_final.finalize_year(october.admin, scope, YEAR, today=date(YEAR + 1, 1, 5))
    signed_day = to_local(year_notes.find_year_note(scope, YEAR).finalized_at).date()
    copy = db.session.scalar(select(YearCopy))
    lines = copy.csv.decode("utf-8-sig").splitlines()
    # the 落款: the unit, then the day it was signed
    assert lines[lines.index("县商务局") + 1] == chinese_date(signed_day)
    # read on a later day, the document still carries the 定稿 date
    later = build_annual(YEAR, unit=october.unit, today=date(YEAR + 5, 3, 1))
    assert later.signed_on == chinese_date(signed_day)


def test_a_final_year_serves_what_was_signed(client, login, october):
    login(october.admin)
    q = query(october)
    assert client.post(f"/reports/annual/finalize?{q}", data={"confirmed": "1"}).status_code == 302
    signed_page = client.get(f"/reports/annual?{q}").get_data(as_text=True)
    signed = downloads(client, q)
    copy = db.session.scalar(select(YearCopy))
    assert (signed["docx"], signed["xlsx"], signed["csv"]) == (copy.docx, copy.xlsx, copy.csv)
    assert signed["csv name"].endswith("县商务局2022年社区共建工作总结.csv")
    assert "本年度总结已定稿" in signed_page and "定稿后数据有变化" not in signed_page

    with unit_of_work():  # an admin approves October's pending report after 定稿
        approve_report(october.tasks["待审核整治"].report, october.admin)

    # the page's document and every file are what was signed, byte for byte
    assert downloads(client, q) == signed
    page = client.get(f"/reports/annual?{q}").get_data(as_text=True)
    assert document_section(page) == document_section(signed_page)
    # … and the page says what the live figures changed: one more activity in October
    notice = re.search(r'data-figure="changed_since_final">(.*?)</p>', page, re.S).group(1)
    assert "定稿后数据有变化" in notice and "附表“分月统计”" in notice
    assert "current=1" in notice
    live = client.get(f"/reports/annual.csv?{q}&current=1")
    assert live.data != signed["csv"]
    assert "（当前数据，非定稿）" in unquote(live.headers["Content-Disposition"])


def test_the_years_words_are_refused_while_final(client, login, october):
    scope = SummaryScope(unit_id=october.unit.id)
    with unit_of_work():
        year_notes.save_year_notes(october.liaison, scope, YEAR, "原来的问题", "")
        annual_final.finalize_year(october.liaison, scope, YEAR)
    with pytest.raises(ServiceError, match="已定稿"), unit_of_work():
        year_notes.save_year_notes(october.admin, scope, YEAR, "改过的问题", "")
    # on the page: the refusal said, what was typed kept, nothing written
    login(october.liaison)
    response = client.post(f"/reports/annual/notes?{query(october)}",
                           data={"problems": "改过的问题", "plans": "明年的打算"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "该年度总结已定稿，不能再修改" in html and "改过的问题" in html
    assert year_notes.find_year_note(scope, YEAR).problems == "原来的问题"
    # re-opened by an admin, the words may be written again
    with unit_of_work():
        year_notes.reopen_year(october.admin, scope, YEAR)
        year_notes.save_year_notes(october.liaison, scope, YEAR, "改过的问题", "")
    assert year_notes.find_year_note(scope, YEAR).problems == "改过的问题"


def test_reopening_is_an_admins_and_audited(october):
    scope = SummaryScope(unit_id=october.unit.id)
    with unit_of_work():
        annual_final.finalize_year(october.liaison, scope, YEAR)
    with pytest.raises(PermissionDenied), unit_of_work():
        year_notes.reopen_year(october.liaison, scope, YEAR)
    assert year_notes.find_year_note(scope, YEAR).final
    with unit_of_work():
        year_notes.reopen_year(october.admin, scope, YEAR)
    note = year_notes.find_year_note(scope, YEAR)
    assert not note.final
    # the signed document stays, as history: re-opened, by the admin
    copy = db.session.scalar(select(YearCopy))
    assert copy.reopened_at is not None and copy.reopened_by_id == october.admin.id
    events = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id).where(
        AuditEvent.entity_type == "year_note").order_by(AuditEvent.id)).all()
    assert [tuple(e) for e in events] == [("finalize_year_summary", october.liaison.id),
                                          ("reopen_year_summary", october.admin.id)]
    # signed again: one document in force
    with unit_of_work():
        annual_final.finalize_year(october.admin, scope, YEAR)
    assert db.session.scalar(select(func.count()).select_from(YearCopy).where(
        YearCopy.reopened_at.is_(None))) == 1


def test_a_liaison_who_sees_part_of_the_units_year_may_not_sign_it(client, login, october):
    # 县商务局 also worked in 东门社区 in March 2022, which the liaison does not manage
    east = f.community("东门社区")
    item = f.item(october.unit, east, "environment_cleanup", year=YEAR)
    task = f.task(item, october.admin, starts_at=b.at_local(date(YEAR, 3, 8)))
    b.report(task, october.admin, ReportStatus.approved)
    db.session.commit()
    scope = SummaryScope(unit_id=october.unit.id)
    with pytest.raises(ServiceError, match="东门社区"), unit_of_work():
        annual_final.finalize_year(october.liaison, scope, YEAR)
    login(october.liaison)
    page = client.get(f"/reports/annual?{query(october)}").get_data(as_text=True)
    assert "不能为全单位定稿" in page and "/reports/annual/finalize" not in page
    # the admin signs the whole unit; the liaison then sees their part, live, told so
    with unit_of_work():
        annual_final.finalize_year(october.admin, scope, YEAR)
    page = client.get(f"/reports/annual?{query(october)}").get_data(as_text=True)
    assert "定稿的是全单位的年度总结" in page and "东门社区" in page
    assert db.session.scalar(select(YearNote.finalized_by_id)) == october.admin.id


def test_every_signed_document_of_the_year_stays_downloadable(client, login, october):
    """定稿记录: re-opened and signed again, both documents are listed, numbered, and each
    downloads as it was signed; another unit's year does not serve them."""
    scope = SummaryScope(unit_id=october.unit.id)
    with unit_of_work():
        annual_final.finalize_year(october.admin, scope, YEAR)
    first = db.session.scalar(select(YearCopy))
    first_csv = first.csv
    with unit_of_work():
        year_notes.reopen_year(october.admin, scope, YEAR)
        approve_report(october.tasks["待审核整治"].report, october.admin)
        annual_final.finalize_year(october.admin, scope, YEAR)
    login(october.liaison)  # manages every community the unit's 2022 touched
    page = client.get(f"/reports/annual?{query(october)}").get_data(as_text=True)
    assert "定稿记录（2份）" in page and "第1次定稿" in page and "（现行定稿）" in page
    response = client.get(f"/reports/annual/signed/{first.id}.csv?{query(october)}")
    assert response.status_code == 200 and response.data == first_csv
    assert unquote(response.headers["Content-Disposition"]).endswith(
        "县商务局2022年社区共建工作总结（第1次定稿）.csv")
    other = f"unit={october.other_unit.id}&year={YEAR}"
    login(october.admin)
    assert client.get(f"/reports/annual/signed/{first.id}.csv?{other}").status_code == 404
