"""A task's page (/tasks/<id>) within the design's budget (docs/design.md, "## Budgets":
at most 6 statements a page, the same at 10× the data), counted as production runs a
request (tests/page_statements.py), for every role that sees it, in each state count48
counted it in (its 提交完成 form: test_report_form_budget.py).

For a member it ran 8 on an open task and on an ended one not yet reported, 9 once the
ended one she is on had photos, 7 on an approved one (count48 #4): whether to link
现场照片 read every photo row of the task, then her own place on it again, both of which
the page holds. Now a statement less in every state, two with photos: the session, the
task (with whether its report has a photo), her place, who holds one, the needs it
serves, the menu's counts, and — on an open task not begun — its 候补名单, or — on an
ended one not yet reported — what her 确认 asks; 6 on an approved one
(``test_task_page_not_counted_budget``) or on one begun."""
from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.onsite import samples
from tests.page_statements import page_statements
from tests.web.manage_support import assignment
from tracker.extensions import db
from tracker.models import AssignmentStatus, TaskStatus
from tracker.services.photos import add_task_photo

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
    assert small == {"member": 7, "leader": 7, "liaison": 7, "admin": 7,
                     ("member", "photos link"): False, ("leader", "photos link"): False,
                     ("liaison", "photos link"): False, ("admin", "photos link"): False}


def test_an_ended_tasks_page_within_the_budget(client, login, world, count_queries):
    """The ended task 张三 and the 组长 are on, closed and not reported (count48's
    state), then with the report's photos, then with ten times as many on it and more
    photos: the member's page 7 in every one, and 现场照片 linked to her once there are
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
    expected = {"member": 7, "leader": 7, "liaison": 6, "admin": 6}
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
    # 6: begun, it reads no 候补名单
    assert (outsider, "现场照片" in page, on_it, "现场照片" in mine) == (6, False, 6, True)
    login(world.other_member)
    assert client.get(f"/onsite/tasks/{task.id}/photos").status_code == 403
