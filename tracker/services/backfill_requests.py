"""补录申请: a member asks for a 补录 of something they did (「我参加了但没有记录」),
and the liaison of the community 采纳 or 拒绝 it.

采纳 into a named task adds the member's participation, done, with the hours asked
for: while its report is not yet approved as any participation
(``claims.add_past_participation``), once it is approved as a participant left out of
the activity (``backfill.add_forgotten_participant``: the activity still counts once,
with one more 人次 and the member's hours). A request that names no task is 采纳
through the 补录 form (``/manage/backfill``), which marks it when it saves
(``adopt_through_backfill``). The rules are 补录's (``services.backfill``): the
member's unit works in the community, no overlapping activity, hours in half hours
within the activity's length. A request whose named activity did not happen after
all — voided (作废, ``reopen_requests_of``) or cancelled (取消) — is 采纳 through the form
too, for what the member really took part in: that activity itself, unchanged, is
refused (``_the_gone_activity``). In a 已定稿 month 采纳 is an admin's
(``admin_only_adoptions``), as every change of its figures is. A member put on the
named task as done another way (添加遗漏的参加人员, 指派 and 确认参与) has the request
已采纳 with it (``answered_requests``); 采纳 of one already on it just closes it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple
from datetime import date

from ..i18n import lazy_gettext as _l
from ..i18n import lazy, lazy_month_name
from sqlalchemy import (
    Date,
    and_,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased, join

from ..extensions import db
from ..fields import NOTE_MAX
from ..models import (
    Assignment,
    AssignmentStatus,
    BackfillRequest,
    Category,
    Community,
    Member,
    ResourceItem,
    RequestStatus,
    Task,
    TaskStatus,
    Unit,
)
from ..permissions import manages_community
from ..privacy import ERASED_PHONE_MARK
from ..rollups.batch import Plan, constant, gather, plan, run
from ..rollups.stays import unit_then
from ..timeutil import local_to_utc, local_today, to_local, utcnow
from . import PermissionDenied, ServiceError, ServiceErrors, required_reason
from .activity_lock import lock_activity
from .audit import record
from .backfill import (
    BackfillData,
    add_forgotten_participant,
    backfill_closed_words,
    day_refused_words,
    day_refuses,
    ever_nameable,
    forgotten_problems,
    nameable_ids,
    not_nameable_words,
    record_past_activity,
    refuse_overlap,
    refuse_unnameable,
    same_activity,
    unnameable_why,
    working_units,
)
from .claims import (
    MAX_MINUTES,
    MINUTE_STEP,
    add_past_participation,
    check_minutes,
    held_active,
)
from .named_first import work_signed
from .overlap import first_place_elsewhere
from .summary_notes import (
    Closed,
    ClosedUnit,
    Naming,
    final_day,
    final_year_day,
    may_change_final,
    roll_end_parts,
)
from .request_window import REQUEST_DAYS_BACK, askable_day
from .tasks import item_of_year

REASON_MAX = 500


@dataclass
class RequestData:
    service_date: date | None
    minutes: int | None
    task: Task | None = None
    description: str | None = None
    note: str | None = None


def works_in(member: Member, community_id: int, day: date | None = None) -> bool:
    """Whether the member may ask for work in the community on ``day`` (None: not known,
    some day): 补录's rule (``backfill.nameable``) — their unit that day works there."""
    return member.id in nameable_ids(community_id, day, [member.id])


def _not_working_there(member: Member, community_id: int, day: date | None):
    """Why ``works_in`` refused the member: their unit does not work in the community —
    that day's, named with the day, when the day is what refuses them."""
    if (unit := day_refuses(member, community_id, day)) is not None:
        return _l("您在%(day)s所在的单位（%(unit)s）不在该社区开展共建，不能申请该日活动的补录。",
                  day=day.strftime("%Y-%m-%d"), unit=unit.name)
    return _l("您所在单位不在该社区开展共建，不能申请补录。")


def requestable(on_it: AssignmentStatus | None, approved: bool, nameable: bool) -> bool:
    """The rule of a 补录申请 naming an ended task, not cancelled: the member's unit on
    its day works in its community (``nameable``: 补录's rule, ``backfill.nameable``,
    which the form's choices and 采纳 ask) and the member is not on it (``on_it`` None
    or withdrawn) — or, once its report is ``approved``, on it but not counted (缺席, or
    a claim or check-in not confirmed by 通过: no one can correct that but the liaison,
    who adds them as ``backfill.add_forgotten_participant`` adds anyone not counted).
    Written once: ``is_requestable`` asks it, and the task page of the values its one
    statement read (``tasks.queries.my_assignment_and_places``), so it never offers
    「我参加了但没有记录」 for a request the form would refuse (walk47 #1)."""
    return nameable and not_on_it(on_it, approved)


def not_on_it(on_it: AssignmentStatus | None, approved: bool) -> bool:
    """``requestable``'s rule of the member's place on the task (``on_it``: its status,
    None without one): what the form and 采纳 ask apart from the unit rule, which they
    refuse in its own words (under 社区; ``backfill.refuse_unnameable``)."""
    return (on_it in (None, AssignmentStatus.withdrawn)
            or (approved and on_it != AssignmentStatus.done))


def pending_on_task(task_id, member_id):
    """A select of the member's 补录申请 naming the task, still pending (its id; values
    or columns): the form refuses a second (「您已为该任务提交过补录申请…」), and the task
    page, reading it in its own statement (``tasks.queries.my_assignment_and_places``),
    says it is waiting instead of offering 「我参加了但没有记录」 (notice47b #3)."""
    return (select(BackfillRequest.id).where(
        BackfillRequest.member_id == member_id, BackfillRequest.task_id == task_id,
        BackfillRequest.status == RequestStatus.pending)
        .order_by(BackfillRequest.id).limit(1))


def _on_it(task: Task, member: Member) -> AssignmentStatus | None:
    return db.session.scalar(select(Assignment.status).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id))


def is_requestable(task: Task, member: Member) -> bool:
    """A task a member may ask to be added to: ended, not cancelled, and ``requestable``
    — their unit that day works in its community, and they are not on it or, once its
    report is approved, on it but not counted."""
    if task.status == TaskStatus.cancelled or task.ends_at > utcnow():
        return False
    return requestable(_on_it(task, member), task.report_approved,
                       works_in(member, task.community_id, task.service_date))


def place_elsewhere(task: Task, member: Member) -> Task | None:
    """The first other activity at hours overlapping ``task``'s where the member holds a
    place (``overlap.first_place_elsewhere``: claimed, checked in or done, not cancelled), or
    None. 采纳 would refuse to add them to ``task`` (``backfill.refuse_overlap``, the
    same rule): the request is not offered (``queries.requestable_tasks``) nor taken."""
    return first_place_elsewhere(member.id, task.id, task.starts_at, task.ends_at)


def taken_elsewhere(task: Task, other: Task):
    """What the member is told of ``task`` when ``place_elsewhere`` found ``other``."""
    return _l("您在同一时间已参加“%(other)s”（%(when)s），不能再申请补录“%(task)s”；"
              "如记录有误，请联系社区联络员。", other=other.title, task=task.title,
              when=to_local(other.starts_at).strftime("%Y-%m-%d %H:%M"))


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


