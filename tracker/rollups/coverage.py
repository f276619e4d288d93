"""Coverage (参与情况 / 不漏一人): who of a unit took part (a member's own figures:
``member_status``).

What the coverage page shows. Members on roll are listed by name, never ranked; a member sees their
own figures and nobody else's.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    Date,
    Select,
    and_,
    case,
    exists,
    func,
    or_,
    select,
    union,
)

from sqlalchemy.orm import aliased

from ..formatting import percent
from ..models import CountedParticipation, Member, ReportStatus, RollPeriod, Task, TaskReport
from ..names import ALONE, COUNTS, listed, namesake_columns
from ..sql_hints import not_indexed, written_out
from ..timeutil import local_today
from .batch import Plan, built_once, plan, run
from .figures import ONE, if_approved, if_submitted
from .moved import counted_elsewhere, counted_elsewhere_part
from .scope import Scope, participation_conditions, task_conditions
from .stays import covers, unit_then


def roll_day(date_to: date) -> date:
    """The day whose roll a period [.., date_to) is counted against: its last day, or
    today for a period still running."""
    return min(date_to - timedelta(days=1), local_today())


def on_roll(unit_id: int, day: date) -> list:
    """WHERE conditions on ``RollPeriod`` for a unit's roll (在册) on ``day``: the
    stays in the unit on that day — its members then, counted in participation
    (计入参与统计) and active, with the unit they had then (a member has at most one
    stay on any day, so a stay is a member). Written by ``services/roll.py``."""
    return [RollPeriod.unit_id == unit_id, *covers(day)]


def named_people(scope: Scope):
    """The people a unit's 月报 (or its 参与情况) can name, each with what tells
    namesakes among them apart (``names.distinguished``): a subquery of ``member_id``
    and the ``names.COUNTS`` of each among them (``names.namesake_columns``).

    They are the unit's roll of the period's last day (its 未参与名单 is drawn from it),
    everyone on the scope's approved activities (its ledger's 参与人员: the unit's
    own, a liaison or a member off the roll, another unit's member by 补录) and their
    组长 and 审核人 (the ledger's columns of those names, whether or not they worked
    or are on any roll). Two people
    of one name who can both be named in the document are told apart in each list
    they appear in — a liaison 陈芳 in the ledger and a member 陈芳 in the 未参与名单
    alike — and a namesake the document cannot name (another unit's, someone who
    joined later) changes nothing. A scope without a unit (a community's summary) has
    its participants only."""
    parts = [select(CountedParticipation.member_id.label("member_id"))
             .where(*participation_conditions(scope),
                    CountedParticipation.report_status == ReportStatus.approved),
             *leaders_and_reviewers(scope)]
    if scope.unit_id is not None:
        parts.insert(0, select(RollPeriod.member_id.label("member_id"))
                     .where(*on_roll(scope.unit_id, roll_day(scope.date_to))))
    named = union(*parts).subquery("named")

    def of_each(column):
        # each person's own row read by its key: joined, PostgreSQL's planner read all
        # the county's members to hash them against the few hundred named (≈ 3 ms of
        # the 月报's server CPU at 20,000 members; docs/performance.md, session 56)
        return select(column).where(Member.id == named.c.member_id).scalar_subquery()

    return namesake_columns(
        select(named.c.member_id, of_each(Member.name).label("name"),
               of_each(Member.branch).label("branch"),
               of_each(Member.namesake_phone).label("phone"))  # an erased phone's kept mask
        .subquery("named_people"))


def namesakes_part(scope: Scope) -> Select:
    """The namesakes among ``named_people``: ``member_id`` and the ``names.COUNTS`` of
    each person whose name another of them has. One part of a page's batch, which
    every list of the document reads (``namesake_counts_of``) — the 月报's ledger
    (参与人员, 组长, 审核人) and its 未参与名单 pass the same object, so the batch runs
    it once (``batch.fetch``): the windows over the set are evaluated once a page, not
    once per list (bench39, finding 4). Someone it leaves out is alone in the
    document, and ``names.distinguished`` writes a name nobody else has as it is,
    whatever else is counted: ``ALONE`` for them reads as their own counts would."""
    named = named_people(scope)
    return (select(named.c.member_id, *(named.c[column] for column in COUNTS))
            .where(named.c.namesakes > 1))


def namesake_counts_of(rows) -> dict[int, tuple[int, ...]]:
    """{member id: ``names.COUNTS``} of ``namesakes_part``'s rows; a member not in it
    is ``ALONE`` (``.get(member_id, ALONE)``)."""
    return {member_id: tuple(int(n) for n in counts) for member_id, *counts in rows}


def leaders_and_reviewers(scope: Scope) -> list:
    """The 组长 and the 审核人 of the scope's approved activities: two SELECTs of one
    ``member_id`` column each, for a UNION (the people the ledger names beside its
    参与人员)."""
    approved = (select(Task.leader_id, TaskReport.reviewed_by_id)
                .join(TaskReport, TaskReport.task_id == Task.id)
                .where(TaskReport.status == ReportStatus.approved, *task_conditions(scope))
                .subquery("approved"))
    return [select(approved.c.leader_id.label("member_id"))
            .where(approved.c.leader_id.is_not(None)),
            select(approved.c.reviewed_by_id).where(approved.c.reviewed_by_id.is_not(None))]


def on_roll_at_end(member_id, unit_id: int, date_to: date):
    """SQL: whether ``member_id`` is on the unit's roll of the period [.., date_to) —
    the roll of its last day (``roll_day``): the one rule for who is the unit's own in
    a period. 参与情况 counts that roll (``coverage_plan``); the 月报's lead counts its
    people on the unit's activities as the unit's own by it, and names the others
    (``reports.figures._people_apart_plan``), so the lead less its parts is 参与情况's
    own people: someone who moved in during the month is the unit's own, whatever
    they did before; someone who left the roll and came back within it is simply its
    own."""
    # its own stays, whatever stay the outer query joins (``left_after_work``)
    return exists(select(RollPeriod.id).where(
        RollPeriod.member_id == member_id, *on_roll(unit_id, roll_day(date_to)))
        .correlate_except(RollPeriod))


def on_roll_during(member_id, unit_id: int | None, date_from: date, date_to: date):
    """SQL: whether ``member_id`` was on the unit's roll on some day of the period up to
    its roll day (those of them off it by then left during the period); its own stays,
    whatever stay the outer query joins (``coverage_plan``'s figures). ``unit_id`` None:
    on any unit's roll (a page of several units, ``off_roll.off_roll_plan``)."""
    return _stayed(member_id, unit_id, date_from, (roll_day(date_to),))


def on_roll_on(member_id, day):
    """SQL: whether ``member_id`` is on a roll (any unit's) on ``day``: ``on_roll_during``
    of the one day's period [day, day + 1) — that of today for a day still to come
    (``roll_day``: no stay is recorded ahead of today, so today's setting is that
    day's). Off it, the figures count the work and not the person, 不计入参与统计
    (``off_roll``); the people lists of an activity mark and order by it for the
    activity's day (``manage.queries.roll_then``, walk55). ``day``: a date, or a date
    column of the outer query (a task's ``service_date``)."""
    # the roll day min(day, today) as two bounds, which a date column can take too
    return _stayed(member_id, None, day, (day, local_today()))


def _stayed(member_id, unit_id: int | None, date_from, roll_days):
    """``on_roll_during``'s question: a stay of ``member_id`` (in ``unit_id``; None: any)
    begun by every one of ``roll_days`` and not ended by ``date_from``."""
    unit = [] if unit_id is None else [RollPeriod.unit_id == unit_id]
    return exists(select(RollPeriod.id).where(
        RollPeriod.member_id == member_id, *unit,
        or_(RollPeriod.since.is_(None), and_(*(RollPeriod.since <= d for d in roll_days))),
        or_(RollPeriod.until.is_(None), RollPeriod.until > date_from))
        .correlate_except(RollPeriod))


@dataclass(frozen=True)
class NotYet:
    """A member on roll who has not taken part (listed by name, never ranked)."""

    member_id: int
    name: str
    has_pending: bool  # took part in an activity still 待审核
    # what tells namesakes apart (names.py): their 党支部 or phone, and what is counted
    # of their namesakes among the people the 月报 can name (``named_people``)
    branch: str | None = None
    phone: str | None = None
    counts: tuple[int, ...] = ALONE  # names.COUNTS

    @property
    def listed_name(self) -> str:
        """The name as lists give it (「陈芳（第2党支部）」 among namesakes), in the
        language of the list being written."""
        return listed(self.name, self.branch, self.phone, self.counts)


@dataclass(frozen=True)
class Coverage:
    on_roll: int  # the unit's roll: active members counted in participation
    took_part: int  # of those, with a done participation in an approved task
    took_part_own: int  # of those, with one in an approved task of their own unit
    person_times: int  # 人次 of the unit's members (approved tasks)
    minutes: int
    pending_person_times: int  # 人次 in tasks still 待审核
    not_yet: list  # NotYet, ordered by name
    # of took_part, those none of whose work is in person_times, with the units it counts
    # for: moved in after it, and on no roll then (their unit now's; ``moved.py``)
    moved_in: int = 0
    moved_in_units: tuple[str, ...] = ()
    moved_in_off_roll: bool = False  # some of them also worked on days on no roll (roll52)
    counted_now: int = 0
    counted_now_units: tuple[str, ...] = ()
    elsewhere_only: int = 0  # of took_part less those, none in the unit's own activities
    off_roll: int = 0  # in person_times, never on the roll in the period (不计入参与统计)
    # in person_times, on the roll in the period and off it by its roll day (figures51
    # #1): another unit's then (调离), or off every roll (离册) — ``left_after_work``
    moved_out: int = 0
    left_roll: int = 0

    @property
    def rate_text(self) -> str:
        """参与率, as every rate is written ('86.7%'; '—' with nobody on the roll)."""
        return percent(self.took_part, self.on_roll)



def _in_period(date_from: date, date_to: date,
               community_ids: tuple[int, ...] | None = None) -> list:
    return participation_conditions(Scope(date_from, date_to, community_ids=community_ids))


def _took_part(member_col, date_from: date, date_to: date, status: ReportStatus,
               community_ids: tuple[int, ...] | None = None, *, unit_id: int | None = None,
               counted_for: int | None = None):
    """EXISTS a done participation of ``member_col`` in a task of the period (in
    ``community_ids``, when given; of ``unit_id``, when given; that ``counted_for``'s
    人次 count, when given: the member's unit on its day, ``stays.unit_then``, as
    ``coverage_plan``'s figures count them) whose report has ``status``."""
    # not from the unit's index (sql_hints): SQLite took it, as it covers the unit,
    # and read the unit's whole month for each member of the roll, where the member's
    # own index finds the few rows of one member (the 月报's roll counts: 5.2 ms)
    own = [] if unit_id is None else [not_indexed(CountedParticipation.unit_id) == unit_id]
    if counted_for is not None:
        own.append(unit_then(CountedParticipation.member_id, CountedParticipation.service_date)
                   == counted_for)
    # the period and the status in the statement's text (``sql_hints.written_out``): as
    # parameters, PostgreSQL's generic plan guessed the county's month at 2,000 rows
    # (15,000 in fact) and hashed them all to find who of a unit's 200 had not taken
    # part (11 of the 月报's 24 ms), where probing per member takes 0.7 ms
    return exists(
        select(ONE).where(
            CountedParticipation.member_id == member_col,
            *_in_period(written_out(date_from, Date()), written_out(date_to, Date()),
                        community_ids),
            CountedParticipation.report_status == written_out(
                status, CountedParticipation.report_status.type),
            *own,
        )
    )


def coverage(unit_id: int, date_from: date, date_to: date,
             community_ids: tuple[int, ...] | None = None) -> Coverage:
    """``coverage_plan`` run; its statements built once per unit, period, communities
    and roll day in a process (参与情况 is opened again and again for the same month).
    ``community_ids``: a part of the unit, counted as the 月报 of that part counts it."""
    ids = tuple(sorted(community_ids)) if community_ids is not None else None
    return run(built_once(("coverage", unit_id, date_from, date_to, ids, roll_day(date_to)),
                          lambda: coverage_plan(unit_id, date_from, date_to, ids)))


def left_after_work(member_id, unit_id: int, date_from: date, date_to: date) -> list:
    """Two columns of ``coverage_plan``'s figures: the distinct members in the unit's
    人次 who were on its roll in the period and are off it on its roll day — moved to
    another unit (调离: another unit's that day) and left the roll (离册: switched off),
    as the 月报's lead parts them (``reports.figures._people_apart_plan``). 参与情况
    counts neither as taking part; its 人次 sentence names them (figures51 #1)."""
    status = CountedParticipation.report_status
    gone = and_(on_roll_during(member_id, unit_id, date_from, date_to),
                ~on_roll_at_end(member_id, unit_id, date_to))
    moved = unit_then(member_id, roll_day(date_to)) != unit_id
    return [func.count(func.distinct(if_approved(case((and_(gone, moved), member_id)),
                                                 status))),
            func.count(func.distinct(if_approved(case((and_(gone, ~moved), member_id)),
                                                 status)))]


def _members_of_any_day(unit_id: int):
    """The members whose work may count for a unit: those in it now, and those with a
    stay on its roll (a subquery of its own, not correlated with the outer query's)."""
    member, stay = aliased(Member), aliased(RollPeriod)
    return (select(member.id).where(member.unit_id == unit_id)
            .union(select(stay.member_id).where(stay.unit_id == unit_id)))


def coverage_plan(unit_id: int, date_from: date, date_to: date,
                  community_ids: tuple[int, ...] | None = None,
                  namesakes: Select | None = None) -> Plan:
    """Who of a unit took part in a period: on roll, took part, 参与率, and the
    named list of those who did not (by name). Four statements, run together.
    ``community_ids`` counts only work in those communities (a 月报 of part of the
    unit: its 参与情况 is about the same communities as the rest of its text).
    ``namesakes``: the period's ``namesakes_part``, when a page's other plans read it
    too (the 月报's ledger) — the same object, run once in the batch.

    The roll is the roll of the period's last day (today for one still running), with
    the unit each member had on that day (``on_roll``): someone who joined later was
    not there to take part, someone who left since still was, someone who moved to
    another unit since counts here. "Took part" is whether a member of that roll has
    a done participation in an approved task of the period — any task, whichever
    unit's checklist it came from — so took part + 未参与 = the roll.

    人次 and hours count every participation of the unit's members — a member's unit
    being the unit of their stay on the roll on the activity's day (the unit they
    have now when they were on no roll then: staff off it, 补录 before they joined,
    or after they left), so a move splits a member's work between the two units by
    date. Work done is work done, on the roll or not.
    """
    day = roll_day(date_to)
    status = CountedParticipation.report_status

    def shape(roll_rows, figure_rows, not_yet_rows, namesake_rows, elsewhere_rows):
        (on_roll_count, took_part_own, elsewhere_only), = roll_rows
        (pt, minutes, pending_pt, off_roll, moved_out, left_roll), = figure_rows
        counts = namesake_counts_of(namesake_rows)
        not_yet = [NotYet(member_id, name, bool(pending), branch, phone,
                          counts.get(member_id, ALONE))
                   for member_id, name, pending, branch, phone in not_yet_rows]
        return Coverage(int(on_roll_count), int(on_roll_count) - len(not_yet),
                        int(took_part_own), int(pt), int(minutes), int(pending_pt), not_yet,
                        **counted_elsewhere(elsewhere_rows),
                        elsewhere_only=int(elsewhere_only), off_roll=int(off_roll),
                        moved_out=int(moved_out), left_roll=int(left_roll))

    stay = and_(RollPeriod.member_id == CountedParticipation.member_id,
                *covers(CountedParticipation.service_date))
    # the 未参与名单 tells namesakes apart (names.py) on the set the ledger does
    # (``named_people``), from the same part of the batch when the page has a ledger
    if namesakes is None:
        namesakes = namesakes_part(Scope(date_from, date_to, unit_id=unit_id,
                                         community_ids=community_ids))
    roll = (select(Member.id, Member.name, Member.name_key, Member.branch,
                   Member.namesake_phone.label("phone"))
            .join(RollPeriod, RollPeriod.member_id == Member.id)
            .where(*on_roll(unit_id, day))
            .subquery("roll"))
    # of the roll: work in any unit's approved activities, in the unit's own, and work
    # that is in the unit's 人次 (by the day's unit, as the figures below count it)
    took_part = _took_part(RollPeriod.member_id, date_from, date_to, ReportStatus.approved,
                           community_ids)
    own = _took_part(RollPeriod.member_id, date_from, date_to, ReportStatus.approved,
                     community_ids, unit_id=unit_id)
    counted = _took_part(RollPeriod.member_id, date_from, date_to, ReportStatus.approved,
                         community_ids, counted_for=unit_id)
    # the unit's people off its roll all the period (staff): in its 人次, not its 参与
    never_on = ~on_roll_during(CountedParticipation.member_id, unit_id, date_from, date_to)
    return plan(
        select(func.count(RollPeriod.id),
               # of the roll, those with work in the unit's own approved activities
               func.count(case((own, ONE))),
               # those who took part only in other units' activities, less those whose
               # work is all in another unit's 人次 (the last part)
               func.count(case((and_(took_part, ~own, counted), ONE))))
        .where(*on_roll(unit_id, day)),
        select(
            func.count(if_approved(ONE, status)),
            func.coalesce(func.sum(if_approved(CountedParticipation.minutes, status)), 0),
            func.count(if_submitted(ONE, status)),
            func.count(func.distinct(if_approved(
                case((never_on, CountedParticipation.member_id)), status))),
            *left_after_work(CountedParticipation.member_id, unit_id, date_from, date_to),
        )
        .select_from(CountedParticipation)
        .outerjoin(RollPeriod, stay)
        # the unit's members of any day (read by member, as the 未参与名单 is), then
        # each participation given to the unit of that day (the unit she has now on a
        # day on no roll: asked of her row alone — joined, PostgreSQL's planner read
        # every member of the county to hash them, session 56)
        .where(CountedParticipation.member_id.in_(_members_of_any_day(unit_id)),
               or_(RollPeriod.unit_id == unit_id,
                   and_(RollPeriod.id.is_(None),
                        exists(select(Member.id).where(
                            Member.id == CountedParticipation.member_id,
                            Member.unit_id == unit_id)))),
               *_in_period(date_from, date_to, community_ids)),
        select(
            roll.c.id,
            roll.c.name,
            _took_part(roll.c.id, date_from, date_to, ReportStatus.submitted, community_ids),
            roll.c.branch, roll.c.phone,
        )
        .where(~_took_part(roll.c.id, date_from, date_to, ReportStatus.approved,
                           community_ids))
        .order_by(roll.c.name_key, roll.c.id),
        namesakes,
        counted_elsewhere_part(
            select(RollPeriod.member_id).where(*on_roll(unit_id, day), took_part, ~counted)
            .subquery("counted_elsewhere"), date_from, date_to, community_ids),
        shape=shape)
