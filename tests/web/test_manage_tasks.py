"""Liaison pages for tasks: 工作台, the task list, creating, editing and managing a task."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.clock import stop_app_clock
from tests.web.asked_on_task_support import back_keeps_the_reason, no_url_carries_the_reason
from tests.web.manage_support import (
    FMT,
    assignment,
    audit_count,
    edit_form,
    fresh,
    local,
    submitted_report,
    task_count,
    task_form,
    text,
)
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Member, Role, Task, TaskStatus
from tracker.timeutil import to_local, utcnow


# --- 工作台 -----------------------------------------------------------------------------

def test_home_shows_counts_and_short_lists_of_my_communities(client, login, world):
    submitted_report(world.past_task, world.leader)
    stale = f.task(world.item, world.liaison, starts_in=-timedelta(days=3), title="逾期的清扫")
    f.task(world.other_item, world.other_liaison, starts_in=-timedelta(days=3), title="别社区逾期")
    db.session.commit()
    login(world.liaison)
    page = text(client.get("/manage/"))
    assert "工作台" in page
    assert "楼道清理" in page  # the pending report's task
    assert stale.title in page
    assert "环境整治" in page  # upcoming in two days
    assert "别社区逾期" not in page and "清除牛皮癣" not in page
    assert f'href="/manage/reports/{world.past_task.report.id}"' in page
    assert f'href="/manage/tasks/{stale.id}"' in page


def test_admin_home_sees_every_community(client, login, world):
    login(world.admin)
    page = text(client.get("/manage/"))
    assert "环境整治" in page and "清除牛皮癣" in page


# --- the task list ----------------------------------------------------------------------

def _titles(page: str) -> list[str]:
    return re.findall(r'<h3><a (?:class="stretch" )?href="/manage/tasks/\d+">([^<]+)</a></h3>', page)


def test_task_list_shows_all_statuses_upcoming_first_then_latest_past(client, login, world):
    f.task(world.item, world.liaison, starts_in=timedelta(days=9), title="九天后")
    f.task(world.item, world.liaison, starts_in=-timedelta(days=9), title="九天前",
           status=TaskStatus.closed)
    f.task(world.item, world.liaison, starts_in=timedelta(days=1), title="明天",
           status=TaskStatus.cancelled)
    db.session.commit()
    login(world.liaison)
    titles = _titles(text(client.get("/manage/tasks")))
    assert titles == ["明天", "环境整治", "九天后", "楼道清理", "九天前"]


def test_task_list_filters(client, login, world):
    f.task(world.item, world.liaison, starts_in=timedelta(days=20), title="二十天后",
           status=TaskStatus.closed)
    other_cat = f.item(world.unit, world.community, "elderly_visit")
    f.task(other_cat, world.liaison, starts_in=timedelta(days=3), title="慰问老人")
    db.session.commit()
    login(world.liaison)
    # 已结束: the closed one, and 楼道清理, open but ended yesterday (as its badge says)
    assert _titles(text(client.get("/manage/tasks?status=closed"))) == ["二十天后", "楼道清理"]
    assert _titles(text(client.get(f"/manage/tasks?category={other_cat.category_id}"))) == ["慰问老人"]
    day = to_local(world.task.starts_at).date().isoformat()
    assert _titles(text(client.get(f"/manage/tasks?date_from={day}&date_to={day}"))) == ["环境整治"]
    # Another community's id in the filter shows nothing of it.
    assert _titles(text(client.get(f"/manage/tasks?community={world.other_community.id}")))
    assert "清除牛皮癣" not in text(client.get(f"/manage/tasks?community={world.other_community.id}"))


def test_task_list_bad_filter_values_are_explained_not_fatal(client, login, world):
    login(world.liaison)
    response = client.get("/manage/tasks?date_from=abc&status=nonsense&community=x")
    assert response.status_code == 200
    page = text(response)
    assert "日期格式不正确" in page
    assert "环境整治" in page
    response = client.get("/manage/tasks?date_from=2026-05-02&date_to=2026-05-01")
    assert "结束日期不能早于开始日期" in text(response)


def test_task_list_is_paged(app, client, login, world):
    app.config["PAGE_SIZE"] = 2
    f.task(world.item, world.liaison, starts_in=timedelta(days=5), title="第三个")
    db.session.commit()
    login(world.liaison)
    first = text(client.get("/manage/tasks"))
    assert len(_titles(first)) == 2 and "第 1 / 2 页" in first
    second = _titles(text(client.get("/manage/tasks?page=2")))
    assert second and set(second).isdisjoint(_titles(first))
    assert client.get("/manage/tasks?page=abc").status_code == 200


def test_other_liaison_list_has_only_their_tasks(client, login, world):
    login(world.other_liaison)
    assert _titles(text(client.get("/manage/tasks"))) == ["清除牛皮癣"]


# --- 创建任务 -------------------------------------------------------------------------------

def test_new_task_form_preselects_the_item_and_offers_its_unit_members(client, login, world):
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/new?item={world.item.id}"))
    assert f'<option selected value="{world.item.id}">' in page
    assert "牛皮癣清除" not in page  # the other community's item is not offered
    assert "王组长" in page and 'type="datetime-local"' in page


@pytest.mark.parametrize("page", ["/manage/tasks/new", "/manage/backfill"])
def test_the_funds_item_is_not_offered_for_tasks_or_backfill(client, login, world, page):
    funds = f.item(world.unit, world.community, "cobuild_funding")
    db.session.commit()
    login(world.liaison)
    html = text(client.get(page))
    offered = re.search(r'<select[^>]*name="resource_item".*?</select>', html, re.S).group(0)
    assert f'value="{world.item.id}"' in offered
    assert f'value="{funds.id}"' not in offered
    response = client.post("/manage/tasks/new", data=task_form(resource_item=funds.id))
    assert response.status_code == 200 and "请选择资源清单项目" in text(response)


def test_create_a_single_task(client, login, world):
    login(world.liaison)
    response = client.post("/manage/tasks/new", data=task_form(
        resource_item=world.item.id, leader=world.leader.id, starts_at=local(4, 7).strftime(FMT),
        ends_at=local(4, 9).strftime(FMT)))
    assert response.status_code == 302
    task = db.session.scalar(select(Task).where(Task.title == "周末环境整治"))
    assert response.headers["Location"].endswith(f"/manage/tasks/{task.id}")
    assert task.leader_id == world.leader.id and task.slots == 10
    assert task.community_id == world.community.id
    assert to_local(task.starts_at).replace(tzinfo=None) == local(4, 7)
    assert task.service_date == local(4, 7).date()  # 23:00 UTC the day before
    page = text(client.get(response.headers["Location"]))
    assert "任务已创建" in page


def test_create_a_weekly_series(client, login, world):
    login(world.liaison)
    until = (local(4, 9) + timedelta(weeks=5)).date().isoformat()
    response = client.post("/manage/tasks/new", data=task_form(
        resource_item=world.item.id, repeat_until=until))
    assert response.status_code == 302
    tasks = list(db.session.scalars(
        select(Task).where(Task.title == "周末环境整治").order_by(Task.starts_at)))
    assert len(tasks) == 6
    assert [t.service_date for t in tasks] == [
        (local(4, 9) + timedelta(weeks=n)).date() for n in range(6)]
    assert "已创建每周重复的 6 个任务" in text(client.get(response.headers["Location"]))


# The remedy of work left on another year's item is an admin's: an admin is told to add
# the item (and, where the page can, led to the item form), a liaison whom to ask.
REMEDY = {"liaison": "如需计入，请联系单位管理员添加{year}年的这一项目。",
          "admin": "如需计入，请在资源清单中添加{year}年的这一项目。"}
# the item form, filled with the missing line and year (tests/services/test_year_items.py)
ITEM_FORM_LINK = '<a href="/admin/items/new?'


@pytest.mark.parametrize("role", ["liaison", "admin"])
def test_work_left_on_another_years_item_tells_each_role_its_own_remedy(
        client, login, world, role):
    """A series begun in December on an item whose line has no next year's item: the
    January weeks are created (not refused) and whoever creates it is told they count
    toward no year's checklist; the task page and its edit form say so of a January
    task, each with the reader's own remedy."""
    today = to_local(utcnow()).date()
    year = today.year if today.month >= 7 else today.year - 1  # its New Year is near
    item = f.item(world.unit, world.community, "elderly_visit", year=year)
    db.session.commit()
    login(getattr(world, role))
    start = datetime(year, 12, 28, 9, 0)
    response = client.post("/manage/tasks/new", data=task_form(
        resource_item=item.id, starts_at=start.strftime(FMT),
        ends_at=(start + timedelta(hours=2)).strftime(FMT),
        repeat_until=f"{year + 1}-01-11"))
    assert response.status_code == 302
    remedy, other = REMEDY[role], REMEDY["admin" if role == "liaison" else "liaison"]
    flashed = text(client.get(response.headers["Location"]))
    assert "已创建每周重复的 3 个任务" in flashed
    assert f"其中2个任务在{year + 1}年，但{year + 1}年的资源清单中没有" in flashed
    assert remedy.format(year=year + 1) in flashed
    assert other.format(year=year + 1) not in flashed
    january = db.session.scalars(select(Task).where(
        Task.resource_item_id == item.id, Task.service_date > date(year, 12, 31))
        .order_by(Task.service_date, Task.id)).first()
    for url in (f"/manage/tasks/{january.id}", f"/manage/tasks/{january.id}/edit"):
        page = text(client.get(url))
        assert f"该活动在{year + 1}年" in page and f"仍记在{year}年的项目下" in page, url
        notice = re.search(r"<p class=\"notice\" data-off-checklist>.*?</p>", page, re.S).group(0)
        assert remedy.format(year=year + 1) in notice, url
        assert other.format(year=year + 1) not in page, url
        assert (ITEM_FORM_LINK in notice) == (role == "admin"), url
    december = text(client.get(response.headers["Location"]))  # its own task counts
    assert "该活动在" not in december


