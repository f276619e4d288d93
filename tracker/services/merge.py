"""合并账号: one person's two accounts of one unit become one (docs/design.md,
"Merging two accounts of one person").

The admin keeps account A and merges the duplicate B into it. What records *the
person's work or identity in a task* moves to A — participations (with their hours,
check-ins and 补录), 候补 places, 组长, 补录申请, needs they claimed, the residents they
are paired with, the communities they serve as liaison — and B's stays on the roll are
folded into A's (``fold_roll``). What records *who did an act* stays on B: the audit
trail, reviews, 定稿, records an account created or uploaded; they are history of what
that account did, and the audit row of the merge says which account B became. B is
switched off (off the roll from today, signed out everywhere), marked 已合并至A
(``MemberMerge``) and cannot log in; A keeps their phone and login.

Every foreign key to ``member.id`` is classified in ``REFERENCES``; a key the metadata
has and the map does not fails ``tests/rollups/test_account_merge.py``, so a new table
naming a member is classified when it is added, not forgotten by the merge.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    Row,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    literal_column,
    null,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import aliased

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import (
    Assignment,
    AssignmentStatus,
    BackfillRequest,
    CountedTask,
    Member,
    MemberMerge,
    Need,
    ReportStatus,
    Role,
    RollPeriod,
    Task,
    TaskReport,
    WaitlistEntry,
)
from ..models.people import liaison_community
from ..models.residents import resident_member
from ..models.waitlist import WaitStatus
from ..timeutil import EARLIEST_DAY, local_today, month_bounds, to_local
from . import PermissionDenied, ServiceError, overlap, roll, summary_notes
from .audit import record as audit
# with the writes that refuse a merged account (``claims``): they cannot import this module
from .claims import any_merged
from .claims import merged_into  # noqa: F401 (the member page names the merge: merge.merged_into)
from .link_revoking import revoke_links
from .notify import stop_calendar
from .sessions import end_other_sessions
from .then_pages import THEN_MERGE

MOVE = "move"  # the person's work or identity in a task: to A
UNION = "union"  # a membership (association row keyed by the member): A gets B's, once
STAY = "stay"  # who did an act, or the account's own settings and history: stays on B
DERIVED = "derived"  # rewritten from the moved rows (``participation.refresh``)
ROLL = "roll"  # B's stays on the roll: folded into A's (``fold_roll``)

# (table, column) → what the merge does with a reference to B, and why (one line each).
REFERENCES: dict[tuple[str, str], str] = {
    # the person's work: participations (hours, check-ins, 补录 are columns of it)
    ("assignment", "member_id"): MOVE,
    ("waitlist_entry", "member_id"): MOVE,
    ("task", "leader_id"): MOVE,
    ("backfill_request", "member_id"): MOVE,
    ("need", "claimed_by_id"): MOVE,
    # memberships: A takes part in whatever B did
    ("liaison_community", "member_id"): UNION,
    ("resident_member", "member_id"): UNION,
    ("roll_period", "member_id"): ROLL,
    ("counted_participation", "member_id"): DERIVED,
    # who did an act: the record stays true to the account that acted (audit trail)
    ("audit_event", "actor_id"): STAY,
    ("assignment", "assigned_by_id"): STAY,
    ("waitlist_entry", "promoted_by_id"): STAY,
    ("task", "created_by_id"): STAY,
    ("task_report", "submitted_by_id"): STAY,
    ("task_report", "reviewed_by_id"): STAY,
    ("finding", "created_by_id"): STAY,
    ("photo", "uploaded_by_id"): STAY,
    ("fund_entry", "created_by_id"): STAY,
    ("need", "created_by_id"): STAY,
    ("need", "fulfilled_by_id"): STAY,
    ("need", "closed_by_id"): STAY,
    ("backfill_request", "decided_by_id"): STAY,
    ("resident", "created_by_id"): STAY,
    ("invitation", "created_by_id"): STAY,
    ("community_webhook", "updated_by_id"): STAY,
    ("summary_note", "updated_by_id"): STAY,
    ("summary_note", "finalized_by_id"): STAY,
    ("year_note", "updated_by_id"): STAY,
    ("year_note", "finalized_by_id"): STAY,
    ("summary_copy", "finalized_by_id"): STAY,
    ("summary_copy", "reopened_by_id"): STAY,
    ("year_copy", "finalized_by_id"): STAY,
    ("year_copy", "reopened_by_id"): STAY,
    # the account itself: its activation links (they would activate B, switched off),
    # its sessions (ended), its messages and reminder settings (what B was sent)
    ("invitation", "member_id"): STAY,
    ("login_session", "member_id"): STAY,
    ("outbox", "member_id"): STAY,
    ("member_notify", "member_id"): STAY,
    ("reminder_opt_out", "member_id"): STAY,
    # the merge's own record: which account became which, and who merged them
    ("member_merge", "member_id"): STAY,
    ("member_merge", "into_id"): STAY,
    ("member_merge", "merged_by_id"): STAY,
}

_RANK = {Role.member: 0, Role.liaison: 1, Role.admin: 2}


def member_references() -> set[tuple[str, str]]:
    """Every (table, column) the metadata has with a foreign key to ``member.id``."""
    return {(fk.parent.table.name, fk.parent.name)
            for table in db.metadata.tables.values() for fk in table.foreign_keys
            if fk.column.table.name == "member" and fk.column.name == "id"}


@dataclass
class Preview:
    """What merging ``drop`` into ``keep`` would move, and what refuses it."""

    keep: Member
    drop: Member
    participations: int = 0
    minutes: int = 0
    claims: int = 0
    check_ins: int = 0
    backfilled: int = 0
    waitlist: int = 0
    led: int = 0
    requests: int = 0
    needs: int = 0
    communities: int = 0
    residents: int = 0
    stays: int = 0
    conflicts: list[Task] = field(default_factory=list)
    # (A's activity, B's activity) at overlapping hours, both done (``blocking``)
    overlaps: list[tuple[Task, Task]] = field(default_factory=list)
    final_months: list[summary_notes.FinalMonth] = field(default_factory=list)
    final_community_months: list[summary_notes.FinalCommunityMonth] = field(
        default_factory=list)
    # the 已定稿 年度总结 whose official figures the merge changes (``_years_moved``):
    # named on the confirmation page, as the months are
    years: list[summary_notes.FinalYear] = field(default_factory=list)
    # every 已定稿 年度总结 the merge may touch (``_years_asked``): the message after the
    # merge names those whose page then says so, whatever ``years`` foresaw
    final_years: list[summary_notes.FinalYear] = field(default_factory=list)

    @property
    def all_final_months(self) -> list:
        """Every 已定稿 month named, the units' and the communities', by date."""
        return sorted([*self.final_months, *self.final_community_months],
                      key=lambda m: (m.year, m.month))

    @property
    def named(self) -> roll.Corrected:
        """The 已定稿 月报 and 年度总结 the page names (what the message after the merge
        tells of, ``tell_foreseen``)."""
        return roll.Corrected(self.all_final_months, self.years)

    def key(self) -> str:
        """What the page showed (``shown``): refused at the merge when it moved since —
        B claimed a task, was assigned one, a 补录 named B, a month or a year touched was
        定稿 or re-opened — so nothing the admin did not see is merged. Two halves
        (``shown_parts``): what moves, and the signed documents named (``roll.named_key``),
        which a refusal's words read as every page's key (``said_afresh``)."""
        return f"{self.moved_key()}{_NAMED_APART}{roll.named_key(self.named)}"

    def moved_key(self) -> str:
        """``key``'s first half: the two accounts and what would move."""
        return ",".join(str(n) for n in (
            self.keep.id, self.drop.id, self.participations, self.minutes, self.claims,
            self.check_ins, self.backfilled, self.waitlist, self.led, self.requests,
            self.needs, self.communities, self.residents, self.stays))


