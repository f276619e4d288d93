"""补录: recording an activity that already happened, in one form.

The liaison (or an admin) types what happened — when, where, from which checklist
item, who took part and for how long, who led it and what it achieved — and one
call writes the task, the participations (hours confirmed) and the report, and
approves the report at once: the liaison is its reviewer. The report is submitted
and approved by the same functions a leader's report and a liaison's 通过 go
through (``reviews.submit_report``, ``reviews.approve_report``), so the counted rows
and every figure see it exactly as they see any approved report.

Absentees: a member who did not come is simply not picked. Nobody was assigned to
a task that is written after the fact, so there is no one to mark absent.

The task is marked ``backfilled``: every record that lists it says 补录 as its
来源 (``tracker/sources.py``).

One activity is recorded once: a 补录 with the checklist line (any year's item of it),
title, start and end of an activity already recorded (not cancelled) is refused, and so is one naming a member
marked 缺席 on an overlapping activity of the same community and category. A member
left out of an approved activity is added to it (``add_forgotten_participant``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from ..i18n import lazy_gettext as _l
from ..i18n import lazy, lazy_month_name
from sqlalchemy import (Date, Integer, and_, bindparam, case, exists, func, not_, or_,
                        select)
from sqlalchemy.sql.expression import BindParameter

from ..extensions import db
from ..fields import NOTE_MAX
from ..models import (
    Finding,
    FindingKind,
    Assignment,
    AssignmentStatus,
    HoursOrigin,
    Member,
    ResourceItem,
    RollPeriod,
    Task,
    TaskStatus,
    Unit,
    Zone,
)
from ..privacy import ERASED_PHONE_MARK
from ..rollups.batch import Plan, built_once, gather, given, plan, run
from ..permissions import managed_community_ids, manages_community, manages_task
from ..rollups.stays import covers, unit_then
from ..timeutil import local_date, local_to_utc, to_local, utcnow
from . import PermissionDenied, ServiceError, collect, refuse_all
from .activity_lock import lock_activity
from .answered_requests import lock_requests_naming
from .audit import record
from .cell_dates import TOO_EARLY, too_early
from .claims import add_done_participation, check_minutes, held_active, task_span_minutes
from .findings import MAX_DESCRIPTION, MAX_PLACE, FindingData, record_finding
from .overlap import overlapping
from .photos import MAX_PHOTOS_PER_TASK, add_task_photo, remove_image
from .reviews import ReportData, approve_report, report_figures, submit_report
from .summary_notes import (
    Closed,
    ClosedUnit,
    closed_day_whose,
    closed_day_whose_plan,
    closed_member_units,
    closed_member_units_plan,
    closed_to,
    may_change_final,
    units_closed_words,
)
from .tasks import (
    TaskDetails,
    _clean,
    _line,
    check_item_takes_activities,
    detail_problems,
    item_of_year,
    new_checkin_token,
    same_line,
)


# --- recording a past activity -----------------------------------------------------------

@dataclass
class Participant:
    member: Member
    minutes: int | None = None  # None: the activity's length


@dataclass
class BackfillData:
    """What the liaison types in; times are local wall-clock (Asia/Shanghai)."""

    title: str
    place: str
    starts_local: datetime
    ends_local: datetime
    participants: list[Participant]
    leader: Member | None
    note: str
    quantity: int | None = None
    people_served: int | None = None
    beneficiary: str | None = None
    description: str | None = None
    # a survey's defects (摸排问题): its 完成数量 is how many there are
    findings: list[FindingData] = field(default_factory=list)
    photos: list[bytes] = field(default_factory=list)  # 现场照片, as uploaded


# What a liaison types for a finding's kind: the words of the findings register, in
# Chinese or (the English interface) English.
FINDING_WORDS = {"下水道": FindingKind.sewer, "人行道": FindingKind.sidewalk,
                 "破损道路": FindingKind.road, "道路": FindingKind.road, "其他": FindingKind.other,
                 **{kind.value: kind for kind in FindingKind}}


def parse_findings(text: str | None) -> list[FindingData]:
    """摸排问题 typed one per line as 「类型，位置，情况」 (情况 may be left out):
    类型 is 下水道, 人行道, 破损道路 or 其他. A wrong line is refused with its number."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [part.strip() for part in line.replace(",", "，").split("，", 2)]
        kind = FINDING_WORDS.get(parts[0].lower())
        if kind is None or len(parts) < 2 or not parts[1]:
            raise ServiceError(_l("摸排问题第%(n)d行：请按“类型，位置，情况”填写，类型为下水道、人行道、破损道路或其他。",
                                  n=number), field="findings")
        if len(parts[1]) > MAX_PLACE:
            raise ServiceError(_l("摸排问题第%(n)d行：位置不能超过%(max)s个字。", n=number,
                                  max=MAX_PLACE), field="findings")
        description = parts[2] if len(parts) > 2 and parts[2] else None
        if description and len(description) > MAX_DESCRIPTION:
            raise ServiceError(_l("摸排问题第%(n)d行：情况不能超过%(max)s个字。", n=number,
                                  max=MAX_DESCRIPTION), field="findings")
        found.append(FindingData(kind=kind, place=parts[1], description=description))
    return found