# The request form's fields, in its order: the order its refusals are named in.
FORM_FIELDS = ("community", "task", "service_date", "description", "hours", "note")


def request_problems(member: Member, community: Community | None,
                     data: RequestData) -> list[tuple[str, object]]:
    """Every field the rules refuse, as (form field, message) in the form's order, the
    first problem of each: a member on a phone learns the community, the date and the
    hours at once, not one per submit (review walk3, #2; design invariant 4).
    ``community`` None: not chosen — the form says so under its field — and the rest is
    checked all the same."""
    found: dict[str, object] = {}

    def refuse(field: str, message) -> None:
        found.setdefault(field, message)

    task = data.task
    if task is not None:
        if community is not None and task.community_id != community.id:
            refuse("task", _l("所选任务不属于该社区。"))
        elif task.status == TaskStatus.cancelled:
            refuse("task", _l("该任务已取消。"))
        elif task.ends_at > utcnow():
            refuse("task", _l("该任务还没有结束，结束后才能申请补录。"))
        elif not not_on_it(_on_it(task, member), task.report_approved):
            # the unit rule (``requestable``'s other half) is refused under 社区, below
            refuse("task", _l("您已在该任务中，请在“我的任务”中确认参与。"))
        elif (other := place_elsewhere(task, member)) is not None:
            refuse("task", taken_elsewhere(task, other))
        elif db.session.scalar(pending_on_task(task.id, member.id)) is not None:
            refuse("task", _l("您已为该任务提交过补录申请，正在等待处理。"))
    # a task refused is the one problem of its day and length: they are the task's, not
    # the member's to correct
    task_refused = "task" in found
    day = task.service_date if task is not None else data.service_date
    today = local_today()
    if task_refused:
        pass
    elif day is None:
        refuse("service_date", _l("请填写参加活动的日期。"))
    elif day > today:
        refuse("service_date", _l("日期不能晚于今天。"))
    elif not askable_day(day, today):
        refuse("service_date", _l("只能申请%(days)d天以内的补录，更早的活动请联系社区联络员。",
                                  days=REQUEST_DAYS_BACK))
    # the rule on the day asked about, once the day is one that may be asked (else on
    # some day: the date's own refusal is the one to correct)
    on = day if day is not None and "service_date" not in found else None
    if community is not None and not works_in(member, community.id, on):
        refuse("community", _not_working_there(member, community.id, on))
    if task is None and on is not None and community is not None \
            and "community" not in found and _pending_free_text(member, community, on):
        # the same work asked twice sat twice in the queue, each with 补录并采纳 (review
        # walk7, D4): one pending request per day names the day's work, as one per task
        refuse("service_date", _l("您已为该日期提交过补录申请，正在等待处理。"))
    if task is None and not _clean(data.description):
        refuse("description", _l("没有选择任务时，请说明参加了什么活动。"))
    for text, field in ((data.description, "description"), (data.note, "note")):
        if len((text or "").strip()) > NOTE_MAX:
            refuse(field, _l("不能超过%(max)d个字。", max=NOTE_MAX))
    if data.minutes is None:
        refuse("hours", _l("请填写服务时长。"))
    elif task_refused:
        pass
    elif task is not None:
        try:
            check_minutes(data.minutes, task)
        except ServiceError as error:
            refuse("hours", error.message)
    elif data.minutes <= 0 or data.minutes % MINUTE_STEP or data.minutes > MAX_MINUTES:
        refuse("hours", _l("服务时长须为0.5小时的整数倍，大于0且不超过24小时。"))
    return [(field, found[field]) for field in FORM_FIELDS if field in found]


def _pending_free_text(member: Member, community: Community, day: date) -> bool:
    """Whether the member has a request naming no task pending for the community and
    day: the same work asked again (whatever its description says — the liaison reads
    one request for the day, and the member may withdraw it to ask it otherwise). A
    request 作废 put back in the queue (``voided_task_id``) is about the voided activity,
    not one asked without a task."""
    return db.session.scalar(select(BackfillRequest.id).where(
        BackfillRequest.member_id == member.id, BackfillRequest.community_id == community.id,
        BackfillRequest.service_date == day, BackfillRequest.task_id.is_(None),
        BackfillRequest.voided_task_id.is_(None),
        BackfillRequest.status == RequestStatus.pending).limit(1)) is not None


def _check_request(member: Member, community: Community, data: RequestData) -> date:
    found = request_problems(member, community, data)
    if found:
        raise ServiceErrors([ServiceError(message, field=field) for field, message in found])
    return data.task.service_date if data.task is not None else data.service_date


def ask_backfill(member: Member, community: Community, data: RequestData) -> BackfillRequest:
    """The member's 「我参加了但没有记录」: a pending request in the liaison's queue."""
    # the member's own row locked to the commit, ``active`` read under it, before the
    # checks: a 补录申请 is the person's work, and 合并账号 moves it while holding the
    # duplicate's row — one written for it meanwhile (its insert's key-share is let
    # through) was left on the account merged away, where no 采纳 can take it
    # (``claims.hold_member``). FOR NO KEY UPDATE, not a share: two posts of one member
    # at once take turns, and the second reads the first's request — one pending
    # request per task, or per day for one naming none (a share let both through, each
    # seeing none: review walk7, D4)
    if member.id not in held_active([member.id], no_key=True):
        raise ServiceError(_l("该党员账号已停用。"))
    day = _check_request(member, community, data)
    request = BackfillRequest(
        member_id=member.id, community_id=community.id,
        task_id=None if data.task is None else data.task.id, service_date=day,
        description=_clean(data.description), minutes=data.minutes, note=_clean(data.note),
        status=RequestStatus.pending, created_at=utcnow())
    db.session.add(request)
    db.session.flush()
    record(member, "backfill_request", request, community_id=community.id,
           task_id=request.task_id, service_date=day.isoformat(), minutes=data.minutes)
    return request


def _lock(request: BackfillRequest) -> None:
    """Re-read the request under a row lock, for the rest of the transaction.

    The page that posted saw it pending, but another liaison (or the member) may have
    decided it since: on PostgreSQL the lock makes a second decision wait for the first
    to commit and then read 已采纳/已拒绝, so exactly one decision wins and the loser
    writes nothing. SQLite's writers take turns anyway; it ignores the clause.

    The request's row alone, by a statement of its own: a refresh repeats the options it
    was loaded with, and 采纳 loads it with its task, member and the rest joined in
    (``queries.load_adoption``) — FOR UPDATE over those outer joins is refused by
    PostgreSQL, and would lock rows 采纳 locks in its own order."""
    db.session.scalars(select(BackfillRequest).where(BackfillRequest.id == request.id)
                       .with_for_update().execution_options(populate_existing=True)).one()


