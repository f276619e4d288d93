"""The 年度总结 as the office reads it before signing (review "annual", findings 1–4,
6–10, 12, 13): it says which signed 月报 it no longer agrees with, an empty year reads
as an empty 月报 does, the checklist sentence tells what was done and no budget as a
target, and the 附表 write numbers, units and months as the rest of the document."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories as f
from tests.needs.support import need
from tests.reports.test_annual_query_count import BUDGET, STATEMENTS
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import NeedKind, NeedStatus, ReportStatus, SummaryCopy, TargetMeasure
from tracker.reports.annual import build_annual
from tracker.services import unit_of_work
from tracker.services.funds import add_entry
from tracker.services.reviews import approve_report
from tracker.timeutil import local_today

AGREES = "全年的数据与当年各月月报的数据一致"


def approved(item, creator, start_utc, people, minutes):
    task = f.task(item, creator, starts_at=start_utc)
    for person in people:
        b.join(task, person, minutes=minutes)
    b.report(task, creator, ReportStatus.approved)
    return task


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def months_rows(summary) -> list[list[str]]:
    table = next(t for t in summary.tables() if t.key == "months")
    return [[str(c) for c in row] for row in table.rows]


# --- 1: a 已定稿 month changed after 定稿 ---------------------------------------------------

def sign_october_and_approve_the_pending(client, login, october) -> list[str]:
    """October 2022 signed by the admin on the 月报 page, then its 待审核整治 (2 people,
    120 minutes each) approved: the live October has 2人次 and 4.0小时 more than the
    signed 月报. Gives the annual's October row before the change."""
    login(october.admin)
    before = months_rows(build_annual(2022, unit=october.unit))[9]
    assert client.post(f"/reports/finalize?unit={october.unit.id}&month=2022-10",
                       data={"confirmed": "1"}).status_code == 302
    return before


def test_a_signed_month_that_still_reads_as_signed_is_not_marked(client, login, october):
    sign_october_and_approve_the_pending(client, login, october)
    s = build_annual(2022, unit=october.unit)
    assert s.changed_months == [] and s.reworded_months == []
    assert months_rows(s)[9][0] == "2022年10月"
    assert not any("定稿后数据有变化" in p.text for p in s.paragraphs)
    assert AGREES in page_of(client, f"/reports/annual?unit={october.unit.id}&year=2022")


def test_a_signed_month_changed_since_is_marked_and_named(client, login, october):
    before = sign_october_and_approve_the_pending(client, login, october)
    with unit_of_work():
        approve_report(october.tasks["待审核整治"].report, october.admin)

    s = build_annual(2022, unit=october.unit)
    assert s.changed_months == [10]
    october_row = months_rows(s)[9]
    # the year counts the data as it is now: October's row has the approved 整治 in it
    assert october_row[0] == "2022年10月*"
    assert int(october_row[2]) == int(before[2]) + 2
    assert Decimal(october_row[3]) == Decimal(before[3]) + Decimal("4.0")
    # the other months are not marked
    assert [row[0] for row in months_rows(s)[:9]] == [f"2022年{m}月" for m in range(1, 10)]
    assert "10月月报定稿后数据有变化（附表1中标“*”的月份），本总结按当前数据统计。" in [
        p.text for p in s.paragraphs]

    page = page_of(client, f"/reports/annual?unit={october.unit.id}&year=2022")
    assert AGREES not in page
    notice = re.search(r'<p class="notice"[^>]*data-figure="changed_months".*?</p>', page,
                       re.S).group(0)
    assert "以下月份的月报定稿后数据有变化" in notice
    link = re.search(r'<a href="([^"]+)">2022年10月</a>', notice).group(1)
    assert "month=2022-10" in link and f"unit={october.unit.id}" in link
    # the link leads to the 月报 page, which serves the signed document and says it changed
    assert "定稿后数据有变化" in page_of(client, link.replace("&amp;", "&"))


def test_a_liaison_who_sees_the_whole_unit_is_told_of_the_changed_month(
        client, login, october, count_queries):
    """The liaison of every community of the unit's year reads the admin's document:
    its signed months are compared as on the admin's page (read with the year's words:
    session 34), within the page's budget of 6 statements, counted as production runs a
    request (tests/page_statements.py); a liaison of a part compares none."""
    from tests.page_statements import page_statements

    sign_october_and_approve_the_pending(client, login, october)
    with unit_of_work():
        approve_report(october.tasks["待审核整治"].report, october.admin)
    url = f"/reports/annual?unit={october.unit.id}&year=2022"
    # the liaison manages both communities
    statements, page = page_statements(client, login, count_queries, october.liaison, url)
    assert statements <= BUDGET
    notice = re.search(r'<p class="notice"[^>]*data-figure="changed_months".*?</p>', page,
                       re.S).group(0)
    assert ">2022年10月</a>" in notice
    october.liaison.communities = [october.jianshe]
    db.session.commit()
    assert 'data-figure="changed_months"' not in page_of(client, url)


