"""转为任务: one click from a need to the task-creation form, filled from the need (title,
description, slots from how many people, the checklist item it names or the only one of
its community and category); saving links the task and the need both ways.

Then the need follows its task: 已转任务 (nobody claims it), fulfilled when the task's
report is approved, given back (待认领, convertible again) when the task is cancelled."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.audit import work_actions
from tests.needs.support import need
from tests.web.manage_support import FMT, local, task_form
from tracker.extensions import db
from tracker.models import NeedStatus, Task
from tracker.rollups import Scope
from tests.plans import need_counts
from tracker.services import PermissionDenied, ServiceError, unit_of_work
from tracker.services.needs import claim_need, create_task_from_need, fulfil_need, release_need
from tracker.services.reviews import ReportData, approve_report, submit_report
from tracker.services.tasks import TaskData, cancel_task
from tracker.timeutil import local_today


def _data(**changes) -> TaskData:
    values = dict(title="修轮椅", place="解放路12号", starts_local=local(3, 9),
                  ends_local=local(3, 11), slots=2)
    values.update(changes)
    return TaskData(**values)


def _convert(actor, wish, item):
    with unit_of_work():
        return create_task_from_need(actor, wish, item, _data())


def test_the_task_made_from_a_need_links_back(world):
    wish = need(world.community, world.liaison, code="environment_cleanup", people=2)
    db.session.commit()
    [task] = _convert(world.liaison, wish, world.item)
    assert wish.task_id == task.id and task.needs == [wish]
    assert work_actions()[-2:] == ["create", "need_to_task"]
    # a need turns into a task once
    with pytest.raises(ServiceError, match="该需求已转为任务"):
        _convert(world.liaison, wish, world.item)


@pytest.mark.parametrize("case,error,message", [
    ("other_liaison", PermissionDenied, "无权操作"),
    ("other_item", ServiceError, "请选择本社区的资源清单项目"),
    ("closed", ServiceError, "该需求已完成或已关闭"),
])
def test_refusals_create_no_task(world, case, error, message):
    wish = need(world.community, world.liaison, code="environment_cleanup",
                status=NeedStatus.closed if case == "closed" else NeedStatus.open)
    db.session.commit()
    actor = world.other_liaison if case == "other_liaison" else world.liaison
    item = world.other_item if case == "other_item" else world.item
    tasks_before = db.session.scalar(select(db.func.count(Task.id)))
    with pytest.raises(error, match=message):
        _convert(actor, wish, item)
    assert db.session.scalar(select(db.func.count(Task.id))) == tasks_before
    assert wish.task_id is None


def test_one_click_fills_the_form_and_saving_links_both_ways(client, login, world):
    wish = need(world.community, world.liaison, code="environment_cleanup", people=3,
                title="清理楼道杂物", description="3号楼1单元")
    db.session.commit()
    login(world.liaison)
    detail = client.get(f"/needs/{wish.id}").get_data(as_text=True)
    assert f'href="/manage/tasks/new?need={wish.id}"' in detail
    page = client.get(f"/manage/tasks/new?need={wish.id}").get_data(as_text=True)
    assert 'value="清理楼道杂物"' in page and "3号楼1单元" in page and 'value="3"' in page
    # the only 环境整治 item of 解放路社区 is chosen; the other community's is not offered
    assert re.search(rf'<option selected value="{world.item.id}"|<option value="{world.item.id}" selected',
                     page)
    assert "牛皮癣清除" not in page
    response = client.post(f"/manage/tasks/new?need={wish.id}", data=task_form(
        resource_item=world.item.id, title="清理楼道杂物", slots="3",
        starts_at=local(4, 9).strftime(FMT), ends_at=local(4, 11).strftime(FMT)))
    task = db.session.scalar(select(Task).where(Task.title == "清理楼道杂物"))
    assert response.headers["Location"].endswith(f"/manage/tasks/{task.id}")
    db.session.refresh(wish)
    assert wish.task_id == task.id
    for url in (f"/manage/tasks/{task.id}", f"/tasks/{task.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "来自需求" in html and f'href="/needs/{wish.id}"' in html
    assert "转为任务" not in client.get(f"/needs/{wish.id}").get_data(as_text=True)


def test_a_need_of_another_community_is_not_found(client, login, world):
    wish = need(world.community, world.liaison)
    db.session.commit()
    login(world.other_liaison)
    assert client.get(f"/manage/tasks/new?need={wish.id}").status_code == 404
    assert client.post(f"/manage/tasks/new?need={wish.id}",
                       data=task_form(resource_item=world.other_item.id)).status_code == 404
    assert db.session.scalar(select(Task).where(Task.title == "周末环境整治")) is None


# --- the need follows its task: taken, done when approved, given back when cancelled ----

def _claim_refused(wish, member, message):
    with pytest.raises(ServiceError, match=message):
        with unit_of_work():
            claim_need(wish, member)


def test_a_need_turned_into_a_task_is_the_tasks_and_nobody_claims_it(world):
    wish = need(world.community, world.liaison, code="environment_cleanup")
    db.session.commit()
    _convert(world.liaison, wish, world.item)
    db.session.refresh(wish)
    assert (wish.status, wish.claimed_by_id) == (NeedStatus.tasked, None)
    assert wish.is_live  # still to be done, by the task
    _claim_refused(wish, world.other_member, "该需求已转为任务，由任务的参与人员完成，不能认领")
    db.session.refresh(wish)
    assert (wish.status, wish.claimed_by_id) == (NeedStatus.tasked, None)
    # nor may the liaison call it done before the task's report is approved
    with pytest.raises(ServiceError, match="审核通过后才能确认完成"):
        with unit_of_work():
            fulfil_need(wish, world.liaison, "已完成")


def test_a_claimed_need_turned_into_a_task_keeps_its_claimer(world):
    wish = need(world.community, world.liaison, code="environment_cleanup",
                status=NeedStatus.claimed, claimer=world.member)
    db.session.commit()
    _convert(world.liaison, wish, world.item)
    db.session.refresh(wish)
    assert (wish.status, wish.claimed_by_id) == (NeedStatus.claimed, world.member.id)
    # given back by its claimer, it is the task's, not 待认领
    with unit_of_work():
        release_need(wish, world.member)
    assert (wish.status, wish.claimed_by_id) == (NeedStatus.tasked, None)


def _approve(world, task):
    with unit_of_work():
        submit_report(task, world.leader, ReportData(quantity=None, people_served=None,
                                                     note="清理楼道。", absent_ids=set()))
    with unit_of_work():
        approve_report(task.report, world.liaison)


def test_the_need_is_fulfilled_when_its_tasks_report_is_approved(world):
    """And the 月报's 本月完成 / 完成微心愿 count it, in its community and in the unit
    whose task did it (nobody claimed it)."""
    wish = need(world.community, world.liaison, code="environment_cleanup",
                status=NeedStatus.tasked, task_id=world.past_task.id)
    db.session.commit()
    today = local_today()
    month = Scope(date_from=today.replace(day=1), date_to=today + timedelta(days=1))
    assert need_counts(month, today).fulfilled == 0
    _approve(world, world.past_task)
    db.session.refresh(wish)
    assert (wish.status, wish.fulfilled_on, wish.fulfilled_by_id) == (
        NeedStatus.fulfilled, today, world.liaison.id)
    assert work_actions()[-2:] == ["approve", "need_fulfil"]
    for scope in (replace(month, community_ids=(world.community.id,)),
                  replace(month, unit_id=world.unit.id)):
        counts = need_counts(scope, today)
        assert (counts.fulfilled, counts.wishes_fulfilled) == (1, 1), scope
    assert need_counts(replace(month, unit_id=f.unit("县档案馆").id), today).fulfilled == 0


def test_a_claimed_need_of_a_task_is_fulfilled_with_its_claimer_on_record(world):
    wish = need(world.community, world.liaison, code="environment_cleanup",
                status=NeedStatus.claimed, claimer=world.member, task_id=world.past_task.id)
    db.session.commit()
    _approve(world, world.past_task)
    db.session.refresh(wish)
    assert (wish.status, wish.claimed_by_id) == (NeedStatus.fulfilled, world.member.id)


def test_the_liaison_confirms_a_need_whose_task_was_approved_before(world):
    """A need converted before 0025 whose task is already approved: 确认完成, without a
    claimer, is offered and works."""
    wish = need(world.community, world.liaison, code="environment_cleanup")
    db.session.commit()
    _approve(world, world.past_task)
    wish.status, wish.task_id = NeedStatus.tasked, world.past_task.id
    db.session.commit()
    with unit_of_work():
        fulfil_need(wish, world.liaison, "任务已完成")
    assert (wish.status, wish.claimed_by_id, wish.fulfil_note) == (
        NeedStatus.fulfilled, None, "任务已完成")


def test_a_cancelled_task_gives_the_need_back_to_be_claimed_or_converted_again(world):
    wish = need(world.community, world.liaison, code="environment_cleanup")
    db.session.commit()
    [task] = _convert(world.liaison, wish, world.item)
    with unit_of_work():
        cancel_task(task, world.liaison, "改期")
    db.session.refresh(wish)
    assert (wish.status, wish.task_id) == (NeedStatus.open, None)
    assert work_actions()[-2:] == ["cancel", "need_task_cancelled"]
    [again] = _convert(world.liaison, wish, world.item)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id) == (NeedStatus.tasked, again.id)
    # a claimed one keeps its claimer and only loses the task
    with unit_of_work():
        cancel_task(again, world.liaison, "改期")
        release = need(world.community, world.liaison, code="environment_cleanup",
                       status=NeedStatus.claimed, claimer=world.member)
    [third] = _convert(world.liaison, release, world.item)
    with unit_of_work():
        cancel_task(third, world.liaison, "改期")
    db.session.refresh(release)
    assert (release.status, release.claimed_by_id, release.task_id) == (
        NeedStatus.claimed, world.member.id, None)


def test_the_page_offers_no_claim_on_a_need_turned_into_a_task(client, login, world):
    wish = need(world.community, world.liaison, code="environment_cleanup")
    db.session.commit()
    _convert(world.liaison, wish, world.item)
    login(world.member)
    html = client.get(f"/needs/{wish.id}").get_data(as_text=True)
    assert "已转任务" in html and f'action="/needs/{wish.id}/claim"' not in html
    board = client.get("/needs/?status=tasked").get_data(as_text=True)
    assert f'href="/needs/{wish.id}"' in board
    assert f'href="/needs/{wish.id}"' not in client.get("/needs/").get_data(as_text=True)


# --- a weekly series made from a need: every task of it is the need's --------------------

def _convert_weekly(world, wish, weeks=3):
    """The need made into a weekly series of ``weeks`` tasks, then moved three weeks
    back (so the first ones have ended and can be reported); earliest first."""
    first = local(3, 9)
    with unit_of_work():
        tasks = create_task_from_need(world.liaison, wish, world.item, _data(
            leader=world.leader, repeat_until=(first + timedelta(weeks=weeks - 1)).date()))
    assert len(tasks) == weeks and len({t.series_id for t in tasks}) == 1
    for task in tasks:
        task.starts_at -= timedelta(weeks=3)
        task.ends_at -= timedelta(weeks=3)
        task.service_date -= timedelta(weeks=3)
    db.session.commit()
    return tasks


def _approve_by_liaison(world, task):
    with unit_of_work():
        submit_report(task, world.liaison, ReportData(quantity=None, people_served=None,
                                                      note="代购米面。", absent_ids=set()))
    with unit_of_work():
        approve_report(task.report, world.liaison)


def _cancel(world, task):
    with unit_of_work():
        cancel_task(task, world.liaison, "改期")
    db.session.refresh(task)


def test_a_series_first_cancelled_second_approved_fulfils_the_need(world):
    """The need is the whole series': the first task's cancellation does not give it
    back while others remain, and the second's approval fulfils it, by that task,
    counted once."""
    wish = need(world.community, world.liaison, code="environment_cleanup",
                title="每周帮老人代购米面")
    db.session.commit()
    first, second, third = _convert_weekly(world, wish)
    assert wish.task_id == first.id
    _cancel(world, first)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id) == (NeedStatus.tasked, second.id)
    assert work_actions()[-2:] == ["cancel", "need_task_moved"]
    _claim_refused(wish, world.member, "该需求已转为任务")  # still not 待认领
    today = local_today()
    month = Scope(date_from=today.replace(day=1), date_to=today + timedelta(days=1))
    _approve_by_liaison(world, second)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id, wish.fulfilled_on) == (
        NeedStatus.fulfilled, second.id, today)
    assert work_actions()[-2:] == ["approve", "need_fulfil"]
    assert need_counts(month, today).fulfilled == 1
    # the third week goes on as a task; its approval fulfils nothing twice
    _approve_by_liaison(world, third)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id) == (NeedStatus.fulfilled, second.id)
    assert work_actions()[-1] == "approve"
    assert need_counts(month, today).fulfilled == 1


def test_a_later_task_of_the_series_approved_fulfils_the_need_while_the_first_is_open(world):
    wish = need(world.community, world.liaison, code="environment_cleanup")
    db.session.commit()
    first, second, third = _convert_weekly(world, wish)
    _approve_by_liaison(world, third)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id) == (NeedStatus.fulfilled, third.id)
    # the first task is still the liaison's to report or cancel; the need stays done
    _cancel(world, first)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id) == (NeedStatus.fulfilled, third.id)


def test_the_need_is_given_back_only_when_every_task_of_it_is_cancelled(world):
    wish = need(world.community, world.liaison, code="environment_cleanup")
    db.session.commit()
    first, second, third = _convert_weekly(world, wish)
    _cancel(world, second)  # not the task the need names: nothing to move
    db.session.refresh(wish)
    assert (wish.status, wish.task_id) == (NeedStatus.tasked, first.id)
    _cancel(world, first)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id) == (NeedStatus.tasked, third.id)
    _cancel(world, third)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id) == (NeedStatus.open, None)
    assert work_actions()[-2:] == ["cancel", "need_task_cancelled"]
    # 待认领 again, and it can be turned into a task again
    [again] = _convert(world.liaison, wish, world.item)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id) == (NeedStatus.tasked, again.id)


def test_a_claimed_need_made_into_a_series_keeps_its_claimer_until_a_task_does_it(world):
    wish = need(world.community, world.liaison, code="environment_cleanup",
                status=NeedStatus.claimed, claimer=world.member)
    db.session.commit()
    first, second, third = _convert_weekly(world, wish)
    _cancel(world, first)
    _cancel(world, second)
    db.session.refresh(wish)
    assert (wish.status, wish.claimed_by_id, wish.task_id) == (
        NeedStatus.claimed, world.member.id, third.id)
    _approve_by_liaison(world, third)
    db.session.refresh(wish)
    assert (wish.status, wish.claimed_by_id) == (NeedStatus.fulfilled, world.member.id)


def test_the_liaison_confirms_a_need_whose_later_task_was_approved_before(world):
    """A need that named the first task of its series while only that task counted, and
    whose second task was approved meanwhile: 确认完成 is offered and works."""
    wish = need(world.community, world.liaison, code="environment_cleanup")
    db.session.commit()
    first, second, _third = _convert_weekly(world, wish)
    _approve_by_liaison(world, second)
    wish.status, wish.task_id = NeedStatus.tasked, first.id  # as the old rule left it
    wish.fulfilled_at = wish.fulfilled_on = wish.fulfilled_by_id = None
    db.session.commit()
    from tracker.services.needs import may_confirm
    assert may_confirm(wish)
    with unit_of_work():
        fulfil_need(wish, world.liaison, "第二周已完成")
    assert wish.status == NeedStatus.fulfilled


def test_every_task_of_the_series_links_back_to_the_need(client, login, world):
    wish = need(world.community, world.liaison, code="environment_cleanup",
                title="每周帮老人代购米面")
    db.session.commit()
    tasks = _convert_weekly(world, wish)
    login(world.liaison)
    for task in tasks:
        for url in (f"/manage/tasks/{task.id}", f"/tasks/{task.id}"):
            html = client.get(url).get_data(as_text=True)
            assert "来自需求" in html and f'href="/needs/{wish.id}"' in html, url


def _void(world, task):
    from tracker.services.voiding import void_activity

    with unit_of_work():
        void_activity(task, world.liaison, "并未开展")
    db.session.refresh(task)


def test_a_voided_week_that_fulfilled_the_need_hands_it_to_another_approved_week(world):
    """作废 of the week whose approval fulfilled a series' need: the need was still done,
    by the other approved week; with no other approved week it is to be done again, by
    the series' next task."""
    wish = need(world.community, world.liaison, code="environment_cleanup")
    db.session.commit()
    first, second, third = _convert_weekly(world, wish)
    _approve_by_liaison(world, first)
    # the first week was approved last month: the need was done then, by its reviewer
    last_month = local_today().replace(day=1) - timedelta(days=1)
    wish.fulfilled_on = last_month
    wish.fulfilled_by_id = world.admin.id
    db.session.commit()
    _approve_by_liaison(world, second)
    _void(world, first)
    db.session.refresh(wish)
    # done by the second week, on the day and by whom its report was approved
    assert (wish.status, wish.task_id, wish.fulfilled_on, wish.fulfilled_by_id) == (
        NeedStatus.fulfilled, second.id, local_today(), world.liaison.id)

    other = need(world.community, world.liaison, code="environment_cleanup")
    db.session.commit()
    first, second, third = _convert_weekly(world, other)
    _approve_by_liaison(world, first)
    _void(world, first)
    db.session.refresh(other)
    assert (other.status, other.task_id, other.fulfilled_on) == (
        NeedStatus.tasked, second.id, None)


