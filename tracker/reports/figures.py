"""The monthly summary's figures (月报的数据): everything the text and the tables say,
asked of ``tracker.rollups`` (nothing is counted here), and the month's approved
activities for the ledger (a listing, one row per activity).

The first step of the report's one-way flow — figures → tables (``tables.py``) →
narrative (``narrative.py``) → the summary every format renders (``summary.py``) →
exports — so nothing here knows how the figures are worded or laid out.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..names import ALONE, listed
from ..models import (
    Assignment,
    AssignmentStatus,
    Category,
    Community,
    CountedParticipation,
    CountedTask,
    Member,
    ReportStatus,
    Section,
    Task,
    TaskReport,
    Unit,
    Zone,
)
from ..rollups import Scope, Totals
from ..sources import source_label
from ..sql_json import json_rows_in_order, rows_of
from ..rollups.batch import Plan, built_once, constant, gather, given, plan
from ..rollups.coverage import (
    Coverage,
    coverage_plan,
    namesake_counts_of,
    namesakes_part,
    on_roll_at_end,
    on_roll_during,
    roll_day,
)
from ..rollups.double import DoubleRow, DoubleView, double_progress_plan
from ..rollups.double_rows import unzoned_last
from ..rollups.stays import unit_then
from ..rollups.categories import activities_by_community_section_plan
from ..rollups.figures import (
    CategoryFigures,
    Pending,
    figures_by_category_plan,
    figures_plan,
    pending_of,
    per_unit,
)
from ..rollups.findings import FindingCounts, FindingMoves, findings_counts_plan, moves_plan
from ..rollups.funds import FundFigures, LedgerFunds, ledger_funds_plan, spent_places_plan
from ..rollups.needs import NeedCounts, need_counts_plan
from ..rollups.scope import (
    counted_task_conditions,
    year_range,
    participation_conditions,
    task_conditions,
)
from ..rollups.shared import category_task_rows, members_plan, participants_part, summed
from ..timeutil import local_today, month_bounds

SECTION_ORDER = (Section.pairing, Section.volunteer, Section.double)


# --- the ledger: one row per approved activity --------------------------------------------

@dataclass(frozen=True)
class LedgerRow:
    task_id: int
    service_date: date
    community: str
    zone: str | None
    title: str
    place: str
    category: str
    section: Section
    beneficiary: str
    content: str  # 情况说明 of the approved report
    participants: tuple[str, ...]
    person_times: int
    minutes: int
    quantity: int  # 完成数量 as counted (0 where the category has no unit for it)
    quantity_unit: str | None
    people_served: int  # 受益 as counted
    beneficiary_unit: str | None
    leader: str
    reviewer: str
    source: str = ""  # 来源: 现场签到 / 组长提交 / 补录 (sources.source_label, the one rule)


def ledger_plan(scope: Scope, namesakes: Select | None = None) -> Plan:
    """The approved activities of a scope, oldest first (four statements, run
    together). Their figures are the counted ones (``CountedTask``), as every total
    reads them. ``namesakes``: the scope's ``coverage.namesakes_part``, when the page's
    未参与名单 reads it too — the same object, run once in the batch."""
    (tasks, leader, reviewer), counted, participants = _ledger_selects()
    conditions = [TaskReport.status == ReportStatus.approved, *task_conditions(scope)]
    # namesakes told apart among the people the 月报 can name, as its 未参与名单 is:
    # the 参与人员, 组长 and 审核人 looked up by id in one part of the batch, never
    # joined (joined into the activities' statement, PostgreSQL's generic plan
    # evaluated the set once per activity: 20 ms at 1M)
    if namesakes is None:
        namesakes = namesakes_part(scope)
    return plan(
        tasks.where(*conditions),
        counted.where(*counted_task_conditions(scope)),
        # the participants' names — a unit's month is a couple of hundred — as one row
        # of the page's batch (sql_json), in the order they joined each task
        json_rows_in_order(participants.where(*conditions),
                           Assignment.task_id, Assignment.claimed_at, Assignment.id),
        namesakes,
        shape=_ledger)


@functools.cache
def _ledger_selects():
    """The ledger's three statements without the scope's conditions: built once, not on
    every page (their columns and joins are the same for every scope)."""
    leader, reviewer = aliased(Member), aliased(Member)
    return (
        (select(Task.id, Task.service_date, Community.name, Zone.name, Task.title,
                Task.place, Category.name, Category.section, Category.quantity_unit,
                Category.beneficiary_unit, Task.beneficiary, TaskReport.note,
                Task.backfilled, _anyone_checked_in(), *_told_apart(leader),
                *_told_apart(reviewer))
         .join(TaskReport, TaskReport.task_id == Task.id)
         .join(Category, Category.id == Task.category_id)
         .join(Community, Community.id == Task.community_id)
         .outerjoin(Zone, Zone.id == Task.zone_id)
         .outerjoin(leader, leader.id == Task.leader_id)
         .outerjoin(reviewer, reviewer.id == TaskReport.reviewed_by_id)
         .order_by(Task.service_date, Task.starts_at, Task.id), leader, reviewer),
        select(CountedTask.task_id, CountedTask.person_times, CountedTask.minutes,
               CountedTask.quantity, CountedTask.people_served)
        .where(CountedTask.report_status == ReportStatus.approved),
        select(Assignment.task_id, Member.id, Member.name, Member.branch,
               Member.namesake_phone.label("phone"))
        .join(Member, Member.id == Assignment.member_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(TaskReport, TaskReport.task_id == Task.id)
        .where(Assignment.status == AssignmentStatus.done),
    )


def _told_apart(member):
    """The columns ``names.distinguished`` writes ``member``'s name from (the 组长 and
    审核人 read as the 参与人员 beside them do): id, name, 党支部, phone; their
    namesake counts come from the part the 参与人员's do (``ledger_plan``). The phone is what
    tells namesakes apart (``Member.namesake_phone``: an erased one's kept mask)."""
    return (member.id, member.name, member.branch, member.namesake_phone)


def _listed(counts: dict, member_id, name, branch, phone) -> str:
    if name is None:  # no leader (reviewer) recorded
        return ""
    return listed(name, branch, phone, counts.get(member_id, ALONE))  # named nowhere else: alone


def _ledger(tasks, counted, participants, namesakes) -> list[LedgerRow]:
    counts = namesake_counts_of(namesakes)
    per_task = {task_id: (int(count), int(minutes), int(quantity), int(people))
                for task_id, count, minutes, quantity, people in counted}
    names: dict[int, list[str]] = {}
    for task_id, member_id, name, branch, phone in rows_of(participants[0][0]):
        names.setdefault(task_id, []).append(_listed(counts, member_id, name, branch, phone))
    rows = []
    # the 来源's words looked up once a table, not once a row
    labels = {(b, c): source_label(b, c) for b in (False, True) for c in (False, True)}
    for (task_id, day, community, zone, title, place, category, section, quantity_unit,
         beneficiary_unit, beneficiary, note, backfilled, checked_in, *named) in tasks:
        person_times, minutes, quantity, people = per_task.get(task_id, (0, 0, 0, 0))
        rows.append(LedgerRow(task_id, day, community, zone, title, place, category, section,
                              beneficiary or "", note or "", tuple(names.get(task_id, ())),
                              person_times, minutes, quantity, quantity_unit, people,
                              beneficiary_unit, _listed(counts, *named[0:4]),
                              _listed(counts, *named[4:8]),
                              labels[bool(backfilled), bool(checked_in)]))
    return rows


@dataclass(frozen=True)
class ParticipationRow:
    """One member's part in an approved activity of the ledger: what 补录 needs to
    record it again (the 「参与明细」 sheet)."""

    task_id: int
    starts_at: datetime  # UTC
    ends_at: datetime
    unit: str
    name: str
    phone: str
    minutes: int | None
    leader: bool


def participation_rows(scope: Scope) -> list[ParticipationRow]:
    """The participations of the scope's approved activities, in the ledger's order."""
    conditions = [TaskReport.status == ReportStatus.approved, *task_conditions(scope),
                  Assignment.status == AssignmentStatus.done]
    return [ParticipationRow(*values) for values in db.session.execute(
        select(Task.id, Task.starts_at, Task.ends_at, Unit.name, Member.name, Member.phone,
               Assignment.minutes, func.coalesce(Task.leader_id == Member.id, False))
        .join(TaskReport, TaskReport.task_id == Task.id)
        .join(Assignment, Assignment.task_id == Task.id)
        .join(Member, Member.id == Assignment.member_id)
        .join(Unit, Unit.id == Task.unit_id)
        .where(*conditions)
        .order_by(Task.service_date, Task.starts_at, Task.id, Assignment.claimed_at, Assignment.id)
    )]


def _anyone_checked_in():
    """Whether a counted participation of the task (done) checked in on site (its 来源
    is 现场签到): a check-in that never counted — not confirmed when it was approved,
    or marked 缺席 — is no source of what the row says (``sources.py``)."""
    return exists(select(Assignment.id).where(Assignment.task_id == Task.id,
                                              Assignment.status == AssignmentStatus.done,
                                              Assignment.checked_in_at.is_not(None)))


@dataclass
class MonthlyFigures:
    """What the month's summary is about and every figure it gives."""

    year: int
    month: int | None  # None: the whole year (the 年度总结's figures, ``year_figures_plan``)
    unit: Unit | None
    community: Community | None
    scope: Scope
    restricted_to: list[str] | None  # community names when a liaison sees part of a unit
    totals: Totals  # official (approved)
    # of totals.members, each person in at most one of the four (``_people_apart_plan``):
    # named in the lead, since 参与情况 counts the unit's own roll of the month's last
    # day, so the lead's people less these four are 参与情况's own
    other_units_members: int  # members of other units on the unit's tasks (补录 allows them)
    moved_members: int  # on the unit's roll during the month, another unit's at its end
    left_members: int  # on the unit's roll during the month, off every roll at its end
    off_roll_members: int  # the unit's own people never on its roll that month (a
    # liaison, 计入参与统计 否)
    pending: Pending  # reports 待审核 in the scope and what they would add, not counted above
    categories: list[CategoryFigures]  # with approved activities, in category order
    community_sections: dict[Section, list[str]]  # where each section's work took place
    communities: list[str]  # every community with approved work
    zones: list[DoubleRow]  # "双创" rows with something to show (the month only: no
    # year to date or targets, see double_progress_plan), or a step of the month
    # (``finding_moves.by_zone``)
    zones_total: DoubleRow
    zone_others: tuple  # an admin's own "双创" categories in the zone rows (OtherCategory)
    findings: FindingCounts  # found in the month, of approved surveys (those 待审核 are
    # in ``pending``), with their statuses on the month's last day
    finding_moves: FindingMoves  # handed over and fixed in the month, whenever found
    # (the year's: none asked, see ``_period_plan``)
    coverage: Coverage | None  # a unit's 参与情况 (None for a community summary), over
    # the summary's communities when it is about some of them (unit + community, or a
    # liaison's part): the same work as the rest of the text
    funds: FundFigures  # the 合计 of ``fund_ledgers``: the sentence and the table agree
    fund_ledgers: tuple[LedgerFunds, ...]  # the 附表“共建活动经费”'s rows, one per ledger
    fund_places: list[str]  # the communities where the month's money was spent, in order
    needs: NeedCounts  # 需求清单 / 微心愿: posted and fulfilled in the month
    ledger: list[LedgerRow]  # the year's: none asked (``_period_plan``)

    @property
    def is_empty(self) -> bool:
        return self.totals.activities == 0

    def per_unit(self, figure: str) -> list[tuple[int, str]]:
        """The month's activities ("activities", per word: 场, 次), 完成数量
        ("quantity") or 受益 ("people_served"), one per unit."""
        return per_unit(self.categories, figure)

    def category(self, code: str) -> CategoryFigures | None:
        return next((c for c in self.categories if c.code == code), None)

    def section_categories(self, section: Section) -> list[CategoryFigures]:
        return [c for c in self.categories if c.section == section]


def scope_of(unit: Unit | None, community: Community | None,
              community_ids: tuple[int, ...] | None) -> tuple[int | None, tuple | None, bool]:
    """A summary's unit id, its community ids (None: all of the unit's) and whether a
    unit's summary is narrowed to some of them (a liaison's part)."""
    if unit is None and community is None:
        raise ValueError("a summary is about a unit or a community")
    if community is not None:
        ids = (community.id,)
    else:
        ids = tuple(sorted(community_ids)) if community_ids is not None else None
    unit_id = unit.id if unit is not None else None
    return unit_id, ids, unit is not None and community is None and ids is not None


def monthly_figures_plan(year: int, month: int, *, unit: Unit | None = None,
                         community: Community | None = None,
                         community_ids: tuple[int, ...] | None = None) -> Plan:
    """Every figure of the month's summary, for a unit, a community, or both: the
    rollups' statements and the ledger's, run together as one.

    ``community_ids`` narrows a unit's summary to some communities (a liaison's).
    The statements are built once per process for the same month, unit, communities
    and day (``batch.built_once``): the page is opened again and again while it is
    written (notes saved, .docx and .xlsx downloaded), and building them cost more
    than running them.
    """
    unit_id, ids, restricted = scope_of(unit, community, community_ids)
    today = local_today()  # what is overdue on the day: a plan of yesterday is not today's
    figures = built_once(("monthly figures", year, month, unit_id, ids, restricted, today),
                         lambda: _month_plan(year, month, unit_id, ids, restricted, today))

    def shape(*rowsets) -> MonthlyFigures:
        return MonthlyFigures(unit=unit, community=community, **figures.shape(*rowsets))

    return given(figures, {}, shape)


def year_figures_plan(year: int, *, unit: Unit | None = None,
                      community: Community | None = None,
                      community_ids: tuple[int, ...] | None = None) -> Plan:
    """``monthly_figures_plan`` of a whole year (the 年度总结's figures, ``month`` None):
    the same statements over 1 January to 31 December, so the year counts by the
    月报's rules and adds up to its twelve months where figures add up."""
    unit_id, ids, restricted = scope_of(unit, community, community_ids)
    today = local_today()
    figures = built_once(("year figures", year, unit_id, ids, restricted, today),
                         lambda: year_period_plan(year, unit_id, ids, restricted, today))

    def shape(*rowsets) -> MonthlyFigures:
        return MonthlyFigures(unit=unit, community=community, **figures.shape(*rowsets))

    return given(figures, {}, shape)


def year_period_plan(year: int, unit_id: int | None, ids: tuple[int, ...] | None,
                     restricted: bool, today: date, part=None) -> Plan:
    """``year_figures_plan`` of plain values (for ``batch.built_once``): its shape
    gives every field of ``MonthlyFigures`` but the unit and the community. ``part``:
    the year's participations (``shared.participants_part``) as a statement the caller
    shares with other plans (the 年度总结's months), read once for all of them."""
    return _period_plan(year, None, year_range(year), unit_id, ids, restricted, today,
                        part=part)


def _month_plan(year: int, month: int, unit_id: int | None, ids: tuple[int, ...] | None,
                restricted: bool, today: date) -> Plan:
    """``monthly_figures_plan`` of plain values (built once per process): its shape
    gives every field of ``MonthlyFigures`` but the unit and the community."""
    return _period_plan(year, month, month_bounds(year, month), unit_id, ids, restricted, today)


def _period_plan(year: int, month: int | None, bounds: tuple[date, date],
                 unit_id: int | None, ids: tuple[int, ...] | None, restricted: bool,
                 today: date, part=None) -> Plan:
    """The figures of a month, or of the year when ``month`` is None (``bounds``: the
    half-open period)."""
    date_from, date_to = bounds
    scope = Scope(date_from=date_from, date_to=date_to, unit_id=unit_id, community_ids=ids)
    names = constant(None)
    if restricted:
        names = plan(
            select(Community.name).where(Community.id.in_(ids))
            .order_by(Community.sort_key, Community.id),
            shape=lambda rows: [name for (name,) in rows])

    def shape(overall, apart, with_work, where, double, restricted_to, findings, moves,
              unit_coverage, funds, fund_places, needs, ledger):
        sections = {s: [w.community_name for w in where if w.section == s]
                    for s in SECTION_ORDER}
        return dict(
            year=year, month=month, scope=scope,
            restricted_to=restricted_to,
            totals=overall.official, other_units_members=apart[0], moved_members=apart[1],
            left_members=apart[2], off_roll_members=apart[3],
            pending=pending_of(with_work),
            categories=[c for c in with_work if c.official.activities],
            community_sections=sections,
            # in the communities' order (``sort_key``), as section 三 and the 附表 name them
            communities=list(dict.fromkeys(w.community_name for w in where)),
            zones=_zones(double, moves),
            zones_total=double.total,
            zone_others=double.others,
            findings=findings.official,
            finding_moves=moves,
            coverage=unit_coverage,
            funds=funds.total,
            fund_ledgers=funds.ledgers,
            fund_places=fund_places,
            needs=needs,
            ledger=ledger,
        )

    # the totals are the categories' rows added up, and the distinct members of every
    # grouping come from one read of the month's participations
    per_category = category_task_rows(scope)
    part = participants_part(scope) if part is None else part
    # the namesakes among the people the document can name, read once for its ledger
    # and its 未参与名单 (one part both plans hold)
    namesakes = namesakes_part(scope)
    moves, ledger = moves_plan(scope), ledger_plan(scope, namesakes)
    if month is None:
        # the 年度总结 has neither the 台账 nor the 「本月移交」 sentence and its zones
        # read only their work (``narrative.double_text``): over a year of the county
        # they were two thirds of its statement's time (docs/performance.md, "the 年度
        # 总结 at county scale"), so the year does not ask them
        moves, ledger = Plan((), FindingMoves), Plan((), list)
    return gather(
        figures_plan(scope, tasks=summed(per_category), members=members_plan(part)),
        _people_apart_plan(scope) if unit_id is not None else constant((0, 0, 0, 0)),
        figures_by_category_plan(scope, include_empty=False, tasks=per_category,
                                 members=members_plan(part, "category")),
        activities_by_community_section_plan(scope),
        double_progress_plan(scope, by="zone", year_to_date=False,
                             members=(members_plan(part, "zone", double_only=True),
                                      members_plan(part, double_only=True))),
        names,
        findings_counts_plan(scope),
        moves,
        coverage_plan(unit_id, date_from, date_to, ids, namesakes) if unit_id is not None
        else constant(None),
        ledger_funds_plan(scope, year),
        spent_places_plan(scope),
        need_counts_plan(scope, today),
        ledger,
        shape=shape)


def _zones(view: DoubleView, moves: FindingMoves) -> list[DoubleRow]:
    """The zone rows of the 附表“责任区进展”: those with work or findings of the month,
    and those where a finding (of any month) was handed over or fixed in it — a zone
    the view does not list (another unit's, switched off) gets a row of its own."""
    rows = view.rows
    stepped = {z.place for z in moves.by_zone}
    listed = [r for r in rows if r.has_work or r.place in stepped]
    places = {r.place for r in rows}
    return unzoned_last(listed + [DoubleRow(z.key, z.name, z.community_name,
                                            community_id=z.community_id)
                                  for z in moves.by_zone if z.place not in places],
                        view.communities)


def _people_apart_plan(scope: Scope) -> Plan:
    """Of the distinct members on the scope's approved tasks (a unit's), those who are
    not on the unit's roll of the month (``coverage``'s roll of the period's last day),
    each in one part, decided per member: someone on the unit's roll during the month
    who is off it by its last day moved to another unit (本月调离: another unit's on
    that day) or left the roll (本月离册: switched off, or 计入参与统计 否 from a day of
    the month); someone never on it that month either belonged, on the day of an
    activity, to a unit other than the task's (外单位: counted, with the unit they had
    then, as 参与情况 counts them) or is the unit's own but not counted at all (不计入
    参与统计: staff, 计入参与统计 否). 参与情况 counts none of them, so the lead names
    them: its people less the four parts are 参与情况's own."""
    day = roll_day(scope.date_to)
    worked = (
        select(CountedParticipation.member_id.label("member_id"),
               CountedParticipation.unit_id.label("unit_id"),
               unit_then(CountedParticipation.member_id, CountedParticipation.service_date)
               .label("unit_then"))
        .where(*participation_conditions(scope),
               CountedParticipation.report_status == ReportStatus.approved)
        .subquery())
    # one row per member: were they another unit's on the day of any of their rows?
    people = (
        select(worked.c.member_id.label("member_id"),
               func.max(case((worked.c.unit_then != worked.c.unit_id, 1), else_=0))
               .label("guest"))
        .group_by(worked.c.member_id)
        .subquery())
    member = people.c.member_id
    # the unit's own: on the roll 参与情况 counts (coverage's one rule)
    on_the_roll = on_roll_at_end(member, scope.unit_id, scope.date_to)
    stayed = on_roll_during(member, scope.unit_id, scope.date_from, scope.date_to)
    gone = and_(~on_the_roll, stayed)
    never = and_(~on_the_roll, ~stayed)
    moved = unit_then(member, day) != scope.unit_id

    def count(*conditions):
        return func.count(case((and_(*conditions), member)))

    return plan(
        select(count(never, people.c.guest == 1), count(gone, moved),
               count(gone, ~moved), count(never, people.c.guest == 0)),
        shape=lambda rows: tuple(int(n) for n in rows[0]))
