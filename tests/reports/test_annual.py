"""The 年度总结 (annual summary): its figures are the 月报's over the year."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import ReportStatus
from tracker.reports.annual import build_annual
from tracker.reports.summary import build_summary
from tracker.timeutil import local_today


def approved_at(item, creator, start_utc, people, minutes, *, served=0,
                status=ReportStatus.approved):
    task = f.task(item, creator, starts_at=start_utc)
    for person in people:
        b.join(task, person, minutes=minutes)
    b.report(task, creator, status, people=served)
    return task


def year_world(w):
    """Approved work in March, July and on 31 December 23:30 Beijing time (15:30 UTC:
    2025's), one 待审核 in May, and one on 1 January 00:10 Beijing time (still 31
    December in UTC: 2026's)."""
    clean = f.item(w.unit, w.community, "environment_cleanup", year=2025, target=10)
    training = f.item(w.unit, w.community, "ecommerce_training", year=2025, target=10)
    clean26 = f.item(w.unit, w.community, "environment_cleanup", year=2026, target=10)
    approved_at(clean, w.liaison, b.at_local(date(2025, 3, 10)), [w.member, w.leader], 60)
    approved_at(training, w.liaison, b.at_local(date(2025, 7, 5)), [w.member], 90, served=30)
    approved_at(clean, w.liaison, b.at_local(date(2025, 5, 5)), [w.other_member], 60,
                status=ReportStatus.submitted)
    approved_at(clean, w.liaison, datetime(2025, 12, 31, 15, 30, tzinfo=timezone.utc),
                [w.other_member], 45)
    approved_at(clean26, w.liaison, datetime(2025, 12, 31, 16, 10, tzinfo=timezone.utc),
                [w.member], 30)
    db.session.commit()


# by hand: 2025 is March (1次 环境整治, 2人次, 120 min), July (1场 电子商务培训, 1人次,
# 90 min, 30 served) and 31 December 23:30 (1次 环境整治, 1人次, 45 min): 1场、2次,
# 4人次, 255 min = 4.3 h, 3 distinct people. May's is pending; 1 January 00:10 is 2026's.
MONTHS = {3: ("1次", 2, 120), 7: ("1场", 1, 90), 12: ("1次", 1, 45)}


def test_the_year_is_its_twelve_months(world):
    year_world(world)
    s = build_annual(2025, unit=world.unit)
    t = s.figures.totals
    assert (t.activities, t.person_times, t.minutes, t.members) == (3, 4, 255, 3)
    for row in s.months:
        expected = MONTHS.get(row.month, ("", 0, 0))
        assert (row.activities(), row.totals.person_times, row.totals.minutes) == expected
    # the twelve 月报 of the same scope add up to the year
    monthly = [build_summary(2025, m, unit=world.unit).totals for m in range(1, 13)]
    assert sum(m.activities for m in monthly) == t.activities
    assert sum(m.person_times for m in monthly) == t.person_times
    assert sum(m.minutes for m in monthly) == t.minutes
    assert build_summary(2026, 1, unit=world.unit).totals.person_times == 1  # 00:10's


def test_the_text_and_tables_say_the_year(world):
    year_world(world)
    s = build_annual(2025, unit=world.unit)
    assert s.title == "县商务局2025年社区共建工作总结"
    assert s.subtitle == ["统计时间：2025年1月1日至12月31日", "（只计已审核通过的完成情况）"]
    text = [p.heading + p.text for p in s.paragraphs]
    assert text[0] == ("2025年，我局组织党员干部深入解放路社区开展共建活动1场、2次，参与党员干部"
                       "4人次（3人），累计志愿服务4.3小时，扎实推进社区共建工作。"
                       "现将全年工作总结如下：")
    # no “双创” work and no funds: their sections are left out, the rest numbered in order
    assert [p.heading for p in s.paragraphs if p.heading] == [
        "一、落实结对共建责任。", "二、组织党员志愿服务。", "三、资源清单完成情况。", "四、参与情况。"]
    # targets: 电子商务培训 counts 受益 (30 of 10), 环境整治 activities (2 of 10)
    assert text[3] == ("三、资源清单完成情况。全年资源清单共2项，已完成全年目标1项。各类别完成情况：电子商务培训"
                       "目标10人次、完成30人次（300.0%），环境整治目标10次、完成2次（20.0%）。")
    assert text[4] == "四、参与情况。我局在册党员干部3人，全年参与3人，参与率100.0%。"
    assert "另有1份完成情况待审核" in text[5]
    tables = {t.key: t for t in s.tables()}
    months = [[str(c) for c in row] for row in tables["months"].rows]
    assert len(months) == 13
    assert months[2] == ["2025年3月", "1次", "2", "2.0", "—", "1次", "—"]
    assert months[-1] == ["合计", "1场、2次", "4", "4.3", "1场", "2次", "—"]
    checklist = [[str(c) for c in row] for row in tables["checklist"].rows]
    # a year over: 时序进度 is the whole year, and a target short of it is not met (not
    # 「慢于时序进度80.0个百分点」: no time is left to catch up)
    assert checklist == [
        ["解放路社区", "电子商务培训", "10人次", "30人次", "300.0%", "100.0%", "已完成全年目标"],
        ["解放路社区", "环境整治", "10次", "2次", "20.0%", "100.0%", "未完成全年目标"],
    ]


def test_the_lead_names_the_people_participation_does_not_count(world):
    """A member of another unit on the unit's task is in the lead's people but not in
    参与情况 (the unit's own roll): the lead says so, as the 月报's does."""
    clean = f.item(world.unit, world.community, "environment_cleanup", year=2025)
    far = f.unit("县财政局")
    guest = f.member(far, name="赵外单位")
    approved_at(clean, world.liaison, b.at_local(date(2025, 6, 3)), [world.member, guest], 60)
    # 李四 of our unit took part only in 县财政局's activity, for 90 minutes
    theirs = f.item(far, world.community, "environment_cleanup", year=2025)
    approved_at(theirs, world.liaison, b.at_local(date(2025, 8, 3)), [world.other_member], 90)
    db.session.commit()
    s = build_annual(2025, unit=world.unit)
    assert "参与党员干部2人次（2人，其中外单位党员干部1人）" in s.paragraphs[0].text
    coverage = next(p.text for p in s.paragraphs if p.heading.endswith("参与情况。"))
    # the roll's 人次 and hours: 张三 60 min + 李四 90 min, where the lead's are 张三's
    # and 赵外单位's 60 + 60
    assert coverage.startswith(
        "我局在册党员干部3人，全年参与2人（其中1人只参加了其他单位组织的活动），参与率66.7%。"
        "本单位党员参与2人次、服务时长2.5小时（按活动当日所在单位计，含参加其他单位组织的活动）。")


def test_a_year_not_over_says_so_and_reads_the_schedule_today(world):
    today = local_today()
    # the world's checklist of this year: 环境整治 in 解放路社区 and 清除牛皮癣 in 建设路社区,
    # 10 each (次, 处)
    approved_at(world.item, world.liaison, b.at_local(today, 0), [world.member], 60)
    db.session.commit()
    s = build_annual(today.year, unit=world.unit, today=today)
    assert s.subtitle[0] == (f"统计时间：{today.year}年1月1日至{today.month}月{today.day}日"
                             "（本年度尚未结束）")
    # 时序进度: the days of the year passed by the end of today, of all its days
    passed = (today - date(today.year, 1, 1)).days + 1
    days = (date(today.year + 1, 1, 1) - date(today.year, 1, 1)).days
    schedule = f"{(Decimal(passed * 100) / days).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    checklist = next(p.text for p in s.paragraphs if p.heading.endswith("资源清单完成情况。"))
    # no target met and nothing done of 牛皮癣清除: left out of the text (附表3 lists them)
    assert checklist == ("全年资源清单共2项。各类别完成情况：环境整治目标10次、完成1次（10.0%）。"
                         f"截至{today.month}月{today.day}日，时序进度为{schedule}。")
    assert str(next(t for t in s.tables() if t.key == "checklist").rows[0][5]) == schedule


def test_the_funds_of_the_year_against_the_budget(october):
    """The dataset's 县商务局 spent 3,000.00 (March) + 2,600.00 (July) + 2,800.00
    (October, a 500.00 entry reversed) of its 10,000.00 budget in 解放路社区."""
    s = build_annual(2022, unit=october.unit)
    funds = next(p for p in s.paragraphs if p.heading.endswith("共建活动经费。"))
    assert funds.text == "全年使用共建活动经费8,400.00元，占年度预算（10,000.00元）的84.0%。"
    table = next(t for t in s.tables() if t.key == "funds")
    assert [str(c) for c in table.rows[-1]] == [
        "合计", "8,400.00", "10,000.00", "84.0%", "1,600.00", "0.00"]


# --- the page and its downloads (the October 2022 dataset) --------------------------------

def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def plain(html: str) -> str:
    return html.replace('<strong class="report-heading">', "").replace("</strong>", "")


def test_the_page_shows_the_document_and_links_its_downloads(client, login, october):
    login(october.admin)
    page = page_of(client, f"/reports/annual?unit={october.unit.id}&year=2022")
    summary = build_annual(2022, unit=october.unit)
    assert "县商务局2022年社区共建工作总结" in page
    for p in summary.paragraphs:
        assert p.heading + p.text in plain(page)
    assert "（只计已审核通过的完成情况）" in page
    for fmt in ("docx", "xlsx"):
        assert f"/reports/annual.{fmt}?unit={october.unit.id}&amp;year=2022" in page
    assert f'<a href="/reports/?unit={october.unit.id}">返回月报</a>' in page
    # the year is the twelve 月报 of 2022 added up (September, October, November hold work)
    monthly = [build_summary(2022, m, unit=october.unit).totals for m in range(1, 13)]
    t = summary.figures.totals
    assert (t.activities, t.person_times, t.minutes) == (
        sum(m.activities for m in monthly), sum(m.person_times for m in monthly),
        sum(m.minutes for m in monthly))
    assert [m.person_times for m in monthly] == [
        row.totals.person_times for row in summary.months]


def test_a_liaison_sees_their_communities_part(client, login, october):
    october.liaison.communities = [october.jianshe]
    db.session.commit()
    login(october.liaison)
    page = page_of(client, "/reports/annual?year=2022")
    assert "统计范围：建设路社区" in page
    assert "县商务局（建设路社区）2022年社区共建工作总结" in page
    assert "落实结对共建责任" not in page  # 解放路社区's pairing work is not theirs
    assert "全年在建设路社区参与" in page  # 参与情况 counts the same communities


def test_a_liaison_of_every_community_of_the_year_sees_the_whole_unit(client, login, october):
    october.liaison.communities = [october.jiefang, october.jianshe]
    db.session.commit()
    login(october.liaison)
    page = page_of(client, "/reports/annual?year=2022")
    assert "统计范围" not in page
    assert "县商务局2022年社区共建工作总结" in page
    admin = build_annual(2022, unit=october.unit)
    for p in admin.paragraphs:
        assert p.heading + p.text in plain(page)


@pytest.mark.parametrize("part", [True, False])
def test_a_liaisons_year_after_a_commit_earlier_in_the_request(client, login, october, part):
    """The liaison's communities come with the session lookup; a request that commits
    before the page is built — here the loader writing the session's last-seen time,
    due every few minutes — expires them, and the page reads them again: the same part
    of the unit, or the whole unit (session 35: the year's reach no longer reads them
    itself). Run as production runs a request, in an app context of its own."""
    from datetime import timedelta

    from sqlalchemy import update

    from tests.page_statements import own_app_context
    from tracker.models import LoginSession
    from tracker.timeutil import utcnow

    october.liaison.communities = [october.jianshe] if part else [october.jiefang,
                                                                  october.jianshe]
    db.session.commit()
    login(october.liaison)
    long_ago = utcnow() - timedelta(hours=1)
    db.session.execute(update(LoginSession).where(LoginSession.member_id == october.liaison.id)
                       .values(last_seen_at=long_ago))
    db.session.commit()
    with own_app_context(client):
        page = page_of(client, "/reports/annual?year=2022")
    seen = db.session.scalars(db.select(LoginSession.last_seen_at)
                              .where(LoginSession.member_id == october.liaison.id)).all()
    assert all(when > long_ago for when in seen)  # the loader did write it first
    if part:
        assert "统计范围：建设路社区" in page
        assert "县商务局（建设路社区）2022年社区共建工作总结" in page
    else:
        assert "统计范围" not in page
        assert "县商务局2022年社区共建工作总结" in page


@pytest.mark.parametrize("month", [1, 12])
def test_one_month_of_the_year_beyond_a_liaison_makes_the_year_their_part(
        client, login, october, month):
    """Each month of the unit's year is asked whether it went beyond the liaison (the
    question of the 月报 of that month), the year's first and last months too: work in a
    third community in that month alone makes the liaison of the other two see their
    part of the year, titled with their communities. The third community is counted
    nowhere; it is named only where the page says why they cannot 定稿 the unit's year,
    as the 月报 names it."""
    october.liaison.communities = [october.jiefang, october.jianshe]
    ximen = f.community("西门社区")
    item = f.item(october.unit, ximen, "environment_cleanup", year=2022)
    f.task(item, october.admin, starts_at=b.at_local(date(2022, month, 20)))
    db.session.commit()
    login(october.liaison)
    page = page_of(client, "/reports/annual?year=2022")
    assert "统计范围" in page
    assert "县商务局2022年社区共建工作总结" not in page
    refusal = re.search(r'<p class="help" data-figure="final_refused">(.*?)</p>', page, re.S)
    assert refusal and "本单位本年度还在西门社区开展了工作" in refusal.group(1)
    assert "西门社区" not in page.replace(refusal.group(0), "")  # not theirs: not counted


def test_a_bad_year_is_said_on_the_page_and_kept(client, login, october):
    login(october.admin)
    page = page_of(client, "/reports/annual?year=20x2")
    assert "年份格式不正确，请填写四位数字，如 2026。" in page
    assert 'value="20x2"' in page
    assert "社区共建工作总结" not in page
    future = page_of(client, "/reports/annual?year=2100")
    assert "这一年还没有到" in future
    assert client.get("/reports/annual.docx?year=abc").status_code == 400
    assert client.get("/reports/annual.docx?year=2100").status_code == 400


def test_the_monthly_page_links_the_annual_summary(client, login, october):
    login(october.admin)
    page = page_of(client, f"/reports/?unit={october.unit.id}&month=2022-10")
    assert f'href="/reports/annual?unit={october.unit.id}"' in page
    assert ">年度总结<" in page


def test_the_docx_holds_the_text_and_tables_in_chinese_fonts(client, login, october):
    login(october.admin)
    response = client.get(f"/reports/annual.docx?unit={october.unit.id}&year=2022")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    summary = build_annual(2022, unit=october.unit)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "县商务局2022年社区共建工作总结"
    for p in summary.paragraphs:
        assert p.heading + p.text in texts
    for name, font in [("Normal", "仿宋_GB2312"), ("Title", "方正小标宋简体"), ("Heading 1", "黑体")]:
        assert document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia")) == font, name
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "附表1　分月统计"
    months = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert len(months) == 1 + 12 + 1  # header, twelve months, 合计
    assert months[10][0] == "2022年10月" and months[-1][0] == "合计"
    assert months[-1][2] == str(summary.figures.totals.person_times)


def test_the_xlsx_has_the_text_and_one_sheet_per_table(client, login, october):
    login(october.admin)
    response = client.get(f"/reports/annual.xlsx?unit={october.unit.id}&year=2022")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    summary = build_annual(2022, unit=october.unit)
    assert book.sheetnames == ["汇总", *(t.title for t in summary.tables())]
    front = "".join(str(c.value) for row in book["汇总"].iter_rows() for c in row if c.value)
    assert "县商务局2022年社区共建工作总结" in front
    sheet = book["分月统计"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [str(v).replace("\n", "") for v in values[0][:4]] == [
        "月份", "活动", "人次", "服务时长（小时）"]
    assert values[-1][0] == "合计"
    assert values[-1][2] == summary.figures.totals.person_times