def _reopen(world, task, reason="受益人数填错，需改正"):
    from tracker.services.reviews import reopen_report

    with unit_of_work():
        reopen_report(task.report, world.admin, reason)
    db.session.refresh(task)


@pytest.mark.parametrize("claimed", [False, True], ids=["tasked", "claimed"])
def test_reopening_the_approval_that_fulfilled_the_need_makes_it_to_do_again(world, claimed):
    """撤销审核 (session 22's open item): the report is 退回 again and counts nowhere, so
    the need it fulfilled is not done either — back to where it was before the approval
    (已转任务, or 已认领 by its claimer), out of 本月完成 — and done again, on the new
    approval's day and by its reviewer, when the corrected report is approved."""
    extra = dict(status=NeedStatus.claimed, claimer=world.member) if claimed else \
        dict(status=NeedStatus.tasked)
    wish = need(world.community, world.liaison, code="environment_cleanup",
                task_id=world.past_task.id, **extra)
    db.session.commit()
    before = NeedStatus.claimed if claimed else NeedStatus.tasked
    today = local_today()
    month = Scope(date_from=today.replace(day=1), date_to=today + timedelta(days=1),
                  community_ids=(world.community.id,))
    _approve(world, world.past_task)
    db.session.refresh(wish)
    assert wish.status == NeedStatus.fulfilled
    assert need_counts(month, today).fulfilled == 1

    _reopen(world, world.past_task)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id, wish.fulfilled_on, wish.fulfilled_by_id) == (
        before, world.past_task.id, None, None)
    assert wish.claimed_by_id == (world.member.id if claimed else None)
    assert need_counts(month, today).fulfilled == 0
    assert "need_fulfil_reopened" in work_actions()

    # the leader corrects the report, an admin approves it: the need is done again
    with unit_of_work():
        submit_report(world.past_task, world.leader, ReportData(
            quantity=None, people_served=None, note="清理楼道。", absent_ids=set()))
    with unit_of_work():
        approve_report(world.past_task.report, world.admin)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id, wish.fulfilled_on, wish.fulfilled_by_id) == (
        NeedStatus.fulfilled, world.past_task.id, today, world.admin.id)
    assert need_counts(month, today).fulfilled == 1


