"""reactivate47 (first bullet): an item with no 年度目标 whose measure has no target in a
document's scope, in a category with a target in *another* measure there. The 年度总结
prints a clause per category and measure with a target and work done; a category with
work or a target in two measures says whose target each clause is (「建设路社区…目标…」),
one of a single measure reads bare (docs/design.md, the checklist paragraph;
``reports.annual_text._category_clauses``). So the work the item takes over changes the
document only when that other measure's clause is printed (work done against it), it was
the category's only measure with a target or work, and no item of the item's measure had
work: the clause then gains 「whose」. Otherwise nothing printed changes, and nothing is
named.

The category here (垃圾分类宣传) counts activities and 受益; 县商务局's 2022 item in
建设路社区 has a 受益 target of 50. The expected values are the signed year's own notice
(「定稿后数据有变化」), not the naming's query."""
from __future__ import annotations

from datetime import datetime, timezone

from tests import factories as f
from tests.reports.test_signed_named import named, sign_october_and_the_year
from tests.web.test_admin_budget_named import _confirmation
from tests.web.test_item_work_shown_named import _changed, _on_item, _switch_on
from tracker.extensions import db
from tracker.models import ResourceItem, TargetMeasure, TaskStatus

ACTIVITIES, SERVED = TargetMeasure.activities, TargetMeasure.beneficiaries


def _category_in_two_measures(o, *, served: int):
    """垃圾分类宣传 (activities and 受益); 2021's item of 县商务局's line in 解放路社区 with an
    approved activity of October 2022 on it (no 2022 item of the line took it); 2022's
    item of the line, no 年度目标, switched off; and 2022's item in 建设路社区 with a 受益
    target of 50 and, ``served`` > 0, an approved activity of that many people: (the
    switched-off item's id, the activity's)."""
    category = f.category("waste_talk", "垃圾分类宣传", quantity=None, beneficiary="人")
    before = f.item(o.unit, o.jiefang, category, year=2021, target=3, measure=ACTIVITIES)
    task = f.task(before, o.admin, starts_at=datetime(2022, 10, 12, 2, 0, tzinfo=timezone.utc),
                  status=TaskStatus.closed)
    f.reported(task, o.admin, approved=True)
    other = f.item(o.unit, o.jianshe, category, year=2022, target=50, measure=SERVED)
    if served:
        done = f.task(other, o.admin, starts_at=datetime(2022, 10, 13, 2, 0, tzinfo=timezone.utc),
                      status=TaskStatus.closed)
        f.reported(done, o.admin, approved=True, people_served=served)
    item = f.item(o.unit, o.jiefang, category, year=2022, target=0, measure=ACTIVITIES)
    item.active = False
    db.session.commit()
    return item.id, task.id


def test_a_target_in_another_measure_with_nothing_done_names_nothing(client, login, october):
    """The 受益 clause is not printed (nothing done against it): the activities the item
    takes over are in no clause of 县商务局's year — saved at once, the year unchanged."""
    item_id, task_id = _category_in_two_measures(october, served=0)
    login(october.admin)
    sign_october_and_the_year(client, october)

    response = _switch_on(client, item_id)
    assert response.status_code == 302  # no naming page
    assert _on_item(task_id) == item_id and db.session.get(ResourceItem, item_id).active
    assert not _changed(client, f"unit={october.unit.id}")


def test_a_target_in_another_measure_with_work_done_names_the_year_whose_clause_changes(
        client, login, october):
    """The 受益 clause is printed (20人 done) and was the category's only measure: the
    activities taken over make it say whose target it is — named, and after 确认 the
    year says 「定稿后数据有变化」."""
    item_id, task_id = _category_in_two_measures(october, served=20)
    login(october.admin)
    sign_october_and_the_year(client, october)

    page = _switch_on(client, item_id).get_data(as_text=True)
    (words,) = named(page)
    assert "县商务局2022年" in words
    action, fields = _confirmation(page)
    assert client.post(action, data=fields).status_code == 302
    assert _on_item(task_id) == item_id
    assert _changed(client, f"unit={october.unit.id}")


def test_work_of_the_measure_done_already_elsewhere_names_nothing(client, login, october):
    """Another item of the category in activities, no target, has an approved activity of
    2022 (in 建设路社区): the 受益 clause says whose already, and the activities taken over
    add to no clause — saved at once, the year unchanged."""
    item_id, task_id = _category_in_two_measures(october, served=20)
    category = db.session.get(ResourceItem, item_id).category
    elsewhere = f.item(october.unit, october.jianshe, category, year=2022, target=0,
                       measure=ACTIVITIES, zone=f.zone(october.jianshe, "九区", october.unit))
    done = f.task(elsewhere, october.admin,
                  starts_at=datetime(2022, 10, 14, 2, 0, tzinfo=timezone.utc),
                  status=TaskStatus.closed)
    f.reported(done, october.admin, approved=True)
    login(october.admin)
    sign_october_and_the_year(client, october)

    response = _switch_on(client, item_id)
    assert response.status_code == 302
    assert _on_item(task_id) == item_id
    assert not _changed(client, f"unit={october.unit.id}")
