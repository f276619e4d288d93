"""The roll over time (在册): each member's stays on a unit's roll (``RollPeriod``).

Every path that changes who is on which unit's roll changes the member and then calls
``settle``: the member form (a new member; 单位, 计入参与统计), 停用 / 重新启用 and
the member import; 更正日期 on the member page moves the date of the latest change
(``move_change``). The figures (``rollups/coverage.py``) read only the periods.

The rules (docs/design.md, invariant 2):

- a member is on the roll while their account is active and they are 计入参与统计,
  on the roll of their current unit;
- a change takes effect on a day (自何日起 of the member form or the import, today by
  default; today for 停用 / 重新启用): the stay before it keeps its months, the new
  one starts on it. A member switched back on starts a new stay: the months they were
  away keep them off; moved to another unit, they count in the old unit's months up
  to the day and in the new unit's from it;
- a member who joins while the bureau has recorded no work yet (no task at all: the
  first roll, on the form or by import) is on the roll "since always", so the months
  recorded afterwards by 补录 count them; once work exists, a new member joins on the
  day given (today by default);
- the latest change of a member's history (``last_change``: the latest date it
  records — a move, a start, an end) may have its date corrected, later than the
  change before it and not in the future (``check_correction``, ``move_change``): the
  stays on either side of it keep their units and grow or shrink by the days between.

A page that acts on the roll as it showed it — 更正日期 (the latest change it named), the
member form's move or switch (the unit and 计入参与统计 it showed) — posts the latest
change it showed (``shown_key``); under ``lock_member`` the service refuses it
(``check_shown``) when another admin's change has committed since the page was read.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ..i18n import lazy_gettext as _l
from sqlalchemy import (Date, Integer, case, cast, column, exists, literal, null, or_, select,
                        union_all, values)
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import (
    Assignment,
    AssignmentStatus,
    CountedParticipation,
    Member,
    Need,
    ReportStatus,
    RollPeriod,
    Task,
    TaskReport,
)
from ..rollups.needs import claim_day
from ..rollups.stays import covers, stay_at_end
from ..timeutil import local_today
from . import ServiceError, reopened, summary_notes
from .cell_dates import ROLL_TOO_EARLY, too_early

FIELD = "roll_from"
CORRECTION_FIELD = "day"  # the correction form's date field
STALE = _l("该党员的在册记录已被他人修改，请刷新后重试。")


def roll_unit(active: bool, on_roll: bool, unit_id: int) -> int | None:
    """The rule: an account on the roll (active, 计入参与统计) is on its unit's; any
    other is on none."""
    return unit_id if active and on_roll else None


def wanted_unit(member: Member) -> int | None:
    """The unit whose roll the member is on from now (None: off every roll)."""
    return roll_unit(member.active, member.on_roll, member.unit_id)


def differs(member: Member, unit_id: int | None) -> bool:
    """Would a roll of ``unit_id`` (None: none) differ from the member's open stay?"""
    current = open_period(member)
    return (current.unit_id if current else None) != unit_id


def lock_member(member: Member, actor: Member | None = None, *, key: bool = False) -> None:
    """Lock the member's row (``FOR NO KEY UPDATE``, to the commit) and read the member
    and their stays again. Every change of a member's roll — the member form's move or
    switch, 停用 / 重新启用, 更正日期 — takes it before it reads the stays it decides
    on: on PostgreSQL a second admin's change waits for the first to commit and then
    checks its day against the history the first left (refused when it no longer
    fits), never writing a stay that runs backwards or two rolls at once. The member
    form takes it for all its fields (``directory.update_member``): a second admin's
    post waits, then is merged with the fields the first wrote. SQLite's writers
    take turns anyway; it ignores the clause.

    ``actor``: the admin whose audit row the transaction writes (naming them: a key
    share on their row), taken now with the member, the two in id order (the house
    order, docs/design.md). ``key``: the transaction changes the member's 手机号, under
    a unique index, which PostgreSQL locks ``FOR UPDATE`` at the UPDATE whatever the app
    asks: the row is taken so now. Two admins changing each other's 手机号 used to hold
    the other's row ``FOR UPDATE`` and then wait to name themselves — a deadlock; in one
    order the second waits holding nothing."""
    locks = {member.id: dict(key_share=not key)}
    if actor is not None and actor.id is not None and actor.id != member.id:
        locks[actor.id] = dict(read=True, key_share=True)
    for member_id in sorted(locks):
        db.session.execute(select(Member.id).where(Member.id == member_id)
                           .with_for_update(**locks[member_id]))
    _read_again([member.id])


def moving_units(member: Member, unit_id: int | None) -> set[int]:
    """Every unit whose documents a move of ``member`` to ``unit_id`` (the form's 单位)
    may ask about under ``signed_after(lock=True)``: the unit she is in, the one she
    moves to and the units of her stays (her roll units, the units her needs and her
    work on no roll count for). Read under her lock, before the change is made."""
    return {member.unit_id, unit_id, *(stay.unit_id for stay in member.roll_periods)} - {None}


def lock_members(members) -> None:
    """``lock_member`` for many at once (the member import): their rows locked in id
    order (one order, so two imports cannot deadlock), then read again with their stays
    — so the import's check of each 自何日起 reads the history another admin's change
    left, as the form's does. The rows are locked by a plain SELECT … FOR NO KEY UPDATE
    of their ids, then read: a locking read of the members would load their eager
    relationships by outer joins, which PostgreSQL refuses FOR UPDATE on.

    NO KEY: a change of the roll never changes a member's id, and a full FOR UPDATE
    would also block the key-share lock PostgreSQL takes on the member whenever another
    transaction writes a row naming them — every audit row of the member's own actions,
    their claims. The member saving their unit's 月报 words (holding the unit's row,
    ``summary_notes.lock_scope``) waited so on the admin moving them, whose new stay
    then waited on that unit's row: a deadlock. Two changes of one member's roll still
    take turns (NO KEY UPDATE conflicts with itself)."""
    ids = sorted(member.id for member in members if member.id is not None)
    for start in range(0, len(ids), 500):
        db.session.execute(select(Member.id).where(Member.id.in_(ids[start:start + 500]))
                           .order_by(Member.id).with_for_update(key_share=True))
    _read_again(ids)


