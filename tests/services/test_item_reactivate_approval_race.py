"""review47b #2: 重新启用 of a checklist item compares what its page named with the signed
年度总结 of the approved work it takes over (``item_named.reactivate_named``) — with the
tasks it takes over held first (``tasks.lock_year_work``), as every decision on an
activity's report holds its task's row (``activity_lock.lock_activity``). 县商务局's year
is signed; last year's item of the line is switched off; an activity of last year sits
on the year before's item of the line, its report 待审核. 管理员乙 approves it (通过,
held open) as 管理员甲 clicks 重新启用 (the plain post of the list's button: no page
shown, nothing named). 甲's switch waits for 乙's 通过, then reads the report approved:
the switch would change the signed year, so it is not made — 甲 gets the naming page
(as if asked the first time, ``NamedFirst``), nothing switched on, nothing moved.
Before the fix the switch read 待审核, named nothing, then moved the approved activity
onto the item: the signed 资源清单完成情况 changed, never named.

PostgreSQL, forced order (``tests.races.race_in_order``); SQLite's writers take turns,
so there 乙's 通过 is landed as 甲's switch takes the tasks' locks."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.reports.test_signed_named import named
from tests.scratch_db import PG_URL
from tracker.extensions import db

MODULE = __name__


def _last_year() -> int:
    from tracker.timeutil import local_today

    return local_today().year - 1


def _lines(unit, community, liaison):
    """Last year's item of the line, switched off, and an activity of last year on the
    year before's item, its report 待审核: (item id, task)."""
    from tests import factories as f

    year = _last_year()
    off = f.item(unit, community, "environment_cleanup", year=year, target=10)
    off.active = False
    before = f.item(unit, community, "environment_cleanup", year=year - 1, target=10)
    task = f.task(before, liaison, starts_at=datetime(year, 6, 1, 2, 0, tzinfo=timezone.utc))
    f.reported(task, liaison, approved=False)
    return off.id, task


def _world(url):
    from tests import factories as f
    from tracker.models import Role, SummaryScope
    from tracker.reports import annual_final

    with race_world(url) as (app, unit, item, liaison):
        off, task = _lines(unit, item.community, liaison)
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        db.session.commit()
        annual_final.finalize_year(signer, SummaryScope(unit.id), _last_year())
        db.session.commit()
        return app, dict(item=off, task=task.id, report=task.report.id, admin=admin.id,
                         signer=signer.id)


def _approve(ids):
    """管理员乙's 通过 (held open by the race)."""
    from tracker.models import Member, TaskReport
    from tracker.services.reviews import approve_report

    approve_report(db.session.get(TaskReport, ids["report"]),
                   db.session.get(Member, ids["signer"]))


def _switch_on(ids):
    """管理员甲's 重新启用 through the view, straight from the list (no page shown): its
    answer, a naming page, is raised as a refusal with the page's named words."""
    from flask import Response, current_app, g

    from tracker.models import Member
    from tracker.services import ServiceError

    app = current_app._get_current_object()
    url = f"/admin/items/{ids['item']}/active?next=/admin/items"
    with app.test_request_context(url, method="POST", data={"active": "1"}):
        g._login_user = db.session.get(Member, ids["admin"])
        answer = app.view_functions["admin.item_toggle"](record_id=ids["item"])
    db.session.rollback()
    if not isinstance(answer, Response):
        raise ServiceError(" ".join(named(answer)) or "a page naming nothing")


def _state(ids):
    from tracker.models import ReportStatus, ResourceItem, Task

    db.session.expire_all()
    task = db.session.get(Task, ids["task"])
    return (db.session.get(ResourceItem, ids["item"]).active,
            task.resource_item_id == ids["item"], task.report.status == ReportStatus.approved)


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite's writers take turns")
def test_an_approval_committed_while_the_switch_waits_is_named_not_moved(tmp_path):
    with race_database("postgresql", tmp_path, "r47on") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_approve", "_switch_on")
        with app.app_context():
            state = _state(ids)
            db.session.remove()
            db.engine.dispose()
    assert got["_approve"]["ok"] and not got["_approve"]["errors"], got
    assert got["_switch_on"]["waited"] is True, got
    assert not got["_switch_on"]["errors"], got
    # the switch read the report approved: the naming page, the signed year named
    assert f"县商务局{_last_year()}年" in (got["_switch_on"]["refused"] or ""), got
    assert state == (False, False, True)  # nothing switched on, nothing moved


def test_an_approval_landed_at_the_switchs_task_locks_is_named_not_moved(
        client, login, world, monkeypatch):
    """The same order on SQLite: 乙's 通过 lands as 甲's switch takes the tasks' locks."""
    import tracker.services.directory as directory
    from tests import factories as f
    from tracker.models import Role, SummaryScope
    from tracker.reports import annual_final
    from tracker.services.reviews import approve_report

    item_id, task = _lines(world.unit, world.community, world.liaison)
    signer = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    annual_final.finalize_year(signer, SummaryScope(world.unit.id), _last_year())
    db.session.commit()
    ids = dict(item=item_id, task=task.id)

    real, approved = directory.lock_year_work, []

    def approve_first(*args, **kwargs):  # 乙's 通过, landed as 甲's switch holds the tasks
        if not approved:
            approved.append(True)
            approve_report(task.report, signer)
            db.session.commit()  # 乙's own transaction, committed before 甲 reads
        return real(*args, **kwargs)

    monkeypatch.setattr(directory, "lock_year_work", approve_first)
    login(world.admin)
    answer = client.post(f"/admin/items/{item_id}/active?next=/admin/items",
                         data={"active": "1"})
    assert approved and answer.status_code == 200  # the naming page
    (words,) = named(answer.get_data(as_text=True))
    assert f"{world.unit.name}{_last_year()}年" in words
    assert _state(ids) == (False, False, True)


