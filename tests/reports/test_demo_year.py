"""The demo's finished year (`flask seed-demo`, task "demoyear"): besides the months up
to today, the demo holds last year — its checklist, one approved activity per category
a quarter, its funds and findings, its words — and the unit's 年度总结 for it, signed
by the admin through the 定稿 button's own function. A newcomer opening 年度总结 for
last year sees a 已定稿 document whose kept copy is what the live figures read, and
whose text says what was seeded.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from tests.clock import set_app_clock
from tracker import timeutil
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    ReportStatus,
    RollPeriod,
    SummaryCopy,
    SummaryNote,
    SummaryScope,
    Task,
    YearCopy,
)
from tracker.rollups.coverage import on_roll
from tracker.services import year_notes

CHANGED = ('data-figure="changed_since_final"', 'data-figure="changed_months"',
           'data-figure="reworded_since_final"', 'data-figure="current_data"',
           "定稿后数据有变化")


def document_section(html: str) -> str:
    return re.search(r'<article class="report">.*?</article>', html, re.S).group(0)


def _signed_year(world, year: int):
    note = year_notes.find_year_note(SummaryScope(unit_id=world.unit.id), year)
    copies = db.session.scalars(select(YearCopy).where(YearCopy.note_id == note.id)).all() \
        if note is not None else []
    return note, copies


def _dated(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _reads_signed(client, login, world, year: int, signed_on: date | None = None) -> str:
    """The 年度总结 page of ``year`` for the admin and for the liaison (who serves both
    communities the unit worked in: the whole unit's document), each showing the signed
    copy with nothing changed since (signed on ``signed_on``, when given: the notice and
    the 定稿记录 say that day); the admin's document section."""
    from tracker.demo import DEMO_PASSWORD

    q = f"unit={world.unit.id}&year={year}"
    sections = []
    for who in (world.admin, world.liaison):
        login(who, DEMO_PASSWORD)
        page = client.get(f"/reports/annual?{q}").get_data(as_text=True)
        on = "" if signed_on is None else signed_on.isoformat()
        assert f"本年度总结已定稿（局办公室管理员，{on}" in page, who.name
        assert f"第1次定稿：{on}" in page, who.name
        assert "以下是定稿时的年度总结" in page and "（现行定稿）" in page, who.name
        assert not [c for c in CHANGED if c in page], who.name
        assert 'data-figure="final_part"' not in page, who.name
        sections.append(document_section(page))
        # the live figures, as a download, are the kept copy line for line, under the
        # title that says they are the current data, dated today (the kept copy: the
        # day it was signed)
        copy = db.session.scalar(select(YearCopy))
        live = client.get(f"/reports/annual.csv?{q}&current=1")
        assert live.status_code == 200, who.name
        live_lines, kept_lines = (data.decode("utf-8-sig").splitlines()
                                  for data in (live.data, copy.csv))
        assert live_lines[0] == f"{kept_lines[0]}（当前数据，非定稿）", who.name
        at = kept_lines.index(world.unit.name) + 1  # the 落款, under the signer
        assert live_lines[at] == _dated(timeutil.local_today()), who.name
        if signed_on is not None:
            assert kept_lines[at] == _dated(signed_on), who.name
        del live_lines[at], kept_lines[at]
        assert live_lines[1:] == kept_lines[1:], who.name
    assert sections[0] == sections[1]
    return sections[0]


def test_the_demo_holds_last_year_signed_by_the_admin(seeded_demo, client, login):
    today = timeutil.local_today()
    world = seeded_demo(today)
    year = today.year - 1
    note, copies = _signed_year(world, year)
    assert note is not None and note.final and note.finalized_by_id == world.admin.id
    assert len(copies) == 1 and copies[0].reopened_at is None
    assert copies[0].title == f"县商务局{year}年社区共建工作总结"
    _reads_signed(client, login, world, year)


def test_last_years_participants_were_on_the_roll_that_day(seeded_demo):
    today = timeutil.local_today()
    world = seeded_demo(today)
    year = today.year - 1
    done = db.session.execute(
        select(Assignment.member_id, Task.service_date).join(Task)
        .where(Task.service_date >= date(year, 1, 1), Task.service_date <= date(year, 12, 31),
               Assignment.status == AssignmentStatus.done)).all()
    assert len(done) >= 150  # 36 activities, three to six people each
    for member_id, day in done:
        assert db.session.scalar(select(RollPeriod.id).where(
            RollPeriod.member_id == member_id, *on_roll(world.unit.id, day))), (member_id, day)


def test_the_signed_year_says_what_was_seeded(mid_year, seeded_demo):
    """Worked out by hand from the demo's last year: 36 activities (per quarter two
    training and two briefing sessions 场, seven others 次), crews of 4+4+3+6+4+3+6+5+3 =
    38 a quarter for 2, 2, 2, 2, 4, 2, 3, 3, 2 hours (95 hours), everyone of the roll's
    28 in turn; and two visits of each kind (结对帮扶, 慰问“空巢”老人) every month: the
    quarter's one in its third month, so 8 × 2 + 4 = 20 more of each, 40 visits of a
    pair for an hour (80 人次, 80 hours), serving 2, 1, 2, 3 households (people) in turn
    — 40 of each kind, besides the quarters' 4 × 3 户次 and 5 + 6 + 4 + 5 人次; every
    visit names as many as it served and the year's visits name every household (6)
    and every old person (8) of the register; the checklist's 15 items with a target
    (the budget apart), 11 of them met (not the briefing's 156 of 160 人次, 三区's ads 46
    of 50 and stairwells 3 of 4, 一区's survey 2 of 3); four entries of 1,200 + 960.50 +
    1,500 + 2,000 yuan against 8,000."""
    today = mid_year
    world = seeded_demo(today)
    year = today.year - 1
    _note, (copy,) = _signed_year(world, year)
    text = copy.csv.decode("utf-8-sig")
    for phrase in (
        f"{year}年，我局组织党员干部深入建设路社区、解放路社区开展共建活动8场、68次，"
        "参与党员干部232人次（28人），累计志愿服务460.0小时",
        "开展电子商务培训4场，培训社区居民120人次；开展招商引资政策宣讲4场，覆盖群众156人次；"
        "结对帮扶困难群众6户（52户次）",
        "慰问“空巢”老人8人（60人次）",
        "困难群众结对帮扶目标48户次、完成52户次（108.3%）",
        "慰问“空巢”老人目标60人次、完成60人次（100.0%）",
        "清除牛皮癣198处（一区100处、二区52处、三区46处），粉刷楼道16个",
        "摸排统计下水道、人行道及其他破损道路问题10处（下水道3处、人行道3处、破损道路2处、"
        "其他2处），已移交相关部门9处，已整改5处",
        "全年资源清单共15项（不含共建活动经费），已完成全年目标11项。",
        "招商引资政策宣讲目标160人次、完成156人次（97.5%）",
        "牛皮癣清除目标200处、完成198处（99.0%）",
        "下水道、人行道及破损道路摸排目标11处、完成10处（90.9%）",
        "我局在册党员干部28人，全年参与28人，参与率100.0%。",
        "全年使用共建活动经费5,660.50元，占年度预算（8,000.00元）的70.8%。",
        "存在问题",
        "部分党员干部工作日参与社区活动时间不足，活动多集中在周末。",
        "下步打算",
        "建立责任区常态化清理机制，分组包片，巩固“双创”成果。",
    ):
        assert phrase in text, phrase
    assert "时序进度为" not in text  # a finished year


@pytest.fixture(params=[1, 2], ids=["January", "February"])
def early_in_the_year(request, monkeypatch):
    """The 15th of January (February) of next year."""
    return set_app_clock(monkeypatch, date(timeutil.local_today().year + 1, request.param, 15))


@pytest.fixture
def mid_year(monkeypatch):
    """15 June of next year: the demo's recent months (April to June) are all in the
    year, so last year holds only what the demo seeds for it, whatever today's month."""
    return set_app_clock(monkeypatch, date(timeutil.local_today().year + 1, 6, 15))


def test_early_in_the_year_the_signed_year_includes_the_recent_months(
        early_in_the_year, seeded_demo, client, login):
    """Seeded in January (February), the demo's recent months reach back into November
    (December) of last year: those activities are last year's too, on its checklist
    items, and the signed year counts them — the kept copy is still the live document,
    and last month's 月报, signed by the liaison (December's in January), reads as it
    was signed."""
    today = early_in_the_year
    world = seeded_demo(today)
    year = today.year - 1
    note, copies = _signed_year(world, year)
    assert note.final and len(copies) == 1
    recent = db.session.scalars(select(Task).where(
        Task.service_date >= date(year, 10 + today.month, 1),
        Task.service_date <= date(year, 12, 31))).all()
    assert recent and all(t.resource_item.year == year for t in recent)
    _reads_signed(client, login, world, year, date(today.year, 1, 10))
    # its every month with activity: the fourth quarter seeded clear of the recent days
    assert [row[0] for row in _months_table(copies[0].csv.decode("utf-8-sig"))[:12]
            if row[1] == "—"] == []
    # the year counts every approved activity dated in it: the quarters' 36 and the
    # recent months' approved ones
    approved = [t for t in db.session.scalars(select(Task).where(
        Task.service_date >= date(year, 1, 1), Task.service_date <= date(year, 12, 31)))
        if t.report is not None and t.report.status == ReportStatus.approved]
    words = Counter(t.category.activity_unit for t in approved)
    assert len(approved) > 36 and any(t.service_date.month > 10 for t in approved)
    text = copies[0].csv.decode("utf-8-sig")
    assert f"开展共建活动{words['场']}场、{words['次']}次" in text
    from tracker.demo import DEMO_PASSWORD

    login(world.admin, DEMO_PASSWORD)
    last_month = f"{year}-12" if today.month == 1 else f"{today.year}-01"
    page = client.get(f"/reports/?unit={world.unit.id}&month={last_month}").get_data(
        as_text=True)
    assert "（现行定稿）" in page and "定稿后数据有变化" not in page
    # signed on the 5th, as an office signs a month early in the next: in January,
    # last year's December before the year itself
    assert _month_signed_on(world) == date(today.year, today.month, 5)


def _months_table(text: str) -> list[list[str]]:
    """The rows of 附表1 分月统计 in a kept copy's .csv (the twelve months and 合计)."""
    lines = text.splitlines()
    start = lines.index("分月统计")  # the table's title, its headers under it
    rows = []
    for line in lines[start + 2:]:
        if not line.strip():
            break
        rows.append(next(csv.reader([line])))
    return rows


# January and February: the recent months reach into last year's November / December;
# from March on they are all in this year, so last year is seeded alike in every month
# from March to December — its first and last stand for the rest (a demo seeding costs
# a few seconds of a worker: issue 13).
MONTHS_THAT_DIFFER = (1, 2, 3, 12)
# The day of each month the demo is loaded on: the 15th — but the 5th of January, before
# the day an office signs its 年度总结 (January's 15th and February's are
# ``early_in_the_year``'s), and the 6th of December, the day after last month's 月报 is
# signed, which tests/reports/test_demo_entered_in_time.py loads it on too: a worker
# running both modules (they sit side by side) seeds that day once, not twice — each
# seeding costs 8–14 s (issue 13, speedb52). Any day after the 5th reads the same
# December: last year whole and signed, last month signed on the 5th.
DAY_OF = {1: 5, 12: 6}


@pytest.fixture(params=MONTHS_THAT_DIFFER, ids=lambda m: f"month{m:02}")
def any_month(request, monkeypatch):
    """A day of a month of next year (``DAY_OF``, else the 15th)."""
    month = request.param
    return set_app_clock(monkeypatch, date(timeutil.local_today().year + 1, month,
                                           DAY_OF.get(month, 15)))


def test_in_any_month_last_year_is_whole_and_signed_in_january(
        any_month, seeded_demo, client, login):
    """Whatever month the demo is loaded in, last year's 分月统计 has activity in each of
    its twelve months — the fourth quarter's in October, November and December, as the
    other quarters are spread, not a year that stopped in October — and the year reads
    as an office signs its 年度总结: in January, on the 10th (or today, when the demo is
    loaded before then): the page's notice and 定稿记录, the kept copy's 落款 and the
    audit trail say that day, and nothing has changed since."""
    today = any_month
    world = seeded_demo(today)
    year = today.year - 1
    signed_on = min(date(today.year, 1, 10), today)
    note, (copy,) = _signed_year(world, year)
    text = copy.csv.decode("utf-8-sig")
    months = _months_table(text)
    assert [row[0] for row in months] == [f"{year}年{m}月" for m in range(1, 13)] + ["合计"]
    assert [row[0] for row in months[:12] if row[1] == "—" or int(row[2]) == 0] == []
    assert timeutil.local_date(note.finalized_at) == signed_on
    assert timeutil.local_date(copy.finalized_at) == signed_on
    (signing,) = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "finalize_year_summary")).all()
    assert timeutil.local_date(signing.created_at) == signed_on
    _reads_signed(client, login, world, year, signed_on)  # the 落款 among the rest
    # last month's 月报, signed by the liaison early in this month (the 5th, or today)
    assert _month_signed_on(world) == min(today.replace(day=5), today)