def working_units(community_ids):
    """A select of the units working in these communities (None: anywhere): those with
    a checklist item there or responsible for one of their zones."""
    items = select(ResourceItem.unit_id)
    zones = select(Zone.unit_id).where(Zone.unit_id.is_not(None))
    if community_ids is not None:
        # a list of ids, or a parameter bound to one (``nameable_ids``)
        ids = community_ids if isinstance(community_ids, BindParameter) else list(community_ids)
        items = items.where(ResourceItem.community_id.in_(ids))
        zones = zones.where(Zone.community_id.in_(ids))
    return items.union(zones)


def units_working_in(community):
    """``working_units`` for one community given as a column (a task's): a select
    correlated to the row it is asked of."""
    return select(ResourceItem.unit_id).where(ResourceItem.community_id == community).union(
        select(Zone.unit_id).where(Zone.community_id == community, Zone.unit_id.is_not(None)))


def _stay_on(day):
    """SQL: the member (``Member``) has a stay on a unit's roll that includes ``day``."""
    return exists(select(RollPeriod.id).where(RollPeriod.member_id == Member.id, *covers(day)))


def _erased():
    """SQL: the member's contact data was erased at the end of the retention period
    (``member_retention``)."""
    return Member.phone.startswith(ERASED_PHONE_MARK)


def nameable(working, day) -> list:
    """WHERE conditions on ``Member``: who may be named on past work done on ``day`` (a
    local date, or a task's ``service_date``) in a community, ``working`` being the
    units working there (``working_units``, or ``units_working_in`` a task's
    community). The one rule of every way of recording past work — the 补录 form's
    candidates and its check, the ledger import, the member's 补录申请 (page and
    check), 采纳 and 添加遗漏的参加人员 (docs/design.md, 补录):

    - their unit that day works in the community: the unit of their stay on a roll
      then, else the unit they are in now (``stays.unit_then`` — the unit the work
      is counted for). A member moved since is named on the work they did before the
      move (counted for the old unit), not on work after it in a community the new
      unit does not work in;
    - an account switched off (停用) since, only for a day of one of its stays: the work
      it did before the switch-off (its last stay ends on the day of 停用). A merged
      account has no stay left (they became the kept account's), so it is named on
      nothing: its work is the kept account's;
    - never an account whose contact data the retention period erased: the bureau
      keeps its records of work done, but the period is the limit it set itself for
      processing what concerns someone who left (PIPL Art. 19), and nobody could tell
      the member of new work on their record any more."""
    return list(_nameable_rules(working, day).values())


# why ``nameable`` refuses a member (``unnameable_why``), in the order
# ``why_not_nameable`` tells them: erased, switched off and off the rolls that day, else
# the unit of the day not working in the community
ERASED, OFF_ROLL, UNIT_ELSEWHERE = "erased", "off_roll", "unit"


def _nameable_rules(working, day) -> dict:
    """``nameable``'s conditions by what each refuses: the rule, written once."""
    return {UNIT_ELSEWHERE: unit_then(Member.id, day, Member.unit_id).in_(working),
            OFF_ROLL: or_(Member.active.is_(True), _stay_on(day)),
            ERASED: ~_erased()}


def unnameable_why(working, day):
    """SQL on ``Member``: NULL when ``nameable`` admits the member on ``day``, else why
    it does not (``ERASED``, ``OFF_ROLL`` or ``UNIT_ELSEWHERE``, the first refusing in
    ``why_not_nameable``'s order). A column for a page that lists people it would name
    (添加遗漏的参加人员's participants not counted, forgotlist44): its first branch is
    ``nameable`` itself, the same conditions, so the page and the service cannot
    disagree."""
    rules = _nameable_rules(working, day)
    return case((and_(*rules.values()), None), (not_(rules[ERASED]), ERASED),
                (not_(rules[OFF_ROLL]), OFF_ROLL), else_=UNIT_ELSEWHERE)


def ever_nameable(working) -> list:
    """WHERE conditions on ``Member``: who ``nameable`` admits on some day — an active
    member of a unit working there, or anyone not erased with a stay in one. What a
    补录 form offers before its day is known; the day's rule is asked when it is."""
    return [or_(and_(Member.active.is_(True), Member.unit_id.in_(working)),
                exists(select(RollPeriod.id).where(RollPeriod.member_id == Member.id,
                                                   RollPeriod.unit_id.in_(working)))),
            ~_erased()]


def recordable(actor: Member, day=None) -> list:
    """WHERE conditions on ``Member``: whom ``actor`` may name in a 补录 on ``day`` — in
    one of the actor's communities (every community for an admin), by ``nameable``;
    without a day, anyone it admits on some day (``ever_nameable``). The 补录 form
    offers no one else, and the ledger import names no one else (the one reach for
    both: a liaison learns no other account's name from them)."""
    working = working_units(managed_community_ids(actor))
    return ever_nameable(working) if day is None else nameable(working, day)


