"""重新启用 of a checklist item and 从上一年度复制, each racing another admin's change that
alters what the naming compares — PostgreSQL, forced order (``tests.races.race_in_order``):
the second waits for the first's lock, then reads what the first committed.

- itemyear47: two admins 重新启用 the same item at once (the work it takes over is
  approved, the year signed); 管理员甲's from its naming page. 甲 waits for 乙's line
  lock; once the first committed, the item is on: a repeated click — 「已重新启用」,
  nothing more done. Before the fix the second compared on the item as its view had
  loaded it (still off), named nothing (the work was taken over already) and answered
  「…有了变化…」.
- reactivate47 (second bullet): an item with no 年度目标 prints its work only where the
  document's scope has an item of its category with a target (docs/design.md, the
  checklist paragraph: ``item_named.work_places``). 管理员乙 adds such an item — in
  another community of the unit, target 5 (held open) — as 管理员甲 clicks 重新启用 on the
  list (no page: nothing it takes over was printed). 甲 waits for 乙's change of the
  category, then reads the new target: the unit's signed year prints the work it takes
  over, so it gets the naming page, nothing switched on. Before the fix 甲 read no
  target under no lock, and moved the work into the clause of 县商务局's signed year
  unnamed.
- reactivate47 (fourth bullet): 从上一年度复制 holds the activities its copies take
  over (``tasks.lock_year_work``), as 重新启用 does (``test_item_reactivate_approval_race``):
  a 通过 committed while it waits is read approved, and named."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.reports.test_signed_named import named
from tests.scratch_db import PG_URL
from tracker.extensions import db

MODULE = __name__
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite's writers take turns")


def _last_year() -> int:
    from tracker.timeutil import local_today

    return local_today().year - 1


def _world(url, *, target: int, approved: bool = True, to_copy: bool = False):
    """县商务局's last year signed (its whole 年度总结); last year's item of its line in
    解放路社区 switched off (``target``, counted in activities); an activity of last year
    on the year before's item of the line, its report approved or 待审核. ``to_copy``:
    no item of last year on the line — the year before's is 「从上一年度复制」's to copy
    —, and one of the category in a zone of 解放路社区 last year, target 5: the copy
    prints the work it takes over in the category's clause (``item_named.work_places``)
    once that work is approved."""
    from tests import factories as f
    from tracker.models import Role, SummaryScope, TargetMeasure
    from tracker.reports import annual_final

    activities = TargetMeasure.activities
    with race_world(url) as (app, unit, item, liaison):
        year, community = _last_year(), item.community
        if to_copy:
            off = f.item(unit, community, "environment_cleanup", year=year, target=5,
                         zone=f.zone(community), measure=activities)
        else:
            off = f.item(unit, community, "environment_cleanup", year=year, target=target,
                         measure=activities)
            off.active = False
        before = f.item(unit, community, "environment_cleanup", year=year - 1, target=target,
                        measure=activities)
        task = f.task(before, liaison, starts_at=datetime(year, 6, 1, 2, 0, tzinfo=timezone.utc))
        f.reported(task, liaison, approved=approved)
        other = f.community("建设路社区")
        admin = f.member(unit, Role.admin, name="管理员甲")
        second = f.member(unit, Role.admin, name="管理员乙")
        db.session.commit()
        annual_final.finalize_year(second, SummaryScope(unit.id), year)
        db.session.commit()
        return app, dict(unit=unit.id, community=community.id, other=other.id, item=off.id,
                         before=before.id, category=before.category_id, task=task.id,
                         report=task.report.id, admin=admin.id, second=second.id)


def _view(ids, endpoint: str, url: str, data: dict, member: str, **args):
    """``endpoint``'s answer to a POST of ``data`` by ``ids[member]``, and what it
    flashed."""
    from flask import current_app, g, get_flashed_messages

    from tracker.models import Member

    app = current_app._get_current_object()
    with app.test_request_context(url, method="POST", data=data):
        g._login_user = db.session.get(Member, ids[member])
        answer = app.view_functions[endpoint](**args)
        flashed = get_flashed_messages()
    db.session.rollback()
    return answer, flashed


def _words(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _toggle(ids, member: str, *, confirm: bool):
    """``member``'s 重新启用 of the item through the view — from its naming page
    (``confirm``: the page, then 确认重新启用) or straight from the list; a page for an
    answer is raised as a refusal with its words, a 「已重新启用」 said is returned."""
    from flask import Response

    from tests.web.test_admin_budget_named import _confirmation
    from tracker.services import ServiceError

    url = f"/admin/items/{ids['item']}/active?next=/admin/items"

    def post(data):
        return _view(ids, "admin.item_toggle", url, data, member, record_id=ids["item"])

    answer, flashed = post({"active": "1"})
    if confirm:
        assert not isinstance(answer, Response), "switched on without a naming page"
        (words,) = named(answer)
        assert f"县商务局{_last_year()}年" in words, words
        answer, flashed = post(_confirmation(answer)[1])
    if not isinstance(answer, Response):
        raise ServiceError(_words(answer))
    said = " ".join(str(message) for message in flashed)
    if "已重新启用" not in said:
        raise ServiceError(f"not said switched on: {said}")


def _first_switch(ids):
    """管理员乙's 重新启用, confirmed (held open): the service as its page's 确认 calls it
    (the view commits its own unit of work; a held one is the service's)."""
    from tracker.models import Member, ResourceItem
    from tracker.services.directory import set_active

    set_active(db.session.get(ResourceItem, ids["item"]), db.session.get(Member, ids["second"]),
               True)


def _second_switch(ids):
    """管理员甲: 重新启用 (the naming page, read while 乙's switch is not committed),
    确认重新启用 — through the view."""
    _toggle(ids, "admin", confirm=True)


def _state(ids) -> tuple:
    from tracker.models import ResourceItem, Task

    db.session.expire_all()
    return (db.session.get(ResourceItem, ids["item"]).active,
            db.session.get(Task, ids["task"]).resource_item_id)


def _finish(app, ids) -> tuple:
    with app.app_context():
        state = _state(ids)
        db.session.remove()
        db.engine.dispose()
    return state


def test_a_second_switch_on_of_the_same_item_at_once_is_a_repeated_click(tmp_path):
    with race_database("postgresql", tmp_path, "held48on") as url:
        app, ids = _world(url, target=10)
        got = race_in_order(MODULE, url, ids, "_first_switch", "_second_switch")
        state = _finish(app, ids)
    assert got["_first_switch"]["ok"] and not got["_first_switch"]["errors"], got
    assert got["_second_switch"]["waited"] is True, got
    # 甲 is told 「已重新启用」, not that what the page named changed
    assert got["_second_switch"]["ok"] and not got["_second_switch"]["errors"], got
    assert state == (True, ids["item"])  # switched on once, the work on it


def _add_targeted(ids):
    """管理员乙 adds last year's item of the category in 建设路社区, target 5 (held open;
    the service as its confirmed page calls it: it names 县商务局's year itself)."""
    from tracker.models import Member, TargetMeasure
    from tracker.services.directory import ResourceItemData, add_resource_item

    add_resource_item(db.session.get(Member, ids["second"]), ResourceItemData(
        unit_id=ids["unit"], community_id=ids["other"], category_id=ids["category"],
        year=_last_year(), target=5, target_measure=TargetMeasure.activities))


def _switch_from_list(ids):
    """管理员甲's 重新启用 straight from the list."""
    _toggle(ids, "admin", confirm=False)


def test_a_target_added_to_the_category_while_the_switch_waits_is_named(tmp_path):
    from sqlalchemy import func, select

    from tracker.models import ResourceItem

    with race_database("postgresql", tmp_path, "held48scope") as url:
        app, ids = _world(url, target=0)
        got = race_in_order(MODULE, url, ids, "_add_targeted", "_switch_from_list")
        state = _finish(app, ids)
        with app.app_context():
            added = db.session.scalar(select(func.count(ResourceItem.id)).where(
                ResourceItem.community_id == ids["other"]))
            db.session.remove()
            db.engine.dispose()
    assert got["_add_targeted"]["ok"] and not got["_add_targeted"]["errors"], got
    assert added == 1
    assert got["_switch_from_list"]["waited"] is True, got
    assert not got["_switch_from_list"]["errors"], got
    # the unit's signed year now prints the work in the category's clause: named first
    refused = got["_switch_from_list"]["refused"] or ""
    assert f"县商务局{_last_year()}年" in refused and "确认重新启用" in refused, got
    assert state == (False, ids["before"])  # nothing switched on, nothing moved


def _approve(ids):
    """管理员乙's 通过 of the activity's report (held open)."""
    from tracker.models import Member, TaskReport
    from tracker.services.reviews import approve_report

    approve_report(db.session.get(TaskReport, ids["report"]),
                   db.session.get(Member, ids["second"]))


def _copy(ids):
    """管理员甲's 从上一年度复制 into last year, straight from the list's form."""
    from flask import Response

    from tracker.services import ServiceError

    answer, flashed = _view(ids, "admin.items_copy", "/admin/items/copy",
                            {"copy-year": str(_last_year())}, "admin")
    if not isinstance(answer, Response):
        raise ServiceError(_words(answer))


def test_an_approval_committed_while_the_copy_waits_is_named_not_taken_over(tmp_path):
    from sqlalchemy import select

    from tracker.models import ReportStatus, ResourceItem, Task

    with race_database("postgresql", tmp_path, "held48copy") as url:
        app, ids = _world(url, target=0, approved=False, to_copy=True)
        got = race_in_order(MODULE, url, ids, "_approve", "_copy")
        with app.app_context():
            copied = db.session.scalar(select(ResourceItem.id).where(
                ResourceItem.year == _last_year(), ResourceItem.zone_id.is_(None),
                ResourceItem.category_id == ids["category"]))
            task = db.session.get(Task, ids["task"])
            on, approved = task.resource_item_id, task.report.status == ReportStatus.approved
            db.session.remove()
            db.engine.dispose()
    assert got["_approve"]["ok"] and not got["_approve"]["errors"], got
    assert got["_copy"]["waited"] is True, got
    assert not got["_copy"]["errors"], got
    # the copy read the report approved: the naming page, the signed year named
    refused = got["_copy"]["refused"] or ""
    assert f"县商务局{_last_year()}年" in refused and "确认复制" in refused, got
    assert copied is None and on == ids["before"] and approved  # nothing copied or moved