def _month_signed_on(world) -> date:
    """The day the demo's one 已定稿 月报 (last month's) was signed, by the note, its kept
    copy and the audit row alike."""
    (month,) = db.session.scalars(select(SummaryNote).where(
        SummaryNote.finalized_at.is_not(None))).all()
    (signing,) = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "finalize_summary")).all()
    days = {timeutil.local_date(at) for at in (month.finalized_at, signing.created_at,
                                               *db.session.scalars(select(SummaryCopy.finalized_at)
                                                   .where(SummaryCopy.note_id == month.id)))}
    assert len(days) == 1 and month.finalized_by_id == world.liaison.id
    return days.pop()


# --- the demo's visits name whom they served (tasks "demonamed", "demovisits") ------------

VISITS = {"household_assistance": ("结对帮扶困难群众", "户"),
          "elderly_visit": ("慰问“空巢”老人", "人")}


def _approved_visits(code: str, first: date, last: date) -> list:
    return [t for t in db.session.scalars(select(Task).order_by(Task.starts_at))
            if t.category.code == code and first <= t.service_date <= last
            and t.report is not None and t.report.status == ReportStatus.approved]


def _month_span(year: int, month: int) -> tuple[date, date]:
    after = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, 1), date.fromordinal(after.toordinal() - 1)


