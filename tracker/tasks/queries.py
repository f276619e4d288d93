"""Read-only lists and lookups for the member pages: open tasks, one task, 我的任务.

Each list is one SELECT with the task card's neighbours (community, zone, category)
joined in, plus a COUNT when it is paged, so a page runs the same few statements at
10 rows or 10,000 (tests/web/test_tasks_queries.py). Who may see a task is the
views' rule; these functions only read.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, false, func, literal, literal_column, null, or_, select, true, union_all
from sqlalchemy.orm import aliased, joinedload, with_expression

from ..extensions import db
from ..models import (
    HOLDING,
    Assignment,
    AssignmentStatus,
    Category,
    Community,
    Finding,
    Member,
    ResourceItem,
    ReportStatus,
    Task,
    TaskReport,
    TaskStatus,
    WaitlistEntry,
    WaitStatus,
    Zone,
)
from .. import owed
from ..lists import token_statement
from ..models.waitlist import waiting_before
from ..names import names_read, names_told_apart
from ..rollups.coverage import on_roll_on
from ..paging import Prepared, limited, paged_with_total, paginate_prepared
from ..search import matches
from ..services.backfill import nameable, units_working_in
from ..services.backfill_requests import pending_on_task
from ..services.calendar_revision import calendar_loads
from ..services.photos import has_report_photo
from ..services.task_needs import needs_load
from ..services.overlap import (counted_elsewhere_of, counts_elsewhere, held_elsewhere_of,
                                may_count_alongside_of)
from ..services.voiding import voided
from ..sql_json import json_rows, json_rows_in_order, rows_of
from ..timeutil import local_date
from ..sql_hints import constants_written_out, generic_plans, not_indexed

def task_card_loads(path=None) -> list:
    """Eager loads for what a task card shows (one SELECT with LEFT JOINs)."""
    path = path or (lambda rel: joinedload(rel))
    return [path(Task.community), path(Task.zone), path(Task.category)]


# --- open tasks ------------------------------------------------------------------


@dataclass(frozen=True)
class OpenFilter:
    community_id: int | None = None
    category_id: int | None = None
    day: date | None = None  # local service date
    keyword: str | None = None  # in the title, the place or the community's name


@dataclass(frozen=True)
class OpenCard:
    """What a card of the open-task list shows, and nothing more: the card is rendered
    from this alone, so (with the member's own state) it is also the key under which
    the rendered card is kept between requests (templates/tasks/open.html)."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    community_name: str
    zone_name: str | None
    slots: int
    taken: int

    # 剩余名额 and its colour by the task's own rule
    slots_left = Task.slots_left
    slots_state = Task.slots_state

    @classmethod
    def columns(cls) -> list:
        """The SELECT list a card is made of, in the order of the fields."""
        return [Task.id, Task.title, Task.starts_at, Task.ends_at, Task.place,
                Community.name, Zone.name, Task.slots, Task.taken]


def _open_task_conditions(now, community_id=None, category_id=None, day=None,
                          keyword=None) -> list:
    """Which tasks the open list shows; each filter a value or a parameter (``None``:
    not filtered by it)."""
    conditions = [Task.status == TaskStatus.open, Task.starts_at > now]
    if community_id is not None:
        conditions.append(Task.community_id == community_id)
    if category_id is not None:
        conditions.append(Task.category_id == category_id)
    if day is not None:
        conditions.append(Task.service_date == day)
    if keyword:
        named = select(Community.id).where(matches(keyword, Community.name))
        conditions.append(or_(matches(keyword, Task.title, Task.place),
                              Task.community_id.in_(named)))
    return conditions


def _open_tasks(counts_kind: str, *filters) -> Prepared:
    """Open tasks that have not started yet, soonest first, as OpenCard columns with the
    signed-in member's state on each (``_my_state_columns``), and on every row what the
    rest of the page needs: the menu's counts for ``counts_kind``'s reach
    (``owed.counts_row``), the lists' version (for the filter's choices) and the list's
    count. One statement."""
    conditions = _open_task_conditions(*filters)
    # Columns, not ORM objects: a card only reads them (a third of the page's SQL work
    # in Python was building and tracking the objects).
    cards = limited(
        select(*OpenCard.columns())
        .join(Community, Community.id == Task.community_id)
        .outerjoin(Zone, Zone.id == Task.zone_id)
        .where(*conditions)
        .order_by(Task.starts_at, Task.id)
    ).subquery("card")
    # Counted without the card's joins: every task has its community (NOT NULL) and the
    # zone is an outer join, so they never change how many there are, and the count
    # reads the (status, starts_at) index alone — at a county's open tasks the joined
    # count was the page's dearest statement. Not correlated to the page: both
    # databases run it once per statement (an InitPlan on PostgreSQL).
    total = select(func.count()).select_from(Task).where(*conditions).scalar_subquery()
    # The menu's counts are one row, joined to every card: a statement (and, on
    # PostgreSQL, its round trips) fewer on the page every member opens most.
    counts = owed.counts_row(counts_kind)
    # the member's state is looked up for the page's rows only, after the LIMIT; the
    # total last (read by paginate_prepared)
    # the communities of the member's unit (``unit_community_ids``), for the filter's
    # select: a handful of index lookups, one value (json_rows), on the same row
    ours = _unit_communities_statement().subquery("ours")
    page = (select(*cards.c, *_my_state_columns(cards.c.id), *counts.c,
                   token_statement().scalar_subquery(),
                   select(json_rows(ours.c.community_id)).scalar_subquery().correlate(None),
                   total.correlate(None))
            .select_from(cards.join(counts, true()))
            .order_by(cards.c.starts_at, cards.c.id))
    return Prepared(page)


@functools.cache
def _open_tasks_prepared(counts_kind: str, by_community: bool, by_category: bool,
                         by_day: bool) -> Prepared:
    """The list's statement for one reach and combination of filters, built once per
    process: building it (and its cache key) cost more than running it. Its constants
    (the statuses) are written into its text when it is compiled, not on every run."""
    prepared = _open_tasks(counts_kind, bindparam("now"),
                           bindparam("community_id") if by_community else None,
                           bindparam("category_id") if by_category else None,
                           bindparam("day") if by_day else None)
    return Prepared(constants_written_out(prepared.page))


@dataclass(frozen=True)
class OpenRow:
    """A row of the open list: the card, my status if I hold a slot on it, my place in
    its line if it is full and I wait."""

    card: OpenCard
    mine: AssignmentStatus | None
    place: int | None


@dataclass(frozen=True)
class Carried:
    """What the open list's rows carry besides the cards, the same on every row: the
    menu's counts, the lists' version (``ListsVersion.token``) they were read under and
    the communities of the member's unit."""

    counts: owed.Counts
    lists_token: str | None
    unit_communities: frozenset[int] = frozenset()  # ids: unit_community_ids


_CARD_WIDTH = len(OpenCard.columns()) + 2  # the card, my status, my place in line


def open_tasks_page(flt: OpenFilter, member_id: int, now: datetime, page: int,
                    per_page: int, *, counts: tuple[str, dict], unit_id: int | None = None):
    """Open tasks that have not started yet, soonest first, with the member's state on
    each and their count, in one statement that also reads the menu's ``counts`` (the
    reach's kind and parameters, ``menu.riding_counts``), the lists' version and the
    communities of ``unit_id`` (``unit_community_ids``): (the page, whose items are
    OpenRows; ``Carried``, or None when the page has no row to carry it)."""
    counts_kind, params = counts
    params = {**params, "member_id": member_id, "unit_id": unit_id,
              **unit_community_params(now)}
    if flt.keyword:
        # the typed words are in the statement itself (LIKE, escaped): built anew
        prepared = _open_tasks(counts_kind, now, flt.community_id, flt.category_id,
                               flt.day, flt.keyword)
    else:
        prepared = _open_tasks_prepared(counts_kind, flt.community_id is not None,
                                        flt.category_id is not None, flt.day is not None)
        params.update(community_id=flt.community_id, category_id=flt.category_id,
                      day=flt.day)
    carried = []

    def make(row) -> OpenRow:
        if not carried:
            *counts, token, ours = row[_CARD_WIDTH:]
            carried.append(Carried(owed.counts_from(counts), token,
                                   frozenset(i for i, in json.loads(ours or "[]"))))
        return _open_row(row[:_CARD_WIDTH])

    # PostgreSQL's generic plan of it runs as fast as a custom one but looks dearer
    generic_plans(db.session)
    listed = paginate_prepared(prepared, params, make, page, per_page)
    return listed, (carried[0] if carried else None)


@functools.cache
def _unit_communities_statement():
    """Parameters ``unit_id``, ``year`` (this year, Asia/Shanghai), ``today`` and
    ``now``; see ``unit_community_ids``."""
    unit = bindparam("unit_id")
    # a started task is off the list, so only one not yet started keeps its community
    # named; the day bounds the (unit, service_date) index's range
    still_open = select(Task.community_id).where(
        Task.unit_id == unit, Task.service_date >= bindparam("today"),
        Task.status == TaskStatus.open, Task.starts_at > bindparam("now"))
    return select(ResourceItem.community_id).where(
        ResourceItem.unit_id == unit, ResourceItem.year == bindparam("year")).union(still_open)


def unit_community_params(now: datetime) -> dict:
    """``_unit_communities_statement``'s dates for the moment ``now``."""
    today = local_date(now)
    return {"year": today.year, "today": today, "now": now}


def unit_community_ids(unit_id: int, now: datetime) -> frozenset[int]:
    """The communities a unit works in now, those the open list's filter offers its
    members by name (the county's 200 in one select were 12 KB of every list page;
    docs/design.md, "Budgets"): this year's checklist (停用 items too: still this
    year's), and any community where a task of the unit is still open — a unit that
    has stopped working in a community, its open tasks done, stops seeing it, and no
    open task of its own is ever out of the select's reach. Read afresh on every page
    (a kept copy would miss a checklist item added elsewhere): with the list's own
    rows (``open_tasks_page``), or by this one statement when it has none."""
    return frozenset(db.session.scalars(_unit_communities_statement(),
                                        {"unit_id": unit_id, **unit_community_params(now)}))


def _my_state_columns(task_id) -> list:
    """For a task: my status if I hold a slot, my place in its line if I wait (the
    member a parameter ``member_id``; each a per-task index lookup)."""
    member = bindparam("member_id")
    held = (select(Assignment.status)
            .where(Assignment.member_id == member, Assignment.task_id == task_id,
                   Assignment.status.in_(HOLDING))
            .scalar_subquery())
    place = (select(_place_in_line())
             .where(WaitlistEntry.member_id == member, WaitlistEntry.task_id == task_id,
                    WaitlistEntry.status == WaitStatus.waiting)
             .scalar_subquery())
    return [held, place]


def _open_row(row) -> OpenRow:
    card = OpenCard(*row[:-2])
    mine, place = row[-2:]
    # Only a full task has a line (a freed slot goes to the first in line at once).
    return OpenRow(card, mine, place if card.slots_left <= 0 else None)


# --- one task --------------------------------------------------------------------


def load_task(task_id: int, *, for_page: bool = False, photos: bool = False,
              needs: bool = False, calendar: bool = False) -> Task | None:
    """A task; ``for_page``: with what its page shows (the card's neighbours, the
    leader and the report) in the same SELECT; ``photos``: and whether its report has
    a photo (``Task.has_report_photo``: the 现场照片 link's question, count48 #4);
    ``needs``: and the needs it works on (``task_needs.needs_load``, its 来自需求: the
    same column the 工作台's task page reads them from, not a statement of their own);
    ``calendar``: and its 加入日历 event's SEQUENCE and LAST-MODIFIED
    (``calendar_revision.calendar_loads``)."""
    options = ([*task_card_loads(), joinedload(Task.leader), joinedload(Task.report)]
               if for_page else [])
    if photos:
        options.append(with_expression(Task.has_report_photo, has_report_photo(Task.id)))
    if needs:
        options.append(needs_load())
    if calendar:
        options.extend(calendar_loads())
    # a task already in the session gets the counted columns only when read afresh
    return db.session.get(Task, task_id, options=options, populate_existing=calendar)


@functools.cache
def _claim_state_statement():
    return (select(Task.id, Task.status, Task.slots, Task.taken, Task.starts_at,
                   Task.community_id, Task.leader_id, Assignment.status.label("mine"))
            .outerjoin(Assignment, and_(Assignment.task_id == Task.id,
                                        Assignment.member_id == bindparam("member_id")))
            .where(Task.id == bindparam("task_id")))


def claim_state(task_id: int, member_id: int):
    """What a claim tap is answered from: the task's slot columns (and those that say
    who may see it), with the status of my participation row in it as ``mine`` (None
    without one). One row of plain values, no ORM objects: in the last-slot storm
    nearly every tap is refused from it, and loading the task and my row as entities
    cost the refused tap about a quarter of its CPU. None if there is no such task."""
    return db.session.execute(_claim_state_statement(),
                              {"task_id": task_id, "member_id": member_id}).first()


def my_assignment(task_id: int, member_id: int) -> Assignment | None:
    """My participation row in a task, whatever its status."""
    return db.session.scalar(
        select(Assignment).where(Assignment.task_id == task_id, Assignment.member_id == member_id)
    )


class MyPlaces(NamedTuple):
    """What ``my_assignment_and_places`` reads, in one statement."""

    mine: Assignment | None
    counted_on: Task | None  # asked with ``elsewhere`` or ``counted``, else None
    held_on: Task | None
    alongside: Task | None
    nameable: bool
    pending: int | None
    waiting: int  # how many wait in line (``queue``), else 0
    place: int | None  # my place in it (1 = next), None when I do not wait
    waits: bool  # I wait on its line (``waits``: a cancelled task's, as it stood), else False


def my_assignment_and_places(task: Task, member_id: int, *, elsewhere: bool,
                             counted: bool = False, backfill: bool = False,
                             queue: bool = False, waits: bool = False) -> MyPlaces:
    """``my_assignment`` and, each the first other activity by its start, read in the
    same statement, at no statement of its own: with ``elsewhere`` (an approved task
    that ended, not cancelled), where my hours count at overlapping hours
    (``overlap.counted_elsewhere_of``) and where I hold a place at them
    (``overlap.held_elsewhere_of``) — of one not counted there, why and whether she may
    send a 补录申请 (review40b #3); without, where 通过 may still count my place at
    them, none counting yet (``overlap.may_count_alongside_of``) — the page says only
    one of the two can count (walk12 #6) — and, with ``counted`` (an ended task not
    cancelled), where my hours count: the 确认's refusal (``claims.confirm_refusal``'s
    ``counted_on``; mergepage49: a statement of its own before). ``backfill`` (a page
    that may offer 「我参加了但没有记录」): whether 补录's rule names me on the task's day
    (``backfill.nameable``: my unit then works in its community), which a 补录申请 and
    its 采纳 ask (``backfill_requests.requestable``, walk47 #1) — asked of my member
    row, so with or without a participation — and my 补录申请 naming the task still
    pending (``backfill_requests.pending_on_task``: the form refuses a second; the page
    says it is waiting instead, notice47b #3). ``queue`` (an open task not begun): how
    many wait in its 候补 line (``WaitlistEntry.queue``) and my place in it
    (``_place_in_line``) — the page's 候补 line, read in no statement of its own
    (mergepage49). ``waits`` (a cancelled task): whether I wait on its line, which stood
    as it was when it was called off and shows me the task (``permissions.may_see_task``,
    cancelled50). Nameable is False and the request None when not asked."""
    other = aliased(Task)
    named = (and_(*nameable(units_working_in(task.community_id), task.service_date))
             if backfill else false())
    pending = (pending_on_task(task.id, Member.id).scalar_subquery() if backfill
               else null())
    if queue:
        line = WaitlistEntry.queue(task.id).order_by(None)
        waiting = select(func.count()).select_from(line.subquery()).scalar_subquery()
        # my entry in that line, and the place ``my_waiting`` gives it
        place = (line.where(WaitlistEntry.member_id == Member.id)
                 .with_only_columns(_place_in_line(), maintain_column_froms=True)
                 .scalar_subquery())
    else:
        waiting, place = literal(0), null()
    on_task = and_(Assignment.task_id == task.id, Assignment.member_id == Member.id)
    counted_on = aliased(Task)
    on_line = WaitlistEntry.member_waiting(task.id, Member.id).exists() if waits else false()
    stmt = select(Assignment, named.label("named"), pending.label("pending"),
                  waiting.label("waiting"), place.label("place"), on_line.label("waits"))
    if elsewhere:
        stmt = (stmt.add_columns(counted_on, other).select_from(Member)
                .outerjoin(Assignment, on_task)
                .outerjoin(counted_on, counted_on.id == counted_elsewhere_of(Assignment, task))
                .outerjoin(other, other.id == held_elsewhere_of(Assignment.member_id, task)))
    else:
        stmt = (stmt.add_columns(other).select_from(Member)
                .outerjoin(Assignment, on_task)
                .outerjoin(other, other.id == may_count_alongside_of(Assignment.member_id,
                                                                     task)))
        if counted:
            stmt = (stmt.add_columns(counted_on).outerjoin(
                counted_on, counted_on.id == counted_elsewhere_of(Assignment, task)))
    row = db.session.execute(stmt.where(Member.id == member_id)).first()
    if row is None:
        return MyPlaces(None, None, None, None, False, None, 0, None, False)
    mine, asked = row[0], bool(row.named)
    if elsewhere:
        return MyPlaces(mine, row[6], row[7], None, asked, row.pending, row.waiting, row.place,
                        bool(row.waits))
    return MyPlaces(mine, row[7] if counted else None, None, row[6], asked, row.pending,
                    row.waiting, row.place, bool(row.waits))


def participants(task: Task) -> list[Assignment]:
    """Members holding a slot, with their names, in the order they joined."""
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.task_id == task.id, Assignment.status.in_(HOLDING))
            .options(joinedload(Assignment.member))
            .order_by(Assignment.claimed_at, Assignment.id)
        )
    )