def test_a_signed_month_adds_no_statement(client, login, october, count_queries):
    """Its 月报 is asked in the year's batch (tests/reports/test_annual_query_count.py:
    the year is 3 statements with or without signed months)."""
    sign_october_and_approve_the_pending(client, login, october)
    db.session.expire_all()
    with count_queries() as q:
        assert build_annual(2022, unit=october.unit).changed_months == []
    assert q.count == STATEMENTS


def test_a_copy_of_an_older_wording_is_not_called_changed_data(client, login, october):
    """A copy kept by an earlier release differs in its words, maybe not in its data: the
    document does not say the data changed, the page does not claim agreement."""
    sign_october_and_approve_the_pending(client, login, october)
    with unit_of_work():
        approve_report(october.tasks["待审核整治"].report, october.admin)
        for copy in db.session.scalars(select(SummaryCopy)):
            copy.wording_version = 0
    s = build_annual(2022, unit=october.unit)
    assert (s.changed_months, s.reworded_months) == ([], [10])
    assert months_rows(s)[9][0] == "2022年10月"
    assert not any("定稿后数据有变化" in p.text for p in s.paragraphs)
    page = page_of(client, f"/reports/annual?unit={october.unit.id}&year=2022")
    assert AGREES not in page
    assert 'data-figure="reworded_months"' in page



def test_a_signed_year_changed_since_claims_no_agreement_with_its_months(client, login,
                                                                         october):
    """Review docread40, #2: the year 2022 signed (no month signed), then October's pending
    report approved. The page serves the signed copy, which no longer adds up with the
    live 月报 of its months: it names what differs and does not claim that the year's
    figures are its months'. Asked for the current data, the page shows the live year,
    which does agree with them."""
    login(october.admin)
    q = f"unit={october.unit.id}&year=2022"
    assert client.post(f"/reports/annual/finalize?{q}", data={"confirmed": "1"}).status_code == 302
    assert AGREES in page_of(client, f"/reports/annual?{q}")  # signed, nothing changed
    with unit_of_work():
        approve_report(october.tasks["待审核整治"].report, october.admin)
    page = page_of(client, f"/reports/annual?{q}")
    assert 'data-figure="changed_since_final"' in page
    assert AGREES not in page
    assert "只计已审核通过的完成情况。" in page
    assert AGREES in page_of(client, f"/reports/annual?{q}&current=1")


# --- 2: an empty year -----------------------------------------------------------------------

def test_an_empty_year_reads_as_an_empty_month(world):
    """2024: a checklist item and a budget, 1,200.00元 spent in March, a 微心愿 a member
    fulfilled in May, no approved work and nobody took part: the plain sentence, the
    needs and the funds sentences, unnumbered; no zero figures, no roll call (an empty
    月报's rule)."""
    need(world.community, world.liaison, kind=NeedKind.wish, posted_on=date(2024, 5, 2),
         wanted_by=date(2024, 5, 30), status=NeedStatus.fulfilled, claimer=world.member,
         fulfilled_on=date(2024, 5, 10))
    f.item(world.unit, world.community, "environment_cleanup", year=2024, target=10)
    f.item(world.unit, world.community, "cobuild_funding", year=2024, target=500_000,
           measure=TargetMeasure.money)
    with unit_of_work():
        add_entry(world.liaison, world.unit, world.community, 2024,
                  entry_date=date(2024, 3, 5), amount_fen=120_000, purpose="购置共建物资")
    s = build_annual(2024, unit=world.unit)
    assert [(p.heading, p.text) for p in s.paragraphs] == [
        ("", "本年度暂无已审核的共建活动。"),
        ("", "认领社区需求清单，完成微心愿1个。"),
        ("", "全年使用共建活动经费1,200.00元，占年度预算（5,000.00元）的24.0%。"),
    ]


# --- 3 and 4: the checklist sentence and the budget -----------------------------------------