def withdraw_request(request: BackfillRequest, member: Member) -> None:
    if request.member_id != member.id:
        raise PermissionDenied(_l("无权操作。"))
    _lock(request)
    if not request.is_pending:
        raise ServiceError(_l("该申请已处理，不能撤回。"))
    request.status = RequestStatus.withdrawn
    request.decided_at = utcnow()
    record(member, "backfill_request_withdraw", request)


# a request 采纳 or 拒绝 finds decided already (by another liaison, or withdrawn)
DECIDED = _l("该申请已处理。")
# 采纳 of a request naming no task (none named, or its activity voided since): 补录 form
THROUGH_FORM = _l("该申请需通过补录表单采纳。")


def _deciding(request: BackfillRequest, actor: Member, task: Task | None = None) -> None:
    """May ``actor`` decide the request, and is it still pending (read under its lock)?
    ``task``: the activity the decision adds the member to, locked first
    (``lock_activity``): 作废 locks its task and then the requests naming it
    (``reopen_requests_of``), so a 采纳 that locked the request first and then waited
    for the task deadlocked with it. One order: the task, then the request."""
    if not manages_community(actor, request.community_id):
        raise PermissionDenied(_l("无权操作。"))
    if task is not None:
        lock_activity(task)
    _lock(request)
    if not request.is_pending:
        raise ServiceError(DECIDED)


def _decided(request: BackfillRequest, actor: Member, status: RequestStatus) -> None:
    request.status = status
    request.decided_by_id = actor.id
    request.decided_at = utcnow()


def needs_backfill_form(request: BackfillRequest) -> bool:
    """采纳 goes through the 补录 form when no task is named, or the task named was
    cancelled (取消) since it was asked: it did not happen, the member cannot be added to
    it. A named task takes the member whatever its report's state: an approved one as a
    forgotten participant — recording the activity again through the form would count
    it twice."""
    return request.task is None or request.task.status == TaskStatus.cancelled


def gone_task(request: BackfillRequest) -> Task | None:
    """The activity the request named that did not happen: voided (作废) since — the
    request names it as ``voided_task`` — or cancelled (取消) since it was asked; None
    otherwise. The 补录 that adopts the request records what really happened instead."""
    if request.voided_task is not None:
        return request.voided_task
    if request.task is not None and request.task.status == TaskStatus.cancelled:
        return request.task
    return None


class ApplicantRefusals(NamedTuple):
    """``applicant_refusals``: {request id: words} of the requests no 采纳 can take
    (``unadoptable``), and of those through the 补录 form whose day 保存 would refuse
    her on (``on_day``: the form may be saved on another day)."""

    unadoptable: dict[int, object]
    on_day: dict[int, object]


def unadoptable(requests) -> dict[int, object]:
    """{request id: why 采纳 is refused} for those of ``requests``, pending, whose member
    ``nameable`` admits on no day in the request's community (``ever_nameable``): erased
    since it was asked (the retention period, ``member_retention``), switched off with
    no stay on the roll of a unit working there, or their unit working there no more (its
    checklist item moved to another unit, its zone given to another) — or, naming an
    activity, not on its day (``applicant_refusals``). The 补录 form cannot tick them (it
    offers no one else, ``manage.queries.backfill_candidates``), so neither way of 采纳
    can name them."""
    return applicant_refusals(requests).unadoptable


def applicant_refusals(requests, *, day: date | None = None) -> ApplicantRefusals:
    """``applicant_refusals_plan``'s answer, its statement run alone."""
    return run(applicant_refusals_plan(requests, day=day))


def applicant_refusals_plan(requests, *, day: date | None = None) -> Plan:
    """``nameable`` asked of each pending request's member in its community: on no day
    (``unadoptable``), and on the request's day — ``day``, the one typed on the 补录 form
    of one request, in its place —, the rule 保存 and 采纳 refuse by
    (``backfill._check_participants``, ``_add_to_task``): a member moved (or switched
    off) since she asked, the admin's records dating the move (or her last stay) before
    that day, is still named on her other days, and the card said nothing before 保存
    refused (backfillkey47's Open). Refused on the day, a request naming an activity is
    ``unadoptable`` (its day is the activity's, 采纳 cannot change it); one through the
    form is warned of (``on_day``), in 保存's words. One statement per community of
    ``requests`` (not per request: the day is the request's column; ``ever_nameable``'s
    nested EXISTS does not correlate to the request's community, backfillkey47), run
    as one (``rollups.batch``: an admin's queue over many communities within the
    design's budget, pagesb49), the words from the members as loaded and what it read:
    a ``Plan``, so a page runs it together with its other plain rows (the queue's
    ``ending_events_plan``, pagesb50)."""
    by_community: dict[int, list[BackfillRequest]] = {}
    for request in requests:
        if request.is_pending:
            by_community.setdefault(request.community_id, []).append(request)
    found = ApplicantRefusals({}, {})
    asked_task, voided = aliased(Task, name="asked_task"), aliased(Task, name="voided_task")
    # 采纳 asks the rule on the named activity's day as it is now (its times may have been
    # corrected since she asked: ``adopt_into_task``), 保存 on the day typed, the form
    # first filled with that activity's (or the voided one's) times: one day,
    # ``BackfillRequest.activity_day`` (review48, review48b #3)
    on = (func.coalesce(asked_task.service_date, voided.service_date,
                        BackfillRequest.service_date)
          if day is None else literal(day, Date))
    # on its record as done already: 采纳 only closes the request, asking no rule
    already_on = and_(asked_task.status != TaskStatus.cancelled, select(Assignment.id).where(
        Assignment.task_id == asked_task.id, Assignment.member_id == BackfillRequest.member_id,
        Assignment.status == AssignmentStatus.done).exists())
    day_unit = aliased(Unit, name="day_unit")

    joined = (join(BackfillRequest, Member, Member.id == BackfillRequest.member_id)
              .outerjoin(asked_task, asked_task.id == BackfillRequest.task_id)
              .outerjoin(voided, voided.id == BackfillRequest.voided_task_id)
              .outerjoin(day_unit, day_unit.id == unit_then(Member.id, on, Member.unit_id)))

    def asked(community_id: int, rows: list[BackfillRequest]):
        working = working_units([community_id])
        return (select(BackfillRequest.id, and_(*ever_nameable(working)),
                       unnameable_why(working, on), day_unit.name, on, already_on)
                # the joins as one FROM: the batch replaces the columns, from which a
                # chain of .join()s would look for its left side again
                .select_from(joined)
                .where(BackfillRequest.id.in_([request.id for request in rows])))

    def shape(*answers) -> ApplicantRefusals:
        for (community_id, rows), answered in zip(by_community.items(), answers):
            by_id = {request.id: request for request in rows}
            for request_id, ever, why, unit_name, asked_day, on_it in answered:
                request = by_id[request_id]
                if on_it:  # 采纳 only closes it, asking no rule (review48b #2)
                    continue
                if not ever:
                    found.unadoptable[request_id] = _unadoptable_words(request.member,
                                                                       community_id)
                elif why is not None:
                    words = day_refused_words(request.member.name, why, asked_day, unit_name)
                    if needs_backfill_form(request):
                        found.on_day[request_id] = words
                    else:
                        found.unadoptable[request_id] = _admins_step(words)
        return found

    return plan(*(asked(community_id, rows) for community_id, rows in by_community.items()),
                shape=shape)


