"""Review40b #2: a participant neither checked in nor confirmed whose hours already count
on another activity at the same hours cannot confirm (``claims.confirm_participation``)
nor be added after 通过 (添加遗漏的参加人员, the same overlap rule). The report's page
does not advise the reviewer to remind her or to add her: it names her apart, with where
her time counts (docs/design.md, overlap)."""
from __future__ import annotations

import html

from sqlalchemy import select

from tests import factories as f
from tests.web.test_confirm_counted_elsewhere import counted_elsewhere, own
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus

REMIND = "可先提醒其确认后再审核"


def report_page(client, login, world, *, overlapping: bool) -> str:
    counted_elsewhere(world, overlapping=overlapping)  # 张三's hours on 入户走访
    lead = db.session.scalar(select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == world.leader.id))
    lead.status, lead.minutes = AssignmentStatus.done, 60
    db.session.commit()
    f.reported(world.past_task, world.leader, approved=False)
    assert own(world).status == AssignmentStatus.claimed
    login(world.liaison)
    return html.unescape(client.get(f"/manage/reports/{world.past_task.report.id}")
                         .get_data(as_text=True))


def test_one_whose_hours_count_elsewhere_is_not_one_to_remind(client, login, world):
    page = report_page(client, login, world, overlapping=True)
    assert REMIND not in page
    assert "张三 尚未确认服务时长，但其在同一时间已计入“入户走访”" in page
    assert "不能再确认本活动的服务时长，本次参与不计入统计。" in page


def test_one_free_at_those_hours_is_still_one_to_remind(client, login, world):
    page = report_page(client, login, world, overlapping=False)
    assert REMIND in page and "张三" in page.split(REMIND)[0].rsplit("<p", 1)[-1]
    assert "但其在同一时间已计入" not in page