def _served(visits) -> tuple[int, int]:
    """(the households / people the visits named, told apart; their 受益 added up)."""
    from tracker.services.residents import task_residents

    named = set().union(*({r.id for r in task_residents(t)} for t in visits))
    return len(named), sum(t.report.people_served for t in visits)


def test_the_demos_visits_name_as_many_as_they_served(mid_year, seeded_demo, client, login):
    """The demo's register holds 8 空巢老人 and 6 困难群众 households of 解放路社区 (a few
    without a phone), each consenting before the demo's first visit; every approved
    visit of both years names exactly as many of them as its report's 受益, never one
    whose consent came after the visit. Every month the demo holds — last year's twelve
    and its recent three, up to today — has at least two approved visits of each kind, some
    calling on the same household (person) again: so the year reads the households /
    people served beside the visits — 「结对帮扶困难群众N户（M户次）」, N the distinct
    ones the visits named, fewer than M — and so does each month's 月报."""
    from tracker.demo import DEMO_PASSWORD
    from tracker.models import Resident, ResidentCategory
    from tracker.services.residents import task_residents

    today = mid_year
    world = seeded_demo(today)
    register = db.session.scalars(select(Resident)).all()
    kinds = Counter(r.category for r in register)
    assert kinds == {ResidentCategory.elderly: 8, ResidentCategory.needy: 6}
    assert all(r.community.name == "解放路社区" for r in register)
    assert 0 < sum(r.phone is None for r in register) < len(register)
    login(world.admin, DEMO_PASSWORD)
    for code, (phrase, unit) in VISITS.items():
        visits = _approved_visits(code, date(today.year - 1, 1, 1), today)
        for task in visits:
            residents = task_residents(task)
            assert len(residents) == task.report.people_served, (code, task.service_date)
            assert all(r.consent_date <= task.service_date for r in residents), task.title
        page = client.get(f"/reports/annual?unit={world.unit.id}&year={today.year}")
        distinct, served = _served([t for t in visits if t.service_date.year == today.year])
        assert distinct < served, code  # the same households visited again
        assert f"{phrase}{distinct}{unit}（{served}{unit}次）" in page.get_data(as_text=True)
    # last year's, and the demo's recent months: June, and the two before it
    months = [(today.year - 1, m) for m in range(1, 13)] + [
        (today.year, m) for m in range(today.month - 2, today.month + 1)]
    for year, month in months:
        page = client.get(f"/reports/?unit={world.unit.id}&month={year}-{month:02d}")
        text = page.get_data(as_text=True)
        for code, (phrase, unit) in VISITS.items():
            in_month = _approved_visits(code, *_month_span(year, month))
            households, visited = _served(in_month)
            assert len(in_month) >= 2 and households < visited, (code, year, month)
            # the whole figure: 「3户」 is not the start of 「3户次」 or 「3户（…」
            expected = f"{phrase}{households}{unit}（{visited}{unit}次）"
            assert re.search(re.escape(expected) + "(?![次（])", text), (code, year, month)


