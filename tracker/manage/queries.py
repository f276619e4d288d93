"""Read-only lists for the liaison pages, always limited to the actor's communities.

Each list is one SELECT with its many-to-one neighbours joined in, plus a COUNT when
it is paged, so a page runs the same few statements at 10 rows or 10,000.
Counts shown next to a list are the length of that list, not a rollup figure.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, literal, not_, or_, select, true, union_all
from sqlalchemy.orm import aliased, contains_eager, joinedload, with_expression
from sqlalchemy.orm.attributes import set_committed_value

from .. import owed
from ..extensions import db
from ..tasks.queries import waiting_load, waiting_of, waitlist  # noqa: F401 — the manage page shows the same queue
from ..tasks.queries import page_names, page_on_roll, people_named_load  # noqa: F401 — the page's names
from ..tasks.queries import participant_names  # noqa: F401 — as on 提交完成
from ..models import (
    WaitlistEntry,
    WaitStatus,
    HOLDING,
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Category,
    Community,
    Member,
    Outbox,
    ReportStatus,
    ResourceItem,
    RollPeriod,
    Task,
    TaskReport,
    TaskStatus,
    Unit,
    Zone,
)
from ..backfill_requests.queries import pending_count_column
from ..outbox.queries import given_up_count, given_up_robots
from ..paging import Prepared, limited, paginate_prepared
from ..names import distinguished_names, listed_among, names_told_apart, namesakes_of
from ..search import matches, phone_matches
from ..sql_hints import constants_written_out
from ..reach import Reach, in_reach, reach_of
from ..rollups import Scope
from ..rollups.coverage import on_roll_on
from ..rollups.home import open_findings_count
from ..rollups.stays import unit_then
from ..services.backfill import nameable, recordable, unnameable_why, working_units
from ..services.overlap import counted_elsewhere_of, held_elsewhere_of
from ..services.photos import report_photo_count, report_photo_ids, shown_photos
from ..services.summary_notes import (
    may_change_final,
    roll_end_parts,
    signed_day_loads,
    unit_of_day_closed,
)
from ..services.task_needs import needs_load
from ..timeutil import local_today, utcnow
from ..year_checklist import asked_year
from ..year_checklist import columns as year_checklist_columns

MEMBER_CHOICES_MAX = 300  # a select longer than this is a search, not a list
SEARCH_MAX = 30


def scope_for(actor: Member) -> Scope:
    """The rollup scope of the actor's communities (for figures on the home page)."""
    return Scope(community_ids=reach_of(actor).ids)


def _task_options():
    return (
        joinedload(Task.community),
        joinedload(Task.zone),
        joinedload(Task.category),
        joinedload(Task.leader),
        joinedload(Task.report),
    )


def active_items(actor: Member) -> list[ResourceItem]:
    """Resource checklist items a task (or a 补录) may be created from, by community and
    year: those whose category counts activities."""
    stmt = (
        select(ResourceItem)
        .join(Community, Community.id == ResourceItem.community_id)
        .join(Category, Category.id == ResourceItem.category_id)
        .outerjoin(Zone, Zone.id == ResourceItem.zone_id)
        .where(ResourceItem.active.is_(True), Community.active.is_(True),
               # 共建活动经费 counts money (the funds ledger), never activities
               Category.activity_unit.is_not(None),
               *reach_of(actor).conditions(ResourceItem.community_id))
        .options(joinedload(ResourceItem.community), joinedload(ResourceItem.zone),
                 joinedload(ResourceItem.category), joinedload(ResourceItem.unit))
        .order_by(Community.sort_key, ResourceItem.year.desc(), Category.sort_order, Zone.sort_key,
                  ResourceItem.id)
    )
    return list(db.session.scalars(stmt))


@dataclass
class TaskFilter:
    community_id: int | None = None
    status: TaskStatus | None = None
    category_id: int | None = None
    date_from: date | None = None  # local service date, inclusive
    date_to: date | None = None  # inclusive
    keyword: str | None = None  # in the title, the place or the community's name


def _status_shown(status: TaskStatus, now: datetime):
    """The tasks a status filter lists: those the list badges so
    (``templating.task_status_label``) — 未结束 an open task before its end (badged
    未开始 or 进行中), 已结束 a
    closed one or an open one whose end has passed (``Task.open_and_ended``, the
    badge's own rule)."""
    ended = Task.open_and_ended(now)
    if status == TaskStatus.open:
        return and_(Task.status == TaskStatus.open, ~ended)
    if status == TaskStatus.closed:
        return or_(Task.status == TaskStatus.closed, ended)
    return Task.status == status


def tasks_page(actor: Member, flt: TaskFilter, now: datetime, page: int, per_page: int):
    """All tasks of the actor's communities: upcoming soonest first, then past, latest first."""
    conditions = reach_of(actor).conditions(Task.community_id)
    if flt.community_id is not None:
        conditions.append(Task.community_id == flt.community_id)
    if flt.status is not None:
        conditions.append(_status_shown(flt.status, now))
    if flt.category_id is not None:
        conditions.append(Task.category_id == flt.category_id)
    if flt.date_from is not None:
        conditions.append(Task.service_date >= flt.date_from)
    if flt.date_to is not None:
        conditions.append(Task.service_date <= flt.date_to)
    if flt.keyword:
        named = select(Community.id).where(matches(flt.keyword, Community.name))
        conditions.append(or_(matches(flt.keyword, Task.title, Task.place),
                              Task.community_id.in_(named)))
    past = Task.ends_at < now
    order = (case((past, 1), else_=0), case((past, None), else_=Task.starts_at),
             Task.starts_at.desc(), Task.id.desc())
    # the page's tasks picked first, then joined to what their cards show — the 组长's
    # namesakes (``_leader_named``) read for those alone, not for every task sorted
    picked = limited(select(Task.id).where(*conditions).order_by(*order)).subquery()
    return paginate_prepared(Prepared(
        select(Task).join(picked, picked.c.id == Task.id)
        .options(*_task_options(), _leader_named()).order_by(*order),
        select(func.count()).select_from(Task).where(*conditions)),
        {}, lambda row: row[0], page, per_page)


def _leader_named():
    """The option loading ``Task.leader_namesakes``: a card's 组长 told apart from
    namesakes in the list's own statement (``card_names_read``)."""
    return with_expression(Task.leader_namesakes, namesakes_of(Task.leader_id, Task.unit_id))