def test_the_checklist_tells_what_was_done_and_no_budget_as_a_target(world):
    """2025: 环境整治 target 2, done twice (met); 牛皮癣清除 target 10, nothing done;
    a budget of 1,000.00元 spent whole. The sentence counts the two items that are
    targets, one met; leaves out 牛皮癣清除 (nothing done) and the budget (section
    funds says it)."""
    clean = f.item(world.unit, world.community, "environment_cleanup", year=2025, target=2)
    f.item(world.unit, world.other_community, "ad_removal", year=2025, target=10)
    f.item(world.unit, world.community, "cobuild_funding", year=2025, target=100_000,
           measure=TargetMeasure.money)
    for day in (3, 17):
        approved(clean, world.liaison, datetime(2025, 4, day, 2, tzinfo=timezone.utc),
                 [world.member], 60)
    db.session.commit()
    with unit_of_work():
        add_entry(world.liaison, world.unit, world.community, 2025,
                  entry_date=date(2025, 4, 20), amount_fen=100_000, purpose="购置共建物资")
    s = build_annual(2025, unit=world.unit)
    text = {p.heading: p.text for p in s.paragraphs if p.heading}
    checklist = next(v for k, v in text.items() if k.endswith("资源清单完成情况。"))
    assert checklist == ("全年资源清单共2项（不含共建活动经费），已完成全年目标1项。各类别完成情况："
                         "环境整治目标2次、完成2次（100.0%）。")
    funds = next(v for k, v in text.items() if k.endswith("共建活动经费。"))
    assert funds == "全年使用共建活动经费1,000.00元，占年度预算（1,000.00元）的100.0%。"
    table = next(t for t in s.tables() if t.key == "checklist")
    rows = {str(row[1]): [str(c) for c in row] for row in table.rows}
    # a year over: 时序进度 is the whole year; a budget has no reading against it
    assert rows["共建活动经费"] == ["解放路社区", "共建活动经费", "1,000.00元", "1,000.00元",
                                "100.0%", "100.0%", "—"]
    assert rows["环境整治"][4:] == ["100.0%", "100.0%", "已完成全年目标"]


def test_nothing_done_on_the_checklist_leaves_its_section_out(world):
    f.item(world.unit, world.other_community, "ad_removal", year=2025, target=10)
    clean = f.item(world.unit, world.community, "elderly_visit", year=2025, target=0)
    approved(clean, world.liaison, datetime(2025, 4, 3, 2, tzinfo=timezone.utc),
             [world.member], 60)
    db.session.commit()
    s = build_annual(2025, unit=world.unit)
    assert not any(p.heading.endswith("资源清单完成情况。") for p in s.paragraphs)
    assert next(t for t in s.tables() if t.key == "checklist").rows  # the 附表 lists it


# --- 6 and 7: the .xlsx's checklist sheet ---------------------------------------------------

def test_the_xlsx_writes_the_schedule_and_money_as_numbers(client, login, october):
    """October 2022's budget: 10,000.00元, 8,400.00元 spent; 2022 is over, so 时序进度
    is 100% of the year."""
    login(october.admin)
    response = client.get(f"/reports/annual.xlsx?unit={october.unit.id}&year=2022")
    sheet = load_workbook(io.BytesIO(response.data))["资源清单完成情况"]
    rows = [row for row in sheet.iter_rows(min_row=4) if row[1].value]
    for row in rows:
        assert row[5].value == 1 and row[5].number_format == "0.0%"
    money = next(row for row in rows if row[1].value == "共建活动经费")
    assert (money[2].value, money[3].value) == (10000, 8400)
    assert money[2].number_format == money[3].number_format == '#,##0.00"元"'
    assert money[6].value == "—"


# --- 9 and 10: a year still running ---------------------------------------------------------

def test_a_running_year_lists_the_months_begun_and_marks_todays(world):
    today = local_today()
    s = build_annual(today.year, unit=world.unit)
    assert s.subtitle[0] == (f"统计时间：{today.year}年1月1日至{today.month}月{today.day}日"
                             "（本年度尚未结束）")
    labels = [row[0] for row in months_rows(s)]
    assert labels == [*(f"{today.year}年{m}月" for m in range(1, today.month)),
                      f"{today.year}年{today.month}月（截至{today.day}日）", "合计"]


# --- 12 and 13: the page ---------------------------------------------------------------------

PART_ONLY = "联络员看到的单位年度总结只统计本人负责的社区。"


def test_only_a_liaison_of_a_part_is_told_they_see_a_part(client, login, october):
    october.liaison.communities = [october.jiefang, october.jianshe]
    db.session.commit()
    login(october.liaison)
    assert PART_ONLY not in page_of(client, "/reports/annual?year=2022")
    october.liaison.communities = [october.jianshe]
    db.session.commit()
    assert PART_ONLY in page_of(client, "/reports/annual?year=2022")


def test_the_english_help_keeps_a_space_between_its_sentences(client, login, october):
    """Review walk3, #9: 「…only approved reports are counted.A liaison's annual summary…」
    — the two sentences of the help line are two sentences in English too, with the
    space between them a reader expects."""
    october.liaison.communities = [october.jianshe]
    db.session.commit()
    login(october.liaison)
    page = page_of(client, "/reports/annual?year=2022&lang=en")
    help_line = re.search(r'<p class="help">(.*?)</p>', page, re.S).group(1)
    assert re.search(r"are counted\.\s+A liaison's annual summary", help_line), help_line


def test_a_year_in_other_digits_is_refused(client, login, october):
    login(october.admin)
    for year in ("２０２２", "٢٠٢٢"):
        page = page_of(client, f"/reports/annual?unit={october.unit.id}&year={year}")
        assert "年份格式不正确，请填写四位数字，如 2026。" in page
        assert "社区共建工作总结" not in page
        assert client.get(f"/reports/annual.docx?unit={october.unit.id}&year={year}"
                          ).status_code == 400
