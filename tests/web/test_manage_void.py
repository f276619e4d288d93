"""作废 on the manage page of a recorded activity (review finding "past" 3): offered to the
community's liaison and an admin (in a 已定稿 month to an admin only), a reason required
— answered on the same page with what was typed kept —, asked once, and afterwards the
page says who voided it, when and why, and it counts nowhere."""
from __future__ import annotations

from tests.audit import work_event_count
from tests.web.asked_on_task_support import back_keeps_the_reason, no_url_carries_the_reason
from tests.web.manage_support import submitted_report, text
from tests.web.test_manage_approved_task import _counted, _recorded
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus, SummaryNote, Task, TaskStatus
from tracker.timeutil import utcnow


def test_the_liaison_voids_a_record_with_a_reason_asked_once(client, login, world):
    task = _recorded(client, login, world)
    assert _counted(world, task) == (1, 2, 240)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert "作废该活动" in page and f'action="/manage/tasks/{task.id}/void"' in page

    # no reason: the same page, the message under the field, nothing written
    events = work_event_count()
    response = client.post(f"/manage/tasks/{task.id}/void", data={"void-reason": "  ",
                                                                 "confirmed": "1"})
    assert response.status_code == 200 and "请填写作废的原因" in text(response)
    # too long: the typed reason is kept
    long = "重复录入" * 126
    response = client.post(f"/manage/tasks/{task.id}/void", data={"void-reason": long,
                                                                 "confirmed": "1"})
    assert response.status_code == 200
    assert "不能超过500个字" in text(response) and long in text(response)
    assert work_event_count() == events and _counted(world, task) == (1, 2, 240)

    # not confirmed (JavaScript off): the confirmation page, with the reason kept and
    # what will happen — 2 members, 4 hours
    response = client.post(f"/manage/tasks/{task.id}/void", data={"void-reason": "当天因雨并未开展"})
    assert response.status_code == 200
    page = text(response)
    assert "确认作废" in page and "当天因雨并未开展" in page
    assert "2名党员共4.0小时的服务时长不再计入" in page
    assert work_event_count() == events

    response = client.post(f"/manage/tasks/{task.id}/void",
                           data={"void-reason": "当天因雨并未开展", "confirmed": "1"})
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "该活动已作废，不再计入统计" in page
    assert "联络员甲 于" in page and "作废，原因：当天因雨并未开展" in page
    assert "已作废" in page and f'action="/manage/tasks/{task.id}/void"' not in page
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert (task.status, task.report.status) == (TaskStatus.cancelled, ReportStatus.voided)
    assert _counted(world, task) == (0, 0, 0)

    # voided again (a second tab, a resend with a new token): refused, nothing written
    events = work_event_count()
    response = client.post(f"/manage/tasks/{task.id}/void",
                           data={"void-reason": "再次作废", "confirmed": "1"})
    assert "该活动已作废" in text(client.get(response.headers["Location"]))
    assert work_event_count() == events

    # the member sees it as 已作废, the hours marked as not counting
    login(world.member)
    mine = text(client.get("/tasks/mine?tab=history"))
    assert "已作废" in mine and "（活动已作废，不计入）" in mine


def test_in_a_finalised_month_only_an_admin_voids(client, login, world):
    task = _recorded(client, login, world)
    day = task.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    page = text(client.get(f"/manage/tasks/{task.id}"))
    refusal = f"{day.year}年{day.month}月的月报已定稿，作废该月的活动须由单位管理员操作"
    assert refusal in page and f'action="/manage/tasks/{task.id}/void"' not in page
    response = client.post(f"/manage/tasks/{task.id}/void",
                           data={"void-reason": "误录", "confirmed": "1"})
    assert refusal in text(client.get(response.headers["Location"]))
    assert _counted(world, task) == (1, 2, 240)

    login(world.admin)
    assert f'action="/manage/tasks/{task.id}/void"' in text(client.get(f"/manage/tasks/{task.id}"))
    response = client.post(f"/manage/tasks/{task.id}/void",
                           data={"void-reason": "误录", "confirmed": "1"})
    assert response.status_code == 302
    assert _counted(world, task) == (0, 0, 0)