_NAMED_APART = "|"  # between ``Preview.key``'s halves: no part of either holds one

# the page showed other records of the two accounts than they hold now
RECORDS_CHANGED = _l("打开确认页面之后，两个账号的记录有了变化，请查看更新后的内容再确认合并。")


def shown_parts(shown: str | None) -> tuple[str | None, str | None]:
    """A posted ``Preview.key`` as (what moved, the signed documents' ``named_key``); a
    key of no page of ours (none posted, or one written before the halves) is all of the
    first, naming nothing comparable — refused as records changed."""
    if shown is None:
        return None, None
    moved, apart, named = shown.partition(_NAMED_APART)
    return (moved, named) if apart else (shown, None)


def said_afresh(shown: str, now: Preview | None, actor: Member):
    """What the confirmation page says first when the merge of the page that showed
    ``shown`` was refused, ``now`` the page read again after the service's rollback (None:
    the two cannot be merged now, the page says why): other records than the page showed,
    ``RECORDS_CHANGED``; the same, the signed documents compared as every page's key
    (``roll.said_since``: a month signed since, 「请查看上方的说明」; one re-opened since,
    which; nothing named now, ``then_pages.THEN_MERGE``'s 「…请再次点击“确认合并”。」) — of what it names now, never of
    what the service found under its locks and rolled back (stale52, as since51)."""
    moved, named = shown_parts(shown)
    if now is None or named is None or moved != now.moved_key():
        return RECORDS_CHANGED
    return roll.said_since(named, now.named, actor=actor, then=THEN_MERGE)


def _refusal(keep: Member, drop: Member, merged: bool) -> str | None:
    """Why these two accounts cannot be merged at all (nothing counted is shown then).
    ``merged``: either is merged already (``claims.any_merged``, read with the counts)."""
    if merged:
        return _l("该账号已合并到其他账号，不能再合并。")
    if not keep.active:
        return _l("保留的账号已停用：请先重新启用该账号，或改为保留另一个账号。")
    if keep.unit_id != drop.unit_id:
        return _l("两个账号不属于同一单位（%(a)s、%(b)s）：请先在党员页面把其中一人调到另一单位"
                  "（按生效日期记入在册记录），再合并。", a=keep.unit.name, b=drop.unit.name)
    if _RANK[drop.role] > _RANK[keep.role]:
        return _l("被合并的账号的角色高于保留的账号：请先在党员页面把保留的账号设为相同的角色，再合并。")
    return None


def _moving_assignments(keep: Member, drop: Member):
    """B's participations that move: all but a withdrawn one in a task A is also in (it
    held nothing and stays on B, so the two records stay as they happened)."""
    mine = aliased(Assignment)
    in_keep = exists().where(mine.task_id == Assignment.task_id, mine.member_id == keep.id)
    return select(Assignment).where(
        Assignment.member_id == drop.id,
        ~and_(in_keep, Assignment.status == AssignmentStatus.withdrawn))


def _moving_waitlist(keep: Member, drop: Member):
    """B's 候补 places that move: all but one B left in a task A also has a place in."""
    mine = aliased(WaitlistEntry)
    in_keep = exists().where(mine.task_id == WaitlistEntry.task_id, mine.member_id == keep.id)
    return select(WaitlistEntry).where(
        WaitlistEntry.member_id == drop.id,
        ~and_(in_keep, WaitlistEntry.status == WaitStatus.left))