def nameable_ids(community_id: int, day, member_ids) -> set[int]:
    """Those of ``member_ids`` ``nameable`` on work in the community on ``day`` (None:
    not known yet, ``ever_nameable``): one statement."""
    # built once per shape (every 补录 and 采纳 asks it of its participants): values bound
    values = {"community_ids": [community_id], "member_ids": list(member_ids)}
    if day is not None:
        values["day"] = day
    return run(given(built_once(("nameable ids", day is None),
                                lambda: _nameable_ids_plan(day is None)), values))


def _nameable_ids_plan(ever: bool) -> Plan:
    """``nameable_ids``'s statement, its community, day (``ever``: none, the rule of
    some day) and members bound parameters."""
    working = working_units(bindparam("community_ids", type_=Integer, expanding=True))
    rule = (ever_nameable(working) if ever
            else nameable(working, bindparam("day", type_=Date)))
    return plan(select(Member.id).where(
        Member.id.in_(bindparam("member_ids", type_=Integer, expanding=True)), *rule),
        shape=lambda rows: {member_id for member_id, in rows})


def unit_on(member: Member, day) -> Unit | None:
    """The member's unit on ``day`` (``stays.unit_then``)."""
    return db.session.scalar(select(Unit).where(Unit.id == unit_then(member.id, day)))


def refuse_unnameable(community_id: int, day, members: list[Member], *,
                      field: str | None = None, hold: bool = True) -> None:
    """``nameable``, asked of each of ``members`` for work in the community on ``day``
    (None: the day is not known yet, ``ever_nameable``); the first one refused is
    named. ``hold``: their rows share-locked first (in id order, ``claims.held_active``)
    and the rule read under the locks: one merged (or erased) meanwhile is refused,
    never written onto the account merged away (``claims.hold_member``)."""
    ids = [m.id for m in members]
    if hold:
        held_active(ids, no_key=True)
    fine = nameable_ids(community_id, day, ids)
    for member in members:
        if member.id not in fine:
            raise ServiceError(why_not_nameable(member, community_id, day), field=field)


def why_not_nameable(member: Member, community_id: int, day):
    """What a member ``nameable`` refused is told, read afresh: their account erased,
    switched off (and not in a unit that day), or their unit not working in the
    community — that day's unit, named with the day, when the day is what refuses them
    (on another day they would be named: moved since, or the form's day changed)."""
    db.session.refresh(member, ["active", "phone", "unit_id"])
    return not_nameable_words(member, community_id, day)


def not_nameable_words(member: Member, community_id: int, day):
    """``why_not_nameable``'s words, of the member as loaded (no refresh): for a page
    that has just read them. With no day, no statement is run."""
    if member.phone.startswith(ERASED_PHONE_MARK):
        return _l("%(name)s 的账号已停用且已过保存期限，不能再记录其参加的活动。", name=member.name)
    if not member.active and (day is None or not db.session.scalar(
            select(_stay_on(day)).where(Member.id == member.id))):
        return day_refused_words(member.name, OFF_ROLL, day, None)
    if (unit := day_refuses(member, community_id, day)) is not None:
        return day_refused_words(member.name, UNIT_ELSEWHERE, day, unit.name)
    return _l("%(name)s 所在单位不在该社区开展共建，不能补录。", name=member.name)


def day_refused_words(name: str, why: str, day, unit_name: str | None):
    """``not_nameable_words`` of a member ``nameable`` refuses on ``day`` for ``why``
    (``unnameable_why``'s ``OFF_ROLL``, else ``UNIT_ELSEWHERE``: ``unit_name``, her unit
    of that day), she being one it admits on some day (``ever_nameable``) — written once,
    from what a statement read, for a page that asks it of many at once (the 补录申请
    queue, ``backfill_requests.applicant_refusals``): no statement."""
    if why == OFF_ROLL:
        return _l("%(name)s 的账号已停用，只能补录其停用前在册期间参加的活动。", name=name)
    return _l("%(name)s 在%(day)s所在的单位（%(unit)s）不在该社区开展共建，不能补录该日的活动。",
              name=name, day=day.strftime("%Y-%m-%d"), unit=unit_name)


def day_refuses(member: Member, community_id: int, day) -> Unit | None:
    """The member's unit on ``day`` when the day is what keeps them off work in the
    community (``nameable`` admits them on another day), else None."""
    if day is None or member.id not in nameable_ids(community_id, None, [member.id]):
        return None
    return unit_on(member, day)