def _read_again(ids: list[int]) -> None:
    """Read the members of ``ids`` again with their stays (after their locks)."""
    for start in range(0, len(ids), 500):
        db.session.execute(select(Member).where(Member.id.in_(ids[start:start + 500]))
                           .options(selectinload(Member.roll_periods))
                           .execution_options(populate_existing=True)).all()


def open_period(member: Member) -> RollPeriod | None:
    return next((p for p in member.roll_periods if p.until is None), None)


def earliest_change(member: Member) -> date | None:
    """The first day a change may take effect: not before the last date of the
    member's roll history (the start of the current stay, or the end of the last)."""
    days = [d for p in member.roll_periods for d in (p.since, p.until) if d is not None]
    return max(days, default=None)


def check_floor(day: date, field: str = FIELD) -> None:
    """Refuse a roll's date before the house's floor (``timeutil.EARLIEST_DAY``): no
    figure counts a day before it, so a stay since then counts as one since earlier."""
    if too_early(day):
        raise ServiceError(ROLL_TOO_EARLY, field=field)


def check_day(member: Member, day: date) -> None:
    """Refuse a 自何日起 in the future, before the floor, or inside the member's
    recorded history."""
    check_floor(day)
    if day > local_today():
        raise ServiceError(_l("生效日期不能晚于今天。"), field=FIELD)
    first = earliest_change(member)
    if first is not None and day < first:
        raise ServiceError(_l("生效日期不能早于%(day)s（该党员上一次在册变动的日期）。",
                              day=first.isoformat()), field=FIELD)


def join_day() -> date | None:
    """When a member added now joins the roll: since always (None) while the bureau has
    recorded no work yet, else today."""
    started = db.session.scalar(select(Task.id).limit(1)) is not None
    return local_today() if started else None


def changes_roll(member: Member) -> bool:
    """Would ``settle`` change the member's periods (unit or 计入参与统计 changed)?"""
    return differs(member, wanted_unit(member))


def start(member: Member, day: date | None) -> None:
    """A new member's history (before it is added: nothing to read): one stay from
    ``day`` (None: since always) when they are on the roll."""
    unit_id = wanted_unit(member)
    member.roll_periods = [RollPeriod(unit_id=unit_id, since=day)] if unit_id is not None else []


def settle(member: Member, day: date | None) -> bool:
    """Bring the member's periods in line with their state (``wanted_unit``), the
    change taking effect on ``day`` (None: since always, for a member with no history
    yet). Returns whether anything changed; the caller checks ``day`` (``check_day``)
    and flushes."""
    if not changes_roll(member):
        return False
    if day is None and member.roll_periods:
        day = local_today()
    current = open_period(member)
    if current is not None:
        if current.since is not None and current.since >= day:
            member.roll_periods.remove(current)  # a stay of no day at all
        else:
            current.until = day
        db.session.flush()  # the stay is closed before another opens (one open per member)
    unit_id = wanted_unit(member)
    if unit_id is not None:
        resumed = next((p for p in member.roll_periods
                        if p.unit_id == unit_id and p.until is not None and p.until == day), None)
        if resumed is not None:  # back on the same day they left: one stay
            resumed.until = None
        else:
            member.roll_periods.append(RollPeriod(unit_id=unit_id, since=day))
    return True


@dataclass(frozen=True)
class Change:
    """The latest change in a member's roll history: on ``day`` the stay in
    ``left_unit_id`` ended and/or the one in ``joined_unit_id`` began (both: a move, or
    计入参与统计 changed back and forth across units; one of them: off every roll, or on
    one again). ``after``: the date of the change before it (None: nothing dated before
    it), which a corrected day must be later than. ``member_id``: whose (None: a member
    not yet added) — the needs they claimed alone move with it (``need_days``)."""

    day: date
    after: date | None
    left_unit_id: int | None
    joined_unit_id: int | None
    member_id: int | None = None
    # the unit the member is in (``Member.unit_id``) before and after the change, when
    # it moves her (``pending_change``'s ``units_now``): her work on days on no roll
    # counts for it (``stays.unit_then``), so it moves too (``unit_now_moved``, roll52)
    units_now: tuple[int | None, int | None] | None = None

    @property
    def unit_ids(self) -> tuple[int, ...]:
        return tuple(u for u in (self.left_unit_id, self.joined_unit_id) if u is not None)

    @property
    def dated(self) -> bool:
        """A change of a roll, on its day; not one of ``off_roll_move`` (``NO_DAY``)."""
        return self.day != NO_DAY


# the day of a move of a member on no roll (``off_roll_move``): no roll changes on any
# day, every day of hers before it is on the table (``_moves``: uncovered days move)
NO_DAY = date.max


def off_roll_move(member: Member | None, unit_id: int | None,
                  units_now: tuple[int | None, int | None] | None) -> Change | None:
    """A save that moves a member on no roll (a liaison, 计入参与统计 否, 停用: no open
    stay, ``unit_id`` — the roll after it — None) to another unit: it changes no roll,
    yet every day of her work on no roll counts for the unit she is in now
    (``stays.unit_then``) and moves with her (``unit_now_moved``; unroll53). A ``Change``
    of no day (``NO_DAY``) and no units of a roll, keyed without a day (``change_key``);
    None when the member stays where she is or is on a roll either side."""
    if (member is None or member.id is None or unit_id is not None or units_now is None
            or units_now[0] == units_now[1] or open_period(member) is not None):
        return None
    return Change(day=NO_DAY, after=None, left_unit_id=None, joined_unit_id=None,
                  member_id=member.id, units_now=units_now)