def _conflict_ids(keep: Member, drop: Member):
    """A select of the tasks both accounts took part in (or wait for) where neither
    record can go: the unique (task, member) keys would break, and dropping either would
    lose a record of work. The admin corrects them first (e.g. 取消认领 of the wrong one,
    or 作废). Read with the overlaps (``blocking``)."""
    a, b = aliased(Assignment), aliased(Assignment)
    wa, wb = aliased(WaitlistEntry), aliased(WaitlistEntry)
    both_in = select(b.task_id.label("task_id")).where(
        b.member_id == drop.id, b.status != AssignmentStatus.withdrawn,
        exists().where(a.task_id == b.task_id, a.member_id == keep.id))
    keep_holds = exists().where(a.task_id == wb.task_id, a.member_id == keep.id)
    keep_waits = exists().where(wa.task_id == wb.task_id, wa.member_id == keep.id)
    waits = select(wb.task_id).where(
        wb.member_id == drop.id, wb.status != WaitStatus.left, keep_holds | keep_waits)
    return both_in.union(waits)


class Blocking(NamedTuple):
    """What refuses the merge of two accounts' work (``blocking``)."""

    conflicts: list[Task]  # a task both took part in (``_conflict_ids``), by its start
    # (A's activity, B's activity) at overlapping hours, both done (``blocking``)
    overlaps: list[tuple[Task, Task]]


# which of ``blocking``'s reads a row is of (its ``kind`` column)
_CONFLICT, _OVERLAP = 0, 1


def blocking(keep: Member, drop: Member) -> Blocking:
    """The tasks both accounts took part in (``_conflict_ids``), and the pairs (A's
    activity, B's activity) at overlapping hours where both accounts' hours count
    (done): merged, one person's time would count twice, which the one overlap rule
    (``overlap``) refuses on every other path that writes done hours. Either refuses the
    merge and the page names each task and pair: the admin corrects one record first
    (作废 an activity that did not happen, or the wrong account's participation),
    knowing which was the person's — nothing is dropped or left uncounted unseen.

    One statement: each rule's task ids (``_conflict_ids``, ``overlap.counted_twice``)
    as one part of a UNION ALL with a ``kind`` column (a conflict has no second task),
    the tasks joined to them — the page keeps its budget (docs/design.md, "Budgets")."""
    conflicts = _conflict_ids(keep, drop).subquery()
    pairs = overlap.counted_twice(keep.id, drop.id).subquery()
    ids = union_all(
        select(literal_column(str(_CONFLICT)).label("kind"), conflicts.c.task_id.label("first_id"),
               cast(null(), Integer).label("second_id")),
        select(literal_column(str(_OVERLAP)), pairs.c.first_id, pairs.c.second_id)).subquery()
    first, second = aliased(Task), aliased(Task)
    found = Blocking([], [])
    for kind, task, other in db.session.execute(
            select(ids.c.kind, first, second).select_from(ids)
            .join(first, first.id == ids.c.first_id)
            .outerjoin(second, second.id == ids.c.second_id)
            .order_by(ids.c.kind, first.starts_at, first.id, second.starts_at, second.id)):
        if kind == _CONFLICT:
            found.conflicts.append(task)
        else:
            found.overlaps.append((task, other))
    return found


def overlap_label(pair: tuple[Task, Task]) -> str:
    """One pair of ``blocking``'s overlaps in words: each activity's name, day and hours."""
    first, second = pair
    return str(_l("“%(task)s”（%(when)s）与“%(other)s”（%(other_when)s）",
                  task=first.title, when=_hours(first), other=second.title,
                  other_when=_hours(second)))


def _hours(task: Task) -> str:
    """'2025-10-08 09:00–11:00', Beijing time (the end's day too when it is another)."""
    start, end = to_local(task.starts_at), to_local(task.ends_at)
    ends = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"{start:%Y-%m-%d %H:%M}–{ends}"


def _stays(member: Member) -> list[tuple[date, date, int]]:
    """The member's stays as [since, until) with open ends as far as dates go."""
    return [(p.since or date.min, p.until or date.max, p.unit_id) for p in member.roll_periods]


def _uncovered(piece: tuple[date, date], covered: list[tuple[date, date, int]]):
    """The parts of ``piece`` no stay of ``covered`` holds."""
    parts = [piece]
    for since, until, _unit in covered:
        parts = [part for start, end in parts for part in (
            (start, min(end, since)), (max(start, until), end)) if part[0] < part[1]]
    return parts


def fold_roll(keep: Member, drop: Member) -> list[tuple[date | None, date | None, int]]:
    """B's stays (B is already off the roll: closed) become A's for the days A was on no
    roll: the person was on the roll then, as B. On days both were, A's stay stands and
    the person counts once. Returns the stays A gained."""
    gained = [(since, until, unit) for since, until, unit in _stays(drop)
              for since, until in _uncovered((since, until), _stays(keep))]
    for stay in list(drop.roll_periods):
        drop.roll_periods.remove(stay)
    db.session.flush()
    _join_stays(keep, gained)
    return [(None if s == date.min else s, None if u == date.max else u, unit)
            for s, u, unit in gained]