def refuse_overlap(member_ids: list[int], starts_at: datetime, ends_at: datetime, *,
                   other_than: int | None = None, field: str | None = None,
                   same_activity: tuple[int, int] | None = None, lock: bool = True) -> None:
    """The same member on two overlapping activities is refused (``other_than``: the
    task being added to, which does not clash with itself). ``same_activity``
    (community id, category id): a member marked 缺席 on an overlapping activity of
    that community and category is refused too — they are recorded there, and are
    corrected there, not recorded a second time.

    The check is a read, so the members' rows are locked first (in id order, no
    deadlock): two 补录 of the same member at once take turns, and the second one's read
    sees the first one's task. ``FOR NO KEY UPDATE`` leaves writes that merely name
    the member alone (a key-share lock); a claim of the member share-locks the row
    after its task's (``claims.hold_member``) and takes its turn. SQLite's writers take
    turns anyway; it ignores the clause. ``lock=False``: a read-only check (the form's,
    ``backfill_problems``), no lock and so no turn."""
    if lock:
        # built once (every write adding members to an activity asks it of them): the
        # ids bound, as ``claims.held_active``'s (hot53)
        run(given(built_once(("overlap lock",), _overlap_lock_plan),
                  {"member_ids": sorted(set(member_ids))}))
    clash = [(m, t, absent) for m, t, absent
             in overlapping(member_ids, starts_at, ends_at, same_activity)
             if t.id != other_than]
    if clash:
        # plain values: the message is made when shown, after the refusal's rollback
        raise ServiceError(lazy(_say_clashes, [(m.name, t.id, t.title, t.starts_at, bool(absent))
                                               for m, t, absent in clash]), field=field)


def _overlap_lock_plan():
    """``refuse_overlap``'s lock of the members' rows, the ids a bound parameter."""
    return plan(select(Member.id)
                .where(Member.id.in_(bindparam("member_ids", type_=Integer, expanding=True)))
                .order_by(Member.id).with_for_update(key_share=True),
                shape=lambda rows: None)


def _say_clashes(clash: list[tuple]) -> str:
    """Every clashing member in one message (a liaison who unticked the one named was
    refused again for the next: walk7 D3): the members who clash with the same activity
    named together, each activity with its time; those marked 缺席 on the same activity
    in a sentence of their own, as they are corrected there. Made when shown (``lazy``),
    in the reader's language."""
    groups: dict[tuple[int, bool], tuple] = {}
    for name, task_id, title, starts_at, absent in clash:
        groups.setdefault((task_id, absent), (task_id, title, starts_at, absent, []))[4].append(name)
    sentences, taken = [], []
    for task_id, title, starts_at, absent, names in groups.values():
        when = to_local(starts_at).strftime("%Y-%m-%d %H:%M")
        who = str(_l("、")).join(names)
        if absent:
            sentences.append(str(_l(
                "%(name)s 在同一活动“%(task)s”（%(when)s，任务编号%(id)d）中被登记为缺席；"
                "如其实际参加了，请在该任务中更正（任务页面的“添加遗漏的参加人员”），不要另行补录。",
                name=who, task=title, when=when, id=task_id)))
        else:
            taken.append((who, title, when))
    if len(taken) == 1:
        [(who, title, when)] = taken
        sentences.append(str(_l("%(name)s 在同一时间已参加“%(task)s”（%(when)s），不能重复记录。",
                                name=who, task=title, when=when)))
    elif taken:
        each = [str(_l("%(name)s 在同一时间已参加“%(task)s”（%(when)s）", name=who, task=title,
                       when=when)) for who, title, when in taken]
        clashes = str(_l("；")).join(each)
        sentences.append(str(_l("%(clashes)s，不能重复记录。", clashes=clashes)))
    # a Chinese full stop needs no space after it, an English one does
    return "".join(sentence if sentence.endswith("。") or n == len(sentences) - 1
                   else sentence + " " for n, sentence in enumerate(sentences))


def backfill_closed_words(found: list[ClosedUnit]):
    """The refusal of a 补录 on a day closed to a liaison, for the units ``found``
    (``backfill_closed_units``): the service's, and the 补录 form's and the 补录申请
    queue's notice before she types (a request she would adopt in a signed month) —
    each unit named, the item's (「资源清单项目所属单位（…）」) as a participant's
    (``units_closed_words``), what an admin would re-open said by ``Closed.say``."""
    return units_closed_words(found, _l("补录该活动"),
                              item_action=(_l("补录该月的活动"), _l("补录该年的活动")))


def item_closed_unit(closed: Closed, unit_name: str,
                     community_name: str | None = None) -> ClosedUnit:
    """The checklist item's unit whose 月报 (or 年度总结) ``closed``: named by
    ``backfill_closed_words`` as the item's, not a participant's (no names) — or, with
    ``community_name``, the community whose own document is the signed one."""
    return ClosedUnit(closed, None, unit_name, (), community_name)


def backfill_closed_units(actor: Member, item: ResourceItem, day: date, member_ids, *,
                          lock: bool = True) -> tuple[ClosedUnit | None, list[ClosedUnit]]:
    """(the item's unit, the participants' other units) whose 月报 of ``day``'s month,
    or 年度总结 of its year, is closed to ``actor``: a 补录 there is an admin's. The
    question 补录 refuses by (``backfill_problems``), and the 补录 form's notice over a
    补录申请 with its item chosen asks (read only, ``lock=False``). ``lock`` as
    ``closed_to``'s; the participants' units asked first: it takes every unit's lock
    in order (``closed_member_units``)."""
    if not lock:
        # read only (a form its validators refused, ``backfill_problems``' check): its
        # two questions in one statement, as the form's notice asks them (post53)
        return run(backfill_closed_units_plan(actor, item, day, member_ids))
    units = closed_member_units(actor, item.unit_id, item.community_id, day, member_ids,
                                lock=lock)
    if may_change_final(actor):  # ``closed_to``'s rule: nothing is closed to an admin
        return None, units
    # whose document is signed, the unit's or the community's own: the one named is the
    # one to re-open (review41 #3's rule); read with the question, one statement
    return _item_closed(item, closed_day_whose(item.unit_id, item.community_id, day,
                                               lock=lock)), units


