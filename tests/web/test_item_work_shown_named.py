"""review47b #1: a checklist item with no 年度目标 that takes over approved work of its
year (重新启用, or added new: ``tasks.move_onto_year_items``) changes a signed 年度总结 only
where that document prints the work. 附表“资源清单完成情况” and the 资源清单 sentence list
only items with a target, and a category's clause (「…目标5次、完成1次」) only a category
with a target in the document's scope (docs/design.md, the checklist paragraph;
``reports.annual_tables``, ``reports.annual_text``). So:

- the category has no target anywhere in the unit's 2022 checklist: nothing printed
  changes — saved at once, no naming page, and the signed year still reads as signed;
- the category has a target in another community of the unit: the unit's whole 年度总结
  prints the work in the category's clause — named, and after 确认 the year says
  「定稿后数据有变化」; 解放路社区's own 年度总结, where the category has no target, is not
  named and does not change.

The expected values are the signed documents' own notices, not the naming's query."""
from __future__ import annotations

from datetime import datetime, timezone

from tests import factories as f
from tests.reports.test_signed_named import named, sign_october_and_the_year
from tests.web.test_admin_budget_named import _confirmation
from tests.web.test_item_changes_named import _new_item_fields
from tracker.extensions import db
from tracker.models import ResourceItem, Task, TargetMeasure, TaskStatus

CHANGED = "定稿后数据有变化"
ACTIVITIES = TargetMeasure.activities


def _line_with_work(o):
    """A category of the admin's own (垃圾分类宣传) with no item in 2022, and an approved
    activity of October 2022 on 2021's item of 县商务局's line in 解放路社区 (as
    ``item_of_year`` records it while 2022 has no item of the line): (category, task id)."""
    category = f.category("waste_talk", "垃圾分类宣传", quantity=None, beneficiary=None)
    before = f.item(o.unit, o.jiefang, category, year=2021, target=3, measure=ACTIVITIES)
    task = f.task(before, o.admin, starts_at=datetime(2022, 10, 12, 2, 0, tzinfo=timezone.utc),
                  status=TaskStatus.closed)
    f.reported(task, o.admin, approved=True)
    db.session.commit()
    return category, task.id


def _switched_off_item(o, category) -> int:
    """2022's item of the line, no 年度目标, switched off (so it took none of the work)."""
    item = f.item(o.unit, o.jiefang, category, year=2022, target=0, measure=ACTIVITIES)
    item.active = False
    db.session.commit()
    return item.id


def _changed(client, query: str) -> bool:
    return CHANGED in client.get(f"/reports/annual?{query}&year=2022").get_data(as_text=True)


def _switch_on(client, item_id):
    return client.post(f"/admin/items/{item_id}/active?next=/admin/items", data={"active": "1"})


def _on_item(task_id) -> int:
    db.session.expire_all()
    return db.session.get(Task, task_id).resource_item_id


def test_switching_on_an_item_of_no_target_in_a_category_of_no_target_is_saved_at_once(
        client, login, october):
    category, task_id = _line_with_work(october)
    item_id = _switched_off_item(october, category)
    login(october.admin)
    sign_october_and_the_year(client, october)

    response = _switch_on(client, item_id)
    assert response.status_code == 302  # no naming page: nothing printed changes
    assert _on_item(task_id) == item_id and db.session.get(ResourceItem, item_id).active
    assert not _changed(client, f"unit={october.unit.id}")


def test_a_new_item_of_no_target_in_a_category_of_no_target_is_saved_at_once(
        client, login, october):
    category, task_id = _line_with_work(october)
    login(october.admin)
    sign_october_and_the_year(client, october)
    line = dict(unit_id=str(october.unit.id), community_id=str(october.jiefang.id), zone_id="",
                category_id=f"{category.id}:{ACTIVITIES.value}", year="2022", target="0",
                description="")
    response = client.post("/admin/items/new", data=_new_item_fields(client) | line)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task_id).resource_item.year == 2022  # taken over
    assert not _changed(client, f"unit={october.unit.id}")


def test_switching_on_an_item_of_no_target_names_the_year_whose_category_has_a_target(
        client, login, october):
    """The category has a target in 建设路社区 (县商务局's): the unit's whole 年度总结 adds
    the work to the category's clause; 解放路社区's own has no target of it."""
    category, task_id = _line_with_work(october)
    f.item(october.unit, october.jianshe, category, year=2022, target=5, measure=ACTIVITIES)
    item_id = _switched_off_item(october, category)
    login(october.admin)
    sign_october_and_the_year(client, october)
    community = f"community={october.jiefang.id}"
    assert client.post(f"/reports/annual/finalize?{community}&year=2022",
                       data={"confirmed": "1"}).status_code == 302

    page = _switch_on(client, item_id).get_data(as_text=True)
    (words,) = named(page)
    assert "县商务局2022年" in words and october.jiefang.name not in words, words
    # the page says where the work counts: not in the 附表, which lists no item without a target
    assert "不列入附表" in page and "该类别的完成情况" in page
    assert _on_item(task_id) != item_id

    action, fields = _confirmation(page)
    assert client.post(action, data=fields).status_code == 302
    assert _on_item(task_id) == item_id
    assert _changed(client, f"unit={october.unit.id}")
    assert not _changed(client, community)


def test_a_new_item_of_no_target_is_named_where_its_category_has_a_target(
        client, login, october):
    """The category has a target in a zone of 解放路社区: the unit's 年度总结 adds the work the
    new item (no zone) takes over to the category's clause; the page says it is in no
    row of the 附表."""
    category, task_id = _line_with_work(october)
    f.item(october.unit, october.jiefang, category, year=2022, target=5, measure=ACTIVITIES,
           zone=f.zone(october.jiefang, "三区", october.unit))
    login(october.admin)
    sign_october_and_the_year(client, october)
    line = dict(unit_id=str(october.unit.id), community_id=str(october.jiefang.id), zone_id="",
                category_id=f"{category.id}:{ACTIVITIES.value}", year="2022", target="0",
                description="")
    page = client.post("/admin/items/new",
                       data=_new_item_fields(client) | line).get_data(as_text=True)
    (words,) = named(page)
    assert "县商务局2022年" in words
    assert "不列入附表" in page and "该类别的完成情况" in page

    action, fields = _confirmation(page)
    assert client.post(action, data=fields).status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task_id).resource_item.year == 2022
    assert _changed(client, f"unit={october.unit.id}")