@functools.cache
def _pending_statement(reach: str) -> Prepared:
    """待审核: submitted reports with what their cards show, oldest first, each row with
    the count of them all; built once per reach, constants written out (as the 工作台's
    lists). One statement, not a page and then a COUNT: a liaison's queue ran 7, one
    over the budget of 6 (docs/performance.md, session 35). Each card's photos counted
    in it too (``Task.report_photos``, walk55)."""
    return _reports_picked(reach, TaskReport.status == ReportStatus.submitted, photos=True)


def _reports_picked(reach: str, *waiting, named: bool = False,
                    photos: bool = False) -> Prepared:
    """The reports of ``reach`` meeting ``waiting``, oldest first: the page's reports
    picked, and all of them counted (``COUNT(*) OVER ()``), from the review queue's
    index first; then only those joined to what their cards show (joined before the
    LIMIT: 10 ms of 12 at 1M, for the overdue ones). The task they are joined to is the
    one loaded (``_with_cards``): joining it a second time, with its leader and its
    report, made nine tables, whose join order PostgreSQL took 15–20 ms to choose on
    every 待审核 page (1M set), for 2 ms of running. ``named``: each submitter's
    namesakes read too (``TaskReport.submitter_namesakes``, ``card_names_read``);
    ``photos``: each report's live photos counted (``Task.report_photos``)."""
    picked = limited(
        select(TaskReport.id, func.count().over().label("total"))
        .join(Task, Task.id == TaskReport.task_id)
        .where(*waiting, *_in_reach(reach))
        .order_by(TaskReport.submitted_at, TaskReport.id)
    ).subquery()
    counted = [with_expression(Task.report_photos, report_photo_count(Task.id))] if photos else []
    cards = _with_cards(select(TaskReport, picked.c.total).join(picked, picked.c.id == TaskReport.id),
                        *counted)
    if named:
        cards = cards.options(with_expression(
            TaskReport.submitter_namesakes, namesakes_of(TaskReport.submitted_by_id, Task.unit_id)))
    return Prepared(constants_written_out(cards.order_by(TaskReport.submitted_at, TaskReport.id)))


def _with_cards(reports, *task_options):
    """A SELECT of reports joined to their tasks, loading what a report's card shows
    (``task_options``: more of its task, read with it)."""
    return (
        reports.join(Task, Task.id == TaskReport.task_id)
        .options(contains_eager(TaskReport.task).options(
                     joinedload(Task.community), joinedload(Task.zone), joinedload(Task.category),
                     *task_options),
                 joinedload(TaskReport.submitted_by))
    )


def _each_report_on_its_task(page):
    """The reports' tasks hold their report (the one-to-one the page's query did not
    load): read from the task, it is not asked for again."""
    for report in page.items:
        set_committed_value(report.task, "report", report)
    return page


def pending_reports(actor: Member, page: int, per_page: int):
    """待审核: submitted reports, oldest first."""
    reach = reach_of(actor)
    return _each_report_on_its_task(paginate_prepared(
        _pending_statement(reach.kind), reach.params, lambda row: row[0], page, per_page))


def overdue_reports(actor: Member, now: datetime, days: int, page: int, per_page: int):
    """Submitted reports that have waited longer than ``days`` days."""
    reach = reach_of(actor)
    params = {**reach.params, "before": now - timedelta(days=days)}
    return _each_report_on_its_task(paginate_prepared(
        _overdue_statement(reach.kind), params, lambda row: row[0], page, per_page))


@functools.cache
def _overdue_statement(reach: str) -> Prepared:
    """As 待审核 (``_reports_picked``), of the reports waiting since before ``before``:
    built once per reach, the cut-off a parameter."""
    return _reports_picked(
        reach, *owed.submitted_before(bindparam("before", type_=TaskReport.submitted_at.type)),
        named=True)


def stale_tasks(actor: Member, now: datetime, page: int, per_page: int):
    """Ended, not cancelled, and not reported — or returned and not yet resubmitted."""
    reach = reach_of(actor)
    return paginate_prepared(_stale_statement(reach.kind), {**reach.params, "now": now},
                             lambda row: row[0], page, per_page)


@functools.cache
def _stale_statement(reach: str) -> Prepared:
    """The page's tasks are picked, and all of them counted, from the tasks that owe a
    report alone; only those of the page are then joined to what their cards show.
    Joined before the LIMIT, PostgreSQL read every report and every member of the
    county for the county's 900 stale tasks (42 ms at 1M). Built once per reach, the
    time a parameter."""
    picked = limited(
        select(Task.id, func.count().over().label("total"))
        .where(*owed.stale(bindparam("now", type_=Task.starts_at.type)), *_in_reach(reach))
        .order_by(Task.ends_at, Task.id)
    ).subquery()
    return Prepared(constants_written_out(
        select(Task, picked.c.total).join(picked, picked.c.id == Task.id)
        .options(*_task_options(), _leader_named())
        .order_by(Task.ends_at, Task.id)
    ))


def _in_reach(reach: str) -> list:
    """``Task.community_id`` in the reach, for a statement built once per reach: a
    liaison's communities are written into the text when it runs (the statement is then
    one per liaison, each planned for its own communities)."""
    return in_reach(reach, Task.community_id, literal_execute=True)


@dataclass
class HomeLists:
    """The 工作台's short lists, each the longest-waiting (or soonest) first."""

    pending: list[TaskReport]  # 待审核
    uncorrected: list[Task]  # 已退回待修改
    unreported: list[Task]  # 已结束未提交
    upcoming: list[Task]  # open, starting within the next days
    # for each pending report's task: how many took part (absentees left out), and how
    # many of them no one has confirmed yet (the report is then reviewed on its page)
    taking_part: dict[int, int]
    unconfirmed: dict[int, int]


# who took part in a task, as its review card counts them: holding a slot, not absent
TAKING_PART = tuple(status for status in HOLDING if status != AssignmentStatus.absent)


def _holders(task_id, statuses):
    return (select(func.count(Assignment.id))
            .where(Assignment.task_id == task_id, Assignment.status.in_(statuses))
            .scalar_subquery())