def last_change(member: Member) -> Change | None:
    """The change whose date may be corrected: the latest date of the member's stays
    (the boundary between the last two, the end of the last, or the start of the only
    one), or None when no stay has a date (on the roll since always, or never)."""
    days = sorted({d for p in member.roll_periods for d in (p.since, p.until) if d is not None})
    if not days:
        return None
    day = days[-1]
    left = next((p.unit_id for p in member.roll_periods if p.until == day), None)
    joined = next((p.unit_id for p in member.roll_periods if p.since == day), None)
    return Change(day=day, after=days[-2] if len(days) > 1 else None,
                  left_unit_id=left, joined_unit_id=joined, member_id=member.id)


@dataclass(frozen=True)
class Corrected:
    """What 更正日期 may change of what was signed, named before the change is made
    (``correct_roll_date`` returns it, its audit row records it): the 已定稿 months
    (``corrected_months``) and the 已定稿 年度总结 (``corrected_years``). ``asked_years``,
    of 更正日期 done: every signed year between the two dates (``candidate_years``),
    compared too by the message after it — found by the service under the member's
    lock, as the rest (renamebound); not part of what was named (``named_key``)."""

    months: list
    years: list
    asked_years: list = field(default_factory=list, compare=False)


@dataclass(frozen=True)
class _Between:
    """The days a correction moves into the other stay, [first, last], and the
    member's official work that those days hold (``_between``)."""

    first: date
    last: date
    move: bool  # the stays either side are of two units
    approved: list[tuple[date, int]]  # (day, task's unit) of approved work in the months touched
    # for a move: days of approved work, and the days (posted, fulfilled) a need counts
    # on whose claim_day is one of them, claimed by the member alone
    moved: set[date]
    # (unit, year, month) a need of ``moved`` counts in, for either unit (``need_months``)
    need_months: set[tuple[int, int, int]]


def _between(member: Member, change: Change, day: date) -> _Between:
    first, last = min(day, change.day), max(day, change.day) - timedelta(days=1)
    units = {change.left_unit_id or member.unit_id, change.joined_unit_id or member.unit_id}
    # from the first of the first year: a year counts its roll once (``coverage``), who
    # was on the unit's roll during it (本年调离) from its first day
    approved = [tuple(row) for row in db.session.execute(
        select(Task.service_date, Task.unit_id).join(Assignment, Assignment.task_id == Task.id)
        .join(TaskReport, TaskReport.task_id == Task.id)
        .where(Assignment.member_id == member.id, Assignment.status == AssignmentStatus.done,
               TaskReport.status == ReportStatus.approved,
               Task.service_date >= date(first.year, 1, 1),
               Task.service_date <= date(last.year, 12, 31)))]
    moved: set[date] = set()
    needs: set[tuple[int, int, int]] = set()
    if len(units) > 1:
        # a need the member claimed alone is the unit's of their stay on its claim_day:
        # it counts in the months it was posted and fulfilled in (``moved_needs``)
        found = moved_needs([replace(change, day=first)], last)
        needs = _unit_months(found)
        moved = {d for d, _unit in approved if first <= d <= last} | {
            d for _units, days in found for d in days}
    return _Between(first, last, len(units) > 1, approved, moved, needs)


def moved_needs(changes, last: date | None = None) -> list[tuple[set[int], set[date]]]:
    """For each roll change of a member (``Change.member_id``; none: a member not yet
    added), the needs whose unit it may move (``rollups.needs.need_unit``, one rule): the
    two units either side of it — a side off every roll is the unit the member is in now
    (``stays.unit_then``); one unit, nothing moves — and the days those needs count on,
    posted (本月发布) and fulfilled (本月完成): needs the member claimed alone whose
    ``claim_day`` (the day ``need_unit`` decides them by) is the change's day or later,
    to ``last`` (None: any). A need posted in a month before the change moves that
    month's 本月发布. One statement for all the changes (an import's many)."""
    wanted = [c for c in changes if c.member_id is not None]
    found: dict[int, list] = {}
    ids = sorted({c.member_id for c in wanted})
    day = claim_day()
    for start in range(0, len(ids), 500):
        query = (select(Need.claimed_by_id, Member.unit_id, day, Need.posted_on, Need.fulfilled_on)
                 .join(Member, Member.id == Need.claimed_by_id)
                 .where(Need.claimed_by_id.in_(ids[start:start + 500]),
                        Need.claimed_unit_id.is_(None),
                        day >= min(c.day for c in wanted)))
        if last is not None:
            query = query.where(day <= last)
        for row in db.session.execute(query):
            found.setdefault(row[0], []).append(row[1:])
    moved = []
    for change in changes:
        rows = [r for r in found.get(change.member_id, ()) if r[1] >= change.day]
        units = {change.left_unit_id or r[0] for r in rows} | {
            change.joined_unit_id or r[0] for r in rows}
        units.discard(None)
        if len(units) > 1:
            moved.append((units, {d for r in rows for d in r[2:] if d is not None}))
    return moved


def _unit_months(moved) -> set[tuple[int, int, int]]:
    """(unit, year, month) of each day of ``moved_needs``, for each of its units."""
    return {(unit, d.year, d.month) for units, days in moved for unit in units for d in days}