LONG = "长" * 121
# Times are lambdas, worked out when the test runs, on the clock the test stops
# (stop_app_clock): a value computed at import, or a moment apart from the form's other
# times or the application's "today", could be of another day in a run that crosses
# midnight Asia/Shanghai.
BAD_INPUT = [
    ({"resource_item": ""}, "请选择资源清单项目"),
    ({"resource_item": "abc"}, "请选择资源清单项目"),
    ({"resource_item": "999999"}, "请选择资源清单项目"),
    ({"title": ""}, "请填写任务名称"),
    ({"title": "   "}, "请填写任务名称"),
    ({"title": LONG}, "不能超过120个字"),
    ({"beneficiary": LONG}, "不能超过120个字"),
    ({"place": ""}, "请填写地点"),
    ({"place": LONG}, "不能超过120个字"),
    ({"description": "长" * 2001}, "不能超过2000个字"),
    ({"starts_at": ""}, "请填写开始时间"),
    ({"starts_at": "明天上午"}, "时间格式不正确"),
    ({"starts_at": "2026-13-45T25:00"}, "时间格式不正确"),
    ({"ends_at": ""}, "请填写结束时间"),
    ({"ends_at": "abc"}, "时间格式不正确"),
    ({"ends_at": lambda: local(4, 8).strftime(FMT)}, "结束时间必须晚于开始时间"),
    ({"ends_at": lambda: local(4, 9).strftime(FMT)}, "结束时间必须晚于开始时间"),
    ({"ends_at": lambda: local(6, 9).strftime(FMT)}, "不能超过24小时"),
    ({"starts_at": lambda: local(900, 9).strftime(FMT), "ends_at": lambda: local(900, 10).strftime(FMT)},
     "开始时间须在今天前后一年之内"),
    ({"starts_at": lambda: local(-900, 9).strftime(FMT), "ends_at": lambda: local(-900, 10).strftime(FMT)},
     "开始时间须在今天前后一年之内"),
    ({"slots": ""}, "请填写名额"),
    ({"slots": "0"}, "请输入1到500之间的整数"),
    ({"slots": "-1"}, "请输入1到500之间的整数"),
    ({"slots": "100000"}, "请输入1到500之间的整数"),
    ({"slots": "abc"}, "请输入整数"),
    ({"slots": "2.5"}, "请输入整数"),
    ({"leader": "abc"}, "请从列表中选择组长"),
    ({"leader": "999999"}, "请从列表中选择组长"),
    ({"repeat_until": lambda: local(1, 9).date().isoformat()}, "重复截止日期须晚于首次活动日期"),
    ({"repeat_until": lambda: local(4, 9).date().isoformat()}, "重复截止日期须晚于首次活动日期"),
    ({"repeat_until": lambda: local(400, 9).date().isoformat()}, "每周重复最长一年"),
    ({"repeat_until": "下个月"}, "日期格式不正确"),
]