def participant_names(unit_id: int, holders: list[Assignment],
                      waiting: list[WaitlistEntry] = (), also=(), besides=()) -> dict[int, str]:
    """{member id: name as listed} for a task's participants (and those ``waiting``, the
    liaison's 转正 picks among them; ``also``: the others its page names — the 组长, the
    report's submitter), namesakes told apart (``names.distinguished_names``) on the
    task unit's active members and those named (补录 may name members of other units):
    one statement. ``besides``: those the staff page may name in a sentence of their own
    — the members its lists offer (one held elsewhere is named with where, the one a
    confirmation adds or makes 组长 is named in it) —, each told apart on that set with
    them added, in the same statement; the others read as they do without them (whom a
    search offers changes no participant's name)."""
    members = ([a.member for a in holders] + [e.member for e in waiting]
               + [m for m in also if m is not None])
    groups = {0: (unit_id, members)}
    if besides:
        groups[1] = (unit_id, members + list(besides))
    told = names_told_apart(groups)
    return {**told.get(1, {}), **told.get(0, {})}


def finding_count(task: Task) -> int:
    """Findings recorded on a survey (its 完成数量)."""
    return db.session.scalar(select(func.count(Finding.id)).where(
        Finding.task_id == task.id, Finding.active.is_(True)))