def need_months(changes, last: date | None = None) -> list:
    """The 已定稿 months (``summary_notes.FinalMonth``) the needs ``changes`` may move
    count in (``moved_needs``): a month before a change's own is among them."""
    return _final_months(_unit_months(moved_needs(changes, last)))


def _final_months(wanted: set[tuple[int, int, int]]) -> list:
    if not wanted:
        return []
    days = [date(year, month, 1) for _unit, year, month in wanted]
    return [m for m in summary_notes.final_unit_months({u for u, _y, _m in wanted},
                                                       min(days), max(days))
            if (m.unit_id, m.year, m.month) in wanted]


def _final_years(wanted: set[tuple[int, int, int]]) -> list:
    """The 已定稿 年度总结 of the (unit, year) of ``wanted``'s months."""
    pairs = {(unit, year) for unit, year, _month in wanted}
    if not pairs:
        return []
    return [y for y in summary_notes.final_years({u for u, _y in pairs}, (),
                                                 {y for _u, y in pairs})
            if (y.unit_id, y.year) in pairs]


def need_years(changes, last: date | None = None) -> list:
    """The 已定稿 年度总结 the needs ``changes`` may move count in, as ``need_months``."""
    return _final_years(_unit_months(moved_needs(changes, last)))


def _merged(*lists) -> list:
    """Months or years of several candidate lists, each once, in date order."""
    return sorted(dict.fromkeys(x for one in lists for x in one),
                  key=lambda x: (x.year, getattr(x, "month", 0)))


def _touched(between: _Between, unit_id: int, left_unit_id: int | None, start: date,
             end: date) -> bool:
    """Whether a period [start, end] of a unit — a month, or a year — counts otherwise
    once the days between count in the other stay: its roll day (``end``) is one of
    them; it is the unit left, its first day is one of them and the member has approved
    work on that unit's activities in it (on the unit's roll during the period or not:
    本月调离 / 本月离册 against 外单位); or, for a move, it holds the member's approved
    work on one of them (that work counts for the other unit's members), or a day a
    need counts on (posted, fulfilled) whose claim_day is one of them."""
    first, last = between.first, between.last
    return (first <= end <= last
            or (first <= start <= last and unit_id == left_unit_id
                and any(start <= d <= end and unit == unit_id for d, unit in between.approved))
            or any(start <= d <= end for d in between.moved))


def corrected_key(corrected: Corrected | None, day: date | None) -> str:
    """What a page named of ``corrected`` — correcting to ``day`` — (posted back as the
    correction's ``promised``): the day and the signed months and years, "" for none.
    The day is part of it: a date typed anew on the confirming page is another
    correction, named afresh (``promised_day``), not one whose signed items changed."""
    named = named_key(corrected)
    return f"{day.isoformat()}:{named}" if named and day is not None else ""


def change_key(corrected: Corrected | None, change: Change) -> str:
    """What the member form's page named of a roll ``change`` (``corrected``): its
    ``corrected_key``, by the change's day; a move on no roll (``off_roll_move``), of no
    day, 「:」 and the documents — "" for none. Another date typed names afresh; the
    move on no roll has none to type (``key_day``)."""
    if change.dated:
        return corrected_key(corrected, change.day)
    named = named_key(corrected)
    return f":{named}" if named else ""


def key_day(change: Change) -> str:
    """The day ``change_key`` keys ``change`` by (ISO; "" for a move on no roll)."""
    return change.day.isoformat() if change.dated else ""


def named_key(corrected: Corrected | None) -> str:
    """The signed months and years of ``corrected``, one string ("" for none): a unit's
    month 「unit-year-month」 (with 「@c1.c2」, the communities of the work it was found
    by, when it has them: ``FinalMonth.scope``, which ``reopened`` asks again of a part
    gone, review44c #2), a community's own 「cid-year-month」, a year 「yscope-year」.
    Two keys name the same documents when their ``bare_key`` are equal: the scope tells
    what to ask, never another name. Every number an id (the database's INTEGER), one
    part per document the change names: the words of a refusal read at most
    ``reopened.MAX_NAMED_PARTS`` parts (why so many, there); a longer key is compared
    whole all the same, and a refusal of it names its documents on the page afresh."""
    if corrected is None:
        return ""
    return ",".join([*(_unit_month(m) if isinstance(m, summary_notes.FinalMonth)
                       else f"c{m.community_id}-{m.year}-{m.month}" for m in corrected.months),
                     *(f"y{y.scope.key}-{y.year}" for y in corrected.years)])


def _unit_month(month) -> str:
    scope = f"@{'.'.join(map(str, month.scope))}" if month.scope else ""
    return f"{month.unit_id}-{month.year}-{month.month}{scope}"


def bare_key(key: str | None) -> str | None:
    """``key`` as the documents it names (``named_key``): its parts without their scopes,
    each once, in one order whatever the key's — ``named_key`` writes them in the order
    of the units' and communities' names, which a rename alone changes (review45 #2)."""
    if key is None:
        return None
    return ",".join(sorted({re.sub(r"@[\d.]+", "", part) for part in key.split(",") if part}))


def same_named(promised: str | None, now: str) -> bool:
    """A page's key (``promised``) names what the change names now (``now``): the same
    documents, in whatever order either key lists them."""
    return bare_key(promised) == bare_key(now)


def said_since(promised: str | None, naming, words=None, *, actor: Member,
               then: reopened.Then):
    """What a page named afresh says first, its key ``promised`` not that of ``naming``
    (what the change names now): ``words``, the page's own sentence, when its block names
    all the page named before (a month signed since; None: ``then.more``, a 「确认…」
    page's, naming its button); else the documents re-opened
    since, and whether anything signed is left (``reopened.words_since``: one choice of
    words for every page, the block above being there or not). ``actor``: who posted
    the key (``reopened.reopened_since`` reads it only from one whose pages write it);
    ``then``: the page's words as its button says them (``reopened.Then``) — among
    them ``then.same``, when what it names now is exactly what the page named (a month
    signed under the change's locks and re-opened after its rollback: the list shown is
    the list again, nothing on it changed; stale53)."""
    now = named_key(naming)
    return reopened.words_since(reopened.reopened_since(promised, now, actor), bool(now),
                                words, then, same=same_named(promised, now))