@pytest.mark.parametrize("changes, message", BAD_INPUT,
                         ids=[f"{next(iter(c))}-{i}" for i, (c, _m) in enumerate(BAD_INPUT)])
def test_create_bad_input_is_explained_on_the_same_form(client, login, world, changes, message,
                                                       monkeypatch):
    stop_app_clock(monkeypatch)
    login(world.liaison)
    before, events = task_count(), audit_count()
    data = task_form(resource_item=world.item.id, title="我输入的标题", place="我输入的地点",
                     beneficiary="我输入的对象", description="我输入的说明")
    data.update({name: value() if callable(value) else value for name, value in changes.items()})
    response = client.post("/manage/tasks/new", data=data)
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "创建任务" in page and 'action=""' in page
    # What was typed is still there, field by field.
    for name in ("title", "place", "beneficiary", "starts_at", "ends_at", "slots"):
        if data[name].strip():
            assert f'value="{data[name]}"' in page, name
    if data["description"]:
        assert data["description"] in page
    if data["repeat_until"]:
        assert f'value="{data["repeat_until"]}"' in page
    assert task_count() == before and audit_count() == events


def _leaders_offered(page: str) -> list[str]:
    offered = re.search(r'<select[^>]*name="leader".*?</select>', page, re.S).group(0)
    return re.findall(r'<option[^>]*value="(\d+)"', offered)