def test_an_ordinary_task_on_record_offers_void_and_one_with_nothing_offers_cancel(
        client, login, world):
    login(world.liaison)
    task = world.past_task
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert f'action="/manage/tasks/{task.id}/void"' not in page  # nothing on record yet
    assert f'action="/manage/tasks/{task.id}/cancel"' in page

    for held in task.assignments:
        held.status, held.minutes = AssignmentStatus.done, 60
    db.session.commit()
    submitted_report(task, world.leader, status=ReportStatus.approved)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert f'action="/manage/tasks/{task.id}/void"' in page
    response = client.post(f"/manage/tasks/{task.id}/void",
                           data={"void-reason": "误审核通过：活动改期未开展", "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task.id).report.status == ReportStatus.voided


def test_the_members_task_page_says_voided_by_whom_when_and_why(client, login, world):
    """The 活动已作废 reminder links to the member's task page: it says 已作废 (not
    已取消), who voided it, when and why, the member's hours 不计入, and offers nothing
    to share or put in a calendar — the activity did not happen."""
    task = _recorded(client, login, world)
    client.post(f"/manage/tasks/{task.id}/void", data={"void-reason": "误录：重复补录",
                                                       "confirmed": "1"})
    client.get("/auth/logout")
    login(world.member)
    page = text(client.get(f"/tasks/{task.id}"))
    assert '<span class="badge cancelled">已作废</span>' in page
    assert ">已取消<" not in page and "该任务已取消。" not in page
    assert "联络员甲 于" in page and "作废，原因：误录：重复补录" in page
    assert "服务时长 2.0 小时（活动已作废，不计入）" in page
    assert "复制链接" not in page and f"/tasks/{task.id}/calendar.ics" not in page


def test_a_cancelled_task_page_still_says_cancelled(client, login, world):
    """取消任务 (nothing happened yet) is not 作废: the page says 已取消 as before."""
    login(world.liaison)
    client.post(f"/manage/tasks/{world.task.id}/cancel", data={"reason": "下雨",
                                                               "confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(Task, world.task.id).status == TaskStatus.cancelled
    client.get("/auth/logout")
    login(world.leader)  # its leader still sees it
    page = text(client.get(f"/tasks/{world.task.id}"))
    assert ">已取消<" in page and "已作废" not in page


def _card(page: str, title: str) -> str:
    """The 我的任务 card of the task titled ``title``."""
    start = page.rindex("<article", 0, page.index(title))
    return page[start:page.index("</article>", start)]


def test_an_activity_voided_before_any_report_is_voided_everywhere(client, login, world):
    """作废 is one thing, whether or not the activity had a report: its members confirmed
    their hours, nobody wrote the report, the liaison voided it. 我的任务 says 已作废 (as
    the task page and the 活动已作废 reminder do), not 已取消, and a second 作废 is refused
    as already voided, not as cancelled (code review #1)."""
    task = world.past_task
    for held in task.assignments:
        held.status, held.minutes = AssignmentStatus.done, 60
    db.session.commit()
    assert task.report is None
    login(world.liaison)
    response = client.post(f"/manage/tasks/{task.id}/void",
                           data={"void-reason": "误录：当天并未开展", "confirmed": "1"})
    assert response.status_code == 302
    response = client.post(f"/manage/tasks/{task.id}/void",
                           data={"void-reason": "再次作废", "confirmed": "1"})
    page = text(client.get(response.headers["Location"]))
    assert "该活动已作废。" in page and "该任务已取消。" not in page
    client.get("/auth/logout")

    login(world.member)
    assert '<span class="badge cancelled">已作废</span>' in text(client.get(f"/tasks/{task.id}"))
    card = _card(text(client.get("/tasks/mine?tab=history")), task.title)
    assert "已作废" in card and "已取消" not in card
    assert "服务时长 1.0 小时（活动已作废，不计入）" in card


def test_a_cancelled_task_is_still_cancelled_in_my_tasks(client, login, world):
    """取消任务 is not 作废: the member's card says 已取消."""
    login(world.liaison)
    client.post(f"/manage/tasks/{world.past_task.id}/cancel",
                data={"reason": "下雨", "confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(Task, world.past_task.id).status == TaskStatus.cancelled
    client.get("/auth/logout")
    login(world.member)
    card = _card(text(client.get("/tasks/mine?tab=history")), world.past_task.title)
    assert "已取消" in card and "已作废" not in card


def test_without_scripts_back_keeps_the_reason_and_no_url_carries_it(client, login, world):
    """walk45 #3: 作废's confirmation page keeps what was typed as 撤销审核's does — its
    返回，不操作 posts the reason back (a link would lose it with scripts off) — and the
    reason, a free text, is never put in a URL (history, access logs)."""
    task = _recorded(client, login, world)
    action = f"/manage/tasks/{task.id}/void"
    typed = {"void-reason": "未开展，误录"}
    back_keeps_the_reason(client, action, typed, "确认作废")
    assert _counted(world, task) == (1, 2, 240)  # 返回: nothing done
    no_url_carries_the_reason(client, action, typed)
