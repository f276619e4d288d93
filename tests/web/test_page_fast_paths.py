"""The shortcuts the member pages take to render with less CPU (issue 14) give exactly
what the long way gives: the same URLs, the same translations, the same cards."""
from __future__ import annotations

import re

import pytest
from flask import render_template_string, url_for
from flask_babel import force_locale

from tests import factories as f
from tracker.extensions import db
from tracker.templating import url_for_row

# (endpoint, arguments) as the list pages build them, the row's id varying.
ROW_URLS = [
    ("tasks.detail", {}),
    ("tasks.claim", {"next": "/tasks/"}),
    ("tasks.claim", {"next": "/tasks/?community=3&day=2026-12-01&q=楼道 粉刷"}),
    ("tasks.waitlist_join", {"next": None}),
    ("tasks.withdraw", {"next": "/tasks/mine?tab=upcoming"}),
    # the mark that stands for the id inside the query: the URL cannot be reused
    ("tasks.claim", {"next": "/tasks/?page=2147483646"}),
]


@pytest.mark.parametrize("endpoint, extra", ROW_URLS)
def test_a_row_url_is_the_url_url_for_builds(app, endpoint, extra):
    with app.test_request_context("/tasks/"):
        for task_id in (1, 7, 42, 123456, 2147483646, 1):  # again after the first: reused
            assert url_for_row(endpoint, task_id=task_id, **extra) == \
                url_for(endpoint, task_id=task_id, **extra)


def test_calls_without_exactly_one_id_are_plain_url_for(app):
    with app.test_request_context("/tasks/"):
        assert url_for_row("tasks.mine", tab="history") == url_for("tasks.mine", tab="history")
        assert url_for_row("tasks.detail", task_id=5, page=2) == \
            url_for("tasks.detail", task_id=5, page=2)
        assert url_for_row("tasks.confirm", assignment_id=9) == \
            url_for("tasks.confirm", assignment_id=9)
        assert url_for_row("tasks.open_tasks", community=[1, 2]) == \
            url_for("tasks.open_tasks", community=[1, 2])
    with app.test_request_context("/tasks/", base_url="http://localhost/sub"):
        # under a URL prefix (SCRIPT_NAME) the prefix is part of every URL
        assert url_for_row("tasks.detail", task_id=3) == "/sub/tasks/3"


def test_templates_follow_a_locale_forced_inside_the_request(app):
    """The page's catalog is looked up once, but a forced locale (the report exports)
    still translates in its own language, and the page's language comes back after."""
    page = "{{ _('可认领任务') }}|{{ _('已满') }}"
    with app.test_request_context("/tasks/?lang=en"):
        assert render_template_string(page) == "Open tasks|Full"
        with force_locale("zh_CN"):
            assert render_template_string(page) == "可认领任务|已满"
        assert render_template_string(page) == "Open tasks|Full"


def test_every_card_links_to_its_own_task(client, world, login):
    """Each card's title and 详情 open its own task; its claim (or 候补, when full) posts
    for its own task and comes back to the list as filtered."""
    full = f.task(world.item, world.liaison, slots=1, title="满员的活动")
    full.taken = 1
    others = [f.task(world.item, world.liaison, title=f"第{n}个活动") for n in range(3)]
    db.session.commit()
    login(world.member)
    listed = f"/tasks/?community={world.community.id}"
    html = client.get(listed).get_data(as_text=True)
    cards = re.findall(r'<article class="card task-card">(.*?)</article>', html, re.S)
    ids = [int(re.search(r'<h2><a href="/tasks/(\d+)">', card).group(1)) for card in cards]
    assert sorted(ids) == sorted([world.task.id, full.id, *(t.id for t in others)])
    back = "next=/tasks/?community%3D" + str(world.community.id)
    for task_id, card in zip(ids, cards):
        assert re.findall(r'href="([^"]*)"', card) == [f"/tasks/{task_id}"] * 2
        action = "waitlist" if task_id == full.id else "claim"
        assert re.findall(r'action="([^"]*)"', card) == [f"/tasks/{task_id}/{action}?{back}"]