def test_last_months_signed_report_reads_households_beside_visits(
        any_month, seeded_demo, client, login):
    """What a bureau trying the demo sees first: last month's 月报, signed by the liaison
    (in January, last year's December). Each visit kind had two approved visits or more
    that month, one calling again on a household (old person) another had: the signed
    document reads the households (people) beside the visits, 「结对帮扶困难群众N户（M户次）」
    with N < M, N those the visits named and M their 受益 added up — and so does this
    month's so far."""
    from tracker.demo import DEMO_PASSWORD

    today = any_month
    world = seeded_demo(today)
    last = date.fromordinal(today.replace(day=1).toordinal() - 1)
    login(world.liaison, DEMO_PASSWORD)
    page = client.get(f"/reports/?unit={world.unit.id}&month={last:%Y-%m}").get_data(
        as_text=True)
    assert "（现行定稿）" in page and "定稿后数据有变化" not in page
    this_month = client.get(f"/reports/?unit={world.unit.id}&month={today:%Y-%m}").get_data(
        as_text=True)
    yesterday = date.fromordinal(today.toordinal() - 1)
    for code, (phrase, unit) in VISITS.items():
        for text, (first, end) in ((page, _month_span(last.year, last.month)),
                                   (this_month, (today.replace(day=1), yesterday))):
            visits = _approved_visits(code, first, end)
            households, visited = _served(visits)
            assert len(visits) >= 2 and households < visited, (code, first)
            expected = f"{phrase}{households}{unit}（{visited}{unit}次）"
            assert re.search(re.escape(expected) + "(?![次（])", text), (code, first)
