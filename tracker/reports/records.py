"""服务记录: a member's record of volunteer service, with the fields of the
volunteer-service record rules (activity, date, place, 服务对象, content, hours,
负责人, 记录人), one row per approved participation, and the year's totals.

Who sees whose record: a member their own; a liaison the members active in
their communities (any participation, past or present, in a task there); an
admin everyone. The totals are ``rollups.member_status.member_totals``; the rows are a listing.
A row names an activity's 服务对象 and 情况说明, so it is listed to a reader only when
that reader may see its task (``permissions.may_see_task``, the task page's rule): a
liaison gets their communities' rows, and only a count of the member's others.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..i18n import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, extract, false, or_, select, true
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..models import (
    Assignment,
    AssignmentStatus,
    Category,
    Community,
    HoursOrigin,
    Member,
    ReportStatus,
    Role,
    RollPeriod,
    Task,
    TaskReport,
    Unit,
)
from ..permissions import managed_community_ids, may_see_task
from ..rollups.member_status import member_totals_columns
from ..search import matches, phone_matches
from ..sql_json import json_rows_in_order, rows_of
from ..timeutil import local_today
from ..sources import (
    SOURCE_LABELS,
    hours_origin_label,
    hours_origin_note,
    source_label,
    source_of,
)
from .tables import DOCUMENT_LOCALE, Hours, Table


def _active_in(community_ids, member_col=Member.id):
    return exists(
        select(Assignment.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Assignment.member_id == member_col,
               Assignment.status != AssignmentStatus.withdrawn,
               Task.community_id.in_(community_ids))
    )


def record_member(actor: Member, member_id: int) -> Member | None:
    """The member whose 服务记录 ``actor`` opens, with her unit (what the record names
    when she was on no roll that year), or None when there is none or ``actor`` may not
    see it — a member sees her own, an admin everyone's, a liaison those active in her
    communities —: one statement, the liaison's reach a column of it (docs/design.md,
    "Budgets")."""
    if actor.role not in (Role.admin, Role.liaison) and actor.id != member_id:
        return None
    ids = managed_community_ids(actor) if actor.role == Role.liaison else None
    reach = (_active_in(tuple(ids)) if ids else false()) if ids is not None else true()
    row = db.session.execute(select(Member, reach).options(joinedload(Member.unit))
                             .where(Member.id == member_id)).first()
    if row is None or not (row[1] or actor.id == member_id or actor.role == Role.admin):
        return None
    return row[0]


def _has_record(community_ids) -> object:
    """The member has a row in a 服务记录: an approved participation — in
    ``community_ids`` (a liaison's), or anywhere (None: an admin's)."""
    approved = (select(Assignment.id)
                .join(TaskReport, TaskReport.task_id == Assignment.task_id)
                .where(Assignment.member_id == Member.id,
                       Assignment.status == AssignmentStatus.done,
                       TaskReport.status == ReportStatus.approved))
    if community_ids is not None:
        approved = approved.join(Task, Task.id == Assignment.task_id) \
            .where(Task.community_id.in_(community_ids))
    return exists(approved)


def visible_members(actor: Member, search: str = ""):
    """A select of the members whose records ``actor`` may open, by name: those on
    the roll (计入参与统计), anyone with approved work in the actor's reach, on the roll
    or not (work done is work done: a member taken off the roll, a liaison who also
    volunteers, is found by name), and the actor themselves."""
    ids = managed_community_ids(actor)
    reach = tuple(ids) if ids is not None else None
    query = (select(Member)
             .where(or_(Member.id == actor.id, Member.on_roll.is_(True), _has_record(reach)))
             .order_by(Member.name_key, Member.id))
    if reach is not None:
        query = query.where(or_(Member.id == actor.id, _active_in(reach)))
    search = search.strip()
    if search:
        query = query.where(or_(matches(search, Member.name), phone_matches(search, Member.phone)))
    return query


@dataclass(frozen=True)
class RecordRow:
    service_date: date
    title: str
    community: str
    category: str
    place: str
    beneficiary: str
    content: str
    minutes: int
    leader: str
    reviewer: str
    source: str  # 来源 in the document's words (tracker/sources.py)
    source_kind: str = ""  # which 来源 (sources.SOURCE_*): shown in the reader's words on the page
    # who stated the hours (时长来源, ``Assignment.hours_origin``; None: 不详), worded
    # by ``table`` in its locale
    hours_origin: HoursOrigin | None = None


@dataclass
class ServiceRecord:
    member: Member
    year: int
    activities: int
    minutes: int
    rows: list[RecordRow]
    years: list[int]
    # the units of the year's stays on a roll, in order, each with its last day when
    # it ended within the year (None: it did not): ``units``
    stays: list[tuple[str, date | None]] = field(default_factory=list)
    # the year's approved activities left out of ``rows`` because the reader may not
    # see their tasks (another community's): counted in the totals, not listed
    withheld: int = 0

    def units(self) -> str:
        """The units the record is of, as it names them (in the language of the page
        or document rendering it): 「县商务局（至2026年11月19日）、县财政局」 — the
        figures count each activity for the unit of the stay on its day."""
        return _("、").join(
            _("%(unit)s（至%(y)s年%(m)s月%(d)s日）", unit=name, y=last.year, m=last.month,
              d=last.day) if last is not None else name
            for name, last in self.stays)

    def withheld_note(self) -> str:
        """What the reader is told of the rows left out (in the language of the page or
        document rendering it), so the totals above the listing do not read as its sum."""
        return ngettext("另有%(n)s次活动在其他社区，不列明细，已计入合计。",
                        "另有%(n)s次活动在其他社区，不列明细，已计入合计。",
                        self.withheld, n=self.withheld)

    def hours_origin_note(self) -> str:
        """What each word of 时长来源 means (``sources.hours_origin_note``)."""
        return hours_origin_note()

    def table(self, locale=DOCUMENT_LOCALE) -> Table:
        """The rows under headers in ``locale``: the document's (Chinese) for the .xlsx,
        the reader's on the page (``record.table(get_locale())``). 来源 follows the
        headers; the data (titles, names, places) is what was typed."""
        with force_locale(str(locale)):
            table = Table("record", _("服务记录"), [
                _("序号"), _("日期"), _("活动名称"), _("社区"), _("类别"), _("地点"), _("服务对象"),
                _("服务内容"), _("服务时长（小时）"), _("时长来源"), _("负责人"), _("记录人"),
                _("来源"),
            ], widths=[6, 12, 22, 14, 16, 20, 14, 40, 12, 10, 10, 10, 8])
            for number, r in enumerate(self.rows, 1):
                source = str(SOURCE_LABELS[r.source_kind]) if r.source_kind else r.source
                # who stated the hours, next to them (时长来源)
                table.rows.append([number, r.service_date, r.title, r.community, r.category,
                                   r.place, r.beneficiary, r.content, Hours(r.minutes),
                                   hours_origin_label(r.hours_origin), r.leader, r.reviewer,
                                   source])
        return table


def _approved_done(member_id: int) -> list:
    return [Assignment.member_id == member_id, Assignment.status == AssignmentStatus.done,
            TaskReport.status == ReportStatus.approved]


def service_record(member: Member, year: int, reader: Member | None = None) -> ServiceRecord:
    """The member's approved participations of ``year`` and the year's totals; with a
    ``reader``, only the rows of tasks the reader may see (``may_see_task``, given the
    reader's own participation in each), the others counted in ``withheld``."""
    date_from, date_to = date(year, 1, 1), date(year + 1, 1, 1)
    activities, minutes, worked = _totals_and_years(member.id, date_from, date_to)
    leader, reviewer, mine = aliased(Member), aliased(Member), aliased(Assignment)
    found = db.session.execute(
        select(Task.service_date, Task.title, Community.name, Category.name, Task.place,
               Task.beneficiary, TaskReport.note, Assignment.minutes, leader.name, reviewer.name,
               Task.backfilled, Assignment.checked_in_at, Assignment.hours_origin,
               Task.status, Task.leader_id, Task.community_id, mine.status.label("mine"))
        .select_from(Assignment)
        .join(Task, Task.id == Assignment.task_id)
        .join(TaskReport, TaskReport.task_id == Task.id)
        .join(Community, Community.id == Task.community_id)
        .join(Category, Category.id == Task.category_id)
        .outerjoin(leader, leader.id == Task.leader_id)
        .outerjoin(reviewer, reviewer.id == TaskReport.reviewed_by_id)
        .outerjoin(mine, (mine.task_id == Task.id)
                   & (mine.member_id == (reader.id if reader is not None else None)))
        .where(*_approved_done(member.id), Task.service_date >= date_from,
               Task.service_date < date_to)
        .order_by(Task.service_date, Task.starts_at, Task.id)
    ).all()
    # no ``waits``: a row's report is approved, so its task was never cancelled (a
    # report refuses 取消任务, 作废 voids it), and a line shows only a cancelled task
    rows = [row for row in found if reader is None or may_see_task(reader, row, row.mine)]
    # the years with work, the one shown, and this year always: a reader of last year's
    # record in January gets back to this one (walk46 #3)
    years = sorted(set(worked) | {year, local_today().year}, reverse=True)
    # 来源 in the document's words; table(locale) shows it in the reader's on the page
    with force_locale(DOCUMENT_LOCALE):
        record_rows = [
            RecordRow(d, title, com, cat, place, beneficiary or "", note or "", mins or 0,
                      leader_name or "", reviewer_name or "",
                      source_label(backfilled, checked_in_at is not None),
                      source_of(backfilled, checked_in_at is not None), origin)
            for (d, title, com, cat, place, beneficiary, note, mins, leader_name,
                 reviewer_name, backfilled, checked_in_at, origin, *_reach) in rows]
    return ServiceRecord(member, year, activities, minutes, record_rows, years,
                         year_stays(member, year), withheld=len(found) - len(rows))


def _totals_and_years(member_id: int, date_from: date, date_to: date) -> tuple[int, int, list[int]]:
    """The member's official activities and minutes in the period (``member_totals``)
    and the years in which she has approved work, in one statement."""
    totals = member_totals_columns()
    year_col = extract("year", Task.service_date)
    years = json_rows_in_order(
        select(year_col).select_from(Assignment)
        .join(Task, Task.id == Assignment.task_id)
        .join(TaskReport, TaskReport.task_id == Task.id)
        .where(*_approved_done(member_id)).group_by(year_col), year_col).scalar_subquery()
    activities, minutes, worked = db.session.execute(
        select(totals["activities"], totals["minutes"], years),
        {"member_id": member_id, "date_from": date_from, "date_to": date_to}).one()
    return int(activities or 0), int(minutes or 0), [int(y) for y, in rows_of(worked)]


def year_stays(member: Member, year: int) -> list[tuple[str, date | None]]:
    """The units of ``member``'s stays on a roll (``RollPeriod``) in ``year``, in order,
    each with its last day when it ended within the year: a member moved in November
    has two (the figures count the year's work by the unit of the stay on the
    activity's day); consecutive stays in one unit (停用 and 重新启用) are one; the
    member's unit when they were on no roll that year (staff, 计入参与统计 否)."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    rows = db.session.execute(
        select(Unit.name, RollPeriod.until)
        .join(Unit, Unit.id == RollPeriod.unit_id)
        .where(RollPeriod.member_id == member.id,
               or_(RollPeriod.since.is_(None), RollPeriod.since < after),
               or_(RollPeriod.until.is_(None), RollPeriod.until > first))
        .order_by(RollPeriod.since.is_not(None), RollPeriod.since)).all()
    stays: list[list] = []  # [unit, until] of each run of stays in one unit
    for name, until in rows:
        if stays and stays[-1][0] == name:
            stays[-1][1] = until
        else:
            stays.append([name, until])
    if not stays:
        return [(member.unit.name, None)]
    return [(name, until - timedelta(days=1) if until is not None and until <= after else None)
            for name, until in stays]
