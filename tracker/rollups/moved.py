"""The roll's people whose work of a period all counts for another unit (figures50 #1,
roll51): the units it counts for, and why — what 参与情况 says of them (``coverage``'s
last part, ``reports.narrative.took_part_parts``, the coverage page)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Select, case, exists, select

from ..models import CountedParticipation, Member, ReportStatus, RollPeriod, Unit
from ..sql_hints import written_out
from .scope import Scope, participation_conditions
from .stays import covers, unit_then


def counted_elsewhere_part(members, date_from: date, date_to: date,
                            community_ids: tuple[int, ...] | None) -> Select:
    """Of ``members`` (the roll's people who took part and none of whose work is in
    the unit's 人次), each approved participation of the period: ``member_id``, the
    unit it counts for (``stays.unit_then``: the unit of her stay on its day, else the
    unit she is in now) and whether a stay gave it. The 月报 names the units, and says
    why the work is theirs: a stay on another unit's roll is work done before she moved
    in; work on a day on no roll counts for the unit she has moved to since, which is
    not a move into this unit (roll50's open edge case).

    The period and the status are written into the statement's text
    (``sql_hints.written_out``, as ``coverage._took_part``'s): on its generic plan
    (``batch``'s) PostgreSQL guessed the period's approved participations at under
    2,000 (a tenth) and read the county's whole month through its date index, to keep
    the roll's few; with the month in the text it reads each of them by member
    (5.9 → 3.0 ms of the server's CPU, docs/performance.md, session 56)."""
    period = Scope(written_out(date_from, Date()), written_out(date_to, Date()),
                   community_ids=community_ids)
    approved = written_out(ReportStatus.approved, CountedParticipation.report_status.type)
    by_stay = exists(select(RollPeriod.id).where(
        RollPeriod.member_id == CountedParticipation.member_id,
        *covers(CountedParticipation.service_date)).correlate_except(RollPeriod))
    counted_for = unit_then(CountedParticipation.member_id, CountedParticipation.service_date,
                            unit_now=Member.unit_id)
    return (select(members.c.member_id, Unit.name, case((by_stay, 1), else_=0))
            .select_from(members)
            .join(CountedParticipation, CountedParticipation.member_id == members.c.member_id)
            .join(Member, Member.id == CountedParticipation.member_id)
            .join_from(Member, Unit, Unit.id == counted_for)
            .where(*participation_conditions(period),
                   CountedParticipation.report_status == approved)
            .order_by(Unit.sort_key, Unit.id))


def counted_elsewhere(rows) -> dict:
    """``counted_elsewhere_part``'s rows as ``Coverage``'s fields of two parts, each its
    number of people and the names of the units their work counts for (in the units'
    order): ``moved_in``, those with any work done on another unit's roll (they moved
    in after it), and ``counted_now``, the others (work on days on no roll, counted for
    the unit they are in now). Each person is in one part only, so one of ``moved_in``
    with work of both kinds — some on another unit's stay, some on a day on no roll,
    which may be in a gap between her stays in this unit, after she moved in — is of
    the first, and ``moved_in_off_roll`` says that some are, for its words to cover
    both (roll52)."""
    stayed = {member_id for member_id, _unit, by_stay in rows if by_stay}
    fields = {"moved_in_off_roll": any(member_id in stayed and not by_stay
                                       for member_id, _unit, by_stay in rows)}
    for name, wanted in (("moved_in", True), ("counted_now", False)):
        members = {member_id for member_id, _unit, _by in rows
                   if (member_id in stayed) is wanted}
        fields[name] = len(members)
        fields[f"{name}_units"] = tuple(dict.fromkeys(
            unit for member_id, unit, _by in rows if member_id in members))
    return fields
