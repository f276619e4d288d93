"""The 工作台's task page shown again by a refused post (post52): 指派, 更换组长, 取消任务,
作废, 撤销审核 and 添加遗漏的参加人员 answer bad input — or a rule of theirs refusing —
with the task page itself, what was typed kept. That page is the GET's
(``task_page._task_page``), and within the GET's budget (docs/design.md "## Budgets": at
most 6 statements a page, the same at 10× the data), counted as production runs a
request (tests/page_statements.py).

The GET reads the people the page names, with the namesakes it tells them apart from,
with the task (``Task.people_named``) and those its lists offer with the list
(``names.namesakes_of``), pages51. The posts read the task without them and told the
namesakes apart in a statement of their own (``participant_names``): one more than the
GET's page. Now each post reads the task as the GET does, and the page it shows again
names everyone exactly as the GET names them — namesakes told apart by their phone's
tail as on the GET."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import template_rendered

from tests import factories as f
from tests.page_statements import counted, own_app_context
from tests.web.manage_support import assignment
from tracker.extensions import db
from tracker.models import AssignmentStatus, WaitlistEntry, WaitStatus
from tracker.timeutil import utcnow


def _grow(world, task, n: int, prefix: str) -> None:
    """``n`` more members of the unit holding a place on ``task`` (every other one
    confirmed when the task has ended)."""
    for i in range(n):
        held = assignment(task, f.member(world.unit, name=f"{prefix}{i}"))
        if task.ends_at < utcnow() and i % 2:
            held.status, held.minutes = AssignmentStatus.done, 60
    db.session.commit()


def _posted(client, login, count_queries, who, url: str, data: dict) -> tuple[int, str]:
    """(statements, HTML) of a post answered with the task page again (200), warm,
    counted as production runs a request."""
    login(who)
    db.session.commit()  # the test's session holds no transaction open (SQLite)
    with own_app_context(client):
        client.post(url, data=data)  # a worker's first: what it keeps across requests
    statements, response = counted(client, count_queries, url, method="POST", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, (url, data, page[:2000])
    return len(statements), page


# (the post, who, the task's state, the form, what the page says of it)
REFUSED = {
    "指派 none chosen": ("assign", "liaison", "open", {"member": ""}, "请从列表中选择要指派的党员。"),
    "更换组长 not offered": ("leader", "liaison", "open", {"leader": "999999"},
                          "请从列表中选择组长。"),
    "取消任务 no reason": ("cancel", "liaison", "open", {"reason": " ", "confirmed": "1"},
                       "请填写取消原因"),
    "作废 no reason": ("void", "liaison", "confirmed", {"void-reason": " ", "confirmed": "1"},
                     "请填写作废的原因"),
    "撤销审核 no reason": ("reopen", "admin", "approved", {"reopen-reason": ""},
                       "请填写撤销审核的原因"),
    "添加遗漏的参加人员 none chosen": ("add-participant", "liaison", "approved",
                              {"member": "", "hours": ""}, "请从列表中选择要添加的党员。"),
    "添加遗漏的参加人员 hours over the activity's": (
        "add-participant", "liaison", "approved", {"member": "OTHER", "hours": "99"},
        "服务时长不能超过活动时长"),
}


def _task_in(world, state: str):
    if state == "open":
        world.task.slots = 40
        db.session.commit()
        return world.task
    task = world.past_task
    task.slots = 40
    for held in task.assignments:
        held.status, held.minutes = AssignmentStatus.done, 60
    db.session.commit()
    if state == "approved":
        f.reported(task, world.liaison, approved=True)
    return task


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_post_shows_the_task_page_within_its_budget(
        client, login, world, count_queries, case):
    """Each refused post, with 2 holding a place and with 20: the GET's 6 statements —
    the session, the task (with its people's names, needs, 候补名单, its day's 定稿),
    who holds a place (with where else), whom the lists offer (with their namesakes),
    the signed documents 取消任务 or 作废 would change, the menu's counts — constant."""
    action, who, state, data, words = REFUSED[case]
    task = _task_in(world, state)
    data = {k: (str(world.other_member.id) if v == "OTHER" else v) for k, v in data.items()}
    url = f"/manage/tasks/{task.id}/{action}"
    counts = []
    for grow in (0, 18):
        _grow(world, task, grow, "参加")
        count, page = _posted(client, login, count_queries, getattr(world, who), url, data)
        assert words in page, case
        counts.append(count)
    assert counts == [6, 6], case


def _namesakes(world, task):
    """A 张伟 holding a place and the unit's other 张伟; a 王芳 waiting and the unit's
    other 王芳: each told apart by the tail of her phone."""
    here = f.member(world.unit, name="张伟", phone="13900001111")
    f.member(world.unit, name="张伟", phone="13900002222")
    waiting = f.member(world.unit, name="王芳", phone="13900003333")
    f.member(world.unit, name="王芳", phone="13900004444")
    db.session.commit()
    assignment(task, here)
    db.session.add(WaitlistEntry(task_id=task.id, member_id=waiting.id,
                                 joined_at=utcnow() - timedelta(hours=1),
                                 status=WaitStatus.waiting))
    db.session.commit()
    return here, waiting


def _shown(client, method: str, url: str, data=None) -> dict:
    seen = {}

    def keep(_app, template, context, **_extra):
        if template.name == "manage/task.html":
            seen.update(context)

    with template_rendered.connected_to(keep, client.application):
        response = client.open(url, method=method, data=data)
    assert response.status_code == 200
    return seen


def test_a_refused_post_names_the_people_as_the_get_does(client, login, world):
    """The page a refused 指派 shows again names everyone the GET names, in the GET's
    words: the 张伟 holding a place and the 王芳 waiting with their phones' tails (each
    has a namesake in the unit), every other name as the GET's."""
    task = _task_in(world, "open")
    here, waiting = _namesakes(world, task)
    login(world.liaison)
    db.session.commit()
    got = _shown(client, "GET", f"/manage/tasks/{task.id}")
    posted = _shown(client, "POST", f"/manage/tasks/{task.id}/assign", {"member": ""})
    assert posted["participant_names"] == got["participant_names"]
    assert posted["participant_names"][here.id] == "张伟（尾号1111）"
    assert posted["participant_names"][waiting.id] == "王芳（尾号3333）"
    assert ([a.member_id for a in posted["participants"]]
            == [a.member_id for a in got["participants"]])