def backfill_closed_units_plan(actor: Member, item: ResourceItem, day: date,
                               member_ids) -> Plan:
    """``backfill_closed_units`` unlocked (``lock=False``), as a ``rollups.batch`` plan:
    its two statements — the participants' units, the item's — the same questions, run
    with a page's other reads in one (the 补录 form over a 补录申请, form52)."""
    units = closed_member_units_plan(actor, item.unit_id, item.community_id, day, member_ids)
    if may_change_final(actor):
        return gather(units, shape=lambda found: (None, found))
    return gather(units, closed_day_whose_plan(item.unit_id, item.community_id, day),
                  shape=lambda found, whose: (_item_closed(item, whose), found))


def _item_closed(item: ResourceItem, whose) -> ClosedUnit | None:
    """The item's unit as ``backfill_closed_units`` names it, from ``closed_day_whose``'s
    answer: None when its month (year) is open."""
    closed, unit_own = whose
    if closed is None:
        return None
    return item_closed_unit(closed, item.unit.name, None if unit_own else item.community.name)


def backfill_problems(actor: Member, item: ResourceItem, data: BackfillData, *,
                      hold: bool = True, lock: bool = True) -> list[tuple[str, object]]:
    """Every field of a 补录 the rules refuse, as (form field, message): a 情况说明
    left empty is named with a month already 定稿 and a member of no partner unit, not
    one per submit. A rule that needs an earlier one to hold waits for it: times that
    are refused are not checked against now or the month, an activity's twin and the
    participants' overlaps are looked for only with its times (and participants)
    accepted. ``hold``: as ``record_past_activity``'s. ``lock=False``: the read-only
    check of a form its own validators refused takes no row lock at all (not
    ``closed_to``'s, not the participants'), so a mistyped form never makes a 定稿 or
    another 补录 wait; the service checks again, locked. (Not ``hold``: the ledger
    import records with ``hold=False`` and still needs ``refuse_overlap``'s locks.)"""
    found: list[tuple[str, object]] = []
    item_ok = item.active and collect(found, check_item_takes_activities, item)
    if not item.active:
        found.append(("resource_item", _l("该资源清单项目已停用。")))
    if data.findings and not item.category.is_survey:
        found.append(("findings", _l("只有摸排类活动可以登记摸排问题。")))
    if len(data.photos) > MAX_PHOTOS_PER_TASK:
        found.append(("photos", _l("每个任务最多%(n)s张照片；一张合影就够了，不必多传。",
                                   n=MAX_PHOTOS_PER_TASK)))
    people = data.participants
    details = detail_problems(TaskDetails(
        title=data.title, place=data.place, starts_local=data.starts_local,
        ends_local=data.ends_local, slots=max(1, len(people)), beneficiary=data.beneficiary,
        description=data.description))
    found += details
    times_ok = data.starts_local is not None and data.ends_local is not None and not any(
        name in ("starts_at", "ends_at") for name, _message in details)
    if times_ok:
        starts_at, ends_at = local_to_utc(data.starts_local), local_to_utc(data.ends_local)
        day = data.starts_local.date()
        if too_early(day):  # the house's floor (the ledger import says it on its row)
            found.append(("starts_at", TOO_EARLY))
            times_ok = False
        elif ends_at > utcnow():
            found.append(("ends_at", _l("补录的活动须已经结束：时间不能晚于现在。")))
            times_ok = False
        else:
            # the participants' units' months too: their hours count there
            own, units = backfill_closed_units(actor, item, day,
                                               [p.member.id for p in people], lock=lock)
            if own is not None:
                found.append(("starts_at", backfill_closed_words([own])))
                times_ok = False
            if units:
                found.append(("participants", backfill_closed_words(units)))
                times_ok = False
    if not (data.note or "").strip():
        found.append(("note", _l("请填写情况说明。")))
    elif len(data.note.strip()) > NOTE_MAX:
        found.append(("note", _l("情况说明不能超过%(max)s个字。", max=NOTE_MAX)))
    ids = [p.member.id for p in people]
    people_ok = collect(found, _check_participants, item, people,
                        data.starts_local.date() if data.starts_local is not None else None,
                        hold=hold and lock)
    if data.leader is None:
        found.append(("leader", _l("请从参加人员中选择组长。")))
    elif data.leader.id not in ids:
        found.append(("leader", _l("组长须是参加人员之一。")))
    # what the activity will report, every figure refused named with the rest — a
    # 完成数量 missing, a 受益 its category does not count (the category's rule,
    # ``reviews.report_figures``, read before there is a task)
    collect(found, report_figures, _Unwritten(item.category),
            ReportData(quantity=data.quantity, people_served=data.people_served, note=""))
    if item_ok and times_ok and not any(name == "title" for name, _message in details):
        twin = already_recorded(item, data.title, starts_at, ends_at)
        if twin is not None:
            found.append(("title", _l(
                "该活动已记录：“%(task)s”（%(when)s，任务编号%(id)d）的资源清单项目、名称和时间都相同。"
                "遗漏的参加人员请在该任务页面用“添加遗漏的参加人员”添加，不要重复补录。",
                task=twin.title, id=twin.id,
                when=to_local(twin.starts_at).strftime("%Y-%m-%d %H:%M"))))
    if times_ok and people_ok:
        collect(found, refuse_overlap, ids, starts_at, ends_at, field="participants",
              same_activity=(item.community_id, item.category_id), lock=lock)
    return found


