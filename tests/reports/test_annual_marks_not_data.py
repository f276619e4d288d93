"""A signed 年度总结's 「定稿后数据有变化」 compares the year's figures, never its marks of
the months whose 月报 changed since their own 定稿 (review doc45): the 「*」 of 分月统计 and
the sentence 「…月月报定稿后数据有变化…」 follow the months' signatures — a month signed
again, or only re-opened, drops them with no figure moved — and are not the year's data.

October 2022 (tests/reports/dataset.py) is signed by the admin, its pending 整治 approved
(October's live 月报 now differs from the signed one), then the year is signed: its kept
document marks 2022年10月 with 「*」 and says why. What happens to October afterwards decides
whether the live year still marks it; only a change of a figure makes the signed year say
「定稿后数据有变化」."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import YearCopy
from tracker.reports.annual import build_annual
from tracker.reports.final import changes
from tracker.services import unit_of_work
from tracker.services.funds import add_entry
from tracker.services.reviews import approve_report

SENTENCE = "10月月报定稿后数据有变化（附表1中标“*”的月份），本总结按当前数据统计。"


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def october_row(summary) -> str:
    table = next(t for t in summary.tables() if t.key == "months")
    return str(table.rows[9][0])


def post(client, url, **data) -> None:
    assert client.post(url, data=data).status_code == 302, url


def sign_the_year_marking_october(client, login, october) -> tuple[str, str]:
    """October signed, then changed (its pending report approved), then the year signed:
    the kept year marks October. Gives the query strings of the month and the year."""
    login(october.admin)
    month, year = f"unit={october.unit.id}&month=2022-10", f"unit={october.unit.id}&year=2022"
    post(client, f"/reports/finalize?{month}", confirmed="1")
    with unit_of_work():
        approve_report(october.tasks["待审核整治"].report, october.admin)
    post(client, f"/reports/annual/finalize?{year}", confirmed="1")
    kept = db.session.scalars(select(YearCopy)).one().csv.decode("utf-8-sig")
    assert "2022年10月*" in kept and SENTENCE in kept
    assert 'data-figure="changed_since_final"' not in page_of(client, f"/reports/annual?{year}")
    return month, year


def signed_year_changes(october) -> list[str]:
    db.session.expire_all()
    copy = db.session.scalars(select(YearCopy).where(YearCopy.reopened_at.is_(None))).one()
    return changes(copy, build_annual(2022, unit=october.unit))


def test_a_month_signed_again_after_the_year_changes_nothing_of_the_year(client, login,
                                                                        october):
    month, year = sign_the_year_marking_october(client, login, october)
    post(client, f"/reports/reopen?{month}")
    post(client, f"/reports/finalize?{month}", confirmed="1")
    live = build_annual(2022, unit=october.unit)
    assert october_row(live) == "2022年10月" and live.changed_months == []  # no mark now
    assert signed_year_changes(october) == []
    page = page_of(client, f"/reports/annual?{year}")
    assert 'data-figure="changed_since_final"' not in page
    assert "定稿后数据有变化：" not in page


def test_a_month_only_reopened_after_the_year_changes_nothing_of_the_year(client, login,
                                                                         october):
    month, year = sign_the_year_marking_october(client, login, october)
    post(client, f"/reports/reopen?{month}")
    live = build_annual(2022, unit=october.unit)
    assert october_row(live) == "2022年10月" and SENTENCE not in [p.text for p in live.paragraphs]
    assert signed_year_changes(october) == []
    assert 'data-figure="changed_since_final"' not in page_of(client, f"/reports/annual?{year}")


def test_a_figure_changed_after_the_month_is_signed_again_is_still_told(client, login,
                                                                       october):
    """The marks are left out, the figures are not: a fund entry dated in November (after
    October: its 年度累计 stays as signed, so the live year marks no month) made once
    October is signed again moves the year's 共建活动经费."""
    month, year = sign_the_year_marking_october(client, login, october)
    post(client, f"/reports/reopen?{month}")
    post(client, f"/reports/finalize?{month}", confirmed="1")
    with unit_of_work():
        add_entry(october.admin, october.unit, october.jiefang, 2022,
                  entry_date=date(2022, 11, 5), amount_fen=10_000, purpose="补充物资")
    assert build_annual(2022, unit=october.unit).changed_months == []
    told = signed_year_changes(october)
    # the money and where it is told (its 附表 and the checklist's 经费 item), not the marks
    assert "“共建活动经费”部分" in told and "附表“共建活动经费”" in told
    assert "附表“分月统计”" not in told and "正文" not in told
    page = page_of(client, f"/reports/annual?{year}")
    notice = re.search(r'<p class="notice"[^>]*data-figure="changed_since_final".*?</p>', page,
                       re.S).group(0)
    assert "“共建活动经费”部分" in notice
    assert "附表“分月统计”" not in notice and "正文" not in notice


def test_the_signed_year_shown_is_not_said_to_be_counted_on_current_data(client, login,
                                                                        october):
    """Review doc45, #2: the year signed while October still read as signed, then
    October's pending report approved. The page serves the signed year, counted when
    it agreed with the signed October; 「本年度总结按当前数据统计，与定稿的月报不一致」 is
    said of the live year only (当前数据), where it is true."""
    login(october.admin)
    month, year = f"unit={october.unit.id}&month=2022-10", f"unit={october.unit.id}&year=2022"
    post(client, f"/reports/finalize?{month}", confirmed="1")
    post(client, f"/reports/annual/finalize?{year}", confirmed="1")
    with unit_of_work():
        approve_report(october.tasks["待审核整治"].report, october.admin)
    assert build_annual(2022, unit=october.unit).changed_months == [10]
    page = page_of(client, f"/reports/annual?{year}")
    assert "以下是定稿时的年度总结" in page and 'data-figure="changed_since_final"' in page
    assert 'data-figure="changed_months"' not in page
    assert "本年度总结按当前数据统计" not in page
    current = page_of(client, f"/reports/annual?{year}&current=1")
    notice = re.search(r'<p class="notice"[^>]*data-figure="changed_months".*?</p>', current,
                       re.S).group(0)
    assert "本年度总结按当前数据统计，与定稿的月报不一致" in notice and ">2022年10月</a>" in notice
