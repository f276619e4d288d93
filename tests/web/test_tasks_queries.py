"""The open-task list and 我的任务 run the same small number of SQL statements
whatever the amount of data (10 tasks of each kind, then 1,000)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from tests.page_statements import counted, warm
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    ReportStatus,
    Task,
    TaskReport,
    TaskStatus,
    Zone,
)
from tracker.timeutil import local_date, utcnow

URLS = [
    "/tasks/",
    "/tasks/?category={category}&community={community}",
    "/tasks/mine",
    "/tasks/mine?tab=confirm",
    "/tasks/mine?tab=returned",
    "/tasks/mine?tab=history",
    "/tasks/mine?tab=lead",
]
# the open list: session, menu counts, the drop-downs' version, the page with my state on
# each card and the count (the drop-downs themselves are read once per version:
# test_lists_version.py); 我的任务's tabs up to six
MAX_STATEMENTS = 6


def ids_of(world) -> dict:
    """Plain ids: the world's objects are detached once the session is removed."""
    return {"member": world.member.id, "leader": world.leader.id, "liaison": world.liaison.id,
            "item": world.item.id, "unit": world.item.unit_id,
            "community": world.item.community_id, "category": world.item.category_id}


def add_tasks(ids: dict, n: int, offset: int) -> None:
    """n future open tasks (half claimed by the member) and n ended tasks the member was
    on, in every state: to confirm, confirmed and approved, absent, led and returned."""
    now = utcnow().replace(microsecond=0)
    member, leader = ids["member"], ids["leader"]
    # A zone per task, so a lazy load per card would show up in the count.
    db.session.execute(insert(Zone), [dict(community_id=ids["community"], name=f"责任区{i}")
                                      for i in range(offset, offset + n)])
    zones = dict(db.session.execute(select(Zone.name, Zone.id)).all())
    rows = []
    for i in range(offset, offset + n):
        for kind, start in (("future", now + timedelta(hours=1, minutes=i)),
                            ("past", now - timedelta(days=1, minutes=i))):
            rows.append(dict(
                resource_item_id=ids["item"], unit_id=ids["unit"],
                community_id=ids["community"], zone_id=zones[f"责任区{i}"],
                category_id=ids["category"], title=f"{kind}-{i}", place="社区活动中心",
                starts_at=start, ends_at=start + timedelta(hours=2),
                service_date=local_date(start), slots=5, taken=1,
                leader_id=member if kind == "past" and i % 3 == 2 else leader,
                status=TaskStatus.open, checkin_token=f"tok-{kind}-{i}",
                created_by_id=ids["liaison"],
            ))
    db.session.execute(insert(Task), rows)
    tasks = db.session.execute(
        select(Task.id, Task.title).where(Task.checkin_token.like("tok-%"))
    ).all()
    assignments, reports = [], []
    for task_id, title in tasks:
        kind, i = title.split("-")
        i = int(i)
        if not offset <= i < offset + n:
            continue
        if kind == "future":
            if i % 2 == 0:
                assignments.append(dict(task_id=task_id, member_id=member,
                                        status=AssignmentStatus.claimed))
            continue
        state = i % 3
        if state == 0:  # still to confirm
            assignments.append(dict(task_id=task_id, member_id=member,
                                    status=AssignmentStatus.claimed))
        elif state == 1:  # confirmed and approved
            assignments.append(dict(task_id=task_id, member_id=member, minutes=90,
                                    status=AssignmentStatus.done))
            reports.append(dict(task_id=task_id, quantity=3, people_served=8, note="好",
                                status=ReportStatus.approved, submitted_by_id=leader))
        else:  # absent; the member led it and the report came back
            assignments.append(dict(task_id=task_id, member_id=member,
                                    status=AssignmentStatus.absent))
            reports.append(dict(task_id=task_id, quantity=3, people_served=8, note="好",
                                status=ReportStatus.returned, return_reason="请补充",
                                submitted_by_id=member))
    db.session.execute(insert(Assignment), assignments)
    db.session.execute(insert(TaskReport), reports)
    db.session.commit()


def measure(client, count_queries, ids) -> dict[str, int]:
    counts = {}
    for url in (u.format(**ids) for u in URLS):
        warm(client, url)  # the drop-downs read (and kept) before counting
        # an app context of its own: a new session and no cached user, like a real request
        run, response = counted(client, count_queries, url)
        assert response.status_code == 200, url
        counts[url] = len(run)
    return counts


def test_statement_count_does_not_grow_with_data(app, client, world, login, count_queries):
    login(world.member)
    ids = ids_of(world)
    add_tasks(ids, 10, 0)
    small = measure(client, count_queries, ids)
    # The pages did show the data (so the counts are of real work).
    page = client.get("/tasks/mine?tab=confirm").get_data(as_text=True)
    assert "past-0" in page

    add_tasks(ids, 990, 10)
    large = measure(client, count_queries, ids)
    page = client.get("/tasks/").get_data(as_text=True)
    assert "第 1 / " in page  # many pages now

    assert large == small
    assert max(small.values()) <= MAX_STATEMENTS, small