def _world_for_new(url):
    """As ``_world``, with no item of last year on the activity's line, and the category
    with a 年度目标 in a zone of the community (so a new item of the line with none still
    prints its work in the category's clause: ``item_named.work_places``); and an item of
    the line of three years ago, no 年度目标 and no tasks, for an edit to move."""
    from tests import factories as f
    from tracker.models import Role, SummaryScope
    from tracker.reports import annual_final

    with race_world(url) as (app, unit, item, liaison):
        year, community = _last_year(), item.community
        f.item(unit, community, "environment_cleanup", year=year, target=5,
               zone=f.zone(community))
        before = f.item(unit, community, "environment_cleanup", year=year - 1, target=10)
        task = f.task(before, liaison, starts_at=datetime(year, 6, 1, 2, 0, tzinfo=timezone.utc))
        f.reported(task, liaison, approved=False)
        moved = f.item(unit, community, "environment_cleanup", year=year - 3, target=0)
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        db.session.commit()
        annual_final.finalize_year(signer, SummaryScope(unit.id), year)
        db.session.commit()
        return app, dict(unit=unit.id, community=community.id, moved=moved.id, category=before.category_id,
                         measure=before.target_measure.value, task=task.id,
                         report=task.report.id, admin=admin.id, signer=signer.id)


def _add(ids):
    """管理员甲's 新增 of last year's item of the line, no 年度目标, through the view,
    straight from the form: its naming page raised as a refusal, as ``_switch_on``."""
    from flask import Response, current_app, g

    from tracker.models import Member
    from tracker.services import ServiceError

    app = current_app._get_current_object()
    data = dict(unit_id=str(ids["unit"]), community_id=str(ids["community"]), zone_id="",
                category_id=f"{ids['category']}:{ids['measure']}", year=str(_last_year()),
                target="0", description="")
    with app.test_request_context("/admin/items/new", method="POST", data=data):
        g._login_user = db.session.get(Member, ids["admin"])
        answer = app.view_functions["admin.item_new"]()
    db.session.rollback()
    if not isinstance(answer, Response):
        raise ServiceError(" ".join(named(answer)) or "a page naming nothing")


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite's writers take turns")
def test_an_approval_committed_while_a_new_item_waits_is_named_not_taken_over(tmp_path):
    """新增 compares its naming the same way (``directory.add_resource_item``)."""
    from sqlalchemy import select

    from tracker.models import ResourceItem, Task

    with race_database("postgresql", tmp_path, "r47new") as url:
        app, ids = _world_for_new(url)
        got = race_in_order(MODULE, url, ids, "_approve", "_add")
        with app.app_context():
            added = db.session.scalar(select(ResourceItem.id).where(
                ResourceItem.year == _last_year(), ResourceItem.zone_id.is_(None),
                ResourceItem.category_id == ids["category"]))
            on_year = db.session.get(Task, ids["task"]).resource_item.year
            db.session.remove()
            db.engine.dispose()
    assert got["_approve"]["ok"] and not got["_approve"]["errors"], got
    assert got["_add"]["waited"] is True, got
    assert not got["_add"]["errors"], got
    assert f"县商务局{_last_year()}年" in (got["_add"]["refused"] or ""), got
    assert added is None and on_year == _last_year() - 1  # nothing added, nothing moved


def _edit(ids):
    """管理员甲's edit of the item of three years ago onto last year (its edit page read,
    then 保存 straight from it), through the view: its naming page raised as a refusal."""
    from flask import Response, current_app, g

    from tests.web.test_admin_budget_named import edit_page_fields
    from tracker.models import Member
    from tracker.services import ServiceError

    app = current_app._get_current_object()
    url = f"/admin/items/{ids['moved']}/edit"

    def call(method, data=None):
        with app.test_request_context(url, method=method, data=data):
            g._login_user = db.session.get(Member, ids["admin"])
            answer = app.view_functions["admin.item_edit"](record_id=ids["moved"])
        db.session.rollback()
        return answer

    answer = call("POST", edit_page_fields(call("GET")) | {"year": str(_last_year())})
    if not isinstance(answer, Response):
        raise ServiceError(" ".join(named(answer)) or "a page naming nothing")


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite's writers take turns")
def test_an_approval_committed_while_an_edit_waits_is_named_not_taken_over(tmp_path):
    """An item's edit onto the line and year compares the same way
    (``directory.save_resource_item``)."""
    from tracker.models import ResourceItem, Task

    with race_database("postgresql", tmp_path, "r47edit") as url:
        app, ids = _world_for_new(url)
        got = race_in_order(MODULE, url, ids, "_approve", "_edit")
        with app.app_context():
            year = db.session.get(ResourceItem, ids["moved"]).year
            on_year = db.session.get(Task, ids["task"]).resource_item.year
            db.session.remove()
            db.engine.dispose()
    assert got["_approve"]["ok"] and not got["_approve"]["errors"], got
    assert got["_edit"]["waited"] is True, got
    assert not got["_edit"]["errors"], got
    assert f"县商务局{_last_year()}年" in (got["_edit"]["refused"] or ""), got
    assert year == _last_year() - 3 and on_year == _last_year() - 1  # nothing saved or moved
