"""The 月报 counts the distinct members of each grouping (overall, per category, per
"双创" zone and over them) from one read of the scope's participations
(``rollups.shared``: ``participants_part`` / ``members_plan``): each count is the same as the
grouping's own COUNT(DISTINCT) statement (``member_rows``), in one statement."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AssignmentStatus, Category, ReportStatus
from tracker.reference import DOUBLE_CODES
from tracker.rollups import Scope
from tracker.rollups.batch import run, run_together
from tracker.rollups.double import double_progress_plan, zone_place
from tests.plans import double_progress
from tracker.rollups.figures import (
    Figures,
    figures,
    figures_by_category_plan,
    figures_plan,
    member_rows,
)
from tests.plans import figures_by_category
from tracker.rollups.shared import category_task_rows, members_plan, participants_part, summed
from tracker.timeutil import local_today, month_bounds


def _history(world):
    """Members in two categories, two zones and no zone, approved and 待审核; one
    member in several groupings, one only pending."""
    day = local_today().replace(day=1) - timedelta(days=20)
    zone_a, zone_b = f.zone(world.other_community, "一区"), f.zone(world.other_community, "二区")
    ads_a = f.item(world.unit, world.other_community, "ad_removal", zone=zone_a)
    ads_b = f.item(world.unit, world.other_community, "ad_removal", zone=zone_b)
    staffing = [
        (world.item, ReportStatus.approved, (world.member, world.leader)),
        (world.item, ReportStatus.submitted, (world.member, world.other_member)),
        (ads_a, ReportStatus.approved, (world.member, world.other_member)),
        (ads_b, ReportStatus.submitted, (world.leader,)),
        (world.other_item, ReportStatus.approved, (world.leader,)),  # no zone
        (ads_a, ReportStatus.returned, (world.liaison,)),  # not counted
    ]
    for k, (item, status, members) in enumerate(staffing):
        task = b.task_on(item, world.liaison, day + timedelta(days=k))
        for m in members:
            b.join(task, m, AssignmentStatus.done)
        b.report(task, world.leader, status, quantity=2)
    db.session.commit()
    return Scope(*month_bounds(day.year, day.month), unit_id=world.unit.id)


def _double_only(model):
    """The "双创" view's own condition on its member statements."""
    return (model.category_id.in_(select(Category.id).where(Category.code.in_(DOUBLE_CODES))),)


def test_each_grouping_counts_as_its_own_statement(world, count_queries):
    scope = _history(world)
    part = participants_part(scope)
    with count_queries() as q:
        overall, by_category, by_zone, over_zones = run_together(
            members_plan(part), members_plan(part, "category"),
            members_plan(part, "zone", double_only=True), members_plan(part, double_only=True))
    assert q.count == 1  # one read for the four

    assert overall == run(member_rows(scope)) and overall[()] == (3, 3)
    assert by_category == run(member_rows(scope, lambda m: (m.category_id,)))
    assert len(by_category) == 2
    assert by_zone == run(member_rows(scope, zone_place, _double_only))
    # 一区, 二区 and work without a zone, its community's (words53)
    assert len(by_zone) == 3 and (None, world.other_community.id) in by_zone
    assert over_zones == run(member_rows(scope, extra=_double_only)) == {(): (3, 1)}


def test_the_figures_from_the_shared_reads_are_the_plain_ones(world, count_queries):
    """The totals as the categories' rows added up (``summed``) and the members from
    the shared read: the same figures as the plain rollups, an empty month too."""
    scope = _history(world)
    empty = Scope(scope.date_from - timedelta(days=400), scope.date_from - timedelta(days=370),
                  unit_id=world.unit.id)
    for s in (scope, empty):
        per_category, part = category_task_rows(s), participants_part(s)
        with count_queries() as q:
            shared, by_category = run_together(
                figures_plan(s, tasks=summed(per_category), members=members_plan(part)),
                figures_by_category_plan(s, tasks=per_category,
                                         members=members_plan(part, "category")))
        assert q.count == 1
        assert shared == figures(s)
        assert by_category == figures_by_category(s)
    assert figures(scope).official.activities == 3 and figures(empty) == Figures()
    zoned = double_progress(scope, by="zone", year_to_date=False)
    part = participants_part(scope)
    assert run(double_progress_plan(
        scope, by="zone", year_to_date=False,
        members=(members_plan(part, "zone", double_only=True),
                 members_plan(part, double_only=True)))) == zoned