def load_assignment(assignment_id: int) -> Assignment | None:
    """A participation with its task and the task's report."""
    return db.session.get(
        Assignment, assignment_id,
        options=[joinedload(Assignment.task).joinedload(Task.report)],
    )


# --- 我的任务 ----------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class MineReport:
    status: ReportStatus
    return_reason: str | None


@dataclass(frozen=True)
class MineTask:
    """What a card of 我的任务 shows of a task (and what the refusals to confirm or
    report read), read as plain columns: no ORM objects for a read-only page."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    status: TaskStatus
    backfilled: bool
    community: Named
    zone: Named | None
    category: Named
    report: MineReport | None
    voided: bool  # 作废 (``voiding.voided``), with or without a report: not 已取消

    @classmethod
    def columns(cls) -> list:
        return [Task.id, Task.title, Task.starts_at, Task.ends_at, Task.place, Task.status,
                Task.backfilled, Community.name, Zone.name, Category.name,
                TaskReport.status, TaskReport.return_reason, voided().label("voided")]

    @classmethod
    def of(cls, row) -> MineTask:
        (id_, title, starts_at, ends_at, place, status, backfilled, community, zone,
         category, report_status, return_reason, was_voided) = row
        return cls(id_, title, starts_at, ends_at, place, status, backfilled, Named(community),
                   None if zone is None else Named(zone), Named(category),
                   None if report_status is None else MineReport(report_status, return_reason),
                   bool(was_voided))

    @property
    def report_approved(self) -> bool:
        """As ``Task.report_approved``: the refusals read either."""
        return self.report is not None and self.report.status == ReportStatus.approved


@dataclass(frozen=True)
class MineAssignment:
    """My participation on a card of 我的任务, with its task."""

    id: int
    status: AssignmentStatus
    minutes: int | None
    # a liaison put me there (指派): I leave it (退出任务), I do not withdraw a claim
    # (``Assignment.assigned_place``, the one rule of the word: withdraw47)
    assigned_place: bool
    # my hours already count on another activity at overlapping hours: 确认 here would
    # be refused (``claims.confirm_refusal``'s ``elsewhere``), read in the page's statement
    counted_elsewhere: bool
    # the first other activity at overlapping hours where 通过 may still count my place
    # too, none counting yet (title, start; None: none): only one of the two can count
    # (``overlap.may_count_alongside_of``, ``claims.held_alongside``)
    alongside_title: str | None
    alongside_starts_at: datetime | None
    task: MineTask

    @classmethod
    def columns(cls) -> list:
        """The card's columns but those asking her other places (``counted_elsewhere``,
        ``alongside``), which ``_cards_page`` puts in after the page is cut."""
        return [Assignment.id, Assignment.status, Assignment.minutes,
                Assignment.assigned_place.label("assigned_place"), *MineTask.columns()]

    @classmethod
    def of(cls, row) -> MineAssignment:
        return cls(row[0], row[1], row[2], bool(row[3]), bool(row[4]), row[5], row[6],
                   MineTask.of(row[7:]))


# 我的任务's card: the other activity where 通过 may still count my place at the same
# hours, joined to the card's own row (``overlap.may_count_alongside_of``)
ALONGSIDE = aliased(Task, name="alongside")


def _with_card_neighbours(stmt):
    return (stmt.join(Community, Community.id == Task.community_id)
            .outerjoin(Zone, Zone.id == Task.zone_id)
            .join(Category, Category.id == Task.category_id)
            .outerjoin(TaskReport, TaskReport.task_id == Task.id))


def _my_assignments(member_id):
    return _with_card_neighbours(
        select(*MineAssignment.columns()).select_from(Assignment)
        .join(Task, Task.id == Assignment.task_id)
    ).where(Assignment.member_id == member_id, Assignment.status.in_(HOLDING))


_OWN_COLUMNS = 4  # MineAssignment's own columns, before those asking her other places


class _CardTask:
    """The card's task as ``overlap`` reads it (its id and hours), from the columns of
    the page already cut."""

    def __init__(self, card):
        columns = list(card.c)[_OWN_COLUMNS:]
        self.id, self.starts_at, self.ends_at = columns[0], columns[2], columns[3]


def _cards_page(stmt, *, descending: bool, alongside: bool) -> Prepared:
    """A participation tab's page (``stmt``: its cards in order), each row with its
    total as ``paged_with_total``, and what the cards of the page only ask of her other
    places: whether her hours count on one at the same hours (``counts_elsewhere``) and,
    with ``alongside``, the one where 通过 may still count her too
    (``may_count_alongside_of``). Each reads all of her places, so asked of every card
    before the page is cut they made a tab's cost grow with the square of her cards
    (review41b #2); asked of the page's cards, with her places — in the same statement.
    Without ``alongside`` (历史: every card settled, none says only one of two can
    count, ``claims.held_alongside``) those columns are NULL."""
    card = limited(stmt.add_columns(Assignment.member_id.label("card_member"),
                                    func.count().over().label("card_total"))).subquery("card")
    columns = list(card.c)
    task = _CardTask(card)
    member = card.c.card_member
    other = [ALONGSIDE.title, ALONGSIDE.starts_at] if alongside else [null(), null()]
    page = (select(*columns[:_OWN_COLUMNS],
                   counts_elsewhere(member, task).label("counted_elsewhere"),
                   other[0].label("alongside_title"), other[1].label("alongside_starts_at"),
                   *columns[_OWN_COLUMNS:-2], card.c.card_total)
            .select_from(card))
    if alongside:
        page = page.outerjoin(ALONGSIDE, ALONGSIDE.id == may_count_alongside_of(member, task))
    order = (task.starts_at, task.id)
    return Prepared(page.order_by(*(c.desc() for c in order) if descending else order))


def _my_led_tasks(member_id):
    return _with_card_neighbours(select(*MineTask.columns()).select_from(Task)).where(
        Task.leader_id == member_id)


def _tab_query(tab: str, member_id, now):
    if tab == "upcoming":
        return (_my_assignments(member_id).where(Task.ends_at > now)
                .order_by(Task.starts_at, Task.id))
    if tab == "confirm":
        # every unconfirmed card, those the overlap rule refuses too (shown without
        # 确认, saying why); the tab's count is what is owed (``owed.to_confirm``)
        return (_my_assignments(member_id).where(*owed.awaiting_confirmation(member_id, now))
                .order_by(Task.starts_at.desc(), Task.id.desc()))
    if tab == "history":
        return (
            _my_assignments(member_id)
            .where(
                Task.ends_at <= now,
                or_(
                    Task.status == TaskStatus.cancelled,
                    Assignment.status.in_((AssignmentStatus.done, AssignmentStatus.absent)),
                    TaskReport.status == ReportStatus.approved,
                ),
            )
            .order_by(Task.starts_at.desc(), Task.id.desc())
        )
    if tab == "returned":
        return (_my_led_tasks(member_id).where(TaskReport.status == ReportStatus.returned)
                .order_by(TaskReport.reviewed_at.desc(), Task.id.desc()))
    # lead: what waits for my report first, then the rest, newest first
    waiting = case((and_(*owed.waiting_for_my_report(member_id, now)), 0), else_=1)
    return _my_led_tasks(member_id).order_by(waiting, Task.starts_at.desc(), Task.id.desc())


PARTICIPATION_TABS = ("upcoming", "confirm", "history")


@functools.cache
def _mine_statement(tab: str):
    """A tab's page with its total, built once per process (the member, the time and
    the page as parameters): building the statement cost about as much as running it."""
    stmt = _tab_query(tab, bindparam("member_id"), bindparam("now"))
    if tab in PARTICIPATION_TABS:
        return _cards_page(stmt, descending=tab != "upcoming", alongside=tab != "history")
    return paged_with_total(stmt)


def mine_page(tab: str, member_id: int, now: datetime, page: int, per_page: int):
    """One tab of 我的任务: my participations (upcoming, to confirm, history) as
    MineAssignments or the tasks I lead (returned, lead) as MineTasks. The page and its
    total are one statement: a member's own rows are few, so a second statement just
    to count them costs more than counting them alongside."""
    make = MineAssignment.of if tab in PARTICIPATION_TABS else MineTask.of
    return paginate_prepared(_mine_statement(tab), {"member_id": member_id, "now": now},
                             make, page, per_page)


# ---------------------------------------------------------------- 候补


def waitlist(task_id: int) -> list[WaitlistEntry]:
    """The task's waiting members, first in line first."""
    return list(db.session.scalars(
        WaitlistEntry.queue(task_id).options(joinedload(WaitlistEntry.member))))


