"""Whom the 补录 form offers (review "setup" #1): with no search typed, the members of
the units working in the liaison's communities, up to a select's length
(``MEMBER_CHOICES_MAX``, as the new task's 组长 list); a list cut short says so above
the ticks and the 组长, and 查找 finds anyone left out. Never silently cut: a liaison
who does not think of 查找 would record the activity without them."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.web.manage_support import audit_count, backfill_form, task_count, text
from tracker.extensions import db
from tracker.models import Member, Task

CUT = "仅列出前{n}人，请用上面的查找输入姓名或手机号。"


@pytest.fixture
def forty(world):
    """The unit of 40 active members: the six of the world and 34 more."""
    for n in range(34):
        f.member(world.unit, name=f"队员{n:02d}", phone=f"1380000{n:04d}")
    db.session.commit()
    members = list(db.session.scalars(
        select(Member).where(Member.unit_id == world.unit.id, Member.active.is_(True))))
    assert len(members) == 40
    return members


def _offered(page: str) -> set[str]:
    return set(re.findall(r'<input[^>]*name="participants"[^>]*value="(\d+)"', page))


def _leaders(page: str) -> set[str]:
    select_ = re.search(r'<select[^>]*name="leader".*?</select>', page, re.S).group(0)
    return set(re.findall(r'<option[^>]*value="(\d+)"', select_))


def test_a_unit_of_forty_is_offered_whole_with_no_search(client, login, world, forty):
    login(world.liaison)
    page = text(client.get(f"/manage/backfill?item={world.item.id}"))
    everyone = {str(m.id) for m in forty}
    assert _offered(page) == everyone and _leaders(page) == everyone
    assert "仅列出前" not in page


def test_a_cut_list_says_so_above_the_ticks_and_the_leader_and_a_search_finds_the_rest(
        client, login, world, forty, monkeypatch):
    import tracker.manage.queries as queries
    monkeypatch.setattr(queries, "MEMBER_CHOICES_MAX", 30)
    login(world.liaison)
    page = text(client.get(f"/manage/backfill?item={world.item.id}"))
    offered = _offered(page)
    assert len(offered) == 30 and _leaders(page) == offered
    # said once above the ticks, once as the 组长's help
    assert page.count(CUT.format(n=30)) == 2
    fieldset = page.split('name="participants"')[0].rsplit("<fieldset", 1)[1]
    assert CUT.format(n=30) in fieldset
    leader = re.search(r'<select[^>]*name="leader".*?</div>', page, re.S).group(0)
    assert CUT.format(n=30) in leader

    # someone left out is found by name, and kept with those already picked; nothing written
    left_out = next(m for m in forty if str(m.id) not in offered)
    picked = next(m for m in forty if str(m.id) in offered)
    before = (task_count(), audit_count())
    found = text(client.post("/manage/backfill", data=backfill_form(
        world, [picked], find="1", q=left_out.name)))
    assert {str(left_out.id), str(picked.id)} <= _offered(found)
    assert (task_count(), audit_count()) == before

    # and recorded with them
    response = client.post("/manage/backfill", data=backfill_form(
        world, [picked, left_out], leader=left_out.id, q=left_out.name))
    assert response.status_code == 302, text(response)[:2000]
    task = db.session.scalar(select(Task).where(Task.title == "楼道大扫除"))
    assert task.leader_id == left_out.id
    assert {a.member_id for a in task.assignments} == {picked.id, left_out.id}