class NamedSince(ServiceError):
    """A change refused, nothing written: the 已定稿 月报 and 年度总结 it would change
    (``naming``, a ``summary_notes.Naming`` or None — for the page to name afresh) are
    not those its page named (``keep_named``; ``promised``, its key) — a month signed,
    or re-opened, since the page was read. The view answers with the page naming them
    afresh, typed fields kept; its message (``said``) names what was re-opened.
    ``then``: the page's words as its button says them (``reopened.Then``)."""

    def __init__(self, naming, message, promised: str | None, actor: Member, *,
                 then: reopened.Then):
        now = named_key(naming)
        # read now, in the change's unit of work: the names as the page would show them
        self.reopened = reopened.reopened_since(promised, now, actor)
        self.naming, self.named_now, self.then = naming, bool(now), then
        super().__init__(self.said(message))

    def said(self, words):
        """The refusal in a page's own ``words`` (撤销审核's, 作废's, a naming page's):
        those words when only more is signed now, else what was re-opened — ending on
        the page's own button (``then``), never a generic 「…请再次提交。」
        (then54)."""
        return reopened.words_since(self.reopened, self.named_now, words, self.then)


def keep_named(promised: str | None, named: Callable[[], summary_notes.Naming | None],
               words=None, *, actor: Member, then: reopened.Then) -> None:
    """Refuse (``NamedSince``, ``words``) a change whose page named other signed
    documents than ``named()`` — what the change would name now, read only when a key
    was posted (a statement; asked under the change's own locks, and with
    ``final_naming_places(lock=True)`` where it takes the months' share locks too) —:
    ``promised`` is the ``named_key`` the page posted back ("" when it named nothing).
    None: the post carried no key (not from a page of the app), and is not asked — as
    before the key. The one compare of 通过, 冲销, 作废, 撤销审核, 服务对象 and every
    ``named_page.NamedFirst`` change. ``actor``: who posted the key (its words read it
    only from one whose pages write it: ``reopened.reopened_since``); ``then``: its
    page's words as the button says them (``NamedSince``)."""
    if promised is None:
        return
    naming = named()
    if not same_named(promised, named_key(naming)):
        raise NamedSince(naming, words, promised, actor, then=then)


def promised_day(promised: str) -> str:
    """The day (ISO) of a ``corrected_key`` a page posted back, "" for none."""
    return promised.partition(":")[0] if ":" in promised else ""


def promised_named(promised: str) -> str:
    """The documents (``named_key``) of a ``corrected_key`` a page posted back."""
    return promised.partition(":")[2]


def same_corrected(promised: str | None, key: str) -> bool:
    """A correction's page key (``promised``, a ``corrected_key``) names what ``key``
    does: the same day and the same documents in whatever order (``same_named``) — a
    unit renamed between the page and the save reorders a key, never changes it."""
    if not promised or not key:
        return (promised or "") == key
    return (promised_day(promised) == promised_day(key)
            and same_named(promised_named(promised), promised_named(key)))


def corrected_months(member: Member, change: Change, day: date) -> list:
    """The 已定稿 months (``summary_notes.FinalMonth``) whose official figures moving
    ``change`` to ``day`` may change — never fewer than those whose signed document the
    live one will then differ from (``final.told_changed`` asks which do). The days
    between the two dates count in the other stay; a month is named when

    - its last day is one of them: the roll it is counted by (参与情况, 未参与名单, who
      of its people are the unit's own) gains or loses the member;
    - it is the month of a unit the member left, its first day is one of them, and the
      member has approved work on the unit's activities in it: the member was on the
      unit's roll during the month or not (the lead's 本月调离 / 本月离册 against 外单位 /
      不计入参与统计);
    - the change is a move (the stays either side are of two units: off every roll the
      member's work counts for their unit of now, ``stays.unit_then``), and the
      member has approved work on one of the days: that work counts for the other
      unit's members (参与情况's 人次 and hours, which the 月报 writes when they
      differ from the unit's own activities'); or a need they claimed alone was
      fulfilled — not yet: claimed — on one of them (``rollups.needs.claim_day``): it
      is the other unit's in the months it was posted and fulfilled in.

    Work waiting for review counts in no signed figure (``final.official``): moving it
    names no month. Nor does a change within a month that leaves the member counted as
    before: a member who left the roll on the 20th and not the 5th was on it during the
    month and is off it at its end, either way."""
    between = _between(member, change, day)
    # and the months its moved needs count in, which may be before the first day
    months = _merged(summary_notes.final_unit_months(change.unit_ids, between.first,
                                                     between.last),
                     _final_months(between.need_months))
    return [month for month in months
            if _touched(between, month.unit_id, change.left_unit_id,
                        date(month.year, month.month, 1),
                        _month_end(date(month.year, month.month, 1)))]