def _unadoptable_words(member: Member, community_id: int):
    """Why ``unadoptable`` refuses the request, and what to do instead: an erased account
    is recorded on nothing any more; otherwise the admin's records (the account, its
    unit, the community's checklist and zones) may be what is wrong."""
    why = not_nameable_words(member, community_id, None)
    if member.phone.startswith(ERASED_PHONE_MARK):
        return _l("%(why)s该申请不能再采纳，请拒绝该申请。", why=why)
    return _admins_step(why)


def _admins_step(why):
    return _l("%(why)s该申请暂不能采纳：如申请不属实，请拒绝；如属实，须由单位管理员先核对"
              "该党员的账号和单位、该社区的资源清单和责任区，再补录并采纳。", why=why)


@dataclass(frozen=True)
class AdoptNotice:
    """What the queue's card and the 补录 form say up front of a request whose 采纳 a
    signed 月报 (or 年度总结) may refuse ``actor``: ``words``, the service's own refusal —
    for a request through the 补录 form each signed unit named as 保存 names it
    (``backfill_closed_words``), else 采纳's (``adopt_closed_words``) —, and whether it is
    an admin's whatever the liaison does (``refused``: the card says so in place of
    采纳); not ``refused``, an item of an open unit is left her."""

    refused: bool
    words: object


def adopt_notices(requests, actor: Member, *, day: date | None = None
                  ) -> dict[int, AdoptNotice]:
    """Of ``requests``, those a signed month (or year) closes, wholly or on some of the
    community's items, to ``actor`` (by request id; none for an admin, to whom nothing
    is closed): the queue's question, one statement (``signed_adoptions``, whose ``day``
    it passes on), no lock — a page's question, so it never waits for a 定稿; 采纳 and
    保存 ask again under it."""
    return run(adopt_notices_plan(requests, actor, day=day))


def adopt_notices_plan(requests, actor: Member, *, day: date | None = None) -> Plan:
    """``adopt_notices`` as a ``rollups.batch`` plan: the 补录 form over a 补录申请 reads
    it with ``applicant_refusals_plan`` in one statement (form52)."""
    if may_change_final(actor):
        return constant({})

    def shape(signed: dict[int, AdoptionSigned]) -> dict[int, AdoptNotice]:
        notices = {}
        for request_id, found in signed.items():
            if found.units:  # through the 补录 form
                notices[request_id] = AdoptNotice(found.admin_only is not None,
                                                  backfill_closed_words(list(found.units)))
            elif found.admin_only is not None:
                notices[request_id] = AdoptNotice(
                    True, adopt_closed_words(found.admin_only))
        return notices
    return gather(signed_adoptions_plan(requests, day=day), shape=shape)


def adopt_closed_words(waiting: AdminOnly):
    """What the queue says on a card ``adopt_notices`` found an admin's,
    instead of 采纳: an admin adopts it — or, in ``Closed.say``'s words as every refusal
    of a signed month, first re-opens what is signed (the year's summary too when it is).
    Documents of more than one unit are each named with their unit, in one sentence
    (naming51: merged, one unit's month read as another's year)."""
    if len(waiting.documents) > 1:
        return _l("%(documents)s已定稿，该申请须由单位管理员采纳（或由单位管理员先重新打开这些文件）。",
                  documents=_documents_named(waiting.documents))
    closed = waiting.documents[0].closed
    return closed.say(
        _l("%(month)s的月报已定稿，该申请须由单位管理员采纳",
           month=lazy_month_name(closed.year, closed.month)),
        _l("%(year)s年度总结已定稿，该申请须由单位管理员采纳", year=closed.year))


def adopt_signed_words(waiting: AdminOnly, *, through_form: bool = False):
    """What the queue says to an admin on the card of a request whose 采纳 changes a
    已定稿 document (``adopt_signed_months``): which ones — the month's 月报 and the
    year's 年度总结 together when both are signed, each unit's named with it when more
    than one unit's are (``adopt_closed_words``' rule) —, and that 采纳 names them first.

    ``through_form``: a request 采纳 opens the 补录 form for (``needs_backfill_form``).
    Its card names every item's unit signed, no item being chosen yet; the form's 保存
    changes, and names, only those the item chosen there touches — its unit's, her
    unit's of the day, the community's —, so the card says that of them, not 「会改变
    已定稿的文件，采纳前会列出这些文件」 of them all (stale53's Open, then53). One
    document: it is the one every item changes."""
    if len(waiting.documents) > 1:
        if through_form:
            return _l("%(documents)s已定稿：采纳该申请会改变其中与补录时所选项目有关的已定稿文件，"
                      "保存补录前会列出这些文件，确认后才计入。",
                      documents=_documents_named(waiting.documents))
        return _l("%(documents)s已定稿：采纳该申请会改变已定稿的文件，采纳前会列出这些文件，确认后才计入。",
                  documents=_documents_named(waiting.documents))
    closed = waiting.documents[0].closed
    month = lazy_month_name(closed.year, closed.month)
    if closed.by_year:
        return _l("%(year)s年度总结已定稿：采纳该申请会改变已定稿的文件，采纳前会列出这些文件，确认后才计入。",
                  year=closed.year)
    if closed.and_year:
        return _l("%(month)s的月报和%(year)s年度总结已定稿：采纳该申请会改变已定稿的文件，"
                  "采纳前会列出这些文件，确认后才计入。", month=month, year=closed.year)
    return _l("%(month)s的月报已定稿：采纳该申请会改变已定稿的文件，采纳前会列出这些文件，确认后才计入。",
              month=month)


def _documents_named(documents):
    """「县卫健局2022年度总结、县教育局2022年10月的月报」: each unit's (or community's own)
    signed documents, its month's and its year's in one, in the reader's language."""
    return lazy(_say_documents, documents)


def _say_documents(documents) -> str:
    named = []
    for unit in documents:
        closed, name = unit.closed, unit.community_name or unit.unit_name
        month = lazy_month_name(closed.year, closed.month)
        if closed.by_year:
            named.append(_l("%(unit)s%(year)s年度总结", unit=name, year=closed.year))
        elif closed.and_year:
            named.append(_l("%(unit)s%(month)s的月报和%(year)s年度总结", unit=name,
                            month=month, year=closed.year))
        else:
            named.append(_l("%(unit)s%(month)s的月报", unit=name, month=month))
    return str(_l("、")).join(str(words) for words in named)


def adopt_signed_months(requests, actor: Member) -> dict[int, object]:
    """Of ``requests``, those whose 采纳 by ``actor``, an admin, changes a 已定稿 月报 or
    年度总结 (by request id, what the card says, ``adopt_signed_words``; empty for
    anyone else, whom ``adopt_notices`` answers): the queue says so on their cards
    before 采纳 names the documents (``adoption_signed``, the 补录 form's own
    confirmation) — the same one statement, ``admin_only_adoptions``, asked only for an
    admin."""
    if not may_change_final(actor):
        return {}
    through_form = {request.id for request in requests if needs_backfill_form(request)}
    return {request_id: adopt_signed_words(waiting, through_form=request_id in through_form)
            for request_id, waiting in admin_only_adoptions(requests).items()}