class WaitingMember(NamedTuple):
    """A waiting member as a page names her (``participant_names``' own read tells her
    namesakes apart)."""

    id: int
    name: str


class Waiting(NamedTuple):
    """An entry of a 候补名单 as a page lists it (``waiting_of``): what a
    ``WaitlistEntry`` it stands for gives the page, its member by id and name."""

    id: int
    member_id: int
    joined_at: datetime
    member: WaitingMember


def waiting_load():
    """An option of a task's read: ``Task.waiting_named``, ``waitlist``'s entries (the
    same conditions and line order: ``WaitlistEntry.waiting_on``, ``line_order``) as
    JSON rows, a column of the task's statement."""
    member = aliased(Member, name="waiting_member")
    rows = (select(WaitlistEntry.id, WaitlistEntry.member_id, WaitlistEntry.joined_at,
                   member.name)
            .join(member, member.id == WaitlistEntry.member_id)
            .where(*WaitlistEntry.waiting_on(Task.id)).correlate(Task))
    # none waiting: PostgreSQL's aggregate is NULL, which would read as not asked
    return with_expression(Task.waiting_named, func.coalesce(json_rows_in_order(
        rows, *WaitlistEntry.line_order()).scalar_subquery(), "[]"))


def _named_on_page():
    """The ids of the members ``participant_names``' first set holds for the task of the
    enclosing statement — holding a place on it, waiting on it, its 组长 or its report's
    submitter (the people its page names): a select to ask ``IN``, so that the database
    starts from the task's few people, never from the county's members."""
    holding = (select(Assignment.member_id)
               .where(Assignment.task_id == Task.id, Assignment.status.in_(HOLDING))
               .correlate(Task))
    waiting = select(WaitlistEntry.member_id).where(
        *WaitlistEntry.waiting_on(Task.id)).correlate(Task)
    # no NULL among them: ``NOT IN`` a set holding NULL is never true
    submitter = (select(TaskReport.submitted_by_id)
                 .where(TaskReport.task_id == Task.id, TaskReport.submitted_by_id.is_not(None))
                 .correlate(Task))
    leader = select(Task.leader_id).where(Task.leader_id.is_not(None)).correlate(Task)
    return union_all(holding, waiting, submitter, leader)