@dataclass
class _Unwritten:
    """What ``report_figures`` reads of a task, before the task is written: its category
    (a survey's findings, counted by the task's id, are none yet)."""

    category: object
    id: None = None


def _check_participants(item: ResourceItem, people: list[Participant], day, *,
                        hold: bool) -> None:
    """The participants' rules, the first one broken (they are one field). ``day``: the
    activity's (None: not typed), whose rule (``nameable``) is asked again here — the
    form's list was offered for the day it showed, and the day may have been changed
    since."""
    if not people:
        raise ServiceError(_l("请至少选择一名参加人员。"), field="participants")
    ids = [p.member.id for p in people]
    if len(set(ids)) != len(ids):
        raise ServiceError(_l("参加人员中有重复的党员。"), field="participants")
    # under their share locks: a participant merged meanwhile is refused, never written
    # onto the account merged away (``claims.hold_member``)
    refuse_unnameable(item.community_id, day, [p.member for p in people],
                      field="participants", hold=hold)


def _check(actor: Member, item: ResourceItem, data: BackfillData, *,
           hold: bool = True) -> tuple[datetime, datetime]:
    if not manages_community(actor, item.community_id):
        raise PermissionDenied(_l("无权在该社区补录活动。"))
    refuse_all(backfill_problems(actor, item, data, hold=hold))
    return local_to_utc(data.starts_local), local_to_utc(data.ends_local)


def same_activity(item: ResourceItem, title: str, starts_at: datetime,
                  ends_at: datetime) -> list:
    """WHERE conditions for "the same activity" as one recorded with this checklist
    item, title (stored stripped, so compared stripped), start and end (UTC), whatever
    its state. The item is compared as its checklist line (``tasks.same_line``: unit,
    community, zone, category), any year's item of it: an activity recorded on last
    year's item while its year had none, then brought again once the admin has added
    that year's item (where it would now go), is the same activity, not another one at
    the same time. The one rule: the 补录 form's refusal, the ledger import's 已存在 and
    已作废 preview and its recording all read it, so they cannot disagree."""
    line = select(ResourceItem.id).where(*same_line(item))
    # a title given as a bound parameter is stripped by its caller (``already_recorded``)
    return [Task.resource_item_id.in_(line),
            Task.title == (title.strip() if isinstance(title, str) else title),
            Task.starts_at == starts_at, Task.ends_at == ends_at]


def already_recorded(item: ResourceItem, title: str, starts_at: datetime,
                     ends_at: datetime) -> Task | None:
    """The same activity (``same_activity``) already recorded and not cancelled, or
    None: recording it again would count one activity twice."""
    values = {"unit_id": item.unit_id, "community_id": item.community_id,
              "category_id": item.category_id, "title": title.strip(),
              "starts_at": starts_at, "ends_at": ends_at}
    if item.zone_id is not None:  # none is IS NULL, its own statement (a bound NULL is not)
        values["zone_id"] = item.zone_id
    # built once per shape (every 补录 asks it): the values bound
    return run(given(built_once(("already recorded", item.zone_id is None),
                                lambda: _already_recorded_plan(item.zone_id is None)),
                     values))


@dataclass(frozen=True)
class _BoundLine:
    """A checklist line (``same_line``'s item) of bound parameters."""

    unit_id: object
    community_id: object
    zone_id: object
    category_id: object


def _already_recorded_plan(no_zone: bool) -> Plan:
    """``already_recorded``'s statement, its line, title and times bound parameters."""
    line = _BoundLine(bindparam("unit_id", type_=Integer),
                      bindparam("community_id", type_=Integer),
                      None if no_zone else bindparam("zone_id", type_=Integer),
                      bindparam("category_id", type_=Integer))
    return plan(select(Task).where(
        *same_activity(line, bindparam("title", type_=Task.title.type),
                       bindparam("starts_at", type_=Task.starts_at.type),
                       bindparam("ends_at", type_=Task.ends_at.type)),
        Task.status != TaskStatus.cancelled).order_by(Task.id).limit(1),
        shape=lambda rows: rows[0][0] if rows else None)