def request_unit(member_id=BackfillRequest.member_id, day=BackfillRequest.service_date):
    """SQL: the unit of a 补录申请 — its member's unit on the day of the work
    (``stays.unit_then``), the unit 补录 counts it for and whose rule it asks
    (``backfill.nameable``), not the unit the member is in now (moved since, that is
    another). The one answer of the queue's label, 采纳's 已定稿 month, the 补录 form
    opened from the request and the admins' digest (``reminders.kinds``)."""
    return unit_then(member_id, day)


@dataclass(frozen=True)
class AdminOnly:
    """Why 采纳 of a request is an admin's (``documents``: the 已定稿 documents it
    changes, each unit's — or the community's own, ``ClosedUnit.community_name`` —
    once, its month's and its year's in one ``Closed``: what the queue's cards name,
    ``adopt_closed_words``) and the units whose signed document it would change
    (``unit_ids``: whose admins are told, 待单位管理员处理). Never one ``Closed`` for
    them all: it read one unit's month with another's year (naming51)."""

    documents: tuple[ClosedUnit, ...]
    unit_ids: frozenset[int]


@dataclass(frozen=True)
class AdoptionSigned:
    """What ``signed_adoptions`` found of one request: ``admin_only`` when only an admin
    may 采纳 it (else None), and ``units``, each unit whose signed 月报 (or 年度总结) a
    补录 adopting it may change — the member's unit of the day named with her (unless
    every item is of it: then as an item's, as 保存 on any of them names it), once, the
    activity's and the community's items' units as an item's
    (``backfill_closed_words``: the words 保存 refuses a liaison with)."""

    admin_only: AdminOnly | None
    units: tuple[ClosedUnit, ...]


# the kinds of place a request's adoption changes a 月报 of (``signed_adoptions``)
_MEMBER, _ACTIVITY, _ITEM = 0, 1, 2


def admin_only_adoptions(requests) -> dict[int, AdminOnly]:
    """Of ``requests``, those only an admin may 采纳, by request id (``AdminOnly``; the
    rule: ``signed_adoptions``). The queue, the 补录 form and the reminder job
    (待单位管理员处理) ask it; one statement for them all, no lock (采纳 asks again under
    it)."""
    return {request_id: found.admin_only
            for request_id, found in signed_adoptions(requests).items()
            if found.admin_only is not None}


def signed_adoptions(requests, *, day: date | None = None) -> dict[int, AdoptionSigned]:
    """Of ``requests``, those whose 采纳 may change a 已定稿 月报 (or 年度总结), by
    request id. A request through the 补录 form (no task, or one voided or cancelled
    since) is asked of its day, for the member's unit of the day (``request_unit``),
    whose figures count her hours, the activity it named, if any, and every unit with a
    checklist item the 补录 could be recorded on (active, counting activities, in the
    request's community: 保存 refuses a liaison on a signed item's unit too, review46b
    #1) — of any year, as the form offers them and 保存 takes them: an activity goes on
    its own year's item of the line, else stays on the one chosen until that year's is
    added (``tasks.item_of_year``), the same unit either way (notice47b #1); one naming an approved activity, of the activity's day,
    for its unit and the member's of that day (adding her to it changes both:
    ``backfill.add_forgotten_participant``); one naming an activity not yet approved
    changes no official figure. Only an admin may 采纳 one (``admin_only``) when the
    member's or the activity's unit is signed, or every item's unit is — an item of an
    open unit leaves the liaison a 补录 there. One statement, no lock.

    ``day``: the day the 补录 form will save, as typed, asked in place of the request's
    own for a request through the form — the liaison may move the times to another
    month, and 保存 asks that one (adoptnotice47's Open); the form of one request."""
    return run(signed_adoptions_plan(requests, day=day))


def signed_adoptions_plan(requests, *, day: date | None = None) -> Plan:
    """``signed_adoptions``' statement and its shape, a ``rollups.batch`` plan (none
    when no request is asked of)."""
    form_ids, gone_ids, approved_ids = [], [], []
    for request in requests:
        if needs_backfill_form(request):
            form_ids.append(request.id)
            if gone_task(request) is not None:
                gone_ids.append(request.id)
        elif request.task.report_approved:
            approved_ids.append(request.id)
    if not (form_ids or approved_ids):
        return constant({})
    asked = BackfillRequest
    gone = Task.id == func.coalesce(asked.voided_task_id, asked.task_id)
    named = Task.id == asked.task_id
    # the day a 补录 adopting it is recorded on: the request's, or the one typed
    on = asked.service_date if day is None else literal(day, Date)
    # a place of month and year, all of it (``roll_end_parts``' flags, all false)
    whole = (false().label("year_only"), false().label("month_only"),
             false().label("part_only"))
    form_unit = request_unit(asked.member_id, on)
    named_unit = request_unit(asked.member_id, Task.service_date)
    places = union_all(
        select(asked.id.label("request_id"), literal(_MEMBER).label("kind"),
               form_unit.label("unit_id"),
               asked.community_id.label("community_id"), on.label("day"), *whole)
        .where(asked.id.in_(form_ids)),
        select(asked.id, literal(_ACTIVITY), Task.unit_id, asked.community_id, on, *whole)
        .join(Task, gone).where(asked.id.in_(gone_ids)),
        select(asked.id, literal(_ITEM), ResourceItem.unit_id, asked.community_id,
               on, *whole).distinct()
        .join(ResourceItem, and_(ResourceItem.community_id == asked.community_id,
                                 ResourceItem.active.is_(True)))
        .join(Category, Category.id == ResourceItem.category_id)
        .where(asked.id.in_(form_ids), Category.activity_unit.is_not(None)),
        select(asked.id, literal(_ACTIVITY), Task.unit_id, asked.community_id,
               Task.service_date, *whole)
        .join(Task, named).where(asked.id.in_(approved_ids)),
        select(asked.id, literal(_MEMBER), named_unit, asked.community_id, Task.service_date,
               *whole)
        .join(Task, named).where(asked.id.in_(approved_ids)),
        *_roll_places(form_ids, approved_ids, on, form_unit, named_unit)).subquery()
    flags = places.c.year_only, places.c.month_only, places.c.part_only
    by_month, by_year = _signed_by_place(places, flags, True)
    # the unit's own documents (not the community's): else the community is named — and
    # the member's unit is named as hers by these alone (``closed_member_units``' rule)
    unit_month, unit_year = _signed_by_place(places, flags, false())
    # her name, in the statement: the reminder job's requests come without their members
    member_name = (select(Member.name).join(asked, asked.member_id == Member.id)
                   .where(asked.id == places.c.request_id).scalar_subquery())
    # every item's unit, signed or not: whether one is left open decides 采纳's
    read = (select(places.c.request_id, places.c.kind, places.c.unit_id, Unit.name,
                   places.c.day, by_month, by_year, member_name, unit_month, unit_year,
                   Community.name)
            .outerjoin(Unit, Unit.id == places.c.unit_id)
            .join(Community, Community.id == places.c.community_id)
            .where(or_(by_month, by_year, places.c.kind == _ITEM))
            .order_by(places.c.request_id, places.c.kind, Unit.sort_key, Unit.id))
    forms = set(form_ids)

    def shape(rows) -> dict[int, AdoptionSigned]:
        found: dict[int, list] = {}
        names = {}
        for (request_id, kind, unit_id, unit_name, day, month, year_signed, name, own_month,
             own_year, community) in rows:
            found.setdefault(request_id, []).append(
                (kind, unit_id, unit_name, day, bool(month), bool(year_signed),
                 None if own_month or own_year else community,
                 (bool(own_month), bool(own_year)), community))
            names[request_id] = name
        signed = {request_id: _signed_of_request(its, names[request_id]
                                                 if request_id in forms else None)
                  for request_id, its in found.items()}
        return {request_id: one for request_id, one in signed.items()
                if one.admin_only is not None or one.units}
    return plan(read, shape=shape)