def home_lists(actor: Member, now: datetime, *, days: int, limit: int) -> HomeLists:
    """The first ``limit`` of each list in one statement (``_home_lists_statement``)."""
    reach = reach_of(actor)
    params = {**reach.params, "now": now, "upcoming_until": now + timedelta(days=days)}
    rows = db.session.execute(_home_lists_statement(reach.kind, limit), params).all()
    lists: dict[str, list[Task]] = defaultdict(list)
    taking_part, unconfirmed = {}, {}
    for task, kind, took_part, to_confirm in rows:
        lists[kind].append(task)
        if kind == "pending":
            taking_part[task.id], unconfirmed[task.id] = took_part, to_confirm
    by_end = lambda task: (task.ends_at, task.id)  # noqa: E731
    pending = sorted(lists["pending"], key=lambda task: (task.report.submitted_at, task.report.id))
    for task in pending:  # the page lists reports: each holds its task (else it is read again)
        set_committed_value(task.report, "task", task)
    return HomeLists(
        pending=[task.report for task in pending],
        uncorrected=sorted(lists["uncorrected"], key=by_end),
        unreported=sorted(lists["unreported"], key=by_end),
        upcoming=sorted(lists["upcoming"], key=lambda task: (task.starts_at, task.id)),
        taking_part=taking_part,
        unconfirmed=unconfirmed,
    )


@functools.cache
def _home_lists_statement(reach: str, limit: int):
    """The 工作台's four lists for an admin (``reach`` "all"), a liaison ("some": the
    communities a parameter) or staff of no community ("none"): each list picks its task
    ids by its own rule and order (a UNION ALL of four short, index-ordered ranges), then
    the tasks are read once with what their cards show. The pending reports' helpers
    are counted in the same row (``taking_part``, ``unconfirmed``): the card shows two
    numbers, so no participation is loaded to count them in Python.

    Built once per process, the time (``now``, ``upcoming_until``) a parameter and every
    constant written out (``sql_hints.constants_written_out``): building it took more
    of the page's CPU than running it, and PostgreSQL planned its nine tables on every
    request (6–8 ms at 1M participations) until the constants were in its text; it now
    keeps one plan per connection."""
    now = bindparam("now", type_=Task.starts_at.type)
    conditions = _in_reach(reach)
    firsts = {
        "pending": select(Task.id).join(TaskReport, TaskReport.task_id == Task.id)
        .where(*owed.pending_review(), *conditions).order_by(TaskReport.submitted_at, TaskReport.id),
        "uncorrected": select(Task.id).join(TaskReport, TaskReport.task_id == Task.id)
        .where(*owed.returned_uncorrected(), *conditions).order_by(Task.ends_at, Task.id),
        # report_owed_at is the end of a task that owes: the partial index's own order
        "unreported": select(Task.id).outerjoin(TaskReport, TaskReport.task_id == Task.id)
        .where(*owed.ended_unreported(now), *conditions).order_by(Task.report_owed_at, Task.id),
        "upcoming": select(Task.id)
        .where(Task.status == TaskStatus.open, Task.starts_at >= now,
               Task.starts_at < bindparam("upcoming_until", type_=Task.starts_at.type),
               *conditions)
        .order_by(Task.starts_at, Task.id),
    }
    picked = constants_written_out(union_all(*(
        select(first.c.id, literal(kind).label("kind"))
        for kind, statement in firsts.items() for first in [statement.limit(limit).subquery()]
    ))).subquery()
    # counted for the pending reports' tasks only (a CASE reads its subquery lazily)
    pending_only = picked.c.kind == "pending"
    counts = [constants_written_out(case((pending_only, _holders(Task.id, statuses)), else_=0))
              for statuses in (TAKING_PART, owed.TO_CONFIRM)]
    return (
        select(Task, picked.c.kind, *counts)
        .join(picked, picked.c.id == Task.id)
        .options(*_task_options(), joinedload(Task.report).joinedload(TaskReport.submitted_by))
    )


def home_count_columns(actor: Member, today: date | None = None) -> dict:
    """The counts the 工作台 shows beside the menu's, as scalar subqueries to read in the
    menu's statement (``menu.menu_counts_with``, whose ``now`` parameter they share):
    已退回待修改 and 已结束未提交 (by the rules their lists use), waiting 补录申请, and
    the open 摸排问题 of the statistics, and the work groups whose robot the reminder job
    gave up on (``outbox.queries.given_up_count``), and whether the checklist of the year
    asked about on ``today`` is missing (``year_checklist.columns``)."""
    return _home_count_columns(reach_of(actor), asked_year(today or local_today()))


def robots_given_up(actor: Member, count: int) -> list:
    """The work groups of ``actor``'s reach that hear nothing — read only when the
    counts statement found some (``count``): no statement on an ordinary day."""
    if not count:
        return []
    return given_up_robots(reach_of(actor).conditions(Outbox.community_id))


@functools.lru_cache(maxsize=512)
def _home_count_columns(reach: Reach, year: int) -> dict:
    """Built once per reach (all, or a liaison's communities) and checklist year and kept, their constants
    and communities written out, as the menu's are (``owed._counts_statement``): the
    statement they join is then the same object on every request (no cache key to
    walk), and the same text, whose plan PostgreSQL keeps."""
    communities = reach.conditions(Task.community_id)
    columns = {
        "uncorrected": owed.count_tasks([*owed.returned_uncorrected(), *communities]),
        "unreported": owed.count_tasks([*owed.ended_unreported(bindparam("now")), *communities]),
        "backfill_requests": pending_count_column(reach),
        "open_findings": open_findings_count(reach.ids),
        "pending_findings": open_findings_count(reach.ids, ReportStatus.submitted),
        "robots_given_up": given_up_count(reach.conditions(Outbox.community_id)),
        **year_checklist_columns(reach, year),
    }
    return {name: constants_written_out(column) for name, column in columns.items()}


def participants_by_task(task_ids) -> dict[int, list[Assignment]]:
    """Members holding a slot on each task, with the member loaded: one query."""
    grouped: dict[int, list[Assignment]] = defaultdict(list)
    if not task_ids:
        return grouped
    stmt = (
        select(Assignment)
        .where(Assignment.task_id.in_(list(task_ids)), Assignment.status.in_(HOLDING))
        .options(joinedload(Assignment.member))
        .order_by(Assignment.task_id, Assignment.claimed_at, Assignment.id)
    )
    for assignment in db.session.scalars(stmt):
        grouped[assignment.task_id].append(assignment)
    return grouped


