"""Two categories of one name (an admin's own category named as an earlier one): the
台账 import reads the 类别 column by name. The active category of the name is the one
meant (a category re-created, the old one 停用); two active ones leave it unknown, and
the row is refused on its 类别 cell, naming the name and what to do — never counted
under one of them by a rule the sheet's author did not see."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests import factories as f
from tests.imports.test_ledger_import_service import (counts, errors_by_line, imported,
                                                      preview, row, sheet)
from tests.imports.test_ledger_import_web import upload
from tracker.extensions import db
from tracker.models import Category, Task
from tracker.services import ServiceError

AMBIGUOUS = ("启用的类别中有多个都叫“义务植树”，无法确定是哪一个：请管理员在“管理 › 类别”中"
             "修改其中一个的名称（或停用不用的那个）后再导入。")


def _twins(october, *, earlier_active: bool = True, later_active: bool = True):
    """Two categories named 义务植树, each with a 2022 item of the unit in 解放路社区;
    the earlier one's row rewritten after the later one is made, so a database reading
    rows as they lie (PostgreSQL's heap) meets the earlier one last."""
    earlier = f.category("tree_planting_old", "义务植树")
    later = f.category("tree_planting", "义务植树")
    for category in (earlier, later):
        f.item(october.unit, october.jiefang, category, year=2022)
    db.session.commit()
    db.session.execute(update(Category).where(Category.id == earlier.id)
                       .values(sort_order=510, active=earlier_active))
    db.session.execute(update(Category).where(Category.id == later.id)
                       .values(active=later_active))
    db.session.commit()
    return earlier, later


def _planting(october, **more) -> dict:
    # an admin's own category counts both a 完成数量 and a 受益 (``f.category``)
    return row(october, october.members["郑某某"], title="植树", category="义务植树",
               leader="是", **{"完成数量": "10", "受益": "20", **more})


def _recorded_category() -> int:
    return db.session.scalar(select(Task.category_id).where(Task.title == "植树"))


def test_two_active_categories_of_one_name_refuse_the_row_on_its_category(
        october, cleanup_category):
    _twins(october)
    unknown = "13712345678"
    both = row(october, october.members["冯某某"], title="两处错误", leader="是",
               category="义务植树", **{"手机号": unknown})
    other = row(october, october.members["冯某某"], title="另一行", leader="是",
                category=cleanup_category, **{"手机号": unknown})
    before = counts()
    result = preview(october.liaison, sheet([_planting(october), both, other]))
    errors = errors_by_line(result)
    assert not result.ok
    assert errors[2] == [AMBIGUOUS]
    # the file's other errors still listed: the row's own, in column order, and others'
    assert errors[3] == [AMBIGUOUS, f"手机号{unknown}不是本社区可补录的党员。"]
    assert errors[4] == [f"手机号{unknown}不是本社区可补录的党员。"]
    with pytest.raises(ServiceError, match="有1行存在错误，未导入任何数据"):
        imported(october.liaison, sheet([_planting(october)]))
    db.session.expire_all()
    assert counts() == before


def test_an_archived_twin_leaves_the_name_to_the_active_category(october):
    """The earlier one 停用 (the category re-created): the later, active, one is read."""
    _earlier, later = _twins(october, earlier_active=False)
    assert imported(october.liaison, sheet([_planting(october)])).activities == 1
    assert _recorded_category() == later.id


def test_the_active_category_is_read_even_when_made_first(october):
    """Not the one made last: the later twin 停用, the earlier active one is meant."""
    earlier, _later = _twins(october, later_active=False)
    assert imported(october.liaison, sheet([_planting(october)])).activities == 1
    assert _recorded_category() == earlier.id


def test_with_no_active_category_of_the_name_the_one_made_last_is_read_as_before(october):
    """Both 停用: the import reads an inactive category as it did (its item, active,
    takes the activity), and of two the one made last, whatever the row order."""
    _earlier, later = _twins(october, earlier_active=False, later_active=False)
    assert imported(october.liaison, sheet([_planting(october)])).activities == 1
    assert _recorded_category() == later.id


def test_the_import_page_shows_the_refusal_on_the_row_and_offers_no_confirm(
        client, login, october):
    _twins(october)
    login(october.liaison)
    before = counts()
    response = upload(client, sheet([_planting(october)]))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "有1行存在错误，未导入任何数据" in page
    assert AMBIGUOUS in page
    assert "确认导入" not in page
    assert counts() == before