def _join_stays(keep: Member, gained: list[tuple[date, date, int]]) -> None:
    """Give A the ``gained`` stays, each joined with any of A's stays of the same unit
    it abuts (as ``roll.settle`` does for a return on the day of leaving): a day where
    one stay ends and the next of the same unit begins is no change — read as one, the
    member page would say 「由X调入X」 and 更正日期 would offer to correct it. The days
    on each roll are the same either way."""
    pieces = sorted([(since, until, unit, None) for since, until, unit in gained]
                    + [(p.since or date.min, p.until or date.max, p.unit_id, p)
                       for p in keep.roll_periods], key=lambda piece: piece[0])
    runs: list[list] = []
    for piece in pieces:
        if runs and runs[-1][-1][2] == piece[2] and runs[-1][-1][1] == piece[0]:
            runs[-1].append(piece)
        else:
            runs.append([piece])
    spans = []
    for run in runs:
        held = [period for _s, _u, _unit, period in run if period is not None]
        if len(run) == 1 and held:
            continue  # A's own stay, nothing abuts it
        for period in held[1:]:
            keep.roll_periods.remove(period)
        spans.append((held[0] if held else None, run[0][0], run[-1][1], run[0][2]))
    db.session.flush()  # the joined stays are gone before one of them becomes open
    for period, since, until, unit in spans:
        if period is None:
            period = RollPeriod(unit_id=unit)
            keep.roll_periods.append(period)
        period.since = None if since == date.min else since
        period.until = None if until == date.max else until


def _on_roll_at(stays: list[tuple[date, date, int]], day: date) -> bool:
    return any(since <= day < until for since, until, _unit in stays)


def _in_unit(stays: list[tuple[date, date, int]], unit_id: int) -> list[tuple[date, date, int]]:
    """The stays on one unit's roll: a unit's period counts B on its roll only by B's
    stays there (B on another unit's roll at the period's end is not on this one's)."""
    return [stay for stay in stays if stay[2] == unit_id]


def _roll_day(year: int, month: int) -> date:
    """The day a month's roll is counted on: its last (``coverage.roll_day``; a 已定稿
    month has ended)."""
    return month_bounds(year, month)[1] - timedelta(days=1)


@dataclass(frozen=True)
class _Kept:
    """What A holds of the official figures (approved work and activities led, the
    roll): whether B's part of a month is taken over by A unchanged (``_taken_over``)."""

    same_person: bool  # the documents write both the same: one name, one 党支部
    stays: list[tuple[date, date, int]]
    worked: set[tuple[int, int]]  # (year, month) of A's approved work
    worked_in: set[tuple[int, int, int]]  # (community id, year, month) of it
    led: set[tuple[int, int, int, int]]  # (unit id, community id, year, month) A led


def _approved_days(member: Member):
    """(community id, day) of the member's approved work: a select (``_counted``)."""
    return (select(Task.community_id, Task.service_date)
            .join(Assignment, Assignment.task_id == Task.id)
            .join(TaskReport, TaskReport.task_id == Task.id)
            .where(Assignment.member_id == member.id, Assignment.status == AssignmentStatus.done,
                   TaskReport.status == ReportStatus.approved))


def _kept(keep: Member, drop: Member, led: list[tuple[int, int, date]],
          days: list[tuple[int, date]]) -> _Kept:
    """A's part of the official figures, whatever A's name: a year (``_years_moved``)
    asks it of either; a month only of two accounts of one name (``_taken_over``).
    ``led``: (unit id, community id, day) of the approved activities A leads; ``days``:
    (community id, day) of A's approved work (``_approved_days``)."""
    same = keep.name == drop.name and (keep.branch or "") == (drop.branch or "")
    return _Kept(same, _stays(keep), {(day.year, day.month) for _c, day in days},
                 {(community, day.year, day.month) for community, day in days},
                 {(unit, community, day.year, day.month) for unit, community, day in led})


def _taken_over(a: _Kept, unit_id: int, year: int, month: int) -> bool:
    """Whether B's part of a unit's month passes to A leaving its document as it was:
    the documents write A as B (one name, one 党支部), and A is nowhere in that month —
    no approved work, on no unit's roll on its last day (A's stay then would stand and
    B's go: a unit's roll falls by one), leading none of the unit's approved activities.
    Then A takes B's place in every figure and list: the merge is no change of the
    signed month, and the page will not say 「定稿后数据有变化」."""
    return (a.same_person and (year, month) not in a.worked
            and not _on_roll_at(a.stays, _roll_day(year, month))
            and not any(u == unit_id and (y, m) == (year, month) for u, _c, y, m in a.led))


def _community_taken_over(a: _Kept, community_id: int, year: int, month: int) -> bool:
    """``_taken_over`` for a community's own 月报 (every unit's work there, no roll)."""
    return (a.same_person and (community_id, year, month) not in a.worked_in
            and not any((c, y, m) == (community_id, year, month) for _u, c, y, m in a.led))


def _first_moved(drop: Member, done_days: list[date],
                 led: list[tuple[int, int, date]]) -> date | None:
    """The first day whose figures the merge may move: of B's stays, B's approved work
    (``done_days``) and the approved activities B led (``led``), not before the
    house's floor (``EARLIEST_DAY``: no figure before it); None
    when B has none of them."""
    starts = [since for since, _u, _unit in _stays(drop)] + done_days + [day for _u, _c, day in led]
    return max(min(starts), EARLIEST_DAY) if starts else None


def _roll_units(keep: Member, drop: Member) -> set[int]:
    """The units whose roll B's work and stays are counted on: A's, B's and every unit
    of B's stays."""
    return {keep.unit_id, drop.unit_id} | {unit for _s, _u, unit in _stays(drop)}


def _unit_months_asked(keep: Member, drop: Member, done_days: list[date],
                       led: list[tuple[int, int, date]]):
    """What ``_final_months`` asks ``summary_notes.final_unit_months`` (its arguments),
    or None: the months of the units whose roll B is counted on and of those of the
    approved activities B led, from the first day the merge may move to today."""
    first = _first_moved(drop, done_days, led)
    if first is None:
        return None
    return _roll_units(keep, drop) | {unit for unit, _c, _d in led}, first, local_today()