def participants_for_review(task_ids) -> tuple[dict[int, list[Assignment]],
                                                dict[int, dict[int, Task]]]:
    """``participants_by_task``, and of each task's members unconfirmed (checked in or
    not) those whose hours already count on another activity at overlapping hours, with
    that activity ({task id: {member id: task}}): of the checked in, whom 通过's
    按签到计入 leaves out (``overlap.counted_elsewhere``); of the others, whose own 确认
    the same rule refuses (``claims.confirm_participation``: review40b #2), named apart
    rather than as one to remind. For 待审核 and the report's page to say before 通过.
    One statement for the page (``overlap.counted_elsewhere_of``, asked only of a row
    not done nor absent), as many cards as it lists."""
    grouped: dict[int, list[Assignment]] = defaultdict(list)
    elsewhere: dict[int, dict[int, Task]] = defaultdict(dict)
    if not task_ids:
        return grouped, elsewhere
    here, other = aliased(Task), aliased(Task)
    unconfirmed = Assignment.status.not_in((AssignmentStatus.done, AssignmentStatus.absent))
    stmt = (
        select(Assignment, other)
        .join(here, here.id == Assignment.task_id)
        .outerjoin(other, other.id == case((unconfirmed, counted_elsewhere_of(Assignment, here))))
        .where(Assignment.task_id.in_(list(task_ids)), Assignment.status.in_(HOLDING))
        .options(joinedload(Assignment.member))
        .order_by(Assignment.task_id, Assignment.claimed_at, Assignment.id)
    )
    for assignment, counted_on in db.session.execute(stmt):
        grouped[assignment.task_id].append(assignment)
        if counted_on is not None:
            elsewhere[assignment.task_id][assignment.member_id] = counted_on
    return grouped, elsewhere


@dataclass(frozen=True)
class HeldElsewhere:
    """``participants_held_elsewhere``: an approved activity's participants and, of those
    not counted, whom 添加遗漏的参加人员 would refuse, by the first reason the service
    asks (``backfill._forgotten``'s order)."""

    holders: list
    # {member id: ((unit id, unit name, closed by the month, by the year, the unit's
    # sort key), ...)}: their unit of the day (another unit) has signed the month (or
    # year), or the unit whose roll of the month's (year's) end holds them has (naming50)
    # — refused to one not an admin (``summary_notes.closed_member_units``, whose order,
    # ``Unit.sort_key``, the page's sentence keeps: naming51)
    closed: dict
    # {member id: (why, the name of their unit of the day)} 补录's rule does not name
    # them on the day (``unnameable_why``); the unit is what ``UNIT_ELSEWHERE`` refuses
    unnameable: dict
    # {member id: the first other activity where they hold a place at those hours}
    elsewhere: dict


def _with_unit_of_day(stmt, row, then, task: Task, *, closed: bool, on=None):
    """``stmt`` with each row's unit of the activity's day outer-joined — ``then``,
    ``stays.unit_then`` of the member of ``row`` (the entity it is joined from), where
    ``on`` holds (else NULLs) — and its columns added: the unit's name (the unit 补录's
    rule asks of, which ``UNIT_ELSEWHERE`` names, as ``backfill.why_not_nameable``
    does); and, ``closed`` (asked for one not an admin), the unit's id when it is
    another unit than the activity's whose 月报 of the month, or 年度总结 of the year, is
    已定稿 (``summary_notes.unit_of_day_closed``, ``closed_member_units``' rule: the
    service's first refusal), else NULL, and whether by the month and by the year. Both lists of
    添加遗漏的参加人员 ask it so, each in its own one statement
    (``participants_held_elsewhere``, ``forgotten_candidates_held``); ``_closed_unit``
    reads the columns back."""
    day_unit = aliased(Unit, name="day_unit")
    stmt = stmt.outerjoin_from(row, day_unit, and_(true() if on is None else on,
                                                   day_unit.id == then)).add_columns(day_unit.name)
    if not closed:
        return stmt
    by_month, by_year = unit_of_day_closed(day_unit.id, task.community_id, task.service_date)
    return stmt.add_columns(
        case((and_(day_unit.id != task.unit_id, or_(by_month, by_year)), day_unit.id)),
        by_month, by_year, day_unit.sort_key)


def _closed_unit(name, closed_id=None, by_month=None, by_year=None,
                 key=None) -> tuple | None:
    """The columns ``_with_unit_of_day`` added, as ``HeldElsewhere.closed`` holds them
    (unit id, unit name, by the month, by the year, the unit's sort key), or None: the
    unit of the day is not closed."""
    return None if closed_id is None else (closed_id, name, by_month, by_year, key)


def _with_roll_units_closed(stmt, task: Task, row, member_id, of_day, on=None):
    """``stmt`` (both lists of 添加遗漏的参加人员: ``participants_held_elsewhere``'s and
    ``forgotten_candidates_held``'s) with, where ``on`` holds, the unit whose roll of
    the month's end holds the member of ``row`` (``member_id``; ``of_day``, her unit of
    the day as the list reads it) when its 月报 of the month is
    已定稿, and the one whose roll of the year's end does when its 年度总结 is (each: id
    and name, else NULLs) — a place of 添加遗漏的参加人员 when adding her changes its
    参与情况 (``summary_notes.roll_end_parts``, naming50), which ``closed_member_units``
    refuses one not an admin for, as for her unit of the day. One stay holds a period's
    end, so each is one unit or none: no row more."""
    day = task.service_date
    for by_month in (True, False):
        stay, roll = roll_end_parts(member_id, day, task.community_id, task.unit_id, of_day,
                                    (), by_month)
        # the roll's ``part_only`` flag (its column is labelled), asked here, not inside
        # the notes' subquery, where its own subquery would not correlate to the row
        part = roll.columns[2].element
        at = 0 if by_month else 1
        signed = or_(and_(not_(part), unit_of_day_closed(stay.unit_id, task.community_id,
                                                         day)[at]),
                     and_(part, unit_of_day_closed(stay.unit_id, task.community_id, day,
                                                   True)[at]))
        unit = aliased(Unit, name="month_roll_unit" if by_month else "year_roll_unit")
        # joined, not a scalar subquery: the roll's own subqueries then correlate to the
        # participant's row
        stmt = (stmt.outerjoin_from(row, stay, and_(true() if on is None else on,
                                                    roll.joined, *roll.where, signed))
                .outerjoin_from(stay, unit, unit.id == stay.unit_id)
                .add_columns(unit.id, unit.name, unit.sort_key))
    return stmt