def people_named_load():
    """An option of a task's read: ``Task.people_named``, ``participant_names``' first
    set (``_named_on_page``, flagged, each with whether she is on the roll on the task's
    day: ``coverage.on_roll_on``, which the page's people lists mark by, ``page_on_roll``)
    and the task unit's active members of their names — the roll
    ``names.names_told_apart`` tells them apart on — as JSON rows, a column of the
    task's statement. Two parts, each found by its index (the members' key; the unit
    and name): one condition OR-ing them would make the database test every member of
    the county (review51 #1)."""
    roll, other, named = (aliased(Member, name="named_roll"),
                          aliased(Member, name="named_same"),
                          aliased(Member, name="named_one"))
    names = select(named.name).where(named.id.in_(_named_on_page())).correlate(Task)
    first = (select(roll.id, roll.name, roll.branch, roll.namesake_phone,
                    literal_column("1").label("first"),
                    case((on_roll_on(roll.id, Task.service_date), 1), else_=0)
                    .label("on_roll"))
             .where(roll.id.in_(_named_on_page())).correlate(Task))
    same_names = (select(other.id, other.name, other.branch, other.namesake_phone,
                         literal_column("0").label("first"),
                         literal_column("0").label("on_roll"))
                  .where(other.unit_id == Task.unit_id, other.active.is_(True),
                         other.name.in_(names), other.id.not_in(_named_on_page()))
                  .correlate(Task))
    both = union_all(first, same_names).subquery()
    rows = select(json_rows(*both.c))
    # none named: PostgreSQL's aggregate is NULL, which would read as not asked
    return with_expression(Task.people_named, func.coalesce(rows.scalar_subquery(), "[]"))