def test_reopening_one_approved_week_leaves_the_need_done_by_the_other(world):
    """A series' need fulfilled by its first approved week, a second week approved too:
    撤销审核 of the first leaves the need done — by the second week, as of its approval."""
    wish = need(world.community, world.liaison, code="environment_cleanup")
    db.session.commit()
    first, second, _third = _convert_weekly(world, wish)
    _approve_by_liaison(world, first)
    _approve_by_liaison(world, second)
    _reopen(world, first)
    db.session.refresh(wish)
    assert (wish.status, wish.task_id, wish.fulfilled_by_id) == (
        NeedStatus.fulfilled, second.id, world.liaison.id)


def test_a_voided_week_gives_a_claimed_need_back_to_its_claimer_with_the_series(world):
    """作废 of the week that fulfilled a claimed need of a series, no other week approved:
    the need is the claimer's again (已认领, not 已转任务 with a claimer, which the
    table refuses), going on with the series' next task."""
    wish = need(world.community, world.liaison, code="environment_cleanup",
                status=NeedStatus.claimed, claimer=world.member)
    db.session.commit()
    first, second, _third = _convert_weekly(world, wish)
    _approve_by_liaison(world, first)
    _void(world, first)
    db.session.refresh(wish)
    assert (wish.status, wish.claimed_by_id, wish.task_id, wish.fulfilled_on) == (
        NeedStatus.claimed, world.member.id, second.id, None)


