"""A task's page (/tasks/<id>) within the design's budget (docs/design.md, "## Budgets":
at most 6 statements a page, the same at 10× the data), counted as production runs a
request (tests/page_statements.py), for every role that sees it, in each state count48
counted it in (its 提交完成 form: test_report_form_budget.py).

For a member it ran 8 on an open task and on an ended one not yet reported, 9 once the
ended one she is on had photos, 7 on an approved one (count48 #4): whether to link
现场照片 read every photo row of the task, then her own place on it again, both of which
the page holds. Then 7 on an open task not begun (its 候补名单 read whole, for how many
wait and her place in line) and on an ended one not yet reported (where her hours count
at the same hours, which her 确认 asks, read alone): both are read with her own row
since (mergepage49). Then 6 in every state, the needs it serves read alone. Now 5
(pagesb51): the session, the task (with whether its report has a photo and the needs
it serves, as the 工作台's task page reads them), her place (with the 候补 line's count
and her place in it, or where her hours count), who holds one, the menu's counts."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from tests import factories as f
from tests.onsite import samples
from tests.page_statements import page_statements
from tests.web.manage_support import assignment
from tracker.extensions import db
from tracker.models import AssignmentStatus, TaskStatus
from tracker.services.photos import add_task_photo
from tracker.services.waitlist import join_waitlist, leave_waitlist
from tracker.timeutil import to_local

ROLES = ("member", "leader", "liaison", "admin")
REPORTERS = ("leader", "liaison", "admin")


def more_people(world, task, n: int, prefix: str) -> None:
    """``n`` more members holding a place on ``task``: claimed, done, 缺席 in turn."""
    for i in range(n):
        held = assignment(task, f.member(world.unit, name=f"{prefix}{i}"))
        held.status = (AssignmentStatus.claimed, AssignmentStatus.done,
                       AssignmentStatus.absent)[i % 3]
        held.minutes = 60 if held.status == AssignmentStatus.done else None
    db.session.commit()


def photos_on(world, task, n: int) -> None:
    for _ in range(n):
        add_task_photo(task, world.liaison, samples.small_png())
    db.session.commit()


def counts_of(client, login, world, count_queries, url: str, roles) -> dict:
    counts = {}
    for who in roles:
        counts[who], page = page_statements(client, login, count_queries,
                                            getattr(world, who), url)
        counts[who, "photos link"] = "现场照片" in page
    return counts


def test_an_open_tasks_page_within_the_budget(client, login, world, count_queries):
    """An open task, which every member sees (张三 not on it, as count48 counted it) —
    with none on it and with 18."""
    url = f"/tasks/{world.task.id}"
    world.task.slots = 40
    db.session.commit()
    small = counts_of(client, login, world, count_queries, url, ROLES)
    more_people(world, world.task, 18, "报名")
    large = counts_of(client, login, world, count_queries, url, ROLES)
    assert large == small
    # the photos link only to those who may add them (nothing to see yet)
    assert small == {"member": 5, "leader": 5, "liaison": 5, "admin": 5,
                     ("member", "photos link"): False, ("leader", "photos link"): False,
                     ("liaison", "photos link"): False, ("admin", "photos link"): False}


def test_an_ended_tasks_page_within_the_budget(client, login, world, count_queries):
    """The ended task 张三 and the 组长 are on, closed and not reported (count48's
    state), then with the report's photos, then with ten times as many on it and more
    photos: the member's page 5 in every one, and 现场照片 linked to her once there are
    photos (she is on the task) — never to one not on it."""
    past = world.past_task
    past.status, past.slots = TaskStatus.closed, 40
    db.session.commit()
    url = f"/tasks/{past.id}"
    bare = counts_of(client, login, world, count_queries, url, ROLES)
    photos_on(world, past, 2)
    photos = counts_of(client, login, world, count_queries, url, ROLES)
    more_people(world, past, 18, "参加")
    photos_on(world, past, 3)
    large = counts_of(client, login, world, count_queries, url, ROLES)
    expected = {"member": 5, "leader": 5, "liaison": 5, "admin": 5}
    assert {k: v for k, v in bare.items() if k in ROLES} == expected
    assert {k: v for k, v in photos.items() if k in ROLES} == expected
    assert large == photos
    assert bare["member", "photos link"] is False and photos["member", "photos link"] is True
    # the page links them where the photos page lets her in
    login(world.member)
    assert client.get(f"/onsite/tasks/{past.id}/photos").status_code == 200


def test_photos_are_not_linked_to_one_not_on_the_task(client, login, world, count_queries):
    """An open task with photos (taken at its start, the window open): 李四, not on it,
    sees the task but not its photos (``may_view_photos``), nor a link to them — at the
    page's statements, as 张三 on it, whom it links them to (each ran two more: the photo
    rows, then their place on it)."""
    task = f.task(world.item, world.liaison, starts_in=-timedelta(minutes=30),
                  duration=timedelta(hours=3), leader=world.leader, slots=10)
    db.session.commit()
    assignment(task, world.member)
    photos_on(world, task, 2)
    url = f"/tasks/{task.id}"
    outsider, page = page_statements(client, login, count_queries, world.other_member, url)
    on_it, mine = page_statements(client, login, count_queries, world.member, url)
    # 5: begun, it reads no 候补名单
    assert (outsider, "现场照片" in page, on_it, "现场照片" in mine) == (5, False, 5, True)
    login(world.other_member)
    assert client.get(f"/onsite/tasks/{task.id}/photos").status_code == 403


def test_the_waiting_line_on_an_open_tasks_page_within_the_budget(
        client, login, world, count_queries):
    """A full open task with a 候补 line: the page says how many wait and, to one in
    line, her place (1 = next; one who left the line is not counted) — at 5 statements
    for her and for the liaison, with 3 waiting and with 21, as with none."""
    task = world.task
    task.slots = 1
    db.session.commit()
    assignment(task, world.other_member)
    task.taken = 1
    db.session.commit()

    def wait(n: int, prefix: str) -> None:
        for i in range(n):
            join_waitlist(task, f.member(world.unit, name=f"{prefix}{i}"))
        db.session.commit()

    wait(2, "先到")
    left = join_waitlist(task, f.member(world.unit, name="离开"))
    db.session.commit()
    leave_waitlist(left, left.member)
    join_waitlist(task, world.member)
    db.session.commit()
    url = f"/tasks/{task.id}"

    def seen():
        counts = {}
        for who in ("member", "liaison"):
            counts[who], page = page_statements(client, login, count_queries,
                                                getattr(world, who), url)
            counts[who, "waiting"] = re.search(r"，候补(\d+)人", page).group(1)
            place = re.search(r"候补第(\d+)位", page)
            counts[who, "place"] = place and place.group(1)
        return counts

    few = seen()
    wait(18, "后到")
    more = seen()
    assert (few, more) == (
        {"member": 5, ("member", "waiting"): "3", ("member", "place"): "3",
         "liaison": 5, ("liaison", "waiting"): "3", ("liaison", "place"): None},
        {"member": 5, ("member", "waiting"): "21", ("member", "place"): "3",
         "liaison": 5, ("liaison", "waiting"): "21", ("liaison", "place"): None})


def test_an_ended_tasks_page_says_where_her_hours_count_within_the_budget(
        client, login, world, count_queries):
    """Ended, not reported, 张三's hours already counting on another activity at the
    same hours: her page refuses the 确认 naming that activity (``confirm_refusal``,
    one person's time counts once) — at 5 statements, as where they count nowhere."""
    past = world.past_task
    past.status = TaskStatus.closed
    db.session.commit()
    url = f"/tasks/{past.id}"
    before, page = page_statements(client, login, count_queries, world.member, url)
    assert "同一时间只计一次" not in page
    visit = f.task(world.item, world.liaison, title="入户走访",
                   starts_at=past.starts_at + (past.ends_at - past.starts_at) / 2)
    db.session.commit()
    counted = assignment(visit, world.member)
    counted.status, counted.minutes = AssignmentStatus.done, 60
    db.session.commit()
    after, page = page_statements(client, login, count_queries, world.member, url)
    when = to_local(visit.starts_at).strftime("%Y-%m-%d %H:%M")
    assert (before, after) == (5, 5)
    assert (f"您在同一时间已计入“入户走访”（{when}），同一时间只计一次，"
            "不能再确认本活动的服务时长。") in html.unescape(page)


def test_the_needs_a_task_serves_are_named_within_the_budget(
        client, login, world, count_queries):
    """The needs a task works on — made into it or into another task of its weekly
    series — are named on the member's page (来自需求, each linked to the need) — with
    one need of the series and with three, at 5 statements as with none: each need of
    the series by its id, in that order, and no other task's."""
    from tests.needs.support import need

    week = f.task(world.item, world.liaison, starts_in=timedelta(days=9))
    alone = f.task(world.item, world.liaison, starts_in=timedelta(days=16))
    world.task.series_id = week.series_id = "weekly-1"
    db.session.commit()
    url = f"/tasks/{world.task.id}"

    def seen() -> tuple[int, list[tuple[int, str]]]:
        count, page = page_statements(client, login, count_queries, world.member, url)
        return count, [(int(n), title) for n, title in re.findall(
            r'来自需求</dt><dd><a href="/needs/(\d+)">([^<]*)</a>', page)]

    none = seen()
    first = need(world.community, world.liaison, title="每周代购米面", task_id=week.id)
    other = need(world.community, world.liaison, title="别的任务的需求", task_id=alone.id)
    db.session.commit()
    one = seen()
    more = [need(world.community, world.liaison, title=f"需求{i}", task_id=task.id)
            for i, task in enumerate((world.task, week))]
    db.session.commit()
    three = seen()
    assert (none, one) == ((5, []), (5, [(first.id, "每周代购米面")]))
    assert three == (5, sorted([(first.id, "每周代购米面"),
                                *((m.id, m.title) for m in more)]))
    assert other.id not in [n for n, _ in three[1]]