def corrected_years(member: Member, change: Change, day: date, months=()) -> list:
    """The 已定稿 年度总结 (``summary_notes.FinalYear``: a unit's, whole or in one
    community) whose official figures moving ``change`` to ``day`` may change — named
    before the change, as ``corrected_months`` names the months, and by the same rule,
    the year being a period of its own: the year counts its roll on its last day (在册
    党员干部, 全年参与, 全年未参与名单), who of its people are the unit's own by its
    first day, and its members' 人次 and hours by the unit of each day (``_touched``);
    and a year holding one of the ``months`` named marks that month changed in its
    分月统计. Its months signed or not. The year's figures are the months' rules over
    the year (``annual``): never fewer than those whose page will then say
    「定稿后数据有变化」 (``annual_final.told_changed_years`` asks which do)."""
    between = _between(member, change, day)
    years = _merged(summary_notes.final_years(change.unit_ids, (),
                                              range(between.first.year, between.last.year + 1)),
                    _final_years(between.need_months))
    holding = {(m.unit_id, m.year) for m in months}
    return [year for year in years
            if (year.unit_id, year.year) in holding
            or _touched(between, year.unit_id, change.left_unit_id, date(year.year, 1, 1),
                        min(date(year.year, 12, 31), local_today()))]


def candidate_years(change: Change, day: date) -> list:
    """Every 已定稿 年度总结 of the units ``change`` is between whose year holds one of
    the days between the two dates: what the message after the correction asks the
    year page's own comparison of (``annual_final.told_changed_years``), so that it is
    exact whatever ``corrected_years`` foresaw."""
    first, last = min(day, change.day), max(day, change.day) - timedelta(days=1)
    return _merged(summary_notes.final_years(change.unit_ids, (), range(first.year, last.year + 1)),
                   need_years([replace(change, day=first)], last))


def changed_final_months(change: Change, today: date) -> list:
    """The 已定稿 months (``summary_notes.FinalMonth``) a roll change just saved on the
    member form (新增, 计入参与统计, 单位, from its 自何日起) may change: those of its units
    from the change's month to today's — each month's roll is that of its last day, on
    or after the change. More than change: the page after the save asks each whether
    its 月报 now differs (``final.told_changed``). And the months the needs it may move
    count in (``need_months``): a need posted in a month before the change's and
    claimed on or after its day is the other unit's in its month of 本月发布."""
    return _merged(summary_notes.final_unit_months(change.unit_ids, change.day, today),
                   need_months([change]))


def changed_final_years(change: Change, today: date) -> list:
    """The 已定稿 年度总结 (``summary_notes.FinalYear``) of the change's units from its
    year to today's, as ``changed_final_months`` (``annual_final.told_changed_years``
    asks which now differ), and those its moved needs count in (``need_years``)."""
    return _merged(summary_notes.final_years(change.unit_ids, (),
                                             range(change.day.year, today.year + 1)),
                   need_years([change]))


def pending_change(member: Member | None, unit_id: int | None, day: date | None,
                   units_now: tuple[int | None, int | None] | None = None) -> Change | None:
    """The change a save of the member form (or a row of the import) would record, read
    before it is made: on ``day`` the member leaves the unit of their open stay (none
    for a member not yet added: ``member`` None) for the roll of ``unit_id`` (None: off
    every roll). None when the roll stays as it is, or when the day is none (a first
    roll, since always: no signed month holds it). ``units_now``: the unit she is in
    before the save and after it (``Change.units_now``), when the save moves her."""
    current = open_period(member) if member is not None else None
    left = current.unit_id if current is not None else None
    if day is None or left == unit_id:
        return None
    moved = units_now if units_now is not None and units_now[0] != units_now[1] else None
    return Change(day=day, after=None, left_unit_id=left, joined_unit_id=unit_id,
                  member_id=member.id if member is not None else None, units_now=moved)


@dataclass(frozen=True)
class NowMoved:
    """What changes of the unit a member is in move through her days on no roll
    (``now_moved``): the (unit, year, month) of the months and of the years (month 0)
    whose figures or words they move, and what of hers moves — "work", her
    participation (人次 and hours), "need", a 微心愿 she claimed alone
    (``needs.need_unit``) — for the naming page of a move on no roll to say what moves,
    not her participation when only a need does (review53 #2)."""

    months: set
    years: set
    kinds: frozenset[str] = frozenset()


def unit_now_moved(changes) -> tuple[set, set]:
    """``now_moved``'s months and years."""
    moved = now_moved(changes)
    return moved.months, moved.years


def now_moved(changes) -> NowMoved:
    """The months and years whose figures or words a change of the unit a member is in
    (``Change.units_now``) moves through her work on days on no roll, which counts for
    that unit (``stays.unit_then``, 「参与时未在册，人次和时长计入其现所在单位…」): the
    days before the change's own covered by none of her stays; those from it when she
    leaves every roll with it (her stay's unit's work moves to the unit now); and those
    from it covered by none when she was on no roll and joins one with it (her unit's
    work then moves to the joined stay's unit, rollb52). The change's own units from its
    day are asked anyway (``changed_final_months``). Each such day's month and year, of the unit before and
    after — its 人次 and hours, and the lead of an activity of either (外单位 or
    不计入参与统计) — and of the unit whose roll of the month's (year's) last day holds
    her, whose 参与情况 names the unit her work counts for (roll52); and the months a
    need she claimed alone on a day on no roll before it counts in (posted, fulfilled:
    ``needs.need_unit``, the unit now too), of the units before and after. And what
    moves (``NowMoved.kinds``), read from the same rows: the naming page that says it
    asks once (moved54). One statement for all the changes (an import's many)."""
    wanted: dict[int, list[Change]] = {}
    for change in changes:
        if change.member_id is not None and change.units_now is not None:
            wanted.setdefault(change.member_id, []).append(change)
    months: set[tuple[int, int, int]] = set()
    years: set[tuple[int, int, int]] = set()
    kinds: set[str] = set()
    ids = sorted(wanted)
    # the earliest day she leaves every roll: from it her covered work moves too (a
    # move on no roll, ``off_roll_move``, leaves none: she has no stay to leave)
    leaving = {member_id: min(c.day for c in mine if _leaves(c))
               for member_id, mine in wanted.items() if any(_leaves(c) for c in mine)}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        for member_id, decided, covered, first, second, month_unit, year_unit, need in \
                db.session.execute(_on_no_roll(
                    part, {m: leaving[m] for m in part if m in leaving})):
            for change in wanted[member_id]:
                if not _moves(change, decided, covered, need):
                    continue
                kinds.add("need" if need else "work")
                units = {u for u in change.units_now if u is not None}
                for day in (d for d in (first, second) if d is not None):
                    months |= {(u, day.year, day.month) for u in units | {month_unit} if u}
                    years |= {(u, day.year, 0) for u in units | {year_unit} if u}
    return NowMoved(months, years, frozenset(kinds))


