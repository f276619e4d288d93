"""Review docread40, #5: an admin, whom no 定稿 refuses, is told before 通过 or 冲销
which 已定稿 月报 and 年度总结 the action will change — as the member form, the import
and 合并账号 name theirs first — on the report's page, on 待审核 and the 工作台's
card, and on 冲销's confirmation. Nothing is named while nothing it counts in is
signed. The months of a participant's unit of the day, which her hours count for, are
named as the refusal anyone else is given names them (docfix40's Open, partnames41);
those signed in an earlier wording are named apart, their page saying 「写法有变化」
(signedbudget's Open, partnames41)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import (FundEntry, ReportStatus, RollPeriod, SummaryCopy, SummaryNote,
                            SummaryScope, YearCopy, YearNote)
from tracker.reports import final
from tracker.services import unit_of_work
from tracker.services.funds import add_entry
from tracker.timeutil import local_today

MONTH, YEAR = "县商务局2022年10月", "县商务局2022年"


def named(page: str) -> list[str]:
    """The words of each block naming the signed documents an action will change."""
    return [re.sub(r"<[^>]+>", "", block) for block in
            re.findall(r'data-figure="signed_named">(.*?)</div>', page, re.S)]


def sign_october_and_the_year(client, o) -> None:
    for url in (f"/reports/finalize?unit={o.unit.id}&month=2022-10",
                f"/reports/annual/finalize?unit={o.unit.id}&year=2022"):
        assert client.post(url, data={"confirmed": "1"}).status_code == 302


def test_an_admins_approval_names_the_signed_month_and_year_first(client, login, october):
    login(october.admin)
    report = october.tasks["待审核整治"].report
    pages = (f"/manage/reports/{report.id}", "/manage/reviews", "/manage/")
    for url in pages:  # nothing signed: nothing named
        assert named(client.get(url).get_data(as_text=True)) == [], url
    sign_october_and_the_year(client, october)
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert "通过" in page, url
        (words,) = named(page)
        assert f"通过会改变以下已定稿月报的当前数据：{MONTH}。" in words, url
        assert f"通过会改变以下已定稿年度总结的当前数据：{YEAR}。" in words, url


def test_a_liaison_is_refused_not_told(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    login(october.liaison)
    report = october.tasks["待审核整治"].report
    page = client.get(f"/manage/reports/{report.id}").get_data(as_text=True)
    assert named(page) == [] and "须由单位管理员操作" in page


def test_an_admins_reversal_names_the_signed_month_and_year_first(client, login, october):
    with unit_of_work():
        entry = add_entry(october.liaison, october.unit, october.jiefang, 2022,
                          entry_date=date(2022, 10, 20), amount_fen=900_000,
                          purpose="购置共建活动物资")
    login(october.admin)

    def confirmation() -> str:
        response = client.post(f"/funds/entries/{entry.id}/reverse", data={"reason": "重复录入"})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "确认冲销" in page
        return page

    assert named(confirmation()) == []
    sign_october_and_the_year(client, october)
    (words,) = named(confirmation())
    assert f"冲销会改变以下已定稿月报的当前数据：{MONTH}。" in words
    assert f"冲销会改变以下已定稿年度总结的当前数据：{YEAR}。" in words
    assert db.session.scalar(select(FundEntry).where(FundEntry.reverses_id == entry.id)) is None


# Signed by a release whose 月报 (and 年度总结) read otherwise than today's: their pages
# say 「写法有变化」, never 「定稿后数据有变化」 (reports/wording.py: 8 is before 9's order
# of units, which the 月报 and the 年度总结 both changed).
EARLIER_WORDING = 8
REWORDED = "还会改变以下已定稿文件的当前数据："


def _kept_copy(copy, note, unit_id, year, month=None):
    """The copy in force of the unit's whole 月报 (or, no ``month``, 年度总结)."""
    where = [note.unit_id == unit_id, note.community_id.is_(None), note.year == year]
    if month is not None:
        where.append(note.month == month)
    return db.session.scalar(select(copy).join(note, note.id == copy.note_id)
                             .where(*where, copy.reopened_at.is_(None)))