def _roll_units(month_id, month_name, month_key, year_id, year_name, year_key) -> list:
    """The columns ``_with_roll_units_closed`` added, as ``HeldElsewhere.closed`` holds
    each unit (unit id, unit name, by the month, by the year, the unit's sort key)."""
    return ([(month_id, month_name, True, False, month_key)] if month_id is not None
            else []) + (
        [(year_id, year_name, False, True, year_key)] if year_id is not None else [])


def participants_held_elsewhere(task: Task, actor: Member | None = None) -> HeldElsewhere:
    """``participants_by_task`` of one approved activity, and of those on it not counted
    (缺席, or claimed, assigned or checked in and not confirmed at 通过) whom
    添加遗漏的参加人员 would refuse, so its list leaves them out and the page says why
    before the form, each by the first reason the service asks: for ``actor`` not an
    admin, their unit of the day, another unit, has signed the month or year
    (``summary_notes.unit_of_day_closed``, ``closed_member_units``' rule: review44b #3);
    else 补录's rule does not name them on its day (``backfill.unnameable_why``:
    ``nameable`` itself: forgotlist44), with the unit of that day, which the page names
    (forgotnames45); else the first other activity, by its start, where they hold a
    place at overlapping hours (``backfill.refuse_overlap``'s rule,
    ``overlap.held_elsewhere_of``: main41). The unit of the day is read as the
    candidates' is (``_with_unit_of_day``). One statement, as ``participants_by_task``."""
    here, other = aliased(Task), aliased(Task)
    not_counted = Assignment.status != AssignmentStatus.done
    day = task.service_date
    why = case((not_counted, select(unnameable_why(working_units([task.community_id]), day))
                .where(Member.id == Assignment.member_id).scalar_subquery()))
    stmt = (
        select(Assignment, other, why)
        .join(here, here.id == Assignment.task_id)
        .outerjoin(other, other.id == case(
            (not_counted, held_elsewhere_of(Assignment.member_id, here))))
        .where(Assignment.task_id == task.id, Assignment.status.in_(HOLDING))
        .options(joinedload(Assignment.member))
        .order_by(Assignment.claimed_at, Assignment.id)
    )
    asks = actor is not None and not may_change_final(actor)
    stmt = _with_unit_of_day(stmt, Assignment, unit_then(Assignment.member_id, day), task,
                             on=not_counted, closed=asks)
    if asks:
        stmt = _with_roll_units_closed(stmt, task, Assignment, Assignment.member_id,
                                       unit_then(Assignment.member_id, day), not_counted)
    found = HeldElsewhere([], {}, {}, {})
    for assignment, held_on, refused, unit_name, *closed in db.session.execute(stmt):
        found.holders.append(assignment)
        units = [] if (unit := _closed_unit(unit_name, *closed[:4])) is None else [unit]
        if asks:
            units += _roll_units(*closed[4:])
        if units:
            found.closed[assignment.member_id] = tuple(units)
        elif refused is not None:
            found.unnameable[assignment.member_id] = (refused, unit_name)
        elif held_on is not None:
            found.elsewhere[assignment.member_id] = held_on
    return found


def card_names(reports, tasks) -> dict:
    """{task id: {member id: name as listed}} for the people the 工作台's cards name —
    the submitter of each waiting report, the 组长 of each task — namesakes told apart
    as on the task's own page (``names.names_told_apart``): one statement, none for
    empty lists."""
    groups: dict = {}
    for report in reports:
        groups.setdefault(report.task.id, (report.task.unit_id, []))[1].append(
            report.submitted_by)
    for task in tasks:
        if task.leader is not None:
            groups.setdefault(task.id, (task.unit_id, []))[1].append(task.leader)
    return names_told_apart(groups)


def card_names_read(reports=(), tasks=()) -> dict:
    """``card_names`` of lists that read each card's namesakes with their rows (the
    submitters of ``overdue_reports``, the 组长 of ``stale_tasks`` and ``tasks_page``:
    ``names.namesakes_of``, the same people told apart by the same rule): no statement,
    so 逾期事项 and 任务管理 keep their count (docwords42)."""
    named: dict = {}
    people = [(r.task_id, r.submitted_by_id, r.submitter_namesakes) for r in reports]
    people += [(t.id, t.leader_id, t.leader_namesakes) for t in tasks if t.leader_id]
    for task_id, member_id, roll in people:
        if (name := listed_among(member_id, roll)) is not None:
            named.setdefault(task_id, {})[member_id] = name
    return named


def participant_names_by_task(tasks, holders: dict[int, list[Assignment]]) -> dict:
    """{task id: {member id: name as listed}}: ``participant_names`` for each of
    ``tasks`` (their participants ``holders``), in one statement."""
    return names_told_apart({t.id: (t.unit_id, [a.member for a in holders.get(t.id, [])])
                             for t in tasks})


def load_task(task_id: int, *, page: bool = False) -> Task | None:
    """A task with its item and unit; ``page``: and what the task page asks of it —
    whether its day's 月报 or 年度总结 is 已定稿 (``summary_notes.signed_day_loads``),
    the needs it works on (``task_needs.needs_load``) and its 候补名单
    (``tasks.queries.waiting_load``), and the people it names with their namesakes
    (``tasks.queries.people_named_load``) — as columns of its read."""
    return db.session.scalar(
        select(Task).where(Task.id == task_id)
        .options(*_task_options(), joinedload(Task.resource_item), joinedload(Task.unit),
                 *([*signed_day_loads(), needs_load(), waiting_load(), people_named_load()]
                   if page else []))
    )


def _report_loads() -> list:
    return [joinedload(TaskReport.task).options(*_task_options()),
            joinedload(TaskReport.submitted_by), joinedload(TaskReport.reviewed_by)]


def load_report(report_id: int) -> TaskReport | None:
    return db.session.scalar(
        select(TaskReport).where(TaskReport.id == report_id).options(*_report_loads()))