def page_names(task: Task, offered: dict) -> dict[int, str]:
    """``participant_names`` of ``task``'s page from what its reads carried: its first
    set as the task's read did (``people_named_load``) and, for the members its lists
    offer, ``offered`` ({member id: ``names.namesakes_of`` of the task's unit}, read with
    the list) — no statement."""
    return names_read(task.people_named, offered)


def page_on_roll(task: Task) -> dict[int, bool]:
    """{member id: on the roll on the task's day} of the people its page names —
    holding a place, waiting, its 组长, its report's submitter — as its read carried
    them (``people_named_load``): no statement."""
    return {row[0]: bool(row[5]) for row in json.loads(task.people_named) if row[4]}


def waiting_of(task: Task) -> list:
    """``waitlist`` of ``task``: from the task's read when it asked for it
    (``waiting_load``), else asked."""
    if task.waiting_named is None:
        return waitlist(task.id)
    # the time as stored (naive UTC, as ``UTCDateTime`` reads it back: aware UTC)
    return [Waiting(entry_id, member_id,
                    datetime.fromisoformat(joined).replace(tzinfo=timezone.utc),
                    WaitingMember(member_id, name))
            for entry_id, member_id, joined, name in rows_of(task.waiting_named)]


def my_wait_entry(task_id: int, member_id: int) -> WaitlistEntry | None:
    return db.session.scalar(select(WaitlistEntry).where(
        WaitlistEntry.task_id == task_id, WaitlistEntry.member_id == member_id))