def backfill_event(actor: Member, task: Task, **source):
    """The activity's own ``backfill`` AuditEvent, read from what was written: who
    recorded it, where, its leader, each participant's minutes, its findings; ``source``
    names where it came from (the ledger import's event: ``ledger_import_event_id``)."""
    participants = db.session.execute(select(Assignment.member_id, Assignment.minutes).where(
        Assignment.task_id == task.id, Assignment.status == AssignmentStatus.done)
        .order_by(Assignment.id)).all()
    findings = db.session.scalar(select(func.count(Finding.id)).where(
        Finding.task_id == task.id, Finding.active.is_(True)))
    return record(actor, "backfill", task, recorded_at=task.created_at,
                  community_id=task.community_id, resource_item_id=task.resource_item_id,
                  leader_id=task.leader_id,
                  participants={str(k): v for k, v in participants}, findings=findings,
                  **source)


def record_past_activity(actor: Member, item: ResourceItem, data: BackfillData, *,
                         audit: bool = True, hold: bool = True,
                         named: Callable[[], None] | None = None) -> Task:
    """补录 one past activity: task, participations and approved report, all or nothing
    (the caller's unit of work). Everything but the photos' contents is checked before
    the first write; a photo refused after that undoes the files already written, and
    the caller's rollback the rest. ``audit=False``: the caller writes the activity's
    ``backfill`` event itself (``backfill_event``), naming where it came from — the
    ledger import, whose own event is written once every activity is recorded.
    ``hold=False``: the participants' share locks are the caller's to take, after every
    activity's checklist item (the ledger import's many activities).

    ``named``: the 补录 page's comparison of the signed documents it named with those
    the activity changes now (``named_page.NamedFirst.compare``, ``roll.keep_named``),
    called once every refusal before the first write has passed, under the service's
    locks — the months' share locks it takes come last (docs/design.md, lock order): a
    refusal is said in its own words, never as 「…有了变化…」 (review44 #2), and a post
    that named nothing because the view's read-only check found a refusal (no page
    shown) is named afresh, nothing written, when that refusal is gone by now — a
    participant's place at those hours withdrawn or marked 缺席 in between
    (backfillnamed45, as samehold44 for 添加遗漏的参加人员)."""
    item = item_of_year(item, data.starts_local.year)
    starts_at, ends_at = _check(actor, item, data, hold=hold)
    now = utcnow()
    task = Task(
        resource_item_id=item.id, unit_id=item.unit_id, community_id=item.community_id,
        zone_id=item.zone_id, category_id=item.category_id, category=item.category,
        title=_line(data.title), beneficiary=_line(data.beneficiary) or None,
        place=_line(data.place), description=_clean(data.description),
        starts_at=starts_at, ends_at=ends_at, service_date=local_date(starts_at),
        slots=len(data.participants), taken=len(data.participants),
        leader_id=data.leader.id, status=TaskStatus.open, checkin_token=new_checkin_token(),
        created_by_id=actor.id, backfilled=True,
    )
    result = ReportData(quantity=data.quantity, people_served=data.people_served,
                        note=data.note.strip())
    report_figures(task, result)
    span = task_span_minutes(task)
    hours = {}
    for p in data.participants:
        minutes = span if p.minutes is None else p.minutes
        try:
            check_minutes(minutes, task)
        except ServiceError as error:
            raise ServiceError(_l("%(name)s：%(why)s", name=p.member.name, why=error.message),
                               field="participants") from None
        hours[p.member.id] = minutes
    if named is not None:
        named()
    db.session.add(task)
    db.session.flush()
    for member_id, minutes in hours.items():
        db.session.add(Assignment(task_id=task.id, member_id=member_id,
                                  status=AssignmentStatus.done, minutes=minutes,
                                  hours_origin=HoursOrigin.recorded,
                                  claimed_at=now, confirmed_at=now, assigned_by_id=actor.id))
    db.session.flush()
    # before the report: a survey's 完成数量 is counted from its findings when it is
    # submitted, and an approved survey takes no more
    for finding in data.findings:
        record_finding(task, actor, finding)
    if audit:
        backfill_event(actor, task)
    stored = []
    try:
        # last before the report: an approved report takes no more photos (a photo's
        # files are written at once; the rollback also removes them, see photos._WRITTEN)
        for number, content in enumerate(data.photos, start=1):
            try:
                stored.append(add_task_photo(task, actor, content))
            except ServiceError as error:
                raise ServiceError(_l("第%(n)d张照片：%(why)s", n=number, why=error.message),
                                   field="photos") from None
        approve_report(submit_report(task, actor, result), actor)
    except BaseException:
        for photo in stored:
            remove_image(photo.stored_name)
        raise
    return task


# --- a participant left out of an approved activity ---------------------------------------

def forgotten_closed_words(closed: Closed):
    """The refusal of 添加遗漏的参加人员 on an activity whose day is ``closed_to`` a
    liaison (``closed``): the service's, and the task page's notice instead of the form
    (one sentence, its remedy ``Closed.say``'s)."""
    return closed.say(
        _l("%(month)s的月报已定稿，向该月的活动添加参加人员须由单位管理员操作",
           month=lazy_month_name(closed.year, closed.month)),
        _l("%(year)s年度总结已定稿，向该年的活动添加参加人员须由单位管理员操作",
           year=closed.year))