def _final_months(keep: Member, drop: Member, done_days: list[date],
                  led: list[tuple[int, int, date]], kept: _Kept,
                  signed: list[summary_notes.FinalMonth]) -> list:
    """The 已定稿 months whose official figures or words the merge changes: those in
    which B had approved work (人次 and hours go to A's stay then, the distinct people
    may fall by one) or was on the roll on the month's last day (the roll the month is
    counted by), and a month of a unit whose approved activity B led (its 台账's 组长
    becomes A) — unless A takes B's place there unchanged (``_taken_over``). Work that
    waits for review is not counted in a signed month's figures (``final.official``):
    moving it changes nothing the page compares, and names no month.
    ``done_days``: the days of B's approved work; ``led``: (unit id, community id, day)
    of the approved activities B led; ``signed``: the 已定稿 months of the units asked
    (``_unit_months_asked``)."""
    stays = _stays(drop)
    # a unit of an activity B only led is named for that activity's month alone
    rolls = _roll_units(keep, drop)
    worked = {(day.year, day.month) for day in done_days}
    led_months = {(unit, day.year, day.month) for unit, _c, day in led}
    months = []
    for month in signed:
        counted_on_roll = month.unit_id in rolls and (
            (month.year, month.month) in worked
            or _on_roll_at(_in_unit(stays, month.unit_id), _roll_day(month.year, month.month)))
        if ((counted_on_roll or (month.unit_id, month.year, month.month) in led_months)
                and not _taken_over(kept, month.unit_id, month.year, month.month)):
            months.append(month)
    return months


def _approved_led(keep: Member, drop: Member):
    """A select of (leader id, unit id, community id, day) of the approved activities
    either account leads (read with the counts, ``_counted``: ``_kept`` asks A's,
    ``_led_counted`` B's)."""
    return (select(Task.leader_id, CountedTask.unit_id, CountedTask.community_id,
                   CountedTask.service_date)
            .join(Task, Task.id == CountedTask.task_id)
            .where(Task.leader_id.in_([keep.id, drop.id]),
                   CountedTask.report_status == ReportStatus.approved))


def _led_counted(keep: Member, drop: Member,
                 led: dict[int, list[tuple[int, int, date]]]) -> list[tuple[int, int, date]]:
    """(unit id, community id, day) of the approved activities B leads, whose 月报 names
    B as 组长 in its 台账 — when A goes by another name (a typo, a changed name), so that
    the 台账 reads otherwise after the merge. Two accounts of one name write the same
    组长 before and after, and their months are not named for it; nor is an activity
    waiting for review: its 组长 is in no signed figure (``final.official``).
    ``led``: ``_approved_led``'s, by the leader's id (``_counted``)."""
    return [] if keep.name == drop.name else led[drop.id]


def _moved(keep: Member, drop: Member):
    """A one-row select: B's participations that move (``_moving_assignments``) counted
    as the page shows them — those held (all but withdrawn), their minutes and 补录 and
    check-ins, the claims not yet done — and B's 候补 places that move
    (``_moving_waitlist``) still waiting."""
    moving = _moving_assignments(keep, drop).subquery()
    held = moving.c.status != AssignmentStatus.withdrawn
    # a count of the rows where ``when`` holds (COUNT skips the NULL of the others)
    count = lambda when: func.count(case((when, 1)))  # noqa: E731
    waiting = _moving_waitlist(keep, drop).where(WaitlistEntry.status == WaitStatus.waiting)
    return (select(
        count(held).label("participations"),
        func.coalesce(func.sum(case((moving.c.status == AssignmentStatus.done,
                                     moving.c.minutes))), 0).label("minutes"),
        count(moving.c.status.in_([AssignmentStatus.claimed, AssignmentStatus.assigned,
                                   AssignmentStatus.checked_in])).label("claims"),
        count(and_(held, moving.c.checked_in_at.is_not(None))).label("check_ins"),
        count(and_(held, Task.backfilled.is_(True))).label("backfilled"),
        select(func.count()).select_from(waiting.subquery()).scalar_subquery()
        .label("waitlist"))
        .select_from(moving).join(Task, Task.id == moving.c.task_id))


class _Counted(NamedTuple):
    """``_counted``'s answer."""

    counts: Row  # merged, ``_moved``'s counts, led, requests, needs, communities, residents
    a_days: list[tuple[int, date]]  # (community id, day) of A's approved work
    b_days: list[tuple[int, date]]  # of B's
    led: dict[int, list[tuple[int, int, date]]]  # ``_approved_led`` by the leader's id


# which of ``_counted``'s day reads a row is of (its ``kind`` column)
_A_DAY, _B_DAY, _LED = 0, 1, 2