def load_report_page(report_id: int) -> tuple[TaskReport | None, list]:
    """``load_report`` with the report's photos (``photos.shown_photos``) read on its
    row: the report's page, within the page budget."""
    row = db.session.execute(
        select(TaskReport, report_photo_ids(TaskReport.task_id))
        .where(TaskReport.id == report_id).options(*_report_loads())
    ).first()
    return (None, []) if row is None else (row[0], shown_photos(row[1]))


def load_item(item_id: int) -> ResourceItem | None:
    return db.session.get(ResourceItem, item_id)


def load_wait_entry(entry_id: int) -> WaitlistEntry | None:
    return db.session.scalar(
        select(WaitlistEntry).where(WaitlistEntry.id == entry_id)
        .options(joinedload(WaitlistEntry.task), joinedload(WaitlistEntry.member))
    )


def load_assignment(assignment_id: int) -> Assignment | None:
    return db.session.scalar(
        select(Assignment).where(Assignment.id == assignment_id)
        .options(joinedload(Assignment.task), joinedload(Assignment.member))
    )


def member_candidates(unit_ids, query: str | None = None,
                      limit: int = MEMBER_CHOICES_MAX, *, named: dict | None = None,
                      unit_id: int | None = None, day: date | None = None,
                      rolled: dict | None = None) -> list[Member]:
    """Active members to pick from: those of ``unit_ids``, or, with a search text,
    anyone whose name contains it or whose phone starts with it — those on the roll on
    ``day`` (the activity's; None: today) first (``roll_then``). ``named``: gets
    {member id: ``names.namesakes_of`` her in the task's unit ``unit_id``}, read with
    her row (``tasks.queries.page_names``); ``rolled``: {member id: on the roll on
    ``day``}, likewise."""
    then = roll_then(day)
    stmt, limit = _candidates(unit_ids, query, limit)
    stmt = (stmt.add_columns(then).order_by(then.desc(), Member.name_key, Member.id)
            .limit(limit))
    if named is not None:
        stmt = stmt.add_columns(namesakes_of(Member.id, unit_id))
    rows = db.session.execute(stmt).all()
    if named is not None:
        named.update({member.id: namesakes for member, _then, namesakes in rows})
    if rolled is not None:
        rolled.update({member.id: bool(on) for member, on, *_namesakes in rows})
    return [member for member, *_columns in rows]


def assign_candidates(task: Task, query: str | None = None,
                      limit: int = MEMBER_CHOICES_MAX) -> list[Member]:
    """The task page's 指派 list: active members (``member_candidates``); for a task that
    has ended — past work, which 指派 names only by 补录's rule on its day
    (``assigning.assign_member``) — those of ``forgotten_candidates`` in use."""
    if task.ends_at <= utcnow():
        return forgotten_candidates(task, query, limit, active=True)
    return member_candidates([task.unit_id], query, limit, day=task.service_date)


def forgotten_candidates(task: Task, query: str | None = None,
                         limit: int = MEMBER_CHOICES_MAX, *, active: bool = False
                         ) -> list[Member]:
    """添加遗漏的参加人员's list for an approved activity: whom 补录's rule names on it
    (``backfill.nameable``: their unit on its day works in its community; one switched
    off since, for work before) — the task's unit's members of that day (a member moved
    since included), or, with a search text, anyone the rule names whose name contains
    it or whose phone starts with it. ``active``: accounts in use only (指派, whose
    member confirms the hours themselves)."""
    return list(db.session.scalars(_forgotten(task, query, limit, active=active)))


def assign_candidates_held(task: Task, query: str | None = None,
                           limit: int = MEMBER_CHOICES_MAX, *, named: dict | None = None,
                           rolled: dict | None = None) -> list[tuple[Member, Task | None]]:
    """``assign_candidates``, each with the first other activity at the task's hours
    where they hold a place, or None. On a task that has ended ``assigning.assign_member``
    refuses such a member (``backfill.refuse_overlap``: she could never confirm there),
    so the page does not offer her (assignheld43); before its end 指派 is a claim made
    for her, which the overlap rule does not refuse (design.md, approve / return: one
    may move between two items of one event, whichever 通过 counts first counts her),
    so nobody is held elsewhere there. One statement, as ``assign_candidates``.
    ``named``, ``rolled``: as ``forgotten_candidates_held``'s."""
    if task.ends_at <= utcnow():
        return forgotten_candidates_held(task, query, limit, active=True, named=named,
                                         rolled=rolled)
    return [(member, None) for member in member_candidates(
        [task.unit_id], query, limit, named=named, unit_id=task.unit_id,
        day=task.service_date, rolled=rolled)]


def forgotten_candidates_held(task: Task, query: str | None = None,
                              limit: int = MEMBER_CHOICES_MAX, *, active: bool = False,
                              actor: Member | None = None, closed: dict | None = None,
                              named: dict | None = None, rolled: dict | None = None
                              ) -> list[tuple[Member, Task | None]]:
    """``forgotten_candidates``, each with the first other activity, by its start, at
    hours overlapping the task's where they hold a place (``overlap.held_elsewhere_of``)
    or None: 添加遗漏的参加人员 would refuse them for it (``backfill.refuse_overlap``,
    the same rule), so the page does not offer them (addlist42). One statement.
    ``active``: as ``forgotten_candidates``' (指派's list, ``assign_candidates_held``).
    ``actor`` not an admin: ``closed`` gets, in the same statement, those whose unit of
    the day — another unit — has signed the month or year, or the unit on the roll of
    the month's (year's) end has (``_with_roll_units_closed``, naming50b), {member id:
    ((unit id, unit name, by the month, by the year, sort key), ...)}, the service's first refusal,
    as ``participants_held_elsewhere`` asks it of the participants
    (``_with_unit_of_day``: review44c #3). ``named``: gets {member id:
    ``names.namesakes_of`` her in the task's unit}, read with her row
    (``tasks.queries.page_names``); ``rolled``: {member id: on the roll on the task's
    day} (``roll_then``, which the list is ordered by), likewise."""
    other = aliased(Task)
    # joined from ``Member``, named: ``_with_unit_of_day`` adds a ``Unit`` entity too
    found = _forgotten(task, query, limit, active=active).add_columns(other).outerjoin_from(
        Member, other, other.id == held_elsewhere_of(Member.id, task))
    if named is not None:
        found = found.add_columns(namesakes_of(Member.id, task.unit_id))
    asks = actor is not None and closed is not None and not may_change_final(actor)
    if asks:
        of_day = unit_then(Member.id, task.service_date, Member.unit_id)
        found = _with_roll_units_closed(
            _with_unit_of_day(found, Member, of_day, task, closed=True),
            task, Member, Member.id, of_day)
    rows = []
    for member, on, held, *unit in db.session.execute(found):
        if rolled is not None:
            rolled[member.id] = bool(on)
        if named is not None:
            named[member.id], *unit = unit
        if asks:
            units = [] if (one := _closed_unit(*unit[:5])) is None else [one]
            if units := units + _roll_units(*unit[5:]):
                closed[member.id] = tuple(units)
        rows.append((member, held))
    return rows