def _roll_places(form_ids, approved_ids, on, form_unit, named_unit) -> list:
    """``signed_adoptions``' member places on a roll: the unit whose roll of the
    month's (year's) end holds the request's member, when a 补录 adopting it changes its
    参与情况 (``summary_notes.roll_end_parts``, naming50) — 保存 refuses a liaison by
    it (``closed_member_units``), so the queue says so and the digest tells its admins.
    Selects of the union's columns, with the roll's flags. Through the form the
    activity's unit is the item's, not yet chosen: every item's unit is a place of its
    own, which names a roll unit that is an item's as its item does (``closed_to`` asks
    each of its documents the roll place asks), so the unit of the day stands in for
    it."""
    asked = BackfillRequest
    parts = []
    for by_month in (True, False):
        stay, roll = roll_end_parts(asked.member_id, on, asked.community_id, form_unit,
                                    form_unit, (), by_month)
        parts.append(select(asked.id, literal(_MEMBER), stay.unit_id, asked.community_id,
                            on, *roll.columns)
                     .join(stay, roll.joined).where(asked.id.in_(form_ids), *roll.where))
        stay, roll = roll_end_parts(asked.member_id, Task.service_date, asked.community_id,
                                    Task.unit_id, named_unit, (), by_month)
        parts.append(select(asked.id, literal(_MEMBER), stay.unit_id, asked.community_id,
                            Task.service_date, *roll.columns)
                     .join(Task, Task.id == asked.task_id).join(stay, roll.joined)
                     .where(asked.id.in_(approved_ids), *roll.where))
    return parts


def _signed_by_place(places, flags, own):
    """SQL, (by the month, by the year) of ``signed_adoptions``' places: the 月报 (年度总结)
    a place counts in is 已定稿 (``final_day``, ``own`` passed on) — a roll place's month
    alone, its year alone, or its unit's part alone, as its flags say."""
    year_only, month_only, part_only = flags
    c = places.c
    return (and_(not_(year_only), final_day(c.unit_id, c.community_id, c.day, own,
                                            part_only)),
            and_(not_(month_only), final_year_day(c.unit_id, c.community_id, c.day, own,
                                                  part_only)))


def _signed_of_request(places, member_name: str | None) -> AdoptionSigned:
    """``signed_adoptions``' answer for one request from its places — (kind, unit id,
    unit name, day, month signed, year signed, the community's name when its own
    document is the signed one, (the unit's own month signed, its own year), the
    community's name), the member's first."""
    items = {unit_id for kind, unit_id, *_rest in places if kind == _ITEM}
    hits = [place for place in places if place[4] or place[5]]
    sure = [place for place in hits if place[0] != _ITEM]
    every_item = bool(items) and items <= {place[1] for place in hits if place[0] == _ITEM}
    closing = sure + ([place for place in hits if place[0] == _ITEM] if every_item else [])
    admin_only = None
    if closing:
        # the admins told (待单位管理员处理) are those of the units whose signed document
        # it changes: her unit by its own month or year alone, the rule her unit is named
        # by (``unit_of_day_closed``) — the community's own, signed, is told to the
        # activity's or the items' units (digest48); hers only if no other place is left
        told = frozenset(place[1] for place in closing if place[0] != _MEMBER or any(place[7]))
        admin_only = AdminOnly(_signed_documents(closing),
                               told or frozenset(place[1] for place in closing))
    units: dict[object, tuple] = {}
    # her unit named as hers, once, as 保存 names it on any item but her unit's own
    # (``backfill_closed_units``): as an item's only when every item the form offers is
    # of her unit — 保存 on any of them names it so; with an item of another unit the
    # item's words read as if that item avoided her signed month (notice47b #2)
    if member_name is not None:  # through the 补录 form: each signed unit named
        for kind, unit_id, unit_name, day, month, year, community, own, _where in hits:
            hers = kind == _MEMBER and (unit_id not in items or bool(items - {unit_id}))
            if hers:
                # her unit named by its own documents alone, as 保存 names it
                # (``closed_member_units``): the community's own, signed, is named by
                # every item's place — named as hers it said her unit's was signed
                # (adoptnotice47's Open)
                month, year = own
                if not (month or year):
                    continue
            # an item's unit closed by the community's own document: the community
            # named once, as 保存 names it (``backfill.backfill_closed_units``)
            key = unit_id if hers or community is None else community
            was = units.get(key)
            if was is None:
                units[key] = (day, month, year, unit_id, unit_name, hers, community)
            elif was[5] == hers:
                # one unit on two rolls (the month's end's and the year's, each its own
                # period: ``fold_people``'s rule), or its roll place and its item's
                units[key] = (was[0], was[1] or month, was[2] or year, *was[3:])
    return AdoptionSigned(admin_only, tuple(
        ClosedUnit(Closed(day, by_year=not month, and_year=month and year), unit_id,
                   unit_name, (member_name,) if hers else (), None if hers else community)
        for day, month, year, unit_id, unit_name, hers, community in units.values()))


def _signed_documents(closing) -> tuple[ClosedUnit, ...]:
    """The signed documents of ``_signed_of_request``'s ``closing`` places, each once:
    a unit's month and year — the month's end's roll and the year's, or its roll place
    and its activity — in one ``Closed``, as 保存 names a unit; but never one unit's month
    with another's year (naming51: case (b), the roll units of the month and the year
    differ). Each document is the unit's own when the unit's is signed, else the
    community's own (``ClosedUnit.community_name``), whose admins re-open it."""
    found: dict[tuple, list] = {}
    for _kind, unit_id, unit_name, day, month, year, _community, own, where in closing:
        for signed, unit_own, at in ((month, own[0], 1), (year, own[1], 2)):
            if not signed:
                continue
            key = (unit_id, None) if unit_own else (None, where)
            doc = found.setdefault(key, [day, False, False, unit_id, unit_name,
                                         None if unit_own else where])
            doc[at] = True
    return tuple(
        ClosedUnit(Closed(day, by_year=not month, and_year=month and year), unit_id,
                   unit_name, (), community)
        for day, month, year, unit_id, unit_name, community in found.values())