def test_a_cut_leader_list_says_so_and_a_search_finds_the_rest(client, login, world,
                                                               monkeypatch):
    """A unit larger than the 组长 list (300; 3 here) is not silently cut: the form says
    only the first are listed, those who can log in first, and 查找 finds anyone else
    by name or phone — keeping what was typed, creating nothing — who can then lead."""
    import tracker.manage.queries as queries
    for n, name in enumerate(["安一", "白二", "陈三", "丁四"]):
        f.member(world.unit, name=name, phone=f"1380000000{n}").password_hash = None
    f.member(world.unit, name="朱末", phone="13800009999")
    db.session.commit()
    activated = {str(m.id) for m in db.session.scalars(select(Member).where(
        Member.unit_id == world.unit.id, Member.active, Member.password_hash.is_not(None)))}
    monkeypatch.setattr(queries, "MEMBER_CHOICES_MAX", len(activated))
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/new?item={world.item.id}"))
    assert f"仅列出前{len(activated)}人" in page
    # those who can log in to report come first: 朱末 before 安一 …
    assert set(_leaders_offered(page)) == activated

    before = task_count()
    data = task_form(resource_item=world.item.id, title="单元门清洁", leader_q="丁四", find="1")
    found = text(client.post("/manage/tasks/new", data=data))
    assert task_count() == before and "请修改" not in found
    assert 'value="单元门清洁"' in found and 'value="丁四"' in found
    ding = db.session.scalar(select(Member).where(Member.name == "丁四"))
    assert _leaders_offered(found) == [str(ding.id)] and "仅列出前" not in found

    data.pop("find")
    response = client.post("/manage/tasks/new", data={**data, "leader": ding.id})
    assert response.status_code == 302
    assert db.session.scalar(select(Task).where(Task.title == "单元门清洁")).leader_id == ding.id


def test_create_keeps_the_chosen_item_and_leader_after_an_error(client, login, world):
    login(world.liaison)
    response = client.post("/manage/tasks/new", data=task_form(
        resource_item=world.item.id, leader=world.leader.id, slots="abc"))
    page = text(response)
    assert f'<option selected value="{world.item.id}">' in page
    assert f'<option selected value="{world.leader.id}">' in page


def test_other_liaison_cannot_create_in_community_a(client, login, world):
    login(world.other_liaison)
    before, events = task_count(), audit_count()
    response = client.post("/manage/tasks/new", data=task_form(resource_item=world.item.id))
    assert response.status_code == 404
    assert task_count() == before and audit_count() == events


def test_new_task_without_items_says_what_to_do(client, login, world):
    lonely = f.member(world.unit, Role.liaison, communities=[f.community("空社区")])
    db.session.commit()
    login(lonely)
    assert "还没有可用的资源清单项目" in text(client.get("/manage/tasks/new"))


# --- 修改任务 -------------------------------------------------------------------------------

def test_edit_form_shows_current_values_in_local_time(client, login, world):
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{world.task.id}/edit"))
    assert f'value="{to_local(world.task.starts_at).strftime(FMT)}"' in page
    assert 'value="环境整治"' in page
    assert "resource_item" not in page and "repeat_until" not in page


def test_edit_task_changes_details_and_service_date(client, login, world):
    login(world.liaison)
    start = local(8, 6, 30)
    response = client.post(f"/manage/tasks/{world.task.id}/edit", data=edit_form(
        world.task, title="新标题", starts_at=start.strftime(FMT),
        ends_at=(start + timedelta(hours=2)).strftime(FMT), slots="7"))
    assert response.status_code == 302
    task = fresh(Task, world.task.id)
    assert task.title == "新标题" and task.slots == 7
    assert task.service_date == start.date()
    assert "任务已修改" in text(client.get(response.headers["Location"]))


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "请填写任务名称"),
    ({"place": "长" * 121}, "不能超过120个字"),
    ({"slots": "abc"}, "请输入整数"),
    ({"slots": "0"}, "请输入1到500之间的整数"),
    ({"ends_at": "2000-01-01T00:00"}, "结束时间必须晚于开始时间"),
    ({"starts_at": "xyz"}, "时间格式不正确"),
])
def test_edit_bad_input(client, login, world, changes, message):
    login(world.liaison)
    events = audit_count()
    data = edit_form(world.task, **changes)
    page = text(client.post(f"/manage/tasks/{world.task.id}/edit", data=data))
    assert message in page
    for name, value in changes.items():
        if value:
            assert f'value="{value}"' in page
    assert audit_count() == events
    assert fresh(Task, world.task.id).title == "环境整治"


def test_edit_slots_below_taken_is_refused(client, login, world):
    for m in (world.member, world.other_member):
        assignment(world.task, m)
    login(world.liaison)
    page = text(client.post(f"/manage/tasks/{world.task.id}/edit",
                            data=edit_form(world.task, slots="1", title="不会保存")))
    assert "名额不能少于已认领的人数（2人）" in page
    assert 'value="1"' in page and 'value="不会保存"' in page
    task = fresh(Task, world.task.id)
    assert task.slots == 5 and task.title == "环境整治"