@dataclass(frozen=True)
class Chosen:
    """``chosen_on_page``: a member posted from an approved activity's page, as that
    page reads her."""

    name: str  # as the page lists her (``participant_names``), namesakes told apart
    addable: bool  # in 添加遗漏的参加人员's list: offered, and refused by none of its rules
    leadable: bool  # in the 组长 list


def chosen_on_page(task: Task, member_id: int, query: str | None) -> Chosen | None:
    """The member ``member_id`` chosen on the page of the approved ``task`` (its search
    ``query``, as the page was read), for an admin — the page's lists as ``_task_page``
    builds them, asked of her alone: whether 添加遗漏的参加人员's list offers her (a
    participant not counted, or a candidate not on it — ``forgotten_candidates_held``,
    the same select, search and limit —, neither one 补录's rule refuses on its day,
    ``unnameable_why``, nor one holding a place elsewhere at its hours,
    ``held_elsewhere_of``), whether the 组长 list does (a participant, the 组长, or a
    candidate; active, or the 组长), and her name as ``participant_names`` lists her
    (its two sets — the participants, those waiting, the 组长 and the submitter; with
    the candidates added for one only among them — and the unit's active members): one
    statement, her namesakes' rows, so that the naming pages of 添加遗漏的参加人员 and
    更换组长 read what they show and not the whole page (stmts45). None: no such
    member."""
    on_it = (select(Assignment.member_id)
             .where(Assignment.task_id == task.id, Assignment.status.in_(HOLDING)))
    not_counted = on_it.where(Assignment.status != AssignmentStatus.done)
    waiting = select(WaitlistEntry.member_id).where(WaitlistEntry.task_id == task.id,
                                                    WaitlistEntry.status == WaitStatus.waiting)
    also = [m for m in (task.leader_id, task.report.submitted_by_id if task.report else None)
            if m is not None]
    offered = _forgotten(task, query, MEMBER_CHOICES_MAX).with_only_columns(Member.id)
    listed = or_(Member.id.in_(on_it), Member.id.in_(waiting), Member.id.in_(also or [0]))
    candidate = and_(Member.id.in_(offered.subquery().select()), Member.id.not_in(on_it))
    # 添加遗漏的参加人员's rules (``backfill._forgotten``'s, an admin's), asked of her row
    addable = and_(or_(Member.id.in_(not_counted), candidate),
                   unnameable_why(working_units([task.community_id]), task.service_date)
                   .is_(None),
                   held_elsewhere_of(Member.id, task).is_(None))
    leadable = and_(or_(Member.id.in_(on_it), Member.id == (task.leader_id or 0), candidate),
                    or_(Member.active.is_(True), Member.id == (task.leader_id or 0)))
    mine = Member.id == member_id
    rows = db.session.execute(
        select(Member.id, Member.name, Member.branch, Member.namesake_phone.label("phone"),
               Member.unit_id, Member.active, listed.label("listed"),
               candidate.label("candidate"), and_(mine, addable).label("addable"),
               and_(mine, leadable).label("leadable"))
        .where(Member.name == select(Member.name).where(mine).scalar_subquery(),
               or_(mine, and_(Member.unit_id == task.unit_id, Member.active.is_(True)),
                   listed, candidate))).all()
    me = next((row for row in rows if row.id == member_id), None)
    if me is None:
        return None
    # ``participant_names``: told apart on her set, the unit's active members beside it
    def roll(*sets):
        return [row for row in rows if any(getattr(row, s) for s in sets)
                or (row.unit_id == task.unit_id and row.active)]

    if me.listed:
        name = distinguished_names([me], roll("listed"))[me.id]
    elif me.candidate:
        name = distinguished_names([me], roll("listed", "candidate"))[me.id]
    else:
        name = me.name  # in neither list: as the page names one it does not list
    return Chosen(name, bool(me.addable), bool(me.leadable))


def _forgotten(task: Task, query: str | None, limit: int, *, active: bool = False):
    """The select of ``forgotten_candidates`` — each member with whether she is on the
    roll on the task's day (``roll_then``) —, ordered and limited."""
    day = task.service_date
    rule = nameable(working_units([task.community_id]), day)
    if active:
        rule.append(Member.active.is_(True))
    then = roll_then(day)
    stmt, limit, query = _searched(select(Member, then).where(*rule), query, limit)
    if not query:
        ever_there = select(RollPeriod.member_id).where(RollPeriod.unit_id == task.unit_id)
        stmt = stmt.where(or_(Member.unit_id == task.unit_id, Member.id.in_(ever_there)),
                          unit_then(Member.id, day, Member.unit_id) == task.unit_id)
    return (stmt.options(joinedload(Member.unit))
            .order_by(then.desc(), Member.name_key, Member.id).limit(limit))


def roll_then(day: date | None = None):
    """The people lists' column of a ``Member`` row (of 补录, 指派, 添加遗漏的参加人员 and
    组长): whether she is on the roll (计入参与统计) on ``day``, the activity's (None:
    today, for a list offered before its day is known) — the figures' own rule,
    ``coverage.on_roll_on``, so a list marks as the 月报 counts. Each list puts those on it
    first (ordered by this column, descending) before the accounts off it — an admin, a
    liaison, a member off the roll then — whom 补录's rule names too (work done is work
    done) but a tick by mistake would put in the 台账 (walk55); their labels say so
    (``forms.roll_marked``). By the day, not by the account's setting now: a 补录 of a
    day before someone left the roll names her as counted then (rollday57)."""
    return on_roll_on(Member.id, local_today() if day is None else day).label("on_roll_then")