def test_an_approval_names_apart_a_signed_month_of_an_earlier_wording(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    _kept_copy(SummaryCopy, SummaryNote, october.unit.id, 2022, 10).wording_version = \
        EARLIER_WORDING
    db.session.commit()
    report = october.tasks["待审核整治"].report
    for url in (f"/manage/reports/{report.id}", "/manage/reviews", "/manage/"):
        (words,) = named(client.get(url).get_data(as_text=True))
        assert f"通过{REWORDED}{MONTH}。" in words, url
        assert "写法有变化" in words and "已定稿月报的当前数据" not in words, url
        assert f"通过会改变以下已定稿年度总结的当前数据：{YEAR}。" in words, url  # today's


def test_a_reversal_names_apart_a_signed_year_of_an_earlier_wording(client, login, october):
    with unit_of_work():
        entry = add_entry(october.liaison, october.unit, october.jiefang, 2022,
                          entry_date=date(2022, 10, 20), amount_fen=900_000,
                          purpose="购置共建活动物资")
    login(october.admin)
    sign_october_and_the_year(client, october)
    _kept_copy(YearCopy, YearNote, october.unit.id, 2022).wording_version = EARLIER_WORDING
    db.session.commit()
    response = client.post(f"/funds/entries/{entry.id}/reverse", data={"reason": "重复录入"})
    (words,) = named(response.get_data(as_text=True))
    assert f"冲销会改变以下已定稿月报的当前数据：{MONTH}。" in words
    assert f"冲销{REWORDED}{YEAR}。" in words and "已定稿年度总结的当前数据" not in words


def _last_month():
    return (local_today().replace(day=1) - timedelta(days=1)).replace(day=10)


@pytest.fixture
def moved_in(world):
    """王五 was 县财政局's until this month and is 县商务局's (the activity's unit) since;
    ``sign()`` signs 县财政局's 月报 of last month (县商务局 signs nothing)."""
    day, moved_on = _last_month(), local_today().replace(day=1)
    finance = f.unit("县财政局")
    wang = f.member(world.unit, name="王五")
    db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == wang.id)).since = moved_on
    db.session.add(RollPeriod(member_id=wang.id, unit_id=finance.id, until=moved_on))
    db.session.commit()

    def sign():
        final.finalize(world.admin, SummaryScope(unit_id=finance.id), day.year, day.month)
        db.session.commit()

    return dict(wang=wang, day=day, sign=sign, month=f"县财政局{day.year}年{day.month}月")


def submitted_with(world, member, day):
    """县商务局's activity of ``day`` that ``member`` took part in (confirmed), its report
    waiting for review."""
    task = b.task_on(world.item, world.liaison, day)
    b.join(task, world.member)
    b.join(task, member)
    report = b.report(task, world.liaison, ReportStatus.submitted)
    db.session.commit()
    return report


def test_an_approval_names_the_signed_month_of_a_participants_unit_of_the_day(
        client, login, world, moved_in):
    """王五's hours on that day count for 县财政局, whose month is signed: 通过 changes
    it, and the admin is told so before, as the liaison is refused naming it."""
    report = submitted_with(world, moved_in["wang"], moved_in["day"])
    moved_in["sign"]()
    login(world.admin)
    for url in (f"/manage/reports/{report.id}", "/manage/reviews", "/manage/"):
        page = client.get(url).get_data(as_text=True)
        assert f"/manage/reports/{report.id}/approve" in page, url
        (words,) = named(page)
        assert f"通过会改变以下已定稿月报的当前数据：{moved_in['month']}。" in words, url
    login(world.liaison)
    day = moved_in["day"]
    page = client.get(f"/manage/reports/{report.id}").get_data(as_text=True)
    assert named(page) == []
    assert f"王五所在单位（县财政局）{day.year}年{day.month}月的月报已定稿" in page