def test_every_mistake_of_a_task_edit_is_named_in_one_submit(client, login, world):
    """Past task, 2 places taken, one member confirmed 2 hours. 名额 1 with a one-hour
    activity breaks two rules the service holds: both are named at once. An empty 任务名称
    (the form's) with 名额 1 (the service's): both at once too. What was typed stays,
    nothing is written."""
    past = world.past_task
    done = db.session.scalar(select(Assignment).where(Assignment.task_id == past.id,
                                                      Assignment.member_id == world.member.id))
    done.status, done.minutes = AssignmentStatus.done, 120
    db.session.commit()
    start = to_local(past.starts_at)
    short = (start + timedelta(hours=1)).strftime(FMT)
    login(world.liaison)
    events = audit_count()
    for changes, messages in [
        ({"slots": "1", "ends_at": short},
         ("名额不能少于已认领的人数（2人）", "已有党员确认了2.0小时的服务时长")),
        ({"slots": "1", "title": ""}, ("请填写任务名称。", "名额不能少于已认领的人数（2人）")),
    ]:
        page = text(client.post(f"/manage/tasks/{past.id}/edit",
                                data=edit_form(past, **changes)))
        for message in messages:
            assert message in page, (changes, message)
        assert 'value="1"' in page and f'value="{changes.get("ends_at", "")}' in page
    task = fresh(Task, past.id)
    assert (task.slots, task.ends_at, task.title) == (past.slots, past.ends_at, "楼道清理")
    assert audit_count() == events


def test_editing_an_old_task_keeps_its_start(client, login, world):
    old = f.task(world.item, world.liaison, starts_in=-timedelta(days=500), title="旧任务")
    db.session.commit()
    login(world.liaison)
    response = client.post(f"/manage/tasks/{old.id}/edit", data=edit_form(old, title="旧任务补记"))
    assert response.status_code == 302
    assert fresh(Task, old.id).title == "旧任务补记"


# --- one task: participants, assigning, leader, close, cancel -------------------------------

def test_task_page_shows_details_participants_and_report(client, login, world):
    done = assignment(world.past_task, world.member)
    done.status, done.minutes = AssignmentStatus.done, 90
    report = submitted_report(world.past_task, world.leader)
    db.session.commit()
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{world.past_task.id}"))
    assert "张三" in page and "王组长" in page
    assert "1.5 小时" in page and "已确认参与" in page and "已认领" in page
    assert "待审核" in page and f"/manage/reports/{report.id}" in page
    assert f"/tasks/{world.past_task.id}/report" in page  # the shared 提交完成 form


def test_namesakes_among_the_participants_are_told_apart(client, login, world):
    """Two 陈芳 on one task, and a 李静 whose namesake in the unit is not on it: each is
    listed with what tells them apart (党支部, else the phone's last four digits); a
    name nobody in the unit shares is listed as it is."""
    first, second = (f.member(world.unit, name="陈芳", phone="13900000051"),
                     f.member(world.unit, name="陈芳", phone="13900000052"))
    first.branch, second.branch = "第1党支部", "第2党支部"
    li = f.member(world.unit, name="李静", phone="13900000063")
    f.member(world.unit, name="李静", phone="13900000071")
    db.session.commit()
    for person in (first, second, li, world.member):
        assignment(world.task, person)
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{world.task.id}"))
    participants = page.split('id="participants"')[1].split("</section>")[0]
    names = re.findall(r'<td data-label="姓名">([^<]+?)\s*(?:<|$)', participants)
    assert names == ["陈芳（第1党支部）", "陈芳（第2党支部）", "李静（尾号0063）",
                     world.member.name]


def test_assign_a_member(client, login, world):
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{world.task.id}"))
    assert f'value="{world.other_member.id}"' in page
    response = client.post(f"/manage/tasks/{world.task.id}/assign",
                           data={"member": world.other_member.id})
    assert response.status_code == 302
    a = db.session.scalar(select(Assignment).where(Assignment.task_id == world.task.id,
                                                   Assignment.member_id == world.other_member.id))
    assert a.status == AssignmentStatus.assigned and a.assigned_by_id == world.liaison.id
    assert fresh(Task, world.task.id).taken == 1
    assert "已指派 李四" in text(client.get(response.headers["Location"]))


def test_after_assigning_the_page_opens_at_the_assign_form_with_the_result_there(
        client, login, world):
    """walk10 D14: a liaison assigning one member after another on a phone comes back at
    the 指派 form (#assign), not at the page's top ~1,000 px above it, and 已指派 is
    shown where she is, in that section, not at the top she no longer sees."""
    login(world.liaison)
    response = client.post(f"/manage/tasks/{world.task.id}/assign",
                           data={"member": world.other_member.id})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/tasks/{world.task.id}#assign")
    page = text(client.get(response.headers["Location"]))
    top, assign = page.split('id="assign"')
    assign = assign.split("</section>")[0]
    assert "已指派 李四" in assign and "已指派 李四" not in top
    # Shown once: the next page has no message left.
    assert "已指派 李四" not in text(client.get(f"/manage/tasks/{world.task.id}"))


