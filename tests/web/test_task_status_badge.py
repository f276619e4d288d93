"""The liaison's task badge does not contradict the card (review "walk", #5): an open
task whose end has passed reads 「已结束」 (English "Ended") on the 工作台, the task list
and the task page, not 「进行中」 beside 「已结束，尚未提交完成情况」; one that has begun
and not ended reads 进行中, one not begun 未开始 (walk5 D6: ``templating.task_phase``,
the one rule). The task's status itself stays open (claims are closed only by 关闭 or an
approved report)."""
from __future__ import annotations

import html
import re

from datetime import datetime, timedelta, timezone

import pytest
from flask import g
from sqlalchemy import select

from tests import factories as f

from tracker import templating
from tracker.extensions import db
from tracker.manage import task_page
from tracker.manage import tasks as manage_tasks
from tracker.manage.queries import TaskFilter, tasks_page
from tracker.models import Task, TaskStatus
from tracker.templating import task_status_label


def _page(client, url: str) -> str:
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def _badge_of(page: str, task: Task) -> str:
    """The status badge of the card (or page head) that links to / names ``task``."""
    at = page.index(f">{task.title}</a>")  # its link, not a category of the same name
    head = page[at:at + 900]
    return re.search(r'<span class="badge ?[a-z]*">([^<]+)</span>', head).group(1)


def test_an_ended_open_task_reads_ended_on_the_workbench_list_and_page(client, login, world):
    """楼道清理 ended yesterday with no report; 环境整治 starts in two days; 清扫 began
    half an hour ago."""
    running = f.task(world.item, world.liaison, starts_in=-timedelta(minutes=30), title="清扫")
    db.session.commit()
    login(world.liaison)
    home = _page(client, "/manage/")
    assert "已结束，尚未提交完成情况。" in home[home.index(world.past_task.title):][:1500]
    assert _badge_of(home, world.past_task) == "已结束"
    listed = _page(client, "/manage/tasks")
    assert _badge_of(listed, world.past_task) == "已结束"
    assert _badge_of(listed, world.task) == "未开始"
    assert _badge_of(listed, running) == "进行中"
    task_page = _page(client, f"/manage/tasks/{world.past_task.id}")
    assert re.search(r'<h1>楼道清理</h1>\s*<span>\s*<span class="badge ">已结束</span>', task_page)
    db.session.expire_all()
    assert db.session.get(Task, world.past_task.id).status == TaskStatus.open


def test_in_english_an_ended_task_reads_ended_and_a_closed_one_closed(client, login, world):
    world.task.status = TaskStatus.closed  # 关闭: no more claims, before its start
    db.session.commit()
    login(world.liaison)
    listed = _page(client, "/manage/tasks?lang=en")
    assert _badge_of(listed, world.past_task) == "Ended"
    assert _badge_of(listed, world.task) == "Closed"


def _listed(page: str) -> list[str]:
    """The titles of the task list's cards, in order."""
    return re.findall(r'<h3><a (?:class="stretch" )?href="/manage/tasks/\d+">([^<]+)</a></h3>', page)


def test_the_status_filter_lists_the_tasks_its_badge_names(client, login, world):
    """The task list's 状态 filter names what the badges say: 未结束 lists the open tasks
    before their end (badged 未开始 or 进行中), 已结束 the closed ones and the open ones
    whose end has passed — so 楼道清理 (open, ended yesterday, no report) is under 已结束,
    never under 未结束."""
    closed_early = f.task(world.item, world.liaison, starts_in=timedelta(days=20),
                          title="二十天后", status=TaskStatus.closed)
    db.session.commit()
    login(world.liaison)
    in_progress = _page(client, "/manage/tasks?status=open")
    ended = _page(client, "/manage/tasks?status=closed")
    assert world.task.title in _listed(in_progress)
    assert world.past_task.title not in _listed(in_progress)
    assert world.past_task.title in _listed(ended) and closed_early.title in _listed(ended)
    assert world.task.title not in _listed(ended)
    for page, words in ((in_progress, ("未开始", "进行中")), (ended, ("已结束",))):
        for title in _listed(page):
            task = db.session.scalar(select(Task).where(Task.title == title))
            assert _badge_of(page, task) in words, (words, title)
    assert re.search(r'<option (selected )?value="closed"( selected)?>已结束</option>', ended)
    assert re.search(r'<option (selected )?value="open"( selected)?>未结束</option>', in_progress)


@pytest.mark.parametrize(("offset", "word"), [
    pytest.param(timedelta(microseconds=-1), "进行中", id="a microsecond before its end"),
    pytest.param(timedelta(0), "已结束", id="at the instant it ends"),
    pytest.param(timedelta(microseconds=1), "已结束", id="a microsecond after"),
])
def test_the_badge_and_the_filter_agree_at_the_instant_a_task_ends(world, offset, word):
    """The badge (Python, on the task as the database gives it back) and the 状态 filter
    (SQL) read the task at one instant ``now`` and say the same: a task whose end is now
    has ended — 已结束, listed under 已结束 and not under 进行中 — and a microsecond
    before its end it is 进行中. Its end carries microseconds, so neither database's
    way of storing an instant may round it to the other side."""
    task = f.task(world.item, world.liaison, title="正在结束",
                  starts_at=datetime(2026, 12, 5, 1, 2, 3, 456789, tzinfo=timezone.utc))
    db.session.commit()
    now = task.ends_at + offset
    db.session.expire_all()
    g.pop("_flask_babel", None)
    assert task_status_label(db.session.get(Task, task.id), now) == word

    def listed_under(status: TaskStatus) -> bool:
        page = tasks_page(world.liaison, TaskFilter(status=status), now, 1, 100)
        return task.id in {t.id for t in page.items}

    assert listed_under(TaskStatus.closed) == (word == "已结束")
    assert listed_under(TaskStatus.open) == (word == "进行中")


def _ending_between_two_readings(world, monkeypatch, view_module) -> Task:
    """A task that ends between two readings of the clock: the view's (a second before its
    end) and any later one (a badge reading the clock for itself: a second after)."""
    task = f.task(world.item, world.liaison, title="正在结束",
                  starts_at=datetime(2026, 12, 5, 1, 0, tzinfo=timezone.utc))
    db.session.commit()
    monkeypatch.setattr(view_module, "utcnow", lambda: task.ends_at - timedelta(seconds=1))
    monkeypatch.setattr(templating, "utcnow", lambda: task.ends_at + timedelta(seconds=1))
    return task


def test_the_task_list_badges_its_cards_at_the_instant_it_filtered_them(
        client, login, world, monkeypatch):
    """The task list reads the clock once: the 状态 filter and every card's badge read the
    one instant. A task listed under 进行中 (open, its end not yet passed when the list
    was chosen) is badged 进行中, not 已结束 by a badge reading the clock again later."""
    task = _ending_between_two_readings(world, monkeypatch, manage_tasks)
    login(world.liaison)
    page = _page(client, "/manage/tasks?status=open")
    assert task.title in _listed(page)
    assert _badge_of(page, task) == "进行中"


def test_the_task_page_badges_the_task_at_the_instant_it_reads_it_at(
        client, login, world, monkeypatch):
    """The task page's badge reads the instant the page's other rules read (who may be 移出,
    whose hours are flagged unconfirmed), not a second reading of the clock."""
    task = _ending_between_two_readings(world, monkeypatch, task_page)
    login(world.liaison)
    page = _page(client, f"/manage/tasks/{task.id}")
    assert re.search(r'<h1>正在结束</h1>\s*<span>\s*<span class="badge ">进行中</span>', page)