def _leaves(change: Change) -> bool:
    """Does ``change`` take its member off every roll, from its day?"""
    return change.joined_unit_id is None and change.left_unit_id is not None


def _moves(change: Change, decided: date, covered, need) -> bool:
    """Whether a row of ``_on_no_roll`` (work or a need of ``change``'s member, decided
    on ``decided``) moves from one unit to another with ``change``: by ``stays.unit_then``,
    a day no stay covers counts for the unit she is in now. Before the change's day the
    stays stay as they are, so an uncovered day moves with her unit. From it, work
    covered by the left stay moves to her unit now when she leaves every roll, and
    uncovered work (she was on no roll) moves to the joined stay's unit; a need from
    the day is ``moved_needs``' (by its own rule)."""
    if decided < change.day:
        return not covered
    if need:
        return False
    return change.joined_unit_id is None or (change.left_unit_id is None and not covered)


def _on_no_roll(member_ids, leaving=None):
    """``now_moved``'s statement: of these members, (member, the day that decides
    the unit, whether a stay of hers covers it, the days it counts on — two —, the unit
    of her stay on the roll of that month's last day and of that year's, 1 for a need)
    for each approved participation (decided and counted on its day) and each need she
    claimed alone (decided on ``needs.claim_day``, counted in the months it was posted
    and fulfilled; no roll's words name it) — only those no stay covers, and a
    member's work from the day of ``leaving`` (member id → the earliest day a change
    takes her off every roll), which moves covered too (``_moves``): a move of members
    on a roll reads none of their history (review52)."""
    worked = CountedParticipation
    month_end, year_end = aliased(RollPeriod), aliased(RollPeriod)
    no_day, no_unit = cast(null(), Date), cast(null(), Integer)

    def covering(member_id, day):
        return exists(select(RollPeriod.id).where(
            RollPeriod.member_id == member_id, *covers(day)).correlate_except(RollPeriod))

    def covered(member_id, day):
        return case((covering(member_id, day), 1), else_=0)

    # the rows that may move (``_moves``): not covered, or from her day of leaving —
    # those days a table of values joined once, however many leave (an OR term each
    # made a statement of ~62,000 characters for an import's 500; rollb52, unroll53);
    # a common table: SQLite takes no column names on a derived one
    kept = [~covering(worked.member_id, worked.service_date)]
    if leaving:
        days = values(column("member_id", Integer), column("day", Date),
                      name="leaving").data(sorted(leaving.items())).cte("leaving")
        kept.append(exists(select(days.c.member_id).where(
            days.c.member_id == worked.member_id, worked.service_date >= days.c.day)))
    day = claim_day()
    return union_all(
        select(worked.member_id, worked.service_date,
               covered(worked.member_id, worked.service_date), worked.service_date, no_day,
               month_end.unit_id, year_end.unit_id, literal(0))
        .outerjoin(month_end, stay_at_end(month_end, worked.member_id,
                                          worked.service_date, True))
        .outerjoin(year_end, stay_at_end(year_end, worked.member_id,
                                         worked.service_date, False))
        .where(worked.member_id.in_(member_ids),
               worked.report_status == ReportStatus.approved, or_(*kept)),
        select(Need.claimed_by_id, day, literal(0), Need.posted_on,
               Need.fulfilled_on, no_unit, no_unit, literal(1))
        .where(Need.claimed_by_id.in_(member_ids), Need.claimed_unit_id.is_(None),
               ~covering(Need.claimed_by_id, day)))


def signed_after(change: Change | None, today: date, *, lock: bool = False) -> Corrected | None:
    """The 已定稿 months and years a roll change of the member form or the import may
    change (``changed_final_months``, ``changed_final_years``, and those a move of the
    unit she is in changes through her work on no roll, ``unit_now_moved``), for the
    page to name before it is saved (``change_key`` keys them, as 更正日期's); None for
    no change. A move on no roll (``off_roll_move``) changes only the last.

    ``lock``: asked by the save itself (``directory._keep_promise``, under the member's
    lock) — first the rows of every unit whose documents it asks about ``FOR SHARE``
    (``summary_notes.share_scopes``, last of the save's locks, as the import's
    ``signed_by``): the change's own units, the units she is in before and after it,
    those her moved needs count for and those her work on no roll moves between. So a
    定稿 of one either committed before the answer (and is named) or waits for the save
    and signs it. The units of the roll alone once went unlocked: the stay the save
    writes takes only a key-share on its unit, which 定稿 does not wait for (lock53)."""
    return signed_and_moved(change, today, lock=lock)[0]