def test_a_placed_message_goes_to_the_top_of_a_page_without_its_place(client, login, world):
    """A message meant for the 指派 form that reaches a page without one (the task was
    cancelled in between) is still shown, at the top, as any other."""
    login(world.liaison)
    with client.session_transaction() as session:
        session["_flashes"] = [("success@assign", "已指派 李四。")]
    page = text(client.get("/manage/tasks"))
    assert page.count("已指派 李四。") == 1 and 'data-flash-at' not in page


def test_the_task_details_are_one_list_with_one_label_column(client, login, world):
    """walk10 D1: 时间…类别 and 服务对象…说明 in one dl.meta, so the labels share one
    column (two lists each sized their own)."""
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{world.task.id}"))
    card = page.split('<section class="card">')[1].split("</section>")[0]
    assert card.count('<dl class="meta">') == 1
    details = card.split('<dl class="meta">')[1].split("</dl>")[0]
    for label in ("时间", "地点", "社区", "类别", "服务对象", "名额", "组长", "资源清单"):
        assert f"<dt>{label}</dt>" in details


def test_assign_respects_slots(client, login, world):
    full = f.task(world.item, world.liaison, slots=1, title="只有一个名额")
    db.session.commit()
    assignment(full, world.member)
    login(world.liaison)
    response = client.post(f"/manage/tasks/{full.id}/assign",
                           data={"member": world.other_member.id}, follow_redirects=True)
    assert "名额已满" in text(response)
    assert fresh(Task, full.id).taken == 1


def test_a_flashed_refusal_is_plain_text(app, world):
    """A lazy message would reach the session as Markup and skip escaping; refusals
    can carry names people typed, so they are flashed as plain text."""
    from flask import get_flashed_messages
    from flask_babel import lazy_gettext

    from tracker.manage.task_page import _back_to_task

    with app.test_request_context():
        _back_to_task(world.task, lazy_gettext("%(name)s 已在该任务中。", name="<b>李四</b>"),
                      "error")
        [(category, message)] = get_flashed_messages(with_categories=True)
    assert category == "error"
    assert type(message) is str and not hasattr(message, "__html__")


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_assign_bad_member_is_explained(client, login, world, value):
    login(world.liaison)
    events = audit_count()
    page = text(client.post(f"/manage/tasks/{world.task.id}/assign", data={"member": value}))
    assert "请从列表中选择要指派的党员" in page
    assert audit_count() == events


def test_assign_search_finds_members_of_other_units(client, login, world):
    stranger = f.member(f.unit("县财政局"), name="赵六", phone="13712345678")
    db.session.commit()
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{world.task.id}"))
    assert "赵六" not in page  # not of the task's unit
    page = text(client.get(f"/manage/tasks/{world.task.id}?q=1371234"))
    assert "赵六" in page and "张三" not in page
    assert f'/manage/tasks/{world.task.id}/assign?q=1371234' in page
    response = client.post(f"/manage/tasks/{world.task.id}/assign?q=赵",
                           data={"member": stranger.id})
    assert response.status_code == 302


def test_remove_a_member_before_start(client, login, world):
    a = assignment(world.task, world.member)
    login(world.liaison)
    assert f"/manage/assignments/{a.id}/remove" in text(client.get(f"/manage/tasks/{world.task.id}"))
    response = client.post(f"/manage/assignments/{a.id}/remove", data={"confirmed": "1"})
    assert response.status_code == 302
    assert fresh(Assignment, a.id).status == AssignmentStatus.withdrawn
    assert fresh(Task, world.task.id).taken == 0
    assert "已将 张三 移出该任务" in text(client.get(response.headers["Location"]))


def test_remove_after_start_is_refused(client, login, world):
    a = db.session.scalar(select(Assignment).where(Assignment.task_id == world.past_task.id,
                                                   Assignment.member_id == world.member.id))
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{world.past_task.id}"))
    assert f"/manage/assignments/{a.id}/remove" not in page
    response = client.post(f"/manage/assignments/{a.id}/remove", data={"confirmed": "1"},
                           follow_redirects=True)
    # refused as what the liaison did, 移出, not as the member's 取消认领 (withdraw47)
    assert "任务已开始，不能移出" in text(response)
    assert fresh(Assignment, a.id).status == AssignmentStatus.claimed


def test_change_and_clear_the_leader(client, login, world):
    login(world.liaison)
    response = client.post(f"/manage/tasks/{world.task.id}/leader",
                           data={"leader": world.member.id})
    assert response.status_code == 302
    assert fresh(Task, world.task.id).leader_id == world.member.id
    assert "组长已改为 张三" in text(client.get(response.headers["Location"]))
    client.post(f"/manage/tasks/{world.task.id}/leader", data={"leader": ""})
    assert fresh(Task, world.task.id).leader_id is None


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_bad_leader_is_explained(client, login, world, value):
    login(world.liaison)
    page = text(client.post(f"/manage/tasks/{world.task.id}/leader", data={"leader": value}))
    assert "请从列表中选择组长" in page
    assert fresh(Task, world.task.id).leader_id == world.leader.id


