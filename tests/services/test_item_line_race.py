"""One checklist item per line (unit, community, 责任区, category, year): kept by the save's
own check (``directory._item_values``: 「…已有该类别的同年度资源清单项目。」), not by the
database — a line without a 责任区 has a NULL in it, which a plain unique index lets
repeat. Two admins saving the same line at once (photo55) — two 新增, or a 新增 and an
edit moving another item onto the line — would each read the line free and each write
an item, unless the first's lock holds the second before its check.

They do take turns: every checklist change holds the line's items (``tasks.lock_lines``:
a new line has none to hold) and then its category's row (``tasks.lock_categories``,
reactivate47) before it reads the line. The second waits for the first to commit, then
reads its item and is refused as a sequential duplicate is. Two processes in a forced
order (``tests.races.race_in_order``); on SQLite the writers take turns (BEGIN IMMEDIATE).
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow

MODULE = __name__


def _line(ids, **changes):
    from tracker.services.directory import ResourceItemData

    values = dict(unit_id=ids["unit"], community_id=ids["community"],
                  category_id=ids["category"], year=ids["year"], target=4)
    return ResourceItemData(**{**values, **changes})


def _add(ids, admin: str, **changes):
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services.directory import add_resource_item

    add_resource_item(db.session.get(Member, ids[admin]), _line(ids, **changes))


def _first_adds(ids):
    _add(ids, "first", target=4)


def _second_adds(ids):
    _add(ids, "second", target=9)


def _second_moves_onto_it(ids):
    """管理员乙 edits last year's item of another category (no tasks) onto the line."""
    from tracker.extensions import db
    from tracker.models import Member, ResourceItem
    from tracker.services.directory import save_resource_item

    save_resource_item(db.session.get(ResourceItem, ids["other_item"]),
                       db.session.get(Member, ids["second"]), _line(ids, target=9))


def _world(url):
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role
    from tracker.reference import ensure_categories
    from tracker.timeutil import local_today

    with race_world(url) as (app, unit, item, _liaison):
        year = local_today().year
        # last year's item of another line (another category), no tasks: the edit's
        other = f.item(unit, item.community, "environment_cleanup", year=year - 1)
        first = f.member(unit, Role.admin, name="管理员甲")
        second = f.member(unit, Role.admin, name="管理员乙")
        db.session.commit()
        return app, dict(unit=unit.id, community=item.community.id, year=year,
                         category=ensure_categories()["epidemic_duty"].id,
                         other_item=other.id, first=first.id, second=second.id)


def _items_of_line(app, ids) -> list[int]:
    """The targets of the items on the line, by id."""
    from tracker.extensions import db
    from tracker.models import ResourceItem

    with app.app_context():
        targets = db.session.scalars(select(ResourceItem.target).where(
            ResourceItem.unit_id == ids["unit"], ResourceItem.community_id == ids["community"],
            ResourceItem.zone_id.is_(None), ResourceItem.category_id == ids["category"],
            ResourceItem.year == ids["year"]).order_by(ResourceItem.id)).all()
        db.session.remove()
        db.engine.dispose()
        return targets


@pytest.mark.parametrize("second", ["_second_adds", "_second_moves_onto_it"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_saves_of_one_new_line_at_once_keep_one_item(backend, second, tmp_path):
    from tracker.services.directory import ITEM_TAKEN

    with race_database(backend, tmp_path, "itemline") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_first_adds", second)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_first_adds"]["ok"]
        # the second is told what a sequential duplicate is told, nothing of it written
        assert got[second]["refused"] == str(ITEM_TAKEN)
        assert _items_of_line(app, ids) == [4]
        assert got[second]["waited"] is (True if backend == "postgresql" else None)