def forgotten_problems(actor: Member, task: Task, member: Member, minutes: int | None, *,
                       lock: bool = True) -> list[tuple[str | None, object]]:
    """What the rules refuse of adding ``member`` to the approved ``task`` with
    ``minutes`` (None: the activity's length), as (form field, message): the month, then
    the member — the first of their rules in order —, and the hours beside them.
    ``add_forgotten_participant`` refuses by it (``_forgotten``), under its locks; the
    task page asks it before naming a signed month (``lock=False``: read only, no row
    lock, so a 定稿 never waits for it — the service asks again, locked), so a member it
    would refuse (one not ``nameable`` on the day, one holding a place at those hours on
    another activity) is said on the form, never named first and refused after 确认
    (namefirst42's Open)."""
    return _forgotten(actor, task, member, minutes, lock=lock)[0]


def _forgotten(actor: Member, task: Task, member: Member, minutes: int | None, *,
               lock: bool) -> tuple[list[tuple[str | None, object]], AssignmentStatus | None]:
    """``forgotten_problems``, and the member's status on the task as read (None: not on
    it; the service audits whether she was 缺席). With ``lock``, the service's locks in
    its order."""
    day = task.service_date
    # the member's unit of the day counts their hours too (asked first: it takes every
    # unit's lock in order, ``closed_member_units``)
    units = closed_member_units(actor, task.unit_id, task.community_id, day, [member.id],
                                lock=lock)
    closed = closed_to(actor, task.unit_id, task.community_id, day, lock=lock)
    if closed:
        return [(None, forgotten_closed_words(closed))], None
    if units:
        return [("member", units_closed_words(units, _l("向该活动添加参加人员")))], None
    found: list[tuple[str | None, object]] = []
    if lock:
        # the member's requests naming the task, which adding them answers
        # (``answered_requests``), locked before the member's row: the house order
        lock_requests_naming(task.id, member.id)
    held = None
    try:  # the member's rules, the first one broken (one field)
        # 补录's rule for the activity's day, under the member's lock (``nameable``)
        refuse_unnameable(task.community_id, day, [member], field="member", hold=lock)
        held = db.session.scalar(select(Assignment.status).where(
            Assignment.task_id == task.id, Assignment.member_id == member.id))
        # on it and not counted — 缺席, or not confirmed when it was approved (a check-in
        # not counted at 通过) — is left out, not in: they are added as anyone left out
        if held == AssignmentStatus.done:
            raise ServiceError(_l("%(name)s 已在该任务中。", name=member.name), field="member")
        refuse_overlap([member.id], task.starts_at, task.ends_at, other_than=task.id,
                       field="member", lock=lock)
    except ServiceError as refused:
        found.append((refused.field, refused.message))
    collect(found, check_minutes, task_span_minutes(task) if minutes is None else minutes,
            task)
    return found, held


def add_forgotten_participant(actor: Member, task: Task, member: Member,
                              minutes: int | None, *,
                              named: Callable[[], None] | None = None) -> Assignment:
    """添加遗漏的参加人员: ``member`` took part in an approved activity but is not on
    it (left out of a 补录 or an import, or wrongly marked 缺席). Their participation is
    written done with ``minutes`` (None: the activity's length) on the activity itself,
    so the activity still counts once and its 人次 and hours grow by what the member
    did — the counted rows follow through the flush hook (``tracker/participation.py``).
    The rules are 补录's: the liaison of the community or an admin; a 已定稿 month by an
    admin only; a member ``nameable`` on the activity's day (their unit then works in
    the community; one switched off since, for work before it); no other activity
    at the same time; hours in half hours within the activity's length.

    ``named``: the page's comparison of the signed documents it named with those the
    addition changes now (``named_page.NamedFirst.compare``, ``roll.keep_named``),
    called under the months' locks once every refusal has passed: a refusal is said in
    its own words (review44 #2), and a post that named nothing because the view read a
    refusal (no page shown) is named afresh, not added, when that refusal is gone by
    now (samehold44)."""
    if not manages_task(actor, task):
        raise PermissionDenied(_l("无权操作。"))
    lock_activity(task)  # not voided or reopened meanwhile
    if task.status == TaskStatus.cancelled:
        raise ServiceError(_l("该任务已取消。"))
    if not task.report_approved:
        raise ServiceError(_l("只有完成情况已审核通过的活动才在这里添加参加人员；"
                              "未审核的任务请用“指派”，由本人确认参与。"))
    found, held = _forgotten(actor, task, member, minutes, lock=True)
    refuse_all(found)
    if named is not None:
        named()
    if minutes is None:
        minutes = task_span_minutes(task)
    assignment = add_done_participation(task, member, actor, minutes, held=True)
    record(actor, "add_participant", assignment, task_id=task.id, member_id=member.id,
           minutes=minutes, was_absent=held == AssignmentStatus.absent,
           community_id=task.community_id)
    return assignment
