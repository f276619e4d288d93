"""walk47 #3: a 服务记录 says where its hours come from, truly.

docs/design.md ("approve / return", "record afterwards"): a member confirms her own
hours (确认参与), but 通过 counts one checked in and not confirmed at the activity's
length (按签到计入), and a liaison types the hours of a 补录 or of a participant added
(添加遗漏的参加人员) or corrected. The record's note said every hour on it was 「本人确认的
时长」: untrue for a row counted by check-in, which she never confirmed."""
from __future__ import annotations

from sqlalchemy import select

from tests import factories as f
from tests.web.manage_support import text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus
from tracker.services.reviews import approve_report


def test_hours_counted_by_check_in_are_not_said_to_be_her_own_confirmation(client, world, login):
    task = world.past_task  # ended yesterday, 9:00–11:00 two hours; 张三 on it
    mine = db.session.scalar(select(Assignment).where(Assignment.task_id == task.id,
                                                      Assignment.member_id == world.member.id))
    mine.status, mine.checked_in_at = AssignmentStatus.checked_in, task.starts_at
    db.session.commit()
    f.reported(task, world.leader, approved=False)
    approve_report(task.report, world.liaison, count_checked_in=True)
    db.session.commit()
    db.session.refresh(mine)
    assert mine.status == AssignmentStatus.done and mine.minutes == 120

    login(world.member)
    page = text(client.get(f"/reports/records/{world.member.id}?year={task.service_date.year}"))
    assert "楼道清理" in page and "2.0" in page  # her row, counted by check-in
    # the note names each way hours come onto a record, not her confirmation alone
    note = page.split('<p class="muted">')[-1].split("</p>")[0]
    assert "本人确认" in note
    assert "按签到计入" in note
    assert "联络员补录" in note and "添加参加人员" in note and "改正" in note
    assert "服务时长为本人确认的时长。" not in page
