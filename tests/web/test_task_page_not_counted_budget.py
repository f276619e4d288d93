"""Review40b #3: the task page of a member marked 缺席 on an approved task tells her why
she was not counted and offers her 补录申请 (walk12 #2), at no more statements than the
page runs for a member done on it (5 in this fixture; 6 before pagesb51, the needs it
serves read alone; 7 before count48 #4, the 现场照片 link's read of the task's photo rows): where her time counts and where she holds a place
at those hours are asked in one statement (docs/design.md: the statements a page runs)."""
from __future__ import annotations

from tests import factories as f
from tests.page_statements import page_statements
from tests.web.test_confirm_counted_elsewhere import counted_elsewhere, own
from tracker.extensions import db
from tracker.models import AssignmentStatus


def task_page(client, login, world, count_queries, status) -> tuple[int, str]:
    own(world).status = status
    db.session.commit()
    f.reported(world.past_task, world.leader, approved=True)
    return page_statements(client, login, count_queries, world.member,
                           f"/tasks/{world.past_task.id}")


def test_absent_after_approval_costs_what_done_does(client, login, world, count_queries):
    n, page = task_page(client, login, world, count_queries, AssignmentStatus.absent)
    assert "/backfill-requests/new" in page and "我参加了但没有记录" in page
    assert "组长已登记您缺席，该任务已审核通过" in page  # walk12 #2's message, kept
    assert n == 5, n


def test_done_page_count_pinned(client, login, world, count_queries):
    n, _page = task_page(client, login, world, count_queries, AssignmentStatus.done)
    assert n == 5, n


def test_counted_elsewhere_after_approval_told_where_not_sent_to_request(
        client, login, world, count_queries):
    counted_elsewhere(world)  # 张三's hours count on 入户走访 at the same hours
    n, page = task_page(client, login, world, count_queries, AssignmentStatus.absent)
    assert "您在同一时间已计入“入户走访”" in page
    assert "/backfill-requests/new" not in page
    assert n == 5, n