def _the_gone_activity(request: BackfillRequest, item: ResourceItem,
                       data: BackfillData) -> ServiceError | None:
    """A 补录 adopting a request whose activity was voided or cancelled records what the
    member really took part in: the same activity (``backfill.same_activity``, the rule
    by which the ledger import skips a voided activity's row) is refused — recording it
    again unchanged would count what was declared not to have happened. The refusal, or
    None; read only."""
    gone = gone_task(request)
    if gone is None or data.starts_local is None or data.ends_local is None:
        return None
    item = item_of_year(item, data.starts_local.year)
    same = db.session.scalar(select(Task.id).where(Task.id == gone.id, *same_activity(
        item, data.title, local_to_utc(data.starts_local), local_to_utc(data.ends_local))))
    if same is None:
        return None
    when = to_local(gone.starts_at).strftime("%Y-%m-%d %H:%M")
    if request.voided_task is not None:
        message = _l("这正是已作废的活动“%(task)s”（%(when)s）：资源清单项目、名称和时间都相同。"
                     "请按该党员实际参加的活动填写；如申请不属实，请拒绝。",
                     task=gone.title, when=when)
    else:
        message = _l("这正是已取消的任务“%(task)s”（%(when)s）：资源清单项目、名称和时间都相同。"
                     "请按该党员实际参加的活动填写；如申请不属实，请拒绝。",
                     task=gone.title, when=when)
    return ServiceError(message, field="title")


def _through_form_refusal(request: BackfillRequest, item: ResourceItem,
                          data: BackfillData) -> ServiceError | None:
    """采纳's own refusal of the 补录 ``data`` adopting ``request`` (beyond 补录's rules,
    ``backfill_problems``), the first, or None; read only — ``adopt_through_backfill``
    raises it with the request locked, ``adopt_problems`` reads it for the form."""
    if not needs_backfill_form(request):
        # the named activity is recorded: 采纳 adds the member to it (recording it
        # again here would count it twice)
        return ServiceError(_l("该申请指明了任务，请在补录申请列表中直接采纳，将其添加到该任务。"))
    if item.community_id != request.community_id:
        return ServiceError(_l("补录的社区须是申请的社区（%(name)s）。",
                               name=request.community.name), field="resource_item")
    if request.member_id not in {p.member.id for p in data.participants}:
        # not ticked because the form could not offer them: why, not 「请勾选」
        if (why := unadoptable([request]).get(request.id)) is not None:
            return ServiceError(why, field="participants")
        return ServiceError(_l("请勾选申请人 %(name)s。", name=request.member.name),
                            field="participants")
    return _the_gone_activity(request, item, data)


def adopt_problems(item: ResourceItem, data: BackfillData,
                   request: BackfillRequest) -> list[tuple[str | None, object]]:
    """What 采纳 through the 补录 form refuses of ``data`` adopting ``request``, beyond
    补录's own rules (``backfill_problems``), as (form field, message): the request
    decided already, then ``_through_form_refusal``'s — the checklist item in another
    community, the applicant not ticked, the voided or cancelled activity itself. Read
    only, no lock: the 补录 form's ask, which shows no naming page for a post the service
    would refuse — it is refused on the form in the service's words, never named first
    and refused after 确认 (adoptorder46); ``adopt_through_backfill`` asks again, the
    request locked."""
    if not request.is_pending:
        return [(None, DECIDED)]
    refusal = _through_form_refusal(request, item, data)
    return [] if refusal is None else [(refusal.field, refusal.message)]


def _add_to_task(request: BackfillRequest, actor: Member,
                 named: Callable[[], None] | None = None) -> Assignment:
    """The member's done participation on the request's task, as its report's state
    allows; ``named`` (``adopt_into_task``'s) called once every refusal has passed."""
    task, member = request.task, request.member
    lock_activity(task)  # not approved, reopened or voided meanwhile
    if task.status == TaskStatus.cancelled:  # 取消 or 作废 since it was asked
        raise ServiceError(_cancelled_words(task, member))
    if task.report_approved:
        return add_forgotten_participant(actor, task, member, request.minutes, named=named)
    # the unit rule was asked by ``adopt_into_task``, in its own words
    if not not_on_it(_on_it(task, member), task.report_approved):
        raise ServiceError(_l("%(name)s 已在该任务中。", name=member.name))
    refuse_overlap([member.id], task.starts_at, task.ends_at, other_than=task.id)
    if named is not None:  # a page that named documents re-opened since: said so
        named()
    return add_past_participation(task, member, actor, request.minutes, held=True)


def _cancelled_words(task: Task, member: Member):
    """采纳's refusal of a request naming a task cancelled (取消 or 作废) since it was
    asked."""
    return _l("任务“%(task)s”已取消，不能将 %(name)s 添加到该任务；"
              "请通过补录表单记录其实际参加的活动后采纳，或拒绝该申请。",
              task=task.title, name=member.name)


@dataclass(frozen=True)
class Adoption:
    """What 采纳 into the named task did: the member's participation on it, and whether
    it was there already (done another way: nothing added, the request just closed —
    the liaison is told so, not 「已加入」)."""

    assignment: Assignment
    already_on: bool = False


def adopt_into_task(request: BackfillRequest, actor: Member, *,
                    named: Callable[[], None] | None = None) -> Adoption:
    """采纳: the member's participation, done with the hours asked for, on the task.

    ``named``: the page's comparison of the signed documents it named with those 采纳
    changes now (``named_page.NamedFirst.compare``), called under the locks once every
    refusal has passed (``add_forgotten_participant``'s): a refusal is said in its own
    words (review44 #2), and a post straight from the queue, held to naming nothing
    because the view read a refusal, is named afresh when that refusal is gone by now
    (samehold44). Not asked when she is on the task already: nothing is added."""
    _deciding(request, actor, request.task)
    if request.task is None:
        raise ServiceError(THROUGH_FORM)
    task, member = request.task, request.member
    on_it = db.session.scalar(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id,
        Assignment.status == AssignmentStatus.done))
    if on_it is not None and task.status != TaskStatus.cancelled:
        # on the task's record as done already, by a way that did not close the request
        # (``answered_requests``: one racing its filing, or 撤销审核 and a resubmission
        # taking a 缺席 back): what was asked for is recorded, 采纳 just says so
        _decided(request, actor, RequestStatus.adopted)
        request.assignment_id = on_it.id
        request.result_task_id = task.id
        record(actor, "backfill_request_adopt", request, task_id=task.id,
               assignment_id=on_it.id, member_id=member.id, minutes=on_it.minutes,
               through="already_on")
        return Adoption(on_it, already_on=True)
    # 补录's rule on the task's day, the member's row locked (``backfill.nameable``)
    refuse_unnameable(request.community_id, task.service_date, [member])
    slots = task.slots
    # decided before the participation is written: adding it adopts the member's
    # pending requests naming the task (``answered_requests``), this one is adopted here
    _decided(request, actor, RequestStatus.adopted)
    assignment = _add_to_task(request, actor, named)
    request.assignment_id = assignment.id
    request.result_task_id = task.id
    record(actor, "backfill_request_adopt", request, task_id=task.id,
           assignment_id=assignment.id, member_id=member.id, minutes=request.minutes,
           slots_raised=task.slots != slots)
    return Adoption(assignment)


