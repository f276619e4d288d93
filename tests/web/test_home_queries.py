"""The 工作台 (/manage/) runs the same few SQL statements whatever the history
(issue 14: at most 6, the session's own included), for a liaison and for an admin."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import factories as f
from tests.page_statements import page_statements
from tests.web.manage_support import submitted_report
from tests.web.test_progress_queries import grow
from tracker.extensions import db
from tracker.models import ReportStatus, TaskStatus

MOST = 6  # issue 14's target for the 工作台


def more_tasks(w, n: int) -> None:
    """n ended tasks nobody reported and n tasks in the coming week."""
    for i in range(n):
        f.task(w.item, w.liaison, starts_in=-timedelta(days=i + 2))
        f.task(w.item, w.liaison, starts_in=timedelta(days=1 + i % 5, hours=1))
    db.session.commit()


def statements(client, login, member, count_queries) -> tuple[int, str]:
    return page_statements(client, login, count_queries, member, "/manage/")


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


def section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start:page.index("</section>", start)]


def test_each_short_list_shows_its_five_longest_waiting_and_counts_them_all(
        client, login, world):
    """已结束未提交: the five tasks that ended first, of seven (a cancelled one and a
    reported one owe nothing); 待审核: the five reports submitted first; the coming
    week: the five that start first."""
    ended = [f.task(world.item, world.liaison, starts_in=-timedelta(days=d), title=f"未报{d}")
             for d in (9, 3, 8, 4, 7, 5, 6)]
    f.task(world.item, world.liaison, starts_in=-timedelta(days=10), title="已取消",
           status=TaskStatus.cancelled)
    pending = [f.task(world.item, world.liaison, starts_in=-timedelta(days=20 + d),
                      title=f"待审{d}") for d in range(7)]
    coming = [f.task(world.item, world.liaison, starts_in=timedelta(days=1, hours=d),
                     title=f"将至{d}") for d in (6, 1, 5, 2, 4, 3, 7)]
    db.session.commit()
    for d, task in enumerate(pending):  # submitted one after another, the first first
        submitted_report(task, world.leader, status=ReportStatus.submitted, days_ago=10 - d)
    login(world.liaison)
    page = client.get("/manage/").get_data(as_text=True)

    def titles(anchor, tasks):
        part = section(page, anchor)
        return [t.title for t in sorted(tasks, key=lambda t: part.find(t.title))
                if t.title in part]

    assert shown(page, "已结束未提交") == 7 + 1  # the world's past task owes one too
    assert titles("unreported", ended) == ["未报9", "未报8", "未报7", "未报6", "未报5"]
    assert "已取消" not in section(page, "unreported")
    assert titles("pending", pending) == ["待审0", "待审1", "待审2", "待审3", "待审4"]
    assert titles("upcoming", coming) == ["将至1", "将至2", "将至3", "将至4", "将至5"]
