""""双创" progress (“双创”进展) by responsibility zone, or by community.

"双创" work is the work of every category of the "双创" section — the three reference
ones and an admin's own (``reference.double_category_ids``), as the 月报's section 三
tells it. In the period: ads cleared (牛皮癣清除, 处) and stairwells painted (楼道粉刷,
个) from approved reports, with pending apart; the findings of approved surveys found
in it, and of them those handed over / fixed by its last day (``rollups.findings``);
an admin's own "双创" category's 完成数量 (its activities when it has no unit for one)
per category (``DoubleRow.others``); participation (人次, distinct members, hours) in
all of them. Against the zone's targets: the resource items of those categories of
the period's year, and the year to date up to the period's end. The monthly summary's
zone table is the same view.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, false, func, literal, or_, outerjoin, select, true

from ..models import (
    Community,
    CountedTask,
    Finding,
    ReportStatus,
    ResourceItem,
    Section,
    TargetMeasure,
    Task,
    Zone,
)
from ..reference import DOUBLE_CODES, SURVEY_CODE, double_category_ids
from . import kept
from .batch import Plan, constant, gather, plan
from .categories import categories_plan
from .double_rows import ADDITIVE, DoubleRow, DoubleView, OtherCategory, OtherWork
from .figures import ONE, Pending, member_rows
from .findings import fixed_by, handed_over_by, reaches_today
from .scope import (
    Scope,
    counted_task_conditions,
    finding_conditions,
    item_conditions,
    scope_conditions,
    year_of,
)


def _pending(total: DoubleRow, cats: dict, others: tuple) -> Pending:
    results = tuple(
        (cats[code].name, value, cats[code].quantity_unit)
        for code, value in (("ad_removal", total.ads_pending),
                            ("stairwell_painting", total.stairs_pending),
                            (SURVEY_CODE, total.found_pending))
        if value and code in cats)
    results += tuple((c.name, total.other(c.id).pending, c.unit) for c in others
                     if c.by_quantity and total.other(c.id).pending)
    return Pending(reports=total.pending_activities, person_times=total.pending_person_times,
                   minutes=total.pending_minutes, results=results)


@dataclass(frozen=True)
class _Ask:
    """What one "双创" view asks for, shared by its statements."""

    scope: Scope  # the period and reach, without a category
    wide: Scope  # the same, from 1 January of the year when the period starts later
    by: str
    year: int
    year_to_date: bool = True  # False: the period only (``wide`` is ``scope``)

    @property
    def double_ids(self):
        """The "双创" categories' ids, as a subquery: the view's statements go out
        together, before any of them has been read."""
        return double_category_ids()

    @property
    def year_from(self) -> date:
        return date(self.year, 1, 1)

    def in_period(self, column):
        """Within the period: ``wide`` already ends where the period ends."""
        return column >= self.scope.date_from if self.scope.date_from is not None else true()

    def group(self, model) -> tuple:
        return zone_place(model) if self.by == "zone" else (model.community_id,)


def zone_place(model) -> tuple:
    """The columns a row of the view by zone is keyed by (``DoubleRow.place``): the
    zone, and for work on no zone its community — one 「未分责任区」 row per community,
    so that a county's (or several communities') 附表“责任区进展” says whose it is
    (zones52's open 「未分责任区」 row, words53)."""
    return (model.zone_id, case((model.zone_id.is_(None), model.community_id)))


def _place(key) -> tuple:
    """A row's key as read, as ``DoubleRow.place``: a view by community reads one
    column (and kept rows do), a view by zone two (``zone_place``)."""
    key = tuple(key)
    return key if len(key) == 2 else (key[0], None)


def double_progress_plan(scope: Scope, by: str = "zone", *, year_to_date: bool = True,
                         members: tuple[Plan, Plan] | None = None) -> Plan:
    """"双创" figures per responsibility zone (``by="zone"``) or per community.
    Seven statements, run together.

    ``year_to_date=False`` asks for the period's figures only (the monthly summary's
    zone table): the year to date (``*_year``) and the targets are left 0, and no
    statement reads outside the period — a unit's month then costs a month of rows,
    not the year's up to it. Every period figure is the same either way; a zone
    listed only for what it did (or was set) earlier in the year is not listed.

    ``members``: the distinct members per group and over all groups from a read the
    page shares (``shared.members_plan(part, by, double_only=True)``), instead of
    two statements of the view's own.

    Every zone (community) in the scope is listed, zeros included; in a unit's scope
    the zones are the unit's own — those it is responsible for and those where its
    work, findings or targets are recorded. Work recorded
    without a zone is listed under ``key=None``, a row per community
    (``DoubleRow.community_id``), after the zones. The distinct members of the total
    row are counted across rows (one member in two zones counts once).
    """
    if by not in ("zone", "community"):
        raise ValueError(by)
    year = year_of(scope)
    year_from = date(year, 1, 1)
    base = Scope(scope.date_from, scope.date_to, scope.unit_id, scope.community_ids,
                 scope.zone_id, None)
    wide = Scope(min(year_from, scope.date_from) if scope.date_from else None, scope.date_to,
                 scope.unit_id, scope.community_ids, scope.zone_id, None)
    ask = _Ask(base, wide if year_to_date else base, by, year, year_to_date)

    def only_double(model):
        return (model.category_id.in_(ask.double_ids),)

    def shape(all_cats, groups, work, members, overall, found, targets):
        cats = {c.code: c for c in all_cats if c.code in DOUBLE_CODES}
        ids = {cats[code].id: code for code in cats}
        others = {c.id: OtherCategory(c.id, c.name, c.quantity_unit or c.activity_unit,
                                      c.quantity_unit is not None)
                  for c in all_cats
                  if c.section == Section.double and c.code not in DOUBLE_CODES}
        # the zones (communities) listed, and — a view by zone — every community in
        # its order, to name and place a 「未分责任区」 row of its own
        listed = [key for key, _n, _c, _id in groups if key is not None]
        rows: dict = {(key, None): DoubleRow(key, name, com)
                      for key, name, com, _id in groups if key is not None}
        communities = {community_id: com for key, _n, com, community_id in groups}

        def row(key):
            place = _place(key)
            if place not in rows:  # work without a zone (its community's), an inactive zone
                community_id = place[1]
                rows[place] = DoubleRow(place[0], "", communities.get(community_id, ""),
                                        community_id=community_id)
            return rows[place]

        _add_work(work, ids, others, row)
        for key, (official_members, _pending_members) in members.items():
            row(key).members = official_members
        _add_findings(found, row)
        _add_targets(targets, ids, others, row)

        ordered = [rows[key, None] for key in listed]
        # by key, not by row: comparing dataclasses row by row was quadratic in the zones
        known = set(listed)
        ordered += [r for (key, _c), r in rows.items() if key is not None and key not in known]
        # 「未分责任区」 last, one per community in the communities' order, as the 附表
        # lists them (``unzoned_last``)
        ordered += [rows[None, c] for c in communities if (None, c) in rows]
        ordered += [r for (key, c), r in rows.items() if key is None and c not in communities]
        total = DoubleRow(None, "")
        for r in ordered:
            for name in ADDITIVE:
                setattr(total, name, getattr(total, name) + getattr(r, name))
            for category_id, figures in r.others.items():
                total.others.setdefault(category_id, OtherWork()).add(figures)
        # distinct members over all groups: a member in two zones counts once
        total.members = overall.get((), (0, 0))[0]
        shown = tuple(c for c in others.values() if total.other(c.id) != OtherWork())
        return DoubleView(by, year, ordered, total, _pending(total, cats, shown), shown,
                          tuple(communities) if by == "zone" else ())

    kept_year = kept.county_year(base) if by == "community" else None
    if kept_year is not None:  # the whole county's year: from the kept summaries
        work = kept.double_work_rows(kept_year)
        members = (kept.double_member_rows(kept_year, by_community=True),
                   kept.double_member_rows(kept_year, by_community=False))
        # the kept findings hold today's statuses: a past year counts those of its end
        found = kept.double_finding_rows(kept_year) if reaches_today(base) \
            else plan(_findings(ask), shape=list)
    else:
        work = plan(_work(ask), shape=list)
        found = plan(_findings(ask), shape=list)
        members = members or (
            member_rows(ask.scope, ask.group, only_double),
            member_rows(ask.scope, extra=only_double))
    return gather(
        categories_plan(),
        plan(_groups(ask), shape=list),
        work,
        *members,
        found,
        plan(_targets(ask), shape=list) if year_to_date else constant([]),
        shape=shape)


def _groups(ask: _Ask):
    """(key, name, community name) of every zone (community) in the scope in use, and
    of those switched off since that have work (a zone: work, findings or targets in
    the period; a community: any task): a past period's figures do not depend on what
    is switched off today."""
    if ask.by == "zone":
        listed = Zone.active.is_(True)
        if ask.scope.unit_id is not None:
            listed = and_(listed, Zone.unit_id == ask.scope.unit_id)
        # every community of the scope, with its zones or — none listed — alone (zone
        # NULL): a community's 「未分责任区」 row takes its name and place from it
        return (
            select(Zone.id, Zone.name, Community.name, Community.id)
            # a join object, not .outerjoin(): the batch rebuilds the columns
            # (``batch.combined``), which a join set up on the select does not survive
            .select_from(outerjoin(Community, Zone, and_(
                Zone.community_id == Community.id,
                or_(listed, _worked(ask, Zone.id, "zone_id")),
                *scope_conditions(ask.scope, zone=Zone.id))))
            .where(*scope_conditions(ask.scope, community=Community.id))
            .order_by(Community.sort_key, Community.id, Zone.sort_key, Zone.id)
        )
    # A community switched off is listed when it has any task (one index probe each,
    # not a read of the county's counted rows): its row then says what it did.
    has_tasks = select(Task.id).where(Task.community_id == Community.id).exists()
    return (
        select(Community.id, Community.name, literal(""), Community.id)
        .where(or_(Community.active.is_(True), has_tasks),
               *scope_conditions(ask.scope, community=Community.id))
        .order_by(Community.sort_key, Community.id)
    )


def _worked(ask: _Ask, key, column: str):
    """Zones (communities, by ``column``) where the scope's work, findings or targets
    are recorded: a unit's group may work in a zone another unit answers for, and a
    zone or community switched off since still has its period's figures, which need
    its name. Subqueries of the groups' statement, so the view keeps its statement
    count."""
    worked = [
        key.in_(select(getattr(CountedTask, column)).where(
            CountedTask.category_id.in_(ask.double_ids), *counted_task_conditions(ask.wide))),
        key.in_(select(getattr(Finding, column)).where(*finding_conditions(ask.wide))),
    ]
    if ask.year_to_date:  # the targets are read with the year to date only
        worked.append(key.in_(select(getattr(ResourceItem, column)).where(
            *item_conditions(ask.scope, ask.year), ResourceItem.category_id.in_(ask.double_ids))))
    return or_(*worked)


def _work(ask: _Ask):
    """Quantities and participation per group and category: the period's official
    and pending, and the year to date (one statement)."""
    period = ask.in_period(CountedTask.service_date)
    approved = and_(period, CountedTask.report_status == ReportStatus.approved)
    submitted = and_(period, CountedTask.report_status == ReportStatus.submitted)
    this_year = and_(CountedTask.service_date >= ask.year_from,
                     CountedTask.report_status == ReportStatus.approved) \
        if ask.year_to_date else false()

    def sum_if(condition, column):
        return func.coalesce(func.sum(case((condition, column))), 0)

    group = ask.group(CountedTask)
    return (
        select(
            *group, CountedTask.category_id,
            sum_if(approved, CountedTask.quantity),
            sum_if(submitted, CountedTask.quantity),
            sum_if(this_year, CountedTask.quantity),
            func.count(case((approved, ONE))),
            sum_if(approved, CountedTask.person_times),
            sum_if(approved, CountedTask.minutes),
            func.count(case((submitted, ONE))),
            sum_if(submitted, CountedTask.person_times),
            sum_if(submitted, CountedTask.minutes),
            func.count(case((this_year, ONE))),
        )
        .where(CountedTask.category_id.in_(ask.double_ids), *counted_task_conditions(ask.wide))
        .group_by(*group, CountedTask.category_id)
    )


def _add_work(rows, ids: dict, others: dict, row) -> None:
    for (*key, cat_id, qty, pending, qty_year, activities, pt, minutes, pending_activities,
         pending_pt, pending_minutes, activities_year) in rows:
        r = row(key)
        r.activities += int(activities)
        r.person_times += int(pt)
        r.minutes += int(minutes)
        r.pending_activities += int(pending_activities)
        r.pending_person_times += int(pending_pt)
        r.pending_minutes += int(pending_minutes)
        code = ids.get(cat_id)
        if code == "ad_removal":
            r.ads, r.ads_pending, r.ads_year = int(qty), int(pending), int(qty_year)
        elif code == "stairwell_painting":
            r.stairs, r.stairs_pending, r.stairs_year = int(qty), int(pending), int(qty_year)
        elif code == SURVEY_CODE:
            # a survey's 完成数量 is its findings (see rollups.findings)
            r.found_pending = int(pending)
        elif cat_id in others:
            figures = (qty, pending, qty_year) if others[cat_id].by_quantity \
                else (activities, pending_activities, activities_year)
            other = r.others.setdefault(cat_id, OtherWork())
            other.done, other.pending, other.year = (int(v) for v in figures)


def _findings(ask: _Ask):
    """Findings of approved surveys per group: found in the period, of them handed
    over and fixed by its last day (``findings.status_by``), and found in the year to
    date (one statement)."""
    period = ask.in_period(Finding.found_on)
    end = None if reaches_today(ask.scope) else ask.scope.date_to
    group = ask.group(Finding)
    approved = and_(CountedTask.task_id == Finding.task_id,
                    CountedTask.report_status == ReportStatus.approved)
    return (
        select(
            *group,
            func.count(case((period, 1))),
            func.count(case((and_(period, handed_over_by(end)), 1))),
            func.count(case((and_(period, fixed_by(end)), 1))),
            func.count(case((Finding.found_on >= ask.year_from if ask.year_to_date
                             else false(), 1))),
        )
        .join(CountedTask, approved)
        .where(*finding_conditions(ask.wide))
        .group_by(*group)
    )


def _add_findings(rows, row) -> None:
    for *key, found, handed, fixed, found_year in rows:
        r = row(key)
        r.found, r.handed_over, r.fixed = int(found), int(handed), int(fixed)
        r.found_year = int(found_year)


def _targets(ask: _Ask):
    """The year's 完成数量 targets of the "双创" resource items per group, and the
    activities targets (for a category counted in activities: one without a unit for
    its 完成数量), one statement; targets counted in another measure are the
    checklist's to show."""
    group = ask.group(ResourceItem)
    return (
        select(*group, ResourceItem.category_id, ResourceItem.target_measure,
               func.sum(ResourceItem.target))
        .where(*item_conditions(ask.scope, ask.year),
               ResourceItem.category_id.in_(ask.double_ids),
               # the view compares its figures with targets counted in them
               ResourceItem.target_measure.in_((TargetMeasure.quantity,
                                                TargetMeasure.activities)))
        .group_by(*group, ResourceItem.category_id, ResourceItem.target_measure)
    )


def _add_targets(rows, ids: dict, others: dict, row) -> None:
    for *key, cat_id, measure, target in rows:
        if cat_id in others:
            wanted = TargetMeasure.quantity if others[cat_id].by_quantity \
                else TargetMeasure.activities
            if measure == wanted:
                row(key).others.setdefault(cat_id, OtherWork()).target = int(target or 0)
            continue
        if measure != TargetMeasure.quantity:
            continue
        r = row(key)
        code = ids.get(cat_id)
        if code == "ad_removal":
            r.ads_target = int(target or 0)
        elif code == "stairwell_painting":
            r.stairs_target = int(target or 0)
        elif code == SURVEY_CODE:
            r.survey_target = int(target or 0)