def _counted(keep: Member, drop: Member) -> _Counted:
    """Whether either account is merged already (``claims.any_merged``), what moves
    (``_moved``), five counts more (B's activities led, 补录申请, needs; the communities
    and residents A does not have yet), both accounts' approved work
    (``_approved_days``) and the approved activities either leads (``_approved_led``),
    in one statement: the page keeps its budget (docs/design.md, "Budgets"). The counts
    and whether merged are one row; the days, each read by its own rule, are one part
    each of a UNION ALL with a ``kind`` column, joined to that row (none: one row, its
    kind None)."""
    count = lambda query: select(func.count()).select_from(query.subquery()).scalar_subquery()  # noqa: E731
    counts = select(
        any_merged([keep.id, drop.id]).label("merged"),
        count(select(Task.id).where(Task.leader_id == drop.id)).label("led"),
        count(select(BackfillRequest.id).where(BackfillRequest.member_id == drop.id))
        .label("requests"),
        count(select(Need.id).where(Need.claimed_by_id == drop.id)).label("needs"),
        _union_count(liaison_community, "community_id", keep, drop).label("communities"),
        _union_count(resident_member, "resident_id", keep, drop).label("residents"),
    ).subquery()
    moved = _moved(keep, drop).subquery()
    no_id = cast(null(), Integer)

    def days(kind: int, member: Member):
        read = _approved_days(member).subquery()
        return select(literal_column(str(kind)).label("kind"), no_id.label("leader_id"),
                      no_id.label("unit_id"), read.c.community_id, read.c.service_date)

    led = _approved_led(keep, drop).subquery()
    rows = union_all(days(_A_DAY, keep), days(_B_DAY, drop),
                     select(literal_column(str(_LED)), *led.c)).subquery()
    found = _Counted(None, [], [], {keep.id: [], drop.id: []})
    for row in db.session.execute(
            select(counts, moved, rows.c.kind, rows.c.leader_id, rows.c.unit_id,
                   rows.c.community_id, rows.c.service_date)
            .select_from(counts.join(moved, true()).outerjoin(rows, true()))):
        found = found._replace(counts=row)
        if row.kind == _A_DAY:
            found.a_days.append((row.community_id, row.service_date))
        elif row.kind == _B_DAY:
            found.b_days.append((row.community_id, row.service_date))
        elif row.kind == _LED:
            found.led[row.leader_id].append((row.unit_id, row.community_id, row.service_date))
    return found


def preview(keep: Member, drop: Member) -> Preview:
    """What merging would move (read only: the confirmation page). ``ServiceError`` when
    the two cannot be merged at all."""
    if keep.id == drop.id:
        raise ServiceError(_l("保留的账号和被合并的账号是同一个账号。"))
    counted = _counted(keep, drop)
    counts = counted.counts
    refusal = _refusal(keep, drop, bool(counts.merged))
    if refusal is not None:
        raise ServiceError(refusal)
    shown = Preview(keep, drop)
    # B's participations and 候补 places counted in the same statement (``_moved``):
    # read as rows, with their tasks and reports, they were a statement each
    # (docs/design.md, "Budgets"); the merge's own writes read the rows
    # (``merge_members``)
    (shown.participations, shown.minutes, shown.claims, shown.check_ins, shown.backfilled,
     shown.waitlist) = (counts.participations, counts.minutes, counts.claims,
                        counts.check_ins, counts.backfilled, counts.waitlist)
    (shown.led, shown.requests, shown.needs, shown.communities, shown.residents) = (
        counts.led, counts.requests, counts.needs, counts.communities, counts.residents)
    shown.stays = len(drop.roll_periods)
    shown.conflicts, shown.overlaps = blocking(keep, drop)
    # what the signed months count: B's approved work and activities (the official
    # figures, ``final.official``); work waiting for review moves outside them. B's
    # done participations all move (only a withdrawn one may stay): B's approved work
    # is the work the merge moves
    official_days = [day for _c, day in counted.b_days]
    official_places = counted.b_days
    approved_led = counted.led
    led = _led_counted(keep, drop, approved_led)
    kept = _kept(keep, drop, approved_led[keep.id], counted.a_days)
    # the signed units' months, communities' months and years, asked in one statement
    # (``summary_notes.final_documents``), each by its own rule
    signed = summary_notes.final_documents(
        unit_months=_unit_months_asked(keep, drop, official_days, led),
        # a community's own 月报 too: its distinct people may fall by one (A and B both
        # there), and its 台账 names the 组长
        community_months=[*official_places,
                          *((community, day) for _unit, community, day in led)],
        years=_years_asked(keep, drop, official_days,
                           [community for community, _d in official_places], led))
    shown.final_months = _final_months(keep, drop, official_days, led, kept,
                                       signed.unit_months)
    shown.final_community_months = [
        m for m in signed.community_months
        if not _community_taken_over(kept, m.community_id, m.year, m.month)]
    shown.final_years = signed.years
    shown.years = _years_moved(shown, official_places, kept)
    return shown


def _year_roll_day(year: int) -> date:
    """The day a year's roll is counted on (``coverage.roll_day``): its last, or today."""
    return min(date(year, 12, 31), local_today())


def _years_moved(shown: Preview, done: list[tuple[int, date]],
                 kept: _Kept) -> list[summary_notes.FinalYear]:
    """Of the 已定稿 年度总结 the merge may touch (``shown.final_years``), those whose
    official figures it changes — named on the confirmation page, by the months' rule
    (``_final_months``) over the year, the period the 年度总结 counts (``annual``):

    - a year holding a month named: its 分月统计 marks that month changed (a unit's
      month in the unit's years, whole or in one community; a community's own month in
      the community's own year);
    - a unit's year (whole, or in one community) of a unit whose roll B is counted on,
      when B was on the roll on the year's last day (在册党员干部, 全年参与, 全年未参与名单
      are of that day's roll) or has approved work in it (in that community, for the
      unit's part there: its 人次 and hours go to A's stay, its people may fall by one) —
      unless A takes B's place unchanged: A nowhere in the year (no approved work, no
      stay on a roll in it), and B named nowhere the year prints differently (one name
      and 党支部; or B not in the 全年未参与名单 — off the roll at its end, or with
      approved work in it —: the 年度总结 has no 台账, and names no one else);
    - a community's own year (its work, no roll, no names) when both accounts have
      approved work there in it: its people fall by one.

    The message after the merge asks the page's own comparison of every year it may
    touch (``annual_final.told_changed_years``): ``tests/rollups/test_final_promise.py``
    states the cases where the two agree."""
    units = {(m.unit_id, m.year) for m in shown.final_months}
    communities = {(m.community_id, m.year) for m in shown.final_community_months}
    rolls = _roll_units(shown.keep, shown.drop)
    stays = _stays(shown.drop)
    worked = {day.year for _c, day in done}
    worked_in = {(community, day.year) for community, day in done}
    a_worked_in = {(community, year) for community, year, _m in kept.worked_in}
    named = []
    for year in shown.final_years:
        if year.unit_id is None:
            moved = ((year.community_id, year.year) in communities
                     or ((year.community_id, year.year) in worked_in
                         and (year.community_id, year.year) in a_worked_in))
        else:
            b_worked = (year.year in worked if year.community_id is None
                        else (year.community_id, year.year) in worked_in)
            b_at_end = _on_roll_at(_in_unit(stays, year.unit_id), _year_roll_day(year.year))
            a_absent = (not any(y == year.year for y, _m in kept.worked)
                        and not any(since <= date(year.year, 12, 31)
                                    and until > date(year.year, 1, 1)
                                    for since, until, _unit in kept.stays))
            b_listed = b_at_end and not b_worked  # in the 全年未参与名单, by name
            moved = ((year.unit_id, year.year) in units
                     or (year.unit_id in rolls and (b_worked or b_at_end)
                         and not (a_absent and (kept.same_person or not b_listed))))
        if moved:
            named.append(year)
    return named