def _leader_options(page: str) -> list[str]:
    select_ = re.search(r'<select[^>]*name="leader".*?</select>', page, re.S)
    assert select_, "the 组长 list"
    return re.findall(r"<option[^>]*>([^<]*)</option>", select_.group(0))


@pytest.mark.parametrize("case", ["funding", "switched_off"])
def test_a_need_whose_item_holds_no_tasks_says_why_and_offers_the_usual_leaders(
        client, login, world, case):
    """Walk 5, D9: a need linked to a 共建活动经费 item (money: no tasks), or to an item
    停用 since, opened 转为任务 with nothing chosen, no word why, and only 「不设组长」.
    The form says why the need's item is not chosen, and lists the leaders the plain
    form lists."""
    from tracker.models.work import FUNDING_CODE

    if case == "funding":
        linked = f.item(world.unit, world.community, FUNDING_CODE)
        code = FUNDING_CODE
    else:
        linked = world.item
        code = "environment_cleanup"
    wish = need(world.community, world.liaison, code=code, resource_item_id=linked.id,
                title="楼道照明灯更换")
    if case == "switched_off":
        linked.active = False
        f.item(world.unit, world.community, "household_assistance")  # one left to pick
    db.session.commit()
    login(world.liaison)
    page = client.get(f"/manage/tasks/new?need={wish.id}").get_data(as_text=True)
    why = "记录经费，不能创建任务" if case == "funding" else "已停用，不能再创建任务"
    assert f"需求关联的资源清单项目“{linked}”{why}" in page
    assert not re.search(r"<option[^>]*selected[^>]*value=\"\d+\"|<option value=\"\d+\" selected",
                         page.split('name="leader"')[0])
    plain = client.get("/manage/tasks/new").get_data(as_text=True)
    assert len(_leader_options(page)) > 1
    assert _leader_options(page) == _leader_options(plain)
