"""服务对象 of a visit named from a page read before someone else named them (review
"forms", session 29: the checkbox list was saved whole, last writer wins).

The rule: the task's 组长 and the community's liaison (or an admin) may each name the
residents a visit served, each on a page of their own. A save changes only what its
user ticked or unticked on their page: a resident the other named since stays named
(before, a page read earlier took them off again, unseen), one the other took off
stays off. Each resident is a choice of their own, so the two never conflict.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.residents.support import resident, visit_task
from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import task_resident


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def named(task_id: int) -> set[int]:
    return set(db.session.scalars(select(task_resident.c.resident_id)
                                  .where(task_resident.c.task_id == task_id)))


def post(browser, url: str, page: str, ticked: list[int]):
    """The page's form (it posts to its own page: no URL has "\0", so ``form_on``
    takes the one without an action that has the residents) with ``ticked`` ticked."""
    data = form_on(page, "\0", residents="")
    data.setlist("residents", [str(i) for i in ticked])
    return by(browser).post(url, data=data)


@pytest.fixture
def visit(app, world):
    """The visit task, two residents of its community (赵奶奶 named already), and the
    liaison's and the admin's browsers."""
    zhao = resident(world.community, world.liaison)
    qian = resident(world.community, world.liaison, name="钱爷爷", phone="13800000002")
    sun = resident(world.community, world.liaison, name="孙奶奶", phone="13800000003")
    task = visit_task(world)
    db.session.execute(task_resident.insert(), [{"task_id": task.id, "resident_id": zhao.id}])
    db.session.commit()
    return (task.id, zhao.id, qian.id, sun.id,
            signed_in(app, world.liaison), signed_in(app, world.admin))


def test_each_page_changes_only_what_its_user_ticked(visit):
    task_id, zhao, qian, sun, liaison, admin = visit
    url = f"/residents/task/{task_id}"
    liaison_page, admin_page = text(by(liaison).get(url)), text(by(admin).get(url))
    # the liaison names 钱爷爷 too
    assert post(liaison, url, liaison_page, [zhao, qian]).status_code == 302
    # the admin, from the page read before, names 孙奶奶 and takes 赵奶奶 off
    assert post(admin, url, admin_page, [sun]).status_code == 302
    assert named(task_id) == {qian, sun}


def test_a_fresh_page_saves_what_it_shows(visit):
    task_id, zhao, qian, _sun, liaison, admin = visit
    url = f"/residents/task/{task_id}"
    assert post(liaison, url, text(by(liaison).get(url)), [zhao, qian]).status_code == 302
    assert post(admin, url, text(by(admin).get(url)), [qian]).status_code == 302
    assert named(task_id) == {qian}
