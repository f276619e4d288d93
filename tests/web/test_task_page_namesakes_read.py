"""The 工作台's task page (/manage/tasks/<id>) names its people with their namesakes told
apart (``tasks.queries.participant_names``, docs/design.md "No two people of one list
read alike"): its first set — those holding a place, those waiting, the 组长, the report's
submitter — told apart among themselves and the task unit's active members; each member
its lists offer told apart on that set with the offered added. pages51 reads those
namesakes with the task and with the list offering them (``Task.people_named``,
``names.namesakes_of``) instead of in a statement of their own (the budget:
tests/web/test_manage_queries.py): the page names everyone exactly as the rule does —
a 张伟 holding a place and a 张伟 of another unit offered by a search, a pair of 王芳 of
the unit (one waiting), a 李四 of another unit offered beside the unit's own 李四, a 赵敏
of another unit holding a place and her unit's other 赵敏 offered, and the submitter
beside a namesake of the unit — on an open task, an ended one and an
approved one."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import template_rendered

from tests import factories as f
from tests.web.manage_support import assignment
from tracker.extensions import db
from tracker.manage import queries as q
from tracker.models import WaitlistEntry, WaitStatus
from tracker.tasks.queries import participant_names, waitlist
from tracker.timeutil import utcnow


def _people(world):
    """The namesakes around a task of 县商务局 (``world.unit``); 县财政局 works in the
    task's community, so 补录's rule names its members on an ended task's day."""
    elsewhere = f.unit("县财政局")
    f.item(elsewhere, world.community)
    people = {
        "张伟 here": f.member(world.unit, name="张伟", phone="13900001111"),
        "张伟 elsewhere": f.member(elsewhere, name="张伟", phone="13900002222"),
        "王芳 waiting": f.member(world.unit, name="王芳", phone="13900003333"),
        "王芳 here": f.member(world.unit, name="王芳", phone="13900004444"),
        "李四 elsewhere": f.member(elsewhere, name="李四", phone="13900005555"),
        "联络员甲 here": f.member(world.unit, name="联络员甲", phone="13900006666"),
        "赵敏 holding": f.member(elsewhere, name="赵敏", phone="13900007777"),
        "赵敏 elsewhere": f.member(elsewhere, name="赵敏", phone="13900008888"),
    }
    db.session.commit()
    return people


def _shown(client, url: str) -> dict:
    """The page's context, as rendered (``participant_names``, the candidates offered)."""
    seen = {}

    def keep(_app, template, context, **_extra):
        if template.name == "manage/task.html":
            seen.update(context)

    with template_rendered.connected_to(keep, client.application):
        assert client.get(url).status_code == 200
    return seen


@pytest.mark.parametrize("state", ["open", "ended", "approved"])
@pytest.mark.parametrize("search", ["张伟", "李四", "王芳", "赵敏", ""])
def test_the_page_names_its_people_as_the_rule_tells_them_apart(
        client, login, world, state, search):
    people = _people(world)
    task = world.task if state == "open" else world.past_task
    assignment(task, people["张伟 here"])
    assignment(task, people["赵敏 holding"])  # of another unit (补录 names such)
    db.session.add(WaitlistEntry(task_id=task.id, member_id=people["王芳 waiting"].id,
                                 joined_at=utcnow() - timedelta(hours=1),
                                 status=WaitStatus.waiting))
    db.session.commit()
    if state == "approved":
        f.reported(task, world.liaison, approved=True)
    login(world.admin)
    url = f"/manage/tasks/{task.id}" + (f"?q={search}" if search else "")
    shown = _shown(client, url)
    names = shown["participant_names"]
    # the rule, asked as the page asked it before pages51 (in a statement of its own),
    # of the people the page lists and the members its lists offer
    found = (q.forgotten_candidates_held(task, search) if state == "approved"
             else q.assign_candidates_held(task, search))
    on_task = {a.member_id for a in shown["participants"]}
    candidates = [m for m, _held in found if m.id not in on_task]
    expected = participant_names(
        task.unit_id, shown["participants"], waitlist(task.id),
        also=(task.leader, task.report.submitted_by if task.report else None),
        besides=candidates)
    assert names == expected
    tail = {key: f"（尾号{m.phone[-4:]}）" for key, m in people.items()}
    # the first set: 张伟 holding a place is the unit's only active 张伟 — bare
    assert names[people["张伟 here"].id] == "张伟"
    assert names[people["王芳 waiting"].id] == "王芳" + tail["王芳 waiting"]
    if task.report is not None:
        assert names[world.liaison.id] == "联络员甲（尾号" + world.liaison.phone[-4:] + "）"
    offered = {m.id for m in candidates}
    if people["张伟 elsewhere"].id in offered:
        # offered, told apart from the 张伟 on the task
        assert names[people["张伟 elsewhere"].id] == "张伟" + tail["张伟 elsewhere"]
    if people["李四 elsewhere"].id in offered:
        assert names[people["李四 elsewhere"].id] == "李四" + tail["李四 elsewhere"]
    # 赵敏 holding a place, of another unit, has no namesake among the unit's active
    # members: bare; the other 赵敏 of that unit, offered, is told apart from her
    assert names[people["赵敏 holding"].id] == "赵敏"
    if people["赵敏 elsewhere"].id in offered:
        assert names[people["赵敏 elsewhere"].id] == "赵敏" + tail["赵敏 elsewhere"]
    assert (search == "张伟") <= (people["张伟 elsewhere"].id in offered)
    assert (search == "赵敏") <= (people["赵敏 elsewhere"].id in offered)


def test_a_task_without_a_leader_still_tells_a_waiting_member_from_her_namesake(
        client, login, world):
    """A task with no 组长 (review51's mend of pages51: the first set is asked ``NOT
    IN`` for the unit's namesakes, and a set holding the missing 组长 as NULL would
    match none): the 王芳 waiting is still told apart from the unit's other 王芳."""
    people = _people(world)
    task = world.task
    task.leader_id = None
    db.session.add(WaitlistEntry(task_id=task.id, member_id=people["王芳 waiting"].id,
                                 joined_at=utcnow() - timedelta(hours=1),
                                 status=WaitStatus.waiting))
    db.session.commit()
    login(world.admin)
    names = _shown(client, f"/manage/tasks/{task.id}")["participant_names"]
    assert names[people["王芳 waiting"].id] == (
        "王芳（尾号" + people["王芳 waiting"].phone[-4:] + "）")
