"""The 工作台 (/manage/) runs the same few SQL statements whatever the history
(issue 14: at most 6, the session's own included), for a liaison and for an admin."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import factories as f
from tests.web.test_progress_queries import grow
from tracker.extensions import db

MOST = 6  # issue 14's target for the 工作台


def more_tasks(w, n: int) -> None:
    """n ended tasks nobody reported and n tasks in the coming week."""
    for i in range(n):
        f.task(w.item, w.liaison, starts_in=-timedelta(days=i + 2))
        f.task(w.item, w.liaison, starts_in=timedelta(days=1 + i % 5, hours=1))
    db.session.commit()


def statements(client, login, member, count_queries) -> tuple[int, str]:
    login(member)
    client.get("/manage/")  # warm: first-request work is not the page's
    with count_queries() as q:
        response = client.get("/manage/")
    assert response.status_code == 200
    return q.count, response.get_data(as_text=True)


def shown(page: str, heading: str) -> int:
    return int(re.search(heading + r"（(\d+)）", page).group(1))


@pytest.mark.parametrize("who", ["liaison", "admin"])
def test_the_home_page_runs_a_fixed_few_statements(client, login, world, count_queries, who):
    member = getattr(world, who)
    grow(world, 2)
    more_tasks(world, 2)
    small, page = statements(client, login, member, count_queries)
    # every list of the page has something in it, so every statement is exercised
    assert all(shown(page, h) > 0 for h in ("待审核", "已退回待修改", "已结束未提交")), page
    grow(world, 20)  # ten times as much
    more_tasks(world, 20)
    large, page = statements(client, login, member, count_queries)
    assert small == large <= MOST, (small, large)
    assert shown(page, "已结束未提交") >= 20
