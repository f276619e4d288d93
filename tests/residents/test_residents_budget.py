"""服务对象's pages within the design's budget (docs/design.md "## Budgets": at most 6
statements a page, the same whatever the data), counted as production runs a request
(tests/page_statements.py), at two sizes of the register (count48 #5 and its list).

- the list: no ``WHERE 0 = 1`` round trip for the communities of a member or 组长,
  who manages none, and its rows carry their total (no COUNT);
- a record: its community and paired members come with it (whether the reader is paired
  is asked of them), and whether anything refers to it is one question;
- a task's 服务对象: the task comes with its category, community and report, and the
  residents it names are read once."""
from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.needs.support import need
from tests.page_statements import page_statements
from tests.residents.support import name_served, resident, visit_task, world_resident
from tracker.extensions import db
from tracker.models import ResidentCategory


def grow(w, n: int) -> None:
    """n more residents of A, each paired with the member and the 组长 and named on the
    visit task; n more visits and needs naming the matrix's resident."""
    task, record = visit_task(w), world_resident(w)
    added = [resident(w.community, w.liaison, name=f"居民{task.id}-{i}-{n}",
                      phone=f"139{n:02d}{i:06d}", paired=[w.member, w.leader],
                      category=ResidentCategory.elderly) for i in range(n)]
    name_served(task, added)
    for i in range(n):
        visit = f.task(task.resource_item, w.liaison, starts_in=-timedelta(days=3 + i))
        name_served(visit, [record])
        need(w.community, w.liaison, title=f"微心愿{i}-{n}", resident_id=record.id)
    db.session.commit()


def _counts(client, login, count_queries, w, pages) -> dict:
    return {(role, url): page_statements(client, login, count_queries, getattr(w, role), url)[0]
            for role, url in pages}


def _pages(w):
    record, task = world_resident(w), visit_task(w)
    return {
        # session, (staff) the communities, the page with its total, the paired, the menu
        **{("member", "/residents/"): 4, ("leader", "/residents/"): 4,
           ("liaison", "/residents/"): 5, ("admin", "/residents/"): 5},
        # session, the record (its community, its paired), visits, history, the menu
        **{(role, f"/residents/{record.id}"): 5 for role in ("member", "liaison", "admin")},
        # session, the task (category, community, report), offered, named, the menu;
        # the 组长's page also names those he may not take off
        ("leader", f"/residents/task/{task.id}"): 6,
        ("liaison", f"/residents/task/{task.id}"): 5,
        ("admin", f"/residents/task/{task.id}"): 5,
    }


def test_the_registers_pages_within_the_budget_whatever_the_data(
        client, login, count_queries, world):
    grow(world, 2)
    expected = _pages(world)
    small = _counts(client, login, count_queries, world, expected)
    grow(world, 6)
    assert _counts(client, login, count_queries, world, expected) == small == expected


def test_a_paired_member_still_sees_the_record_and_another_member_not(client, login, world):
    record = world_resident(world)
    login(world.member)
    page = client.get(f"/residents/{record.id}")
    assert page.status_code == 200 and "赵奶奶" in page.get_data(as_text=True)
    login(world.other_member)
    assert client.get(f"/residents/{record.id}").status_code == 404