@functools.cache
def _place_in_line():
    """An entry's place in its task's line (1 = next): those waiting before it, plus one.

    Built once per process: the expression never changes, and building it (an alias,
    a correlated subquery) cost as much as running the statement that uses it."""
    ahead = WaitlistEntry.__table__.alias("ahead")
    return (select(func.count()).select_from(ahead)
            .where(*waiting_before(ahead.c, WaitlistEntry))
            .scalar_subquery()) + 1


def my_waiting(member_id: int, now: datetime) -> list[tuple[MineTask, int]]:
    """A member's places in line, with the place (1 = next), for tasks not yet started
    (at the start a waitlist closes): each waiting task's card and my place."""
    rows = db.session.execute(_my_waiting_statement(), {"member_id": member_id, "now": now})
    return [(MineTask.of(row[:-1]), row[-1]) for row in rows]


@functools.cache
def _my_waiting_statement():
    return _with_card_neighbours(
        select(*MineTask.columns(), _place_in_line()).select_from(WaitlistEntry)
        .join(Task, Task.id == WaitlistEntry.task_id)
    ).where(WaitlistEntry.member_id == bindparam("member_id"),
            WaitlistEntry.status == WaitStatus.waiting,
            # from the member's few entries: SQLite walked every open task of the
            # county instead, probing each for this member (tracker/sql_hints.py)
            not_indexed(Task.status) == TaskStatus.open,
            not_indexed(Task.starts_at) > bindparam("now")
            ).order_by(Task.starts_at, Task.id)