def adopts_into_approved(request: BackfillRequest) -> bool:
    """Whether 采纳 of ``request`` goes to ``add_forgotten_participant`` (her hours
    counted at once, in the approved activity's month): a pending request naming a task
    neither cancelled nor voided whose report is approved — as the loaded request says
    it, no statement. Whether she is on it as done already (采纳 then only closes the
    request) is ``adoption_refused``'s to say (「已在该任务中」), asked only where a page
    would be shown."""
    return request.is_pending and _approved_activity(request.task)


def _approved_activity(task: Task | None) -> bool:
    """A task neither cancelled nor voided whose report is approved."""
    return task is not None and task.status != TaskStatus.cancelled and task.report_approved


def adoption_signed(request: BackfillRequest, actor: Member, *,
                    lock: bool = False) -> Naming | None:
    """The 已定稿 月报 and 年度总结 an admin's 采纳 of ``request`` changes, named before
    it is done, as 添加遗漏的参加人员 from the task page names them (review43 #1): the
    places ``add_forgotten_participant`` refuses a liaison by — the activity's day in
    its unit and the member's unit of that day (``named_first.work_signed``). None when
    采纳 goes to no approved activity (``adopts_into_approved``), for anyone but an
    admin (a liaison is refused, ``closed_to``), or when nothing signed is changed.
    ``lock``: asked by 采纳 itself under the months' share locks (``work_signed``'s),
    to compare with what its page named (``named_page.NamedFirst``).

    The signed documents alone, never whether 采纳 would be refused (review44 #2): a
    refusal since the page is no change of what is signed, and is said by the service in
    its own words, not as a page named afresh. The page is not shown when
    ``adoption_refused`` finds one (the view's ask), as 添加遗漏的参加人员's."""
    task = request.task
    # under the locks it is asked by 采纳 itself (``adopt_into_task``'s ``named``),
    # which has decided the request by then: whether its activity is approved now
    into_approved = _approved_activity(task) if lock else adopts_into_approved(request)
    if not may_change_final(actor) or not into_approved:
        return None
    return work_signed(actor, task.unit_id, task.community_id, task.service_date,
                       [request.member_id], lock=lock)


def adoption_refused(request: BackfillRequest, actor: Member) -> bool:
    """Whether 采纳 of ``request`` into its approved activity would be refused
    (``adoption_refusals``): its naming page is then not shown — the refusal is said,
    never asked. The service asks again under its locks."""
    return bool(adoption_refusals(request, actor))


def adoption_refusals(request: BackfillRequest, actor: Member) -> list[tuple[str | None, object]]:
    """What 采纳 of ``request`` into its approved activity would be refused for, as (form
    field, message), read only, no lock, in ``adopt_into_task``'s order: the request
    decided already (``DECIDED``: another's 采纳 or 拒绝, or the member added to the
    activity another way, which adopts it), then ``backfill.forgotten_problems`` — the
    rules ``add_forgotten_participant`` refuses it by (the member ``nameable`` on the
    day, on the activity as done already, a place at the same hours elsewhere, the
    hours). The request's state is its loaded row's: no statement of its own.

    Its activity's state too, in 采纳's words (since49b's Open): a request whose activity
    was voided is pending again naming no task (``reopen_requests_of``: 「该申请需通过
    补录表单采纳。」), and one naming a task cancelled since is refused by
    ``_add_to_task`` — else another admin's 作废 after the service's rollback would
    bring the naming page again, refused only after its 确认."""
    if not request.is_pending:
        return [(None, DECIDED)]
    if request.task is None:
        return [(None, THROUGH_FORM)]
    if request.task.status == TaskStatus.cancelled:
        return [(None, _cancelled_words(request.task, request.member))]
    return forgotten_problems(actor, request.task, request.member, request.minutes,
                              lock=False)


def decline_request(request: BackfillRequest, actor: Member, reason: str) -> None:
    """拒绝, with a reason the member sees on their list."""
    _deciding(request, actor)
    reason = required_reason(reason, _l("请填写拒绝理由。"), REASON_MAX)
    _decided(request, actor, RequestStatus.declined)
    request.decline_reason = reason
    record(actor, "backfill_request_decline", request, reason=reason)


def adopt_through_backfill(actor: Member, item: ResourceItem, data: BackfillData,
                           request: BackfillRequest, *,
                           named: Callable[[], None] | None = None) -> Task:
    """采纳 through the 补录 form: the activity is recorded (``record_past_activity``,
    every 补录 rule) with the member who asked among its participants, and the
    request is 已采纳 in the same transaction — a refused 补录 leaves it pending.
    ``named``: ``record_past_activity``'s, called after 采纳's own refusals too."""
    _deciding(request, actor)
    if (refusal := _through_form_refusal(request, item, data)) is not None:
        raise refusal
    task = record_past_activity(actor, item, data, named=named)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.member_id == request.member_id))
    _decided(request, actor, RequestStatus.adopted)
    request.assignment_id = assignment.id
    request.result_task_id = task.id
    record(actor, "backfill_request_adopt", request, task_id=task.id,
           assignment_id=assignment.id, member_id=request.member_id,
           minutes=assignment.minutes, through="backfill")
    return task


def reopen_requests_of(task: Task, actor: Member) -> None:
    """作废 of ``task`` (``voiding.void_activity``, under the activity's lock): the
    requests 采纳 into it did not end in anything that counts — the member's work would
    count nowhere — so they are 待处理 again, in the liaison's queue, naming the voided
    activity (``voided_task_id``) and no task: the liaison adopts them again through the
    补录 form (what really happened) or declines them. What 采纳 produced and who decided
    are cleared from the request (the ``backfill_request_reopen`` event keeps them; the
    participation stays on the voided activity with its hours). A request still pending
    that names the voided activity is marked the same way, as it can no longer be 采纳
    into it."""
    requests = db.session.scalars(
        select(BackfillRequest).where(
            or_(and_(BackfillRequest.result_task_id == task.id,
                     BackfillRequest.status == RequestStatus.adopted),
                and_(BackfillRequest.task_id == task.id,
                     BackfillRequest.status == RequestStatus.pending)))
        .order_by(BackfillRequest.id).with_for_update()
        .execution_options(populate_existing=True))
    for request in list(requests):
        detail = dict(voided_task_id=task.id, was=request.status, task_id=request.task_id,
                      assignment_id=request.assignment_id,
                      decided_by_id=request.decided_by_id, decided_at=request.decided_at)
        request.status = RequestStatus.pending
        request.voided_task_id = task.id
        request.task_id = request.assignment_id = request.result_task_id = None
        request.decided_by_id = request.decided_at = None
        record(actor, "backfill_request_reopen", request, **detail)
