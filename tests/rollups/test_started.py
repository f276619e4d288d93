"""A bureau that starts mid-year: 社区共建进展 points to 补录 until the year's work
before the app's first task is in it (review "setup" #9). The rule in its own terms
(dates), then the statement that feeds it, then the page."""
from __future__ import annotations

from datetime import date

import pytest

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import ReportStatus, Role
from tracker.rollups.batch import run
from tracker.rollups.started import Start, earlier_work_missing, start_plan
from tracker.timeutil import local_today

DEC_3 = date(2026, 12, 3)


@pytest.mark.parametrize("year, start, today, missing", [
    # first task created on 3 December, nothing approved in 2026 yet
    (2026, Start(DEC_3, None), DEC_3, True),
    # only work from the start on (the app's own): the earlier months are still missing
    (2026, Start(DEC_3, DEC_3), date(2026, 12, 20), True),
    # one approved activity dated before the start: the earlier work is being brought in
    (2026, Start(DEC_3, date(2026, 11, 5)), DEC_3, False),
    (2026, Start(DEC_3, date(2026, 12, 2)), DEC_3, False),
    # no task yet: the app starts today
    (2026, Start(None, None), DEC_3, True),
    (2026, Start(None, date(2026, 3, 1)), DEC_3, False),
    # a year begun in the app has nothing before it
    (2026, Start(date(2026, 1, 1), None), DEC_3, False),
    (2026, Start(None, None), date(2026, 1, 1), False),
    # the year after the start, and the year before it: not a start year
    (2027, Start(DEC_3, None), date(2027, 3, 1), False),
    (2025, Start(DEC_3, None), DEC_3, False),
])
def test_the_rule(year, start, today, missing):
    assert earlier_work_missing(year, start, today) is missing


def test_the_start_is_the_first_task_made_in_the_app_of_those_communities(app):
    unit, a, other = f.unit(), f.community("解放路社区"), f.community("建设路社区")
    liaison = f.member(unit, Role.liaison, communities=[a, other])
    item, other_item = f.item(unit, a, year=2026), f.item(unit, other, year=2026)
    backfilled = b.task_on(item, liaison, date(2026, 3, 1))  # recorded first, but 补录
    backfilled.backfilled = True
    backfilled.created_at = b.at_local(date(2026, 10, 1), 10)
    b.report(backfilled, liaison, ReportStatus.approved)
    # made in this order (ids grow with time): 建设路 on 20 November, 解放路 on 3 December
    elsewhere = b.task_on(other_item, liaison, date(2026, 12, 1))
    elsewhere.created_at = b.at_local(date(2026, 11, 20), 10)
    b.report(elsewhere, liaison, ReportStatus.submitted)  # 待审核: not counted
    first = b.task_on(item, liaison, date(2026, 12, 10))
    first.created_at = b.at_local(DEC_3, 10)
    db.session.commit()
    assert run(start_plan(2026, (a.id,))) == Start(DEC_3, date(2026, 3, 1))
    assert run(start_plan(2026, (other.id,))) == Start(date(2026, 11, 20), None)
    assert run(start_plan(2026)).started_on == date(2026, 11, 20)
    assert run(start_plan(2025, (a.id,))) == Start(DEC_3, None)


HINT = "启用系统之前本年度开展的活动，可用“补录活动”或“从Excel批量补录”计入。"


def test_the_checklist_points_to_backfill_until_earlier_work_is_in(client, login):
    year = local_today().year
    unit, community = f.unit("县商务局"), f.community("和平路社区")
    liaison = f.member(unit, Role.liaison, "联络员", communities=[community])
    item = f.item(unit, community, "environment_cleanup", year=year)
    first = b.task_on(item, liaison, date(year, 6, 20))
    first.created_at = b.at_local(date(year, 6, 15), 10)  # the app's first day
    db.session.commit()
    login(liaison)
    url = f"/progress/community?community={community.id}&period=year&year={year}"
    page = client.get(url).get_data(as_text=True)
    hint = page.split('data-figure="earlier_work"')[1].split("</p>")[0]
    assert HINT in hint
    assert 'href="/manage/backfill"' in hint and 'href="/imports/ledger"' in hint

    paper = b.task_on(item, liaison, date(year, 5, 8))  # May's work, brought in
    paper.backfilled = True
    b.report(paper, liaison, ReportStatus.approved)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert HINT not in page and 'data-figure="earlier_work"' not in page