def test_an_inactive_leader_is_refused_not_silently_cleared(client, login, world):
    world.leader.active = False
    db.session.commit()
    login(world.liaison)
    page = text(client.post(f"/manage/tasks/{world.task.id}/leader",
                            data={"leader": world.leader.id}))
    assert f"{world.leader.name} 的账号已停用，不能担任组长，请另选组长。" in page
    assert fresh(Task, world.task.id).leader_id == world.leader.id


def test_a_leader_merged_since_the_page_was_read_is_explained(client, login, world):
    """The 组长 chosen on a page read before their account was merged away is no longer
    offered: the page says why the choice is gone, and the leader stays as it was."""
    from tracker.services import merge

    keep, drop = f.member(world.unit, name="赵六"), f.member(world.unit, name="赵六")
    db.session.commit()
    merge.merge_members(keep, drop, world.admin, shown=merge.preview(keep, drop).key())
    db.session.commit()
    login(world.liaison)
    page = text(client.post(f"/manage/tasks/{world.task.id}/leader", data={"leader": drop.id}))
    assert "所选的组长不在名单中（其账号可能已停用或已合并到另一个账号）" in page
    assert fresh(Task, world.task.id).leader_id == world.leader.id


def test_close_a_task(client, login, world):
    login(world.liaison)
    response = client.post(f"/manage/tasks/{world.task.id}/close", data={"confirmed": "1"},
                           follow_redirects=True)
    assert "任务已关闭" in text(response)
    assert fresh(Task, world.task.id).status == TaskStatus.closed
    again = client.post(f"/manage/tasks/{world.task.id}/close", data={"confirmed": "1"},
                        follow_redirects=True)
    assert "该任务已关闭或已取消，不能再关闭" in text(again)


@pytest.mark.parametrize("reason, message", [("", "请填写取消原因"), ("   ", "请填写取消原因"),
                                             ("长" * 501, "不能超过500个字")])
def test_cancel_needs_a_reason(client, login, world, reason, message):
    login(world.liaison)
    events = audit_count()
    response = client.post(f"/manage/tasks/{world.task.id}/cancel",
                           data={"reason": reason, "confirmed": "1"})
    assert response.status_code == 200
    page = text(response)
    assert message in page
    if reason.strip():
        assert reason in page
    assert fresh(Task, world.task.id).status == TaskStatus.open
    assert audit_count() == events


def test_cancel_a_task_and_members_see_it(client, login, world):
    assignment(world.task, world.member)
    login(world.liaison)
    response = client.post(f"/manage/tasks/{world.task.id}/cancel",
                           data={"reason": "暴雨预警", "confirmed": "1"})
    assert response.status_code == 302
    assert fresh(Task, world.task.id).status == TaskStatus.cancelled
    page = text(client.get(response.headers["Location"]))
    assert "已取消" in page and "暴雨预警" in page
    login(world.member)
    assert "已取消" in text(client.get(f"/tasks/{world.task.id}"))


def test_cancel_without_scripts_back_keeps_the_reason_and_no_url_carries_it(
        client, login, world):
    """walk45 #3, for 取消任务 as for 作废: its confirmation page keeps what was typed —
    返回，不操作 posts the reason back (a link would lose it with scripts off) — and the
    reason, a free text, is never put in a URL (history, access logs)."""
    assignment(world.task, world.member)
    login(world.liaison)
    action = f"/manage/tasks/{world.task.id}/cancel"
    typed = {"reason": "暴雨预警，改期"}
    page = back_keeps_the_reason(client, action, typed, "确认取消任务")
    assert "已参与的1名党员会在“我的任务”中看到取消原因" in page
    assert fresh(Task, world.task.id).status == TaskStatus.open  # 返回: nothing done

    no_url_carries_the_reason(client, action, typed)
    assert fresh(Task, world.task.id).status == TaskStatus.cancelled
    # nor is the page opened by GET
    assert client.get(f"{action}?reason=x").status_code == 405


def test_cancel_after_a_report_is_refused(client, login, world):
    submitted_report(world.past_task, world.leader)
    login(world.liaison)
    response = client.post(f"/manage/tasks/{world.past_task.id}/cancel", data={"reason": "x", "confirmed": "1"},
                           follow_redirects=True)
    assert "已提交完成情况，不能取消" in text(response)
    assert fresh(Task, world.past_task.id).status == TaskStatus.open
    # the 取消任务 page itself is not offered: it says why at once (one rule for both)
    response = client.post(f"/manage/tasks/{world.past_task.id}/cancel", data={"reason": "x"},
                           follow_redirects=True)
    assert "已提交完成情况，不能取消" in text(response) and "确认取消任务" not in text(response)


# --- another community: 404 and nothing changes ----------------------------------------------