def _searched(stmt, query: str | None, limit: int):
    """``stmt`` narrowed to the members whose name contains the typed text or whose
    phone starts with it, at most ``SEARCH_MAX`` of them; with nothing typed, as it
    was. Returns the statement, the limit and the text as read."""
    query = (query or "").strip()
    if query:
        stmt = stmt.where(or_(matches(query, Member.name),
                              phone_matches(query, Member.phone, prefix=True)))
        limit = min(limit, SEARCH_MAX)
    return stmt, limit, query


def _candidates(unit_ids, query: str | None, limit: int):
    stmt, limit, query = _searched(select(Member).where(Member.active.is_(True)), query, limit)
    if not query:
        stmt = stmt.where(Member.unit_id.in_(list(unit_ids)))
    return stmt.options(joinedload(Member.unit)), limit


@dataclass(frozen=True)
class MemberChoices:
    members: list[Member]
    cut: int | None  # the number shown when more matched (None: all are shown)
    # {member id: unit} to name each by where it is not the unit they are in now (补录:
    # the unit of the activity's day); empty: their units now
    units: dict = field(default_factory=dict)
    # {member id: ``names.namesakes_of`` her in the unit she is listed with}, read with
    # the list (the 补录 form's): ``names.choice_names``' ``read``; None: not read
    namesakes: dict | None = None
    # {member id: on the roll on the activity's day} (``roll_then``), read with the list:
    # the labels' 「（不计入参与统计）」 (``forms.roll_marked``)
    on_roll: dict = field(default_factory=dict)


def choices_limit(query: str | None) -> int:
    """How many members a list offers: the unit's members up to a select's length with
    no search typed, fewer found by a search (a narrower search finds the rest)."""
    return SEARCH_MAX if (query or "").strip() else MEMBER_CHOICES_MAX


def _first(stmt, limit: int) -> MemberChoices:
    """The first ``limit`` members of ``stmt`` (rows of a member and ``roll_then``) and
    whether more matched: a list is never cut without the page saying so (one row more
    is read to know)."""
    rows = db.session.execute(stmt.limit(limit + 1)).all()
    on_roll = {member.id: bool(on) for member, on in rows[:limit]}
    members = [member for member, _on in rows]
    if len(members) > limit:
        return MemberChoices(members[:limit], limit, on_roll=on_roll)
    return MemberChoices(members, None, on_roll=on_roll)


def leader_candidates(unit_ids, query: str | None = None,
                      day: date | None = None) -> MemberChoices:
    """The new task's 组长 list: ``member_candidates``, those who have activated their
    account first (a leader reports from the phone), and whether the list was cut.
    ``day``: the task's, as typed (None: not yet — today's roll, as a task to come
    has)."""
    then = roll_then(day)
    stmt, limit = _candidates(unit_ids, query, MEMBER_CHOICES_MAX)
    return _first(stmt.add_columns(then).order_by(
        case((Member.password_hash.is_(None), 1), else_=0), then.desc(), Member.name_key,
        Member.id), limit)


def backfill_candidates(actor: Member, search: str | None, picked: list[int],
                        limit: int | None = None, day=None) -> MemberChoices:
    """Who a 补录 may name (``backfill.recordable``): those ``picked`` already, then
    the first ``limit`` matching the search, by name (``choices_limit``: the unit's
    members with no search), and whether more matched. ``day``: the activity's, as
    the form shows it (None: not typed) — those offered are the members the rule
    admits on it (their unit that day works in one of the actor's communities), each
    with that unit (``units``: the unit the work is counted for, ``stays.unit_then``;
    a member moved since is named by the unit left, not by one that may work nowhere
    here), read in the same statements, and whether each is on the roll that day
    (``roll_then``: ``on_roll``; today's before a day is typed). The picked stay picked
    whatever the day, if
    the rule admits them on some day: a day changed since they were ticked is asked
    again when the form is saved, which names whom it refuses
    (``backfill._check_participants``), the ticks kept."""
    day_unit = aliased(Unit, name="day_unit")
    # the picked (the rule on some day) and the first of those found (the rule on the
    # day, the search) in one statement: the picked first, flagged, then the found by
    # name; the picked are at most ``len(picked)`` rows, so that many more than the
    # found's ``most + 1`` (one more: whether the list is cut) reads them all
    chosen = and_(Member.id.in_(picked or [0]), *recordable(actor))
    found = [*recordable(actor, day)]
    if search:
        found.append(or_(matches(search, Member.name),
                         phone_matches(search, Member.phone, prefix=True)))
    first = case((chosen, 0), else_=1)
    # each offered with her namesakes in the unit she is listed with — the unit of the
    # day, else hers now —, read with her row (``names.choice_names``' ``read``: the
    # labels ask no statement of their own, form52)
    listed_in = day_unit.id if day is not None else Member.unit_id
    then = roll_then(day)
    stmt = (select(Member, first, namesakes_of(Member.id, listed_in), then)
            .where(or_(chosen, and_(*found)))
            .options(joinedload(Member.unit))
            .order_by(first, then.desc(), Member.name_key, Member.id))
    if day is not None:
        stmt = stmt.add_columns(day_unit).join(
            day_unit, day_unit.id == unit_then(Member.id, day, Member.unit_id))
    most = choices_limit(search) if limit is None else limit
    rows = db.session.execute(stmt.limit(len(picked) + most + 1)).all()
    units = {row[0].id: row[4] for row in rows if len(row) > 4}
    chosen_members = [row[0] for row in rows if row[1] == 0]
    more = [row[0] for row in rows if row[1] != 0]
    cut = most if len(more) > most else None
    return MemberChoices(chosen_members + more[:most], cut, units,
                         {row[0].id: row[2] for row in rows},
                         {row[0].id: bool(row[3]) for row in rows})


def load_member(member_id: int | None) -> Member | None:
    return None if member_id is None else db.session.get(Member, member_id)


def active_member(member_id: int | None) -> Member | None:
    if member_id is None:
        return None
    member = db.session.get(Member, member_id)
    return member if member is not None and member.active else None


def cancel_reason(task: Task) -> str | None:
    """The reason given when the task was cancelled (kept in the audit trail)."""
    if task.status != TaskStatus.cancelled:
        return None
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "task", AuditEvent.entity_id == task.id,
               AuditEvent.action == "cancel")
        .order_by(AuditEvent.id.desc()).limit(1)
    )
    return (event.detail or {}).get("reason") if event else None