def _years_asked(keep: Member, drop: Member, done_days: list[date],
                 done_communities: list[int], led: list[tuple[int, int, date]]):
    """What to ask ``summary_notes.final_years`` (its arguments), or None: the 已定稿
    年度总结 the merge may change — its months signed or not: those of the units whose
    roll B's stays and work are counted on, and of the units and communities of B's
    approved work and of the approved activities B led, from the year of the first of
    them to this year (a roll is counted on every month's last day). More than change:
    the page after the merge asks each whether it now differs
    (``annual_final.told_changed_years``)."""
    first = _first_moved(drop, done_days, led)
    if first is None:
        return None
    units = _roll_units(keep, drop) | {unit for unit, _c, _d in led}
    communities = set(done_communities) | {community for _u, community, _d in led}
    return units, communities, range(first.year, local_today().year + 1)


def _union_count(table, other: str, keep: Member, drop: Member):
    """How many of B's rows in an association table A does not have yet (a scalar
    subquery: ``preview`` asks its counts in one statement)."""
    mine = table.alias()
    return select(func.count()).select_from(table).where(
        table.c.member_id == drop.id,
        ~exists().where(mine.c.member_id == keep.id, mine.c[other] == table.c[other])
    ).scalar_subquery()


def _work_tasks(drop: Member) -> set[int]:
    """The tasks whose rows the merge locks or writes: those B leads, holds a
    participation or a 候补 place in, or asked a 补录 of."""
    return set(db.session.scalars(select(Task.id).where(Task.leader_id == drop.id).union(
        select(Assignment.task_id).where(Assignment.member_id == drop.id),
        select(WaitlistEntry.task_id).where(WaitlistEntry.member_id == drop.id),
        select(BackfillRequest.task_id).where(BackfillRequest.member_id == drop.id,
                                              BackfillRequest.task_id.is_not(None)))))


def _lock_work(drop: Member, also: set[int]) -> tuple[set[int], set[int]]:
    """Before the member rows, the rows of B's work the merge rewrites, in the house
    order (docs/design.md): the tasks in id order, then B's 补录申请. Every write giving
    a member work on a task takes the task first and the member's row after it
    (``claims.hold_member``), and a 采纳 the task, then the request, then the member; a
    merge that took the members first and then waited for such a task (B its 组长) or
    request held what that write waited for. ``also``: tasks to lock besides (found in
    an earlier round). Returns the tasks and the requests locked."""
    task_ids = _work_tasks(drop) | also
    if task_ids:  # one statement: PostgreSQL sorts before it locks, so in id order
        db.session.execute(select(Task.id).where(Task.id.in_(task_ids)).order_by(Task.id)
                           .with_for_update(key_share=True)).all()
    requests = set(db.session.scalars(
        select(BackfillRequest.id).where(BackfillRequest.member_id == drop.id)
        .order_by(BackfillRequest.id).with_for_update(key_share=True)))
    return task_ids, requests


def _requests(drop: Member) -> set[int]:
    """B's 补录申请 as committed now (read again once B's row is the merge's)."""
    return set(db.session.scalars(select(BackfillRequest.id).where(
        BackfillRequest.member_id == drop.id)))


def _lock_all(keep: Member, drop: Member, actor: Member) -> None:
    """B's work (``_lock_work``), then the member rows (``_lock``). A write giving B work
    on another task may commit while the merge waits for B's row (the write held it
    shared): that task was not locked, and locking it now, after the members, would
    break the order. So the locks are taken in a savepoint, and when B's tasks grew
    meanwhile it is rolled back — PostgreSQL then releases the row locks taken in it —
    and all are taken again with the new ones, in order. The same for a 补录申请 B asked
    meanwhile (``backfill_requests.ask_backfill`` shares B's row): a 采纳 of it holds the
    request and then asks for B's row, so the merge must not ask for the request after
    B's."""
    locked: set[int] = set()
    while True:
        savepoint = db.session.begin_nested()
        locked, requests = _lock_work(drop, locked)
        _lock(keep, drop, actor)
        if _work_tasks(drop) <= locked and _requests(drop) <= requests:
            savepoint.commit()
            return
        savepoint.rollback()