def signed_and_moved(change: Change | None, today: date, *,
                     lock: bool = False) -> tuple[Corrected | None, frozenset[str]]:
    """``signed_after`` and what of the member's moves with ``change`` through her days
    on no roll (``NowMoved.kinds``), from the one read of them: for the naming page of a
    move on no roll, which names the documents and says what moves (moved54)."""
    if change is None:
        return None, frozenset()
    now = now_moved([change])  # her work on no roll (roll52)
    if lock:
        needs = _unit_months(moved_needs([change])) if change.dated else set()
        units = {*change.unit_ids, *(change.units_now or ()),
                 *(u for u, _y, _m in (*now.months, *now.years, *needs))}
        if units:
            summary_notes.share_scopes(units, ())
    if not change.dated:
        return Corrected(_final_months(now.months), _final_years(now.years)), now.kinds
    return (Corrected(_merged(changed_final_months(change, today), _final_months(now.months)),
                      _merged(changed_final_years(change, today), _final_years(now.years))),
            now.kinds)


def signed_by(changes, today: date, renamed=(), *, lock: bool = False) -> Corrected:
    """The 已定稿 months and years that changes of the roll (``Change``s, many at once:
    the member import's, each from its 自何日起) may change — those of their units from
    the day's month to today (``changed_final_months``, ``changed_final_years``), asked
    once per unit from its earliest day (an import's thousand rows of one unit are one
    question, not a thousand), and those the needs they may move count in
    (``need_months``, ``need_years``, once for all) and those a move of a member's
    unit changes through her work on no roll (``unit_now_moved``, once for all) —, and
    those whose documents may
    print the members of ``renamed``, whose 姓名 or 党支部 the change makes other
    (``summary_notes.final_naming_many``). More than change, never less: what a page
    names before the change (the import's preview) and asks the pages' own comparisons
    of after it (``admin.told.tell_foreseen``).

    ``lock``: asked by the change itself (the member import's 确认导入, under the members'
    locks) to compare with what its page named — first the rows of every unit and
    community whose documents it asks about ``FOR SHARE`` (``summary_notes.share_scopes``,
    units then communities, id order), so a 定稿 of any of them either committed before
    the answer (and is named) or waits for the change's commit (and signs it)."""
    changes, renamed = list(changes), list(renamed)
    first: dict[int, date] = {}
    for change in changes:
        for unit_id in change.unit_ids:
            first[unit_id] = min(first.get(unit_id, change.day), change.day)
    # a move on no roll (``off_roll_move``) moves no need from a day: only its work on
    # no roll, ``unit_now_moved``'s
    dated = [change for change in changes if change.dated]
    moved = _unit_months(moved_needs(dated)) if dated else set()
    # and those their moves of the unit a member is in move, through her work on no roll
    now_months, now_years = unit_now_moved(changes)
    tasks = None
    if lock:  # the renamed members' tasks as read under the locks (``share_naming``)
        tasks = summary_notes.share_naming(renamed, {
            *first, *(unit for unit, _y, _m in (*moved, *now_months, *now_years))})
    months, years = [], []
    for unit_id, day in first.items():
        months.append(summary_notes.final_unit_months([unit_id], day, today))
        years.append(summary_notes.final_years([unit_id], (), range(day.year, today.year + 1)))
    if changes:  # one question for all the changes, the months' and the years'
        months.append(_final_months(moved))
        years.append(_final_years(moved))
        months.append(_final_months(now_months))
        years.append(_final_years(now_years))
    return with_naming(Corrected(_merged(*months), _merged(*years)), renamed, today, tasks)


def with_naming(signed: Corrected | None, renamed, today: date,
                tasks: dict | None = None) -> Corrected | None:
    """``signed`` (None: no change of the roll) and the 已定稿 months and years whose
    documents may print the members of ``renamed``, whose 姓名 or 党支部 the change
    makes other (``summary_notes.final_naming_many``; ``tasks``, their
    ``naming_tasks`` when read already); None when both are none."""
    renamed = list(renamed)
    if not renamed:
        return signed
    named_months, named_years = summary_notes.final_naming_many(renamed, today, tasks)
    if signed is None:
        signed = Corrected([], [])
    return Corrected(_merged(signed.months, named_months), _merged(signed.years, named_years))


def _month_end(day: date) -> date:
    """The last day of ``day``'s month (the day a past month's roll is counted on)."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)


def shown_key(change: Change | None) -> str:
    """What a page posts to name the latest change of the roll history it showed ("":
    none): its day, the day of the change before and its two units — another admin's
    move, switch, 停用 / 重新启用 or 更正日期 committed since gives another."""
    if change is None:
        return ""
    return "|".join("" if v is None else str(v) for v in (
        change.day.isoformat(), change.after.isoformat() if change.after else None,
        change.left_unit_id, change.joined_unit_id))


def check_shown(member: Member, shown: str | None) -> None:
    """Refuse a change of the roll posted from a page that showed another latest change
    than the member's history now records (None: the page posted none). Called under
    ``lock_member``, so the history it reads is the one the change will be applied to."""
    if shown != shown_key(last_change(member)):
        raise ServiceError(STALE)


def check_correction(change: Change, day: date) -> None:
    """Refuse a corrected day that is the same, in the future, before the floor
    (``check_floor``), or not after the change before (the stay between the two would
    be of no day at all, or run backwards)."""
    if day == change.day:
        raise ServiceError(_l("更正后的日期与原日期相同。"), field=CORRECTION_FIELD)
    if day > local_today():
        raise ServiceError(_l("更正后的日期不能晚于今天。"), field=CORRECTION_FIELD)
    check_floor(day, CORRECTION_FIELD)
    if change.after is not None and day <= change.after:
        raise ServiceError(_l("更正后的日期须晚于%(day)s（此前一次在册变动的日期）。",
                              day=change.after.isoformat()), field=CORRECTION_FIELD)


def move_change(member: Member, change: Change, day: date) -> None:
    """Put the change on ``day``: the stay that ended on it ends on ``day``, the one
    that began on it begins on ``day``; the caller checks ``day`` (``check_correction``)."""
    for period in member.roll_periods:
        if period.until == change.day:
            period.until = day
        if period.since == change.day:
            period.since = day
