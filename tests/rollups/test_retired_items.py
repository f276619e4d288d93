"""停用 of a checklist item means "no new tasks from it", not "it never existed": a
year's checklist and its budget count that year's items whether they are still active
or not (review "year", finding 4: in January an admin switched off last year's items to
tidy the list, and last year's 资源清单完成情况, budget and 月报 went blank)."""
from __future__ import annotations

from datetime import date

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import TargetMeasure, TaskStatus
from tracker.rollups.checklist import resource_progress
from tests.plans import resource_progress_by_category
from tracker.rollups.funds import fund_figures
from tracker.rollups.scope import Scope, year_range
from tracker.services import funds as funds_service
from tracker.timeutil import local_today


def _last_year(world):
    """Last year's checklist of the world's unit in its community: a clean-up target of
    12 activities (one approved) and a budget of 10,000 yuan (5,160.50 spent)."""
    year = local_today().year - 1
    cleanup = f.item(world.unit, world.community, "environment_cleanup", year=year, target=12,
                     measure=TargetMeasure.activities)
    budget = f.item(world.unit, world.community, "cobuild_funding", year=year,
                    target=1_000_000, measure=TargetMeasure.money)
    task = b.task_on(cleanup, world.liaison, date(year, 11, 3), status=TaskStatus.closed,
                     leader=world.leader)
    b.join(task, world.member)
    b.report(task, world.leader)
    b.fund(world.unit, world.community, world.admin, date(year, 11, 20), 516_050)
    db.session.commit()
    return year, cleanup, budget


def _figures(world, year):
    items = {p.item_id: (p.target, p.done, p.active)
             for p in resource_progress(year, community_ids=[world.community.id])}
    money = fund_figures(Scope(*year_range(year), world.unit.id, (world.community.id,)), year)
    return items, (money.budget_fen, money.budgeted_fen, money.unbudgeted_fen)


def test_switching_off_last_years_items_keeps_last_years_checklist_and_budget(
        client, login, world):
    year, cleanup, budget = _last_year(world)
    items, money = _figures(world, year)
    assert items == {cleanup.id: (12, 1, True), budget.id: (1_000_000, 516_050, True)}
    assert money == (1_000_000, 516_050, 0)

    login(world.admin)
    for item in (cleanup, budget):
        assert client.post(f"/admin/items/{item.id}/active",
                           data={"active": "0"}).status_code == 302

    # Same targets, same work, same budget; the items are marked as switched off.
    items, money = _figures(world, year)
    assert items == {cleanup.id: (12, 1, False), budget.id: (1_000_000, 516_050, False)}
    assert money == (1_000_000, 516_050, 0)  # nothing becomes 未设预算的支出
    totals = {(c.category_code, c.items, c.target, c.done)
              for c in resource_progress_by_category(year, community_ids=[world.community.id])}
    assert totals == {("environment_cleanup", 1, 12, 1), ("cobuild_funding", 1, 1_000_000, 516_050)}
    # the ledger still names its budget
    assert [i.id for i in funds_service.budget_items(world.unit.id, world.community.id, year)] \
        == [budget.id]

    page = client.get(f"/progress/community?community={world.community.id}"
                      f"&period=year&year={year}").get_data(as_text=True)
    assert "该社区本年度还没有资源清单" not in page
    assert "已停用" in page


def test_a_switched_off_item_offers_no_new_tasks(client, login, world):
    """What 停用 does mean: the task form offers the item no more."""
    login(world.liaison)
    assert f"value=\"{world.item.id}\"" in client.get("/manage/tasks/new").get_data(as_text=True)
    login(world.admin)
    client.post(f"/admin/items/{world.item.id}/active", data={"active": "0"})
    login(world.liaison)
    assert f"value=\"{world.item.id}\"" not in client.get("/manage/tasks/new").get_data(as_text=True)