def _lock(keep: Member, drop: Member, actor: Member) -> None:
    """Both accounts' rows in id order (the house order: two admins merging one pair, or
    the pair both ways, take turns and the second is refused: B merged), NO KEY like every
    roll change (``roll.lock_member``); the actor's row key-shared for their audit row."""
    for member_id in sorted({keep.id, drop.id, actor.id}):
        read = member_id == actor.id and member_id not in (keep.id, drop.id)
        db.session.execute(select(Member.id).where(Member.id == member_id)
                           .with_for_update(read=read, key_share=True))
    db.session.execute(select(Member).where(Member.id.in_([keep.id, drop.id]))
                       .execution_options(populate_existing=True)).all()
    db.session.refresh(keep, ["roll_periods"])
    db.session.refresh(drop, ["roll_periods"])


def merge_members(keep: Member, drop: Member, actor: Member, *,
                  shown: str | None) -> Preview:
    """Merge ``drop`` (B) into ``keep`` (A), in the caller's transaction: all of it or
    nothing. Refused (nothing written) when the two cannot be merged, when a task has
    both or their hours count at overlapping hours (``blocking``), or when what would
    move is no longer what the page showed
    (``shown``: ``RECORDS_CHANGED``; its signed documents others, ``roll.NamedSince``,
    compared as every page's key under the accounts' locks). Returns what moved, with the 已定稿 months whose official figures it
    changes (``_final_months``; an admin's change: allowed, and named — the page after
    it names those whose 月报 now says so, ``final.told_changed``)."""
    if actor is None or not actor.is_admin or not actor.active:
        raise PermissionDenied(_l("只有单位管理员可以合并账号。"))
    unclassified = member_references() - set(REFERENCES)
    if unclassified:  # a new reference to a member nobody decided for: merge nothing
        raise RuntimeError(f"merge: unclassified references to member.id: {sorted(unclassified)}")
    if drop.id == actor.id:
        raise ServiceError(_l("不能把自己的账号合并到其他账号（合并后该账号将停用）。"))
    _lock_all(keep, drop, actor)
    moved = preview(keep, drop)
    if moved.conflicts:
        raise ServiceError(_l("两个账号都参加了以下任务，不能合并：%(tasks)s。请先更正这些任务的参与记录"
                              "（如取消其中一个账号的认领），再合并。",
                              tasks=str(_l("、")).join(task_label(t) for t in moved.conflicts)))
    if moved.overlaps:
        raise ServiceError(_l("两个账号在同一时间都计入了服务时长，不能合并：%(pairs)s。同一时间只计一次："
                              "请先更正其中一项活动的参与记录（如该活动并未开展，将其作废），再合并。",
                              pairs=str(_l("；")).join(overlap_label(p) for p in moved.overlaps)))
    posted_moved, posted_named = shown_parts(shown)
    if posted_named is None or posted_moved != moved.moved_key():
        raise ServiceError(RECORDS_CHANGED)
    # the signed documents as every page's key (``roll.NamedSince``): the view answers
    # with the page read again, its words of what it names then (``said_afresh``)
    roll.keep_named(posted_named, lambda: moved.named, actor=actor, then=THEN_MERGE)
    stays_before = [[p.unit_id, _iso(p.since), _iso(p.until)] for p in drop.roll_periods]
    task_ids = []
    for row in db.session.scalars(_moving_assignments(keep, drop)):
        row.member_id = keep.id  # through the ORM: the counted rows follow (participation.py)
        task_ids.append(row.task_id)
    for row in db.session.scalars(_moving_waitlist(keep, drop)):
        row.member_id = keep.id
    db.session.flush()
    for model, column in ((Task, Task.leader_id), (BackfillRequest, BackfillRequest.member_id),
                          (Need, Need.claimed_by_id)):
        db.session.execute(update(model).where(column == drop.id).values({column.key: keep.id})
                           .execution_options(synchronize_session=False))
    for table, other in ((liaison_community, "community_id"), (resident_member, "resident_id")):
        mine = table.alias()
        db.session.execute(update(table).where(
            table.c.member_id == drop.id,
            ~exists().where(mine.c.member_id == keep.id, mine.c[other] == table.c[other]))
            .values(member_id=keep.id))
        db.session.execute(delete(table).where(table.c.member_id == drop.id))
    drop.active = False
    db.session.add(MemberMerge(member_id=drop.id, into_id=keep.id, merged_by_id=actor.id))
    roll.settle(drop, local_today())  # off the roll from today, as 停用 is
    db.session.flush()
    gained = fold_roll(keep, drop)
    # as 停用 ends them (``directory._sign_out``): the account never logs in again, so
    # no form typed before is kept for a login to come (``auth.relogin``)
    stop_calendar(drop, actor, "deactivated")
    end_other_sessions(drop, actor, "deactivated")
    revoke_links(actor, "deactivated", of=[drop], made_by=[drop])  # as 停用 does (``directory._sign_out``)
    db.session.flush()
    db.session.expire_all()  # the statements above bypassed the ORM's copies
    audit(actor, "merge", drop, into=keep.id, participations=moved.participations,
          minutes=moved.minutes, claims=moved.claims, check_ins=moved.check_ins,
          backfilled=moved.backfilled, waitlist=moved.waitlist, led=moved.led,
          requests=moved.requests, needs=moved.needs, communities=moved.communities,
          residents=moved.residents, tasks=sorted(task_ids), stays_before=stays_before,
          stays_gained=[[unit, _iso(since), _iso(until)] for since, until, unit in gained],
          final_months=[[m.unit_id, m.year, m.month] for m in moved.final_months],
          final_community_months=[[m.community_id, m.year, m.month]
                                  for m in moved.final_community_months],
          final_years=[[y.unit_id, y.community_id, y.year] for y in moved.years])
    return moved


def task_label(task: Task) -> str:
    return f"{task.service_date.isoformat()} {task.title}"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
