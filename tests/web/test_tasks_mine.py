"""我的任务: the tabs, the leader's reports, and the member's own official totals."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport, TaskStatus
from tracker.timeutil import local_to_utc, local_today, utcnow


def tab(client, name: str | None = None) -> str:
    response = client.get("/tasks/mine" + (f"?tab={name}" if name else ""))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/tasks/\d+">(.*?)</a></h3>', html)


def on(task, member, status=AssignmentStatus.claimed, minutes=None) -> Assignment:
    a = Assignment(task_id=task.id, member_id=member.id, status=status, minutes=minutes)
    db.session.add(a)
    task.taken += 1
    db.session.flush()
    return a


def report(task, by, status, reason=None, quantity=5) -> TaskReport:
    r = TaskReport(task_id=task.id, quantity=quantity, people_served=9, note="说明",
                   status=status, return_reason=reason, submitted_by_id=by.id)
    db.session.add(r)
    db.session.flush()
    return r


def past(world, title, days=3, **kw):
    return f.task(world.item, world.liaison, starts_in=-timedelta(days=days), title=title, **kw)


def test_upcoming_lists_my_future_tasks_with_withdraw(client, world, login):
    on(world.task, world.member)
    later = f.task(world.item, world.liaison, starts_in=timedelta(days=6), title="下周活动")
    on(later, world.member, AssignmentStatus.assigned)
    withdrawn = f.task(world.item, world.liaison, title="取消认领的")
    on(withdrawn, world.member, AssignmentStatus.withdrawn)
    db.session.commit()
    login(world.member)
    html = tab(client, "upcoming")
    assert titles(html) == ["环境整治", "下周活动"]
    assert f'action="/tasks/{world.task.id}/withdraw?next=/tasks/mine?tab%3Dupcoming"' in html
    assert "已指派" in html


def test_the_tab_of_tasks_not_ended_says_which_have_begun(client, world, login):
    """walk5 D6: the tab lists every task not yet ended, so it is 「未结束」, not
    「即将开始」; a task under way (checked in) reads 进行中 there — as 我的待办 says —
    and one not begun 未开始 (``templating.task_phase``, the one rule)."""
    on(world.task, world.member)
    running = f.task(world.item, world.liaison, starts_in=-timedelta(minutes=20),
                     title="清除小广告")
    on(running, world.member, AssignmentStatus.checked_in)
    db.session.commit()
    login(world.member)
    html = tab(client, "upcoming")
    assert "即将开始" not in html
    assert '<h2>未结束</h2>' in html
    assert titles(html) == ["清除小广告", "环境整治"]

    def badges(title):
        card = html[html.index(f">{title}</a>"):].split("</article>")[0]
        return re.findall(r'<span class="badge ?[a-z]*">([^<]+)</span>', card)

    assert badges("清除小广告") == ["进行中", "已签到"]
    assert badges("环境整治") == ["未开始", "已认领"]
    todo = client.get("/tasks/todo").get_data(as_text=True)
    assert "进行中" in todo[todo.index(">清除小广告<"):].split("</a>")[0]


def test_cancelled_task_shows_as_cancelled(client, world, login):
    on(world.task, world.member)
    world.task.status = TaskStatus.cancelled
    gone = past(world, "取消的往期活动", status=TaskStatus.cancelled)
    on(gone, world.member)
    db.session.commit()
    login(world.member)
    html = tab(client, "upcoming")
    assert titles(html) == ["环境整治"] and "已取消" in html
    assert f"/tasks/{world.task.id}/withdraw" not in html
    html = tab(client, "history")
    assert "取消的往期活动" in titles(html) and "已取消" in html
    assert "取消的往期活动" not in titles(tab(client, "confirm"))


def test_to_confirm_lists_ended_tasks_without_hours(client, world, login):
    done = past(world, "已确认的")
    on(done, world.member, AssignmentStatus.done, minutes=60)
    approved = past(world, "已通过但未确认")
    on(approved, world.member)
    report(approved, world.leader, ReportStatus.approved)
    db.session.commit()
    login(world.member)
    html = tab(client, "confirm")
    assert titles(html) == [world.past_task.title]
    assert "/tasks/assignments/" in html and "确认参与" in html
    assert "待确认 (1)" in html


def test_history_shows_status_and_hours(client, world, login):
    done = past(world, "已确认的", days=2)
    on(done, world.member, AssignmentStatus.done, minutes=90)
    report(done, world.leader, ReportStatus.approved)
    absent = past(world, "缺席的", days=4)
    on(absent, world.member, AssignmentStatus.absent)
    db.session.commit()
    login(world.member)
    html = tab(client, "history")
    assert titles(html) == ["已确认的", "缺席的"]
    assert "服务时长 1.5 小时" in html and "已通过" in html and "缺席" in html


def test_returned_reports_show_the_reason_and_link_to_correction(client, world, login):
    report(world.past_task, world.leader, ReportStatus.returned, reason="受益人数与照片不符")
    db.session.commit()
    login(world.leader)
    html = tab(client, "returned")
    assert titles(html) == [world.past_task.title]
    assert "受益人数与照片不符" in html
    assert f'href="/tasks/{world.past_task.id}/report"' in html and "修改后重新提交" in html
    assert "已退回 (1)" in html
    # Not the leader: nothing returned to correct.
    login(world.member)
    assert titles(tab(client, "returned")) == []


def test_lead_tab_shows_report_status_waiting_first(client, world, login):
    pending = past(world, "待审核的", days=5, leader=world.leader)
    report(pending, world.leader, ReportStatus.submitted)
    approved = past(world, "已通过的", days=6, leader=world.leader)
    report(approved, world.leader, ReportStatus.approved)
    db.session.commit()
    login(world.leader)
    html = tab(client, "lead")
    # past_task (ended, no report yet) waits for the leader, so it comes first.
    assert titles(html)[0] == world.past_task.title
    assert set(titles(html)) == {world.past_task.title, world.task.title, "待审核的", "已通过的"}
    assert "未提交" in html and "待审核" in html and "已通过" in html
    assert "我带领的任务 (1)" in html


def test_the_leaders_button_says_what_the_report_needs(client, world, login):
    """A report 待审核 may still be changed (修改完成情况); only a returned one is to be
    corrected and sent again."""
    pending = past(world, "待审核的", days=5, leader=world.leader)
    report(pending, world.leader, ReportStatus.submitted)
    returned = past(world, "被退回的", days=6, leader=world.leader)
    report(returned, world.leader, ReportStatus.returned)
    db.session.commit()
    login(world.leader)
    html = tab(client, "lead")

    def card(title):
        return html[html.index(f">{title}<"):].split("</article>")[0]

    assert "修改完成情况" in card("待审核的") and "修改后重新提交" not in card("待审核的")
    assert "修改后重新提交" in card("被退回的")


def test_totals_count_approved_participations_of_this_year_only(client, world, login):
    year_start = local_to_utc(datetime(local_today().year, 1, 1, 0, 1))
    this_year = max(year_start, utcnow() - timedelta(days=1)).replace(microsecond=0)
    counted = f.task(world.item, world.liaison, starts_at=this_year, title="已通过")
    on(counted, world.member, AssignmentStatus.done, minutes=150)
    report(counted, world.leader, ReportStatus.approved)
    last_year = f.task(world.item, world.liaison, starts_at=year_start - timedelta(days=2),
                       title="去年的")
    on(last_year, world.member, AssignmentStatus.done, minutes=120)
    report(last_year, world.leader, ReportStatus.approved)
    pending = f.task(world.item, world.liaison, starts_at=this_year, title="待审核")
    on(pending, world.member, AssignmentStatus.done, minutes=600)
    report(pending, world.leader, ReportStatus.submitted)
    db.session.commit()
    login(world.member)
    html = tab(client)
    stats = html[html.index('class="stats"'):html.index("只统计已审核通过的活动")]
    assert re.findall(r"<b>(.*?)</b>", stats) == ["2.5", "1"]


def test_a_new_member_sees_empty_tabs(client, world, login):
    login(world.other_member)
    html = tab(client)
    assert "没有未结束的任务" in html
    assert re.findall(r"<b>(.*?)</b>", html[html.index('class="stats"'):])[:2] == ["0.0", "0"]
    for name, text in [("confirm", "没有需要确认参与的任务"), ("returned", "没有被退回的完成情况"),
                       ("history", "还没有参加过的任务"), ("lead", "您还没有担任组长的任务")]:
        assert text in tab(client, name)


def test_unknown_tab_falls_back_to_the_default(client, world, login):
    login(world.other_member)  # owes nothing: 未结束
    html = tab(client, "nonsense")
    assert 'href="/tasks/mine?tab=upcoming" aria-current="page"' in html
    login(world.member)  # hours to confirm: 待确认 first
    html = tab(client, "nonsense")
    assert 'href="/tasks/mine?tab=confirm" aria-current="page"' in html


def test_pages_of_a_tab_and_a_page_past_the_end(app, client, world, login):
    """Three upcoming tasks, two to a page: page 1 holds the first two and says 1 of
    2, page 2 the third; a page past the end (an old shared link) is the last page, not
    an empty one that says 「第 7 / 2 页」 under a tab that has tasks."""
    app.config["PAGE_SIZE"] = 2
    for days, title in ((3, "第一"), (4, "第二"), (5, "第三")):
        on(f.task(world.item, world.liaison, starts_in=timedelta(days=days), title=title),
           world.other_member)
    db.session.commit()
    login(world.other_member)

    def page(n: int) -> str:
        response = client.get(f"/tasks/mine?tab=upcoming&page={n}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    first, second, beyond = page(1), page(2), page(7)
    assert titles(first) == ["第一", "第二"] and "第 1 / 2 页" in first
    assert titles(second) == ["第三"] and "第 2 / 2 页" in second
    assert titles(beyond) == ["第三"] and "第 2 / 2 页" in beyond
