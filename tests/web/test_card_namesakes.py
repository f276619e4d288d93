"""The liaison's lists name a report's submitter and a task's 组长 as the task's own page
and the 工作台 do: a namesake on the unit's roll is told apart (names.py; docs/design.md,
namesakes) — 逾期事项's two lists, 任务管理's cards, and a report's 提交人 line
(docwords42's Open). The 工作台's cards are the yardstick (``manage.queries.card_names``):
each page writes each person as it does."""
from __future__ import annotations

import html
from datetime import timedelta

from tests import factories as f
from tests.web.manage_support import submitted_report
from tracker.extensions import db
from tracker.models import ReportStatus, Role
from tracker.timeutil import utcnow

CHEN = "陈芳（第1党支部）"


def _two_chens(world):
    """陈芳 of 第1党支部 and 陈芳 of 第2党支部, both active in the task's unit."""
    one, two = f.member(world.unit, name="陈芳"), f.member(world.unit, name="陈芳")
    one.branch, two.branch = "第1党支部", "第2党支部"
    db.session.commit()
    return one


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def test_a_stale_tasks_leader_is_told_apart_on_every_list(client, login, world):
    chen = _two_chens(world)
    ended = f.task(world.item, world.liaison, starts_in=-timedelta(days=2), leader=chen,
                   title="扫雪")  # ended, not reported: 逾期事项 and the 工作台 list it
    db.session.commit()
    login(world.liaison)
    home = _page(client, "/manage/")
    assert f"组长 {CHEN}" in home  # the yardstick
    for url in ("/manage/stale", f"/manage/tasks?q={ended.title}"):
        page = _page(client, url)
        assert "扫雪" in page and f"组长 {CHEN}" in page, url


def test_an_overdue_reports_submitter_is_told_apart(client, login, world):
    chen = _two_chens(world)
    waited = f.task(world.item, world.liaison, starts_in=-timedelta(days=12), leader=chen)
    db.session.commit()
    submitted_report(waited, chen, days_ago=10, status=ReportStatus.submitted)
    login(world.liaison)
    assert f"{CHEN} 提交于" in _page(client, "/manage/")  # the yardstick
    assert f"{CHEN} 提交于" in _page(client, "/manage/stale")


def test_a_reports_submitter_is_told_apart_on_its_page(client, login, world):
    chen = _two_chens(world)
    report = submitted_report(world.past_task, chen)
    login(world.liaison)
    assert f"<dd>{CHEN} ·" in _page(client, f"/manage/reports/{report.id}")


def test_a_reports_reviewer_is_told_apart_on_its_page(client, login, world):
    """The 审核人 line, as the 提交人 line (assignheld43's Open): the liaison 陈芳 who
    approved it has a namesake on the unit's roll."""
    chen = _two_chens(world)
    chen.role = Role.liaison
    report = submitted_report(world.past_task, world.leader, status=ReportStatus.approved)
    report.reviewed_by_id, report.reviewed_at = chen.id, utcnow()
    db.session.commit()
    login(world.liaison)
    page = _page(client, f"/manage/reports/{report.id}")
    assert f"<dt>审核人</dt><dd>{CHEN} ·" in page


def test_a_name_nobody_shares_is_written_as_it_is(client, login, world):
    ended = f.task(world.item, world.liaison, starts_in=-timedelta(days=2),
                   leader=world.leader)
    db.session.commit()
    submitted_report(f.task(world.item, world.liaison, starts_in=-timedelta(days=12)),
                     world.leader, days_ago=10)
    login(world.liaison)
    stale = _page(client, "/manage/stale")
    assert "组长 王组长" in stale and "王组长 提交于" in stale
    assert "组长 王组长" in _page(client, f"/manage/tasks?q={ended.title}")
