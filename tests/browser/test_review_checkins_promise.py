"""通过 refused because what it would do to a check-in changed since the page was read,
in a real browser at 390×844 (review39b #5): the refusal comes back on the report's
page, which now offers 按签到计入, and the 退回原因 the reviewer had typed there is
still in its box (static/js/drafts.js: the page's review keys did not change).

tests/web/test_review_checkins_promise.py holds the rule's other cases."""
from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import follow

TYPED = "请补充张三的签到记录"


def _twin_activities(live_server, world) -> dict:
    """The world's task moved to yesterday 09:00–11:00 (环境整治) and 清除小广告 of the
    same community at the same hours; 张三 checked in on both; 环境整治 reported and
    approved 按签到计入 (his two hours count there), 清除小广告 reported, 待审核."""
    from sqlalchemy import select

    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import (Assignment, AssignmentStatus, Community, Member, Task,
                                TaskReport, Unit)
    from tracker.services.reviews import approve_report
    from tracker.timeutil import local_date, utcnow

    with live_server.app.test_request_context("/"):
        try:
            task = db.session.get(Task, world.task_id)
            start = (utcnow() - timedelta(days=1)).replace(microsecond=0)
            task.starts_at, task.ends_at = start, start + timedelta(hours=2)
            task.service_date = local_date(start)
            liaison, leader = (db.session.get(Member, p.id) for p in (world.liaison, world.leader))
            community = db.session.scalar(select(Community).where(Community.name == world.community))
            unit = db.session.scalar(select(Unit))
            twin = f.task(f.item(unit, community, "ad_removal"), liaison, leader=leader,
                          starts_at=start, title="清除小广告")
            for activity in (task, twin):
                db.session.add(Assignment(task_id=activity.id, member_id=world.member.id,
                                          status=AssignmentStatus.checked_in, checked_in_at=start))
                activity.taken = 1
                f.reported(activity, leader, approved=False)
            approve_report(db.session.scalar(select(TaskReport).where(TaskReport.task_id == task.id)),
                           liaison, count_checked_in=True)
            db.session.commit()
            report_id = db.session.scalar(select(TaskReport.id).where(TaskReport.task_id == twin.id))
            return {"first": task.id, "twin": twin.id, "report": report_id}
        finally:
            db.session.remove()


def _his_count_there_goes(live_server, world, ids) -> None:
    """Meanwhile an admin takes 环境整治's approval back (撤销审核) and its 组长
    resubmits it with 张三 缺席: his time counts nowhere now."""
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.reviews import ReportData, reopen_report, submit_report

    with live_server.app.test_request_context("/"):
        try:
            task = db.session.get(Task, ids["first"])
            reopen_report(task.report, db.session.get(Member, world.admin.id), "张三在清除小广告")
            submit_report(task, db.session.get(Member, world.leader.id),
                          ReportData(None, None, "张三未到", {world.member.id}))
            db.session.commit()
        finally:
            db.session.remove()


def _state(live_server, ids) -> tuple:
    from tracker.models import Assignment, TaskReport

    with live_server.db() as session:
        report = session.get(TaskReport, ids["report"])
        held = session.query(Assignment).filter_by(task_id=ids["twin"]).one()
        return report.status.value, held.status.value


def test_a_refused_approval_keeps_the_typed_return_reason(live_server, world, user_page, shot):
    ids = _twin_activities(live_server, world)
    liaison = user_page(world.liaison)
    liaison.goto(live_server.url(f"/manage/reports/{ids['report']}"))
    review = liaison.locator("#review")
    assert "本活动不按签到计入" in review.inner_text()
    assert review.get_by_label("按签到计入", exact=False).count() == 0  # nothing to choose
    liaison.get_by_label("退回原因").fill(TYPED)  # typed, then the reviewer thinks again
    shot(liaison, "page-read")

    _his_count_there_goes(live_server, world, ids)
    follow(review.get_by_role("button", name="通过", exact=True))
    main = liaison.locator("main").inner_text()
    assert "您打开页面之后，张三 在同一时间的其他活动上的服务时长现已不再计入" in main, main[:400]
    assert _state(live_server, ids) == ("submitted", "checked_in")  # nothing written
    # the page as it is now offers him 按签到计入, ticked; the typed reason is back
    assert liaison.get_by_label("按签到计入", exact=False).is_checked()
    assert liaison.get_by_label("退回原因").input_value() == TYPED
    shot(liaison, "refused-reason-kept")

    follow(liaison.locator("#review").get_by_role("button", name="通过", exact=True))
    assert _state(live_server, ids) == ("approved", "done")
