"""The manage page of an approved activity (review findings "past" 1 and 3): no 修改任务
or 指派 that would always be refused; 添加遗漏的参加人员 for its staff, 撤销审核 for an
admin — each answering on the page, and each counted as the 月报 counts."""
from __future__ import annotations

from datetime import timedelta

from tests.web.manage_support import backfill_form, text
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus, Task
from tracker.rollups.figures import totals
from tracker.rollups.scope import Scope


def _recorded(client, login, world):
    """A 补录 of a clean-up with 张三 and 王组长 (2 h each)."""
    login(world.liaison)
    response = client.post("/manage/backfill",
                           data=backfill_form(world, [world.member, world.leader]))
    assert response.status_code == 302, text(response)[:2000]
    return db.session.get(Task, int(response.headers["Location"].rsplit("/", 1)[1]))


def _counted(world, task):
    day = task.service_date
    official = totals(Scope(date_from=day, date_to=day + timedelta(days=1),
                            community_ids=(world.community.id,)))
    return official.activities, official.person_times, official.minutes


def test_the_page_offers_adding_a_forgotten_member_instead_of_edit_and_assign(client, login, world):
    task = _recorded(client, login, world)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert f"/manage/tasks/{task.id}/edit" not in page
    assert f"/manage/tasks/{task.id}/assign" not in page
    assert "添加遗漏的参加人员" in page and f"/manage/tasks/{task.id}/add-participant" in page
    assert f"/manage/tasks/{task.id}/reopen" not in page  # an admin's

    response = client.post(f"/manage/tasks/{task.id}/add-participant",
                           data={"member": world.other_member.id, "hours": "1.5"})
    assert response.status_code == 302
    assert "已将 李四 添加为该活动的参加人员" in text(client.get(response.headers["Location"]))
    db.session.expire_all()
    # one clean-up, 3 人次, 2 + 2 + 1.5 hours
    assert _counted(world, task) == (1, 3, 330)


def test_a_refusal_is_shown_under_the_field_with_the_choice_kept(client, login, world):
    task = _recorded(client, login, world)
    response = client.post(f"/manage/tasks/{task.id}/add-participant",
                           data={"member": world.other_member.id, "hours": "5"})
    assert response.status_code == 200
    page = text(response)
    assert "服务时长不能超过活动时长" in page and 'value="5"' in page
    assert _counted(world, task) == (1, 2, 240)


def test_an_admin_reopens_it_with_a_reason_and_it_stops_counting(client, login, world):
    task = _recorded(client, login, world)
    response = client.post(f"/manage/tasks/{task.id}/reopen", data={"reopen-reason": "时间填错"})
    assert "只有单位管理员可以撤销审核" in text(client.get(response.headers["Location"]))
    assert db.session.get(Task, task.id).report.status == ReportStatus.approved

    login(world.admin)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert f"/manage/tasks/{task.id}/reopen" in page
    response = client.post(f"/manage/tasks/{task.id}/reopen", data={"reopen-reason": ""})
    assert response.status_code == 200 and "请填写撤销审核的原因" in text(response)
    response = client.post(f"/manage/tasks/{task.id}/reopen",
                           data={"reopen-reason": "结束时间填错", "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert task.report.status == ReportStatus.returned
    assert _counted(world, task) == (0, 0, 0)
    # now the usual correction: 修改任务 and 指派 are offered again
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert f"/manage/tasks/{task.id}/edit" in page and f"/manage/tasks/{task.id}/assign" in page
    assert "退回原因：结束时间填错" in page
    assert {a.status for a in task.assignments} == {AssignmentStatus.done}


def test_after_reopening_the_liaison_corrects_a_members_hours_on_a_page(client, login, world):
    task = _recorded(client, login, world)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert "改正时长" not in page  # approved: hours are final
    login(world.admin)
    client.post(f"/manage/tasks/{task.id}/reopen",
                data={"reopen-reason": "时长填错", "confirmed": "1"})
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    [done] = [a for a in task.assignments if a.member_id == world.member.id]
    assert f"/manage/assignments/{done.id}/hours" in page

    form = text(client.get(f"/manage/assignments/{done.id}/hours"))
    assert "现在的服务时长：2.0 小时" in form
    refused = client.post(f"/manage/assignments/{done.id}/hours",
                          data={"hours": "1.5", "reason": ""})
    assert refused.status_code == 200
    assert "请填写改正的原因" in text(refused) and 'value="1.5"' in text(refused)
    saved = client.post(f"/manage/assignments/{done.id}/hours",
                        data={"hours": "1.5", "reason": "提前离开"})
    assert saved.status_code == 302
    assert "服务时长改为 1.5 小时" in text(client.get(saved.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(type(done), done.id).minutes == 90


def test_in_a_finalised_month_the_leader_of_an_approved_activity_is_the_admins(
        client, login, world):
    """The 组长 is in the signed month's 台账: the liaison's page says an admin changes it
    instead of a form that would be refused, a post is refused with the message on the
    task page and nothing changes; the admin changes it."""
    from tracker.models import SummaryNote
    from tracker.timeutil import utcnow

    task = _recorded(client, login, world)
    day = task.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    form = f'action="/manage/tasks/{task.id}/leader'
    page = text(client.get(f"/manage/tasks/{task.id}"))
    # the service's own refusal, said before, with what to re-open (notices46)
    assert (f"{day.year}年{day.month}月的月报已定稿，更换该月活动的组长须由单位管理员操作"
            "（或由单位管理员先重新打开该月的月报）。" in page and form not in page)
    response = client.post(f"/manage/tasks/{task.id}/leader", data={"leader": world.member.id})
    assert (f"{day.year}年{day.month}月的月报已定稿，更换该月活动的组长须由单位管理员操作"
            in text(client.get(response.headers["Location"])))
    db.session.expire_all()
    assert db.session.get(Task, task.id).leader_id == world.leader.id

    login(world.admin)
    assert form in text(client.get(f"/manage/tasks/{task.id}"))
    # the signed month is named to the admin first (figures42 #1), then it is changed
    response = client.post(f"/manage/tasks/{task.id}/leader", data={"leader": world.member.id})
    assert response.status_code == 200 and "更换组长会改变以下已定稿月报" in text(response)
    response = client.post(f"/manage/tasks/{task.id}/leader",
                           data={"leader": world.member.id, "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task.id).leader_id == world.member.id