def _snapshot(world):
    db.session.expire_all()
    task = db.session.get(Task, world.task.id)
    return (audit_count(), task_count(), task.title, task.status, task.leader_id, task.taken,
            [(a.id, a.status) for a in db.session.scalars(select(Assignment).order_by(Assignment.id))])


OTHER_COMMUNITY_POSTS = [
    ("edit", lambda w: f"/manage/tasks/{w.task.id}/edit", lambda w: edit_form(w.task, title="偷改")),
    ("assign", lambda w: f"/manage/tasks/{w.task.id}/assign", lambda w: {"member": w.other_member.id}),
    ("remove", lambda w: f"/manage/assignments/{assignment(w.task, w.member).id}/remove",
     lambda w: {"confirmed": "1"}),
    ("leader", lambda w: f"/manage/tasks/{w.task.id}/leader", lambda w: {"leader": w.member.id}),
    ("close", lambda w: f"/manage/tasks/{w.task.id}/close", lambda w: {"confirmed": "1"}),
    ("cancel", lambda w: f"/manage/tasks/{w.task.id}/cancel",
     lambda w: {"reason": "x", "confirmed": "1"}),
    ("new", lambda w: "/manage/tasks/new", lambda w: task_form(resource_item=w.item.id)),
]


@pytest.mark.parametrize("name, url, data", OTHER_COMMUNITY_POSTS,
                         ids=[c[0] for c in OTHER_COMMUNITY_POSTS])
def test_liaison_of_another_community_gets_404_and_nothing_changes(client, login, world,
                                                                   name, url, data):
    target = url(world)
    login(world.other_liaison)  # before the snapshot: a login is on the audit trail too
    before = _snapshot(world)
    assert client.post(target, data=data(world)).status_code == 404
    assert _snapshot(world) == before


@pytest.mark.parametrize("url", [
    lambda w: f"/manage/tasks/{w.task.id}",
    lambda w: f"/manage/tasks/{w.task.id}/edit",
    lambda w: "/manage/tasks/999999",
    lambda w: "/manage/assignments/999999/remove",
])
def test_other_liaison_and_missing_records_get_404(client, login, world, url):
    login(world.other_liaison)
    target = url(world)
    method = client.post if target.endswith("remove") else client.get
    assert method(target).status_code == 404


def test_a_leader_switched_off_is_marked_where_the_liaison_sees_the_task(client, login, world):
    """Nobody will report a task whose leader's account was switched off: the liaison is
    told on the task page and on the home page's cards, not left to find it stale."""
    world.leader.active = False
    db.session.commit()
    login(world.liaison)
    assert "账号已停用，请另选组长" in text(client.get(f"/manage/tasks/{world.task.id}"))
    world.leader.active = True
    db.session.commit()
    assert "账号已停用" not in text(client.get(f"/manage/tasks/{world.task.id}"))


def test_a_task_whose_members_confirmed_their_hours_is_not_offered_for_cancelling(
        client, login, world):
    from tracker.services import unit_of_work
    from tracker.services.claims import confirm_participation

    for member in (world.member, world.leader):
        with unit_of_work():
            confirm_participation(assignment(world.past_task, member), member, 60)
    login(world.liaison)
    reason = "已有2名党员在该任务中的服务时长已确认，取消任务会使这些时长不再计入，因此不能取消。"
    page = client.get(f"/manage/tasks/{world.past_task.id}").get_data(as_text=True)
    assert reason in page
    assert f"/manage/tasks/{world.past_task.id}/cancel" not in page
    asked = client.post(f"/manage/tasks/{world.past_task.id}/cancel", data={"reason": "x"},
                        follow_redirects=True)
    assert reason in text(asked)
    events = audit_count()
    response = client.post(f"/manage/tasks/{world.past_task.id}/cancel",
                           data={"reason": "无人提交", "confirmed": "1"}, follow_redirects=True)
    assert reason in text(response)
    assert fresh(Task, world.past_task.id).status == TaskStatus.open
    assert audit_count() == events


def test_a_title_posted_with_a_line_break_is_stored_on_one_line(client, login, world):
    """The browser's <input> drops a line break, a crafted POST does not: a title with
    one stopped the reminder run (its e-mail's Subject, review37 F1). 说明 keeps its."""
    login(world.liaison)
    response = client.post("/manage/tasks/new", data=task_form(
        resource_item=world.item.id, title="楼道清理\r\n第二行", place="活动中心\n二楼",
        beneficiary="社区\u2028居民", description="第一行\n第二行"))
    assert response.status_code == 302
    task = db.session.scalar(select(Task).where(Task.title == "楼道清理 第二行"))
    assert (task.place, task.beneficiary, task.description) == ("活动中心 二楼", "社区 居民",
                                                              "第一行\n第二行")
    response = client.post(f"/manage/tasks/{task.id}/edit",
                           data=edit_form(task, title="改后\n标题", place="新\r地点"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (task.title, task.place) == ("改后 标题", "新 地点")
