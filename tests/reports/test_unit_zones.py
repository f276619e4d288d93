"""A unit's 月报 lists its own responsibility zones only (issue 14): those the unit
answers for, and those where its own group's work is recorded — never another unit's
zones, whatever that unit did there."""
from __future__ import annotations

from datetime import date

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import Community, ReportStatus, Role
from tracker.reports.summary import build_summary
from tracker.rollups import Scope
from tests.plans import double_progress
from tracker.timeutil import month_bounds

DAY = date(2026, 3, 10)


def _county():
    ours, theirs = f.unit("县商务局"), f.unit("县财政局")
    community = f.community("建设路社区")
    liaison = f.member(ours, Role.liaison, communities=[community])
    own = f.zone(community, "一区", ours)
    quiet = f.zone(community, "二区", ours)  # ours, nothing done there this month
    shared = f.zone(community, "三区")  # nobody answers for it; we worked there
    other = f.zone(community, "四区", theirs)
    for unit, zone, qty in ((ours, own, 5), (ours, shared, 3), (theirs, other, 7)):
        item = f.item(unit, community, "ad_removal", year=DAY.year, zone=zone)
        task = b.task_on(item, liaison, DAY)
        b.join(task, liaison)
        b.report(task, liaison, ReportStatus.approved, quantity=qty)
    db.session.commit()
    return ours, theirs, (own, quiet, shared, other)


def test_a_units_zones_are_its_own(app):
    ours, theirs, (own, quiet, shared, other) = _county()
    date_from, date_to = month_bounds(DAY.year, DAY.month)

    view = double_progress(Scope(date_from, date_to, unit_id=ours.id), by="zone")
    assert [(r.name, r.ads) for r in view.rows] == [("一区", 5), ("二区", 0), ("三区", 3)]
    assert view.total.ads == 8

    summary = build_summary(DAY.year, DAY.month, unit=ours)
    assert [(z.name, z.ads) for z in summary.zones] == [("一区", 5), ("三区", 3)]
    theirs_summary = build_summary(DAY.year, DAY.month, unit=theirs)
    assert [(z.name, z.ads) for z in theirs_summary.zones] == [("四区", 7)]


def test_a_communitys_zones_are_all_of_its_zones(app):
    _ours, _theirs, zones = _county()
    date_from, date_to = month_bounds(DAY.year, DAY.month)
    view = double_progress(Scope(date_from, date_to, community_ids=(zones[0].community_id,)),
                           by="zone")
    assert [(r.name, r.ads) for r in view.rows] == [("一区", 5), ("二区", 0), ("三区", 3),
                                                   ("四区", 7)]


def test_the_summarys_zones_read_the_month_only(app):
    """The 月报 asks the "双创" view for the month alone (no year to date, no targets):
    every figure of a zone's month is the same as the full view's, the year-to-date
    figures are left 0, and a zone worked only earlier in the year is not listed."""
    ours, _theirs, (own, quiet, shared, other) = _county()
    community = db.session.get(Community, own.community_id)
    earlier = f.zone(community, "五区")  # nobody answers for it; we worked there in January
    liaison = f.member(ours, Role.liaison, communities=[community])
    task = b.task_on(f.item(ours, community, "ad_removal", year=DAY.year, zone=earlier),
                     liaison, DAY.replace(month=1))
    b.join(task, liaison)
    b.report(task, liaison, ReportStatus.approved, quantity=4)
    db.session.commit()
    scope = Scope(*month_bounds(DAY.year, DAY.month), unit_id=ours.id)

    full = double_progress(scope, by="zone")
    month = double_progress(scope, by="zone", year_to_date=False)
    assert "五区" in [r.name for r in full.rows] and "五区" not in [r.name for r in month.rows]
    assert next(r for r in full.rows if r.name == "一区").ads_year == 5
    period = ("ads", "ads_pending", "stairs", "stairs_pending", "found", "handed_over", "fixed",
              "found_pending", "activities", "person_times", "members", "minutes")
    by_key = {r.key: r for r in full.rows}
    for row in month.rows:
        assert [getattr(row, n) for n in period] == [getattr(by_key[row.key], n) for n in period]
        assert (row.ads_year, row.ads_target, row.stairs_target, row.found_year) == (0, 0, 0, 0)
    assert [getattr(month.total, n) for n in period] == [getattr(full.total, n) for n in period]

    summary = build_summary(DAY.year, DAY.month, unit=ours)
    assert [(z.key, z.ads) for z in summary.zones] == [
        (r.key, r.ads) for r in full.rows if r.ads or r.stairs or r.found or r.activities
        or r.person_times]
