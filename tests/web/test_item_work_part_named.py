"""scope48 (first bullet): an item with no 年度目标 whose work is printed in the unit's part
of a community's 年度总结 only — the category's one clause there, of another measure,
gains 「whose」 (docs/design.md, the checklist paragraph; ``reports.annual_text.
_category_clauses``) — while the unit's whole already says whose (its category has work in
two measures) and prints nothing more. docs/design.md: a naming page names exactly the
signed documents the change alters. So 重新启用 names the part's signed 年度总结, and the
community's own only when its clause changes too — never the unit's whole, which reads as
signed after the switch.

The category here (垃圾分类宣传) counts activities and 受益. 县商务局's 2022 items: in a zone
of 解放路社区 a 受益 target of 50 with 20人 done; in 建设路社区 activities, no target, one
done. The switched-off item (解放路社区, activities, no target) takes over an approved
activity of October 2022 from 2021's item of its line. The expected values are the signed
years' own notices (「定稿后数据有变化」), not the naming's query."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from tests import factories as f
from tests.reports.test_signed_named import named
from tests.web.test_admin_budget_named import _confirmation
from tests.web.test_item_work_shown_named import _changed, _on_item, _switch_on
from tracker.extensions import db
from tracker.models import SummaryScope, TargetMeasure, TaskStatus
from tracker.reports import annual_final

ACTIVITIES, SERVED = TargetMeasure.activities, TargetMeasure.beneficiaries


def _done(item, o, day: int, served: int = 0) -> None:
    task = f.task(item, o.admin, starts_at=datetime(2022, 10, day, 2, 0, tzinfo=timezone.utc),
                  status=TaskStatus.closed)
    f.reported(task, o.admin, approved=True, people_served=served)


def _part_prints_it(o, *, community_says_whose: bool):
    """The items above; ``community_says_whose``: 县财政局 has an activity of the category
    done in 解放路社区 too (its item: activities, no target), so the community's own clause
    says whose already. Returns (the switched-off item's id, the activity's id)."""
    category = f.category("waste_talk", "垃圾分类宣传", quantity=None, beneficiary="人")
    before = f.item(o.unit, o.jiefang, category, year=2021, target=3, measure=ACTIVITIES)
    task = f.task(before, o.admin, starts_at=datetime(2022, 10, 12, 2, 0, tzinfo=timezone.utc),
                  status=TaskStatus.closed)
    f.reported(task, o.admin, approved=True)
    _done(f.item(o.unit, o.jiefang, category, year=2022, target=50, measure=SERVED,
                 zone=f.zone(o.jiefang, "三区", o.unit)), o, 13, served=20)
    _done(f.item(o.unit, o.jianshe, category, year=2022, target=0, measure=ACTIVITIES), o, 14)
    if community_says_whose:
        _done(f.item(o.other_unit, o.jiefang, category, year=2022, target=0,
                     measure=ACTIVITIES), o, 15)
    item = f.item(o.unit, o.jiefang, category, year=2022, target=0, measure=ACTIVITIES)
    item.active = False
    for scope in (SummaryScope(unit_id=o.unit.id),
                  SummaryScope(unit_id=o.unit.id, community_id=o.jiefang.id),
                  SummaryScope(community_id=o.jiefang.id)):
        annual_final.finalize_year(o.admin, scope, 2022)
    db.session.commit()
    return item.id, task.id


def _years_named(words: str) -> list[str]:
    (listed,) = re.findall(r"以下已定稿年度总结的当前数据：(.*?)。", words)
    return listed.split("、")


@pytest.mark.parametrize("community_says_whose", [True, False])
def test_work_printed_in_the_units_part_alone_names_the_part_not_the_whole(
        client, login, october, community_says_whose):
    o = october
    item_id, task_id = _part_prints_it(o, community_says_whose=community_says_whose)
    login(o.admin)
    whole, part, own = (f"unit={o.unit.id}", f"unit={o.unit.id}&community={o.jiefang.id}",
                        f"community={o.jiefang.id}")

    page = _switch_on(client, item_id).get_data(as_text=True)
    (words,) = named(page)
    assert _years_named(words) == ["县商务局在解放路社区2022年", *(
        [] if community_says_whose else ["解放路社区2022年"])]
    assert _on_item(task_id) != item_id

    action, fields = _confirmation(page)
    assert client.post(action, data=fields).status_code == 302
    assert _on_item(task_id) == item_id
    assert _changed(client, part)
    assert _changed(client, own) is not community_says_whose
    assert not _changed(client, whole)
