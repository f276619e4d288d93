"""Claiming, withdrawing, assigning and confirming participation.

A slot is taken by one conditional UPDATE (``taken < slots``) in the same
transaction as the participation row, under a unique (task, member) key. On
SQLite the transaction starts with BEGIN IMMEDIATE (see db_setup.py), on
PostgreSQL the UPDATE's row lock serialises racers: either way no over-booking.

候补: a slot given back before the start goes, in the same transaction, to the first
member waiting (``promote_waiting``), so a free slot never shows while anyone
waits; the waitlist's own services are in waitlist.py.
"""
from __future__ import annotations

from collections.abc import Callable

from ..i18n import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..formatting import hours
from ..rollups.batch import built_once, given, plan, run
from ..models import (
    HOLDING,
    Assignment,
    AssignmentStatus,
    HoursOrigin,
    Member,
    MemberMerge,
    Task,
    TaskStatus,
    WaitlistEntry,
    WaitStatus,
)
from ..permissions import manages_task
from ..sql_json import json_rows_in_order, rows_of
from ..timeutil import to_local, utcnow
from . import PermissionDenied, ServiceError, required_reason
from . import shown as shown_module
from .activity_lock import lock_activity
from .answered_requests import adopt_answered_requests
from .audit import record
from .overlap import NOT_YET_COUNTED, counted_elsewhere, first_place_elsewhere
from .request_window import REQUEST_DAYS_BACK, askable_day

MAX_MINUTES = 24 * 60
MINUTE_STEP = 30


def _take_slot(task: Task, *, require_future: bool, open_only: bool = True) -> None:
    """Take one slot with the conditional UPDATE, or refuse with the reason."""
    conditions = [Task.id == task.id, Task.taken < Task.slots]
    conditions.append(Task.status == TaskStatus.open if open_only
                      else Task.status != TaskStatus.cancelled)
    if require_future:
        conditions.append(Task.starts_at > utcnow())
    taken = db.session.execute(
        update(Task).where(*conditions).values(taken=Task.taken + 1).returning(Task.taken),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    if taken is not None:
        set_committed_value(task, "taken", taken)
        return
    db.session.refresh(task)
    raise ServiceError(_slot_refusal(task, require_future=require_future) or _l("名额已满。"))


def _slot_refusal(task: Task, *, require_future: bool):
    """Why no slot of ``task`` can be taken, as the row reads now, or None."""
    if task.status == TaskStatus.cancelled:
        return _l("该任务已取消。")
    if task.status == TaskStatus.closed:
        return _l("该任务已结束，不能再认领。")
    if require_future and task.starts_at <= utcnow():
        return _l("该任务已开始，不能再认领。")
    if task.taken >= task.slots:
        return _l("名额已满。")
    return None


def _release_slot(task: Task) -> None:
    db.session.execute(
        update(Task).where(Task.id == task.id, Task.taken > 0).values(taken=Task.taken - 1),
        execution_options={"synchronize_session": False},
    )
    db.session.refresh(task, ["taken"])


def hold_member(member: Member) -> None:
    """Share-lock the member's row for the rest of the transaction and refuse when the
    account is switched off — read under the lock, not as the page or the session saw
    it. Every write that gives a member work on a task takes it *after* the task's row
    lock (the house order: the activity, then members in id order, then the rows of
    either): a 合并账号 (``merge.merge_members``) locks the tasks it will rewrite before
    the two member rows ``FOR NO KEY UPDATE``, which a share lock waits for. Without it
    a claim or an assignment committing while the merge ran stayed on the account
    merged away (an insert's foreign-key check takes only KEY SHARE, which NO KEY
    UPDATE lets through), splitting the person's hours again. A merged account is
    always switched off (and cannot be switched back on), so ``active`` says both.
    Shares do not exclude each other: two claims by one member do not wait."""
    if not _held_active(member):
        raise ServiceError(_l("该党员账号已停用。"))


def merged_into(member: Member) -> Member | None:
    """The account ``member`` was merged into (已合并至, ``merge.merge_members``), or None:
    an account is merged when the merge's own record (``MemberMerge``) names it."""
    row = db.session.get(MemberMerge, member.id)
    return db.session.get(Member, row.into_id) if row is not None else None


def any_merged(member_ids):
    """Whether any of ``member_ids`` was merged into another account — ``merged_into``'s
    rule as a column, for a statement that asks it beside others (``merge.preview``)."""
    return exists().where(MemberMerge.member_id.in_(list(member_ids)))


def _held_active(member: Member) -> bool:
    """``hold_member``'s lock and read, without the refusal."""
    return member.id in held_active([member.id])


def held_active(member_ids, *, no_key: bool = False) -> set[int]:
    """``hold_member`` for many (a 补录's participants, a ledger import's members): their
    rows share-locked in id order (the sort comes before the lock, so two such
    transactions and a merge take them in one order), and the ids of those active.
    ``no_key``: ``FOR NO KEY UPDATE`` instead, the lock the caller takes next anyway
    (``backfill.refuse_overlap``) — two 补录 each holding a share and then asking for
    more would wait for each other."""
    ids = sorted(set(member_ids))
    if not ids:
        return set()
    # built once per lock (a write asks it of every participant it names): the ids bound
    return run(given(built_once(("held active", no_key), lambda: _held_active_plan(no_key)),
                     {"member_ids": ids}))


def _held_active_plan(no_key: bool):
    """``held_active``'s statement, the ids a bound parameter."""
    lock = dict(key_share=True) if no_key else dict(read=True)
    return plan(select(Member.id, Member.active)
                .where(Member.id.in_(bindparam("member_ids", type_=Integer, expanding=True)))
                .order_by(Member.id).with_for_update(**lock),
                shape=lambda rows: {member_id for member_id, active in rows if active})


def _existing(task: Task, member: Member) -> Assignment | None:
    return db.session.scalar(
        select(Assignment).where(Assignment.task_id == task.id, Assignment.member_id == member.id)
    )


def _join(task: Task, member: Member, status: AssignmentStatus, actor: Member,
          *, require_future: bool, open_only: bool = True, held: bool = False) -> Assignment:
    """``held``: the caller has locked the member's row and asked its own rule under the
    lock (past work, ``backfill.refuse_unnameable``, which names a member switched off
    since on work done before), so ``hold_member``'s is not asked."""
    existing = _existing(task, member)
    if existing is not None and existing.status != AssignmentStatus.withdrawn:
        if actor.id == member.id:
            raise ServiceError(_l("您已认领该任务。"))
        raise ServiceError(_l("%(name)s 已在该任务中。", name=member.name))
    _take_slot(task, require_future=require_future, open_only=open_only)
    if not held:
        hold_member(member)  # after the task's lock: switched off (merged) meanwhile?
    if existing is None:
        existing = Assignment(task_id=task.id, member_id=member.id, status=status)
        db.session.add(existing)
    existing.status = status
    existing.claimed_at = utcnow()
    existing.minutes = None
    existing.hours_origin = None
    existing.confirmed_at = None
    existing.checked_in_at = None
    existing.assigned_by_id = actor.id if status == AssignmentStatus.assigned else None
    # A member who gets a slot another way stops waiting for one.
    db.session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.task_id == task.id, WaitlistEntry.member_id == member.id,
               WaitlistEntry.status == WaitStatus.waiting)
        .values(status=WaitStatus.left, left_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent request by the same member won the unique key.
        db.session.rollback()
        raise ServiceError(_l("您已认领该任务。")) from None
    return existing


def claim_slot(task: Task, member: Member) -> Assignment:
    """A member takes a free slot of an open task that has not started."""
    assignment = _join(task, member, AssignmentStatus.claimed, member, require_future=True)
    record(member, "claim", assignment, task_id=task.id)
    return assignment


def claim_refusal(task, mine: AssignmentStatus | None):
    """Why a member cannot claim ``task`` (an entity, or a row with its status, slots,
    taken and start) as it was just read, given the status of the member's
    participation row in it (``mine``, None without one); None when the claim may be
    tried.

    The claim button asks this before ``claim_slot``: in the last-slot storm nearly
    every tap meets a full task, and that answer, true when it was read, needs no
    write lock, no row lock and no write. A None is no promise: ``claim_slot``'s
    conditional UPDATE still decides."""
    if mine is not None and mine != AssignmentStatus.withdrawn:
        return _l("您已认领该任务。")
    return _slot_refusal(task, require_future=True)


def withdraw(assignment: Assignment, actor: Member) -> None:
    """Give a slot back before the task starts (the member, or a liaison un-assigning)."""
    task = assignment.task
    if actor.id != assignment.member_id and not manages_task(actor, task):
        raise PermissionDenied(_l("无权操作。"))
    # the task's row first, then the participation (the house order): a merge holding
    # the task waits for this, never this for a merge holding the participation; and
    # what is refused is read under the lock — a 取消任务 (or another withdrawal of this
    # place) committed since the page was read is seen, never withdrawn over
    hold_task(task)
    db.session.refresh(assignment, ["status"])
    if (refusal := withdraw_refusal(assignment, actor)) is not None:
        raise ServiceError(refusal)
    _release_slot(task)
    assignment.status = AssignmentStatus.withdrawn
    record(actor, "withdraw", assignment, task_id=task.id)
    promote_waiting(task, actor)


def hold_task(task: Task) -> None:
    """Lock the task's row (``FOR NO KEY UPDATE``, the lock a claim's conditional UPDATE
    and ``activity_lock.lock_activity`` take) and re-read what a withdrawal decides on:
    its status, start and slots."""
    db.session.execute(select(Task.id).where(Task.id == task.id)
                       .with_for_update(key_share=True))
    db.session.refresh(task, ["status", "starts_at", "taken"])


def withdraw_refusal(assignment: Assignment, actor: Member):
    """Why ``actor`` cannot take ``assignment``'s place back now, or None. A cancelled
    task (取消任务, or 作废, which cancels it) is closed: who was on it when it was called
    off is its record, and nothing changes it (leave49 Open) — the pages do not offer
    the action and their confirmation pages refuse it before asking."""
    not_now, started, cancelled = _withdraw_refusals(assignment, actor)
    task = assignment.task
    if assignment.status not in (AssignmentStatus.claimed, AssignmentStatus.assigned):
        return not_now
    if task.starts_at <= utcnow():
        return started
    if task.status == TaskStatus.cancelled:
        return cancelled
    return None


def _withdraw_refusals(assignment: Assignment, actor: Member) -> tuple:
    """``withdraw``'s three refusals (a place no longer held as claimed or assigned, a
    task started, a task cancelled) in the words of what the actor did (withdraw47): a
    liaison 移出 the member; the member 退出任务 of a place the liaison put her in
    (``Assignment.assigned_place``, the rule her pages and reminders word it by), or
    取消认领 of her claim."""
    if actor.id != assignment.member_id:
        return (_l("该党员当前的状态不能移出。"), _l("任务已开始，不能移出。"),
                _l("该任务已取消，不能移出。"))
    if assignment.assigned_place:
        return (_l("当前状态不能退出任务。"), _l("任务已开始，不能退出任务。"),
                _l("该任务已取消，不能退出任务。"))
    return (_l("当前状态不能取消认领。"), _l("任务已开始，不能取消认领。"),
            _l("该任务已取消，不能取消认领。"))


def places_held(member: Member) -> set[int]:
    """The tasks not started (nor cancelled) in which ``member`` holds a place (认领 or
    指派) or waits (候补): what 停用 gives back (``release_places``), whose rows it
    locks before the member's (the house order, docs/design.md)."""
    return set(db.session.scalars(
        select(Assignment.task_id).join(Task, Task.id == Assignment.task_id)
        .where(*_holds_a_place(member), *_not_started())
        .union(select(WaitlistEntry.task_id).join(Task, Task.id == WaitlistEntry.task_id)
               .where(*_lines_left(member)))))


def _holds_a_place(member: Member) -> tuple:
    """``member``'s assignments that hold a place (认领 or 指派)."""
    return (Assignment.member_id == member.id,
            Assignment.status.in_((AssignmentStatus.claimed, AssignmentStatus.assigned)))


def _lines_left(member: Member) -> tuple:
    """The 候补名单 停用 takes ``member`` off: those of the tasks not started nor
    cancelled (``_not_started``), the lines ``places_held`` names, so that every entry
    it writes is under its task's row lock, taken first (``directory._lock_with_places``).
    A cancelled task's line is the record of who waited when it was called off and stays
    as it stood, as its roster does (``withdraw_refusal``, cancelled49); a started task's
    line closed at its start (no join, no promotion: ``waitlist.join_waitlist``,
    ``promote_waiting``) and is the record of who waited then: it stays as it stood too,
    and its task is neither locked nor written (cancelled50)."""
    return (WaitlistEntry.member_id == member.id, WaitlistEntry.status == WaitStatus.waiting,
            *_not_started())


def _not_started() -> tuple:
    """Tasks that 停用 gives places back in and takes the member off the line of: not
    started, not cancelled."""
    return Task.starts_at > utcnow(), Task.status != TaskStatus.cancelled


def deactivate_ends(member: Member) -> tuple[int, list[str]]:
    """What 停用 would end now (``release_places``), as its confirmation names it: how
    many places it gives back, and the tasks on whose 候补名单 the member waits, by
    title (重新启用 puts her back on none of them, walk11 #3). One statement: the member
    page asks it beside its form (docs/design.md, "Budgets")."""
    places = (select(func.count()).select_from(Assignment)
              .join(Task, Task.id == Assignment.task_id)
              .where(*_holds_a_place(member), *_not_started()).scalar_subquery())
    waiting = json_rows_in_order(
        select(Task.title).join(WaitlistEntry, WaitlistEntry.task_id == Task.id)
        .where(*_lines_left(member)), Task.id).scalar_subquery()
    count, titles = db.session.execute(select(places, waiting)).one()
    return count or 0, [title for title, in rows_of(titles)]


def release_places(member: Member, actor: Member) -> int:
    """停用: a switched-off member cannot come, nor log in to 取消认领, so their places
    on tasks not started go back now, each by ``withdraw`` as if they had withdrawn
    (audited ``withdraw`` by the admin): the first 候补 takes it in this transaction and
    is told as for any withdrawal (the 候补转正 reminder). They leave the waitlists of
    those tasks (audited ``waitlist_leave``; ``_lines_left``). What they did (a task
    started: checked in, done, absent) stays theirs, and so does a line they waited on
    when a task started or was called off. The caller holds the tasks' rows and then
    the member's (``places_held``), and has switched the member off. Returns how many
    places went back."""
    waiting = db.session.scalars(
        select(WaitlistEntry).join(Task, Task.id == WaitlistEntry.task_id)
        .where(*_lines_left(member)).order_by(WaitlistEntry.task_id)).all()
    for entry in waiting:
        entry.status, entry.left_at = WaitStatus.left, utcnow()
        record(actor, "waitlist_leave", entry, task_id=entry.task_id, member_id=member.id)
    held = db.session.scalars(
        select(Assignment).join(Task, Task.id == Assignment.task_id)
        .where(*_holds_a_place(member), *_not_started())
        .order_by(Task.id)).all()
    for assignment in held:
        withdraw(assignment, actor)
    db.session.flush()
    return len(held)


def promote(entry: WaitlistEntry, actor: Member, *, by_hand: bool) -> Assignment:
    """Give the waiting member of ``entry`` a slot (the usual claim rule: no over-booking)."""
    task = entry.task
    assignment = _join(task, entry.member, AssignmentStatus.claimed, entry.member,
                       require_future=True)
    entry.status = WaitStatus.promoted
    entry.promoted_at = utcnow()
    entry.promoted_by_id = actor.id if by_hand else None
    record(actor, "waitlist_promote", entry, task_id=task.id, member_id=entry.member_id,
           by_hand=by_hand)
    return assignment


def promote_waiting(task: Task, actor: Member) -> None:
    """Fill the task's free slots from its waitlist, first in line first.

    Runs after the slot was released, still holding the task row's lock (the
    UPDATE), so concurrent withdrawals and joins queue behind it."""
    if task.status != TaskStatus.open or task.starts_at <= utcnow():
        return
    while task.taken < task.slots:
        entry = db.session.scalar(WaitlistEntry.queue(task.id).limit(1))
        if entry is None:
            return
        holding = _existing(task, entry.member)
        # under the member's share lock (``hold_member``): switched off or merged
        # meanwhile, they leave the line rather than refuse the withdrawal
        if not _held_active(entry.member) or (holding is not None
                                              and holding.status != AssignmentStatus.withdrawn):
            # Cannot take the slot (deactivated, or already on the task): out of line.
            entry.status, entry.left_at = WaitStatus.left, utcnow()
            db.session.flush()
            continue
        promote(entry, actor, by_hand=False)


def assign_member(task: Task, member: Member, actor: Member, *,
                  held: bool = False) -> Assignment:
    """A liaison puts a member on a task; slots are respected as for a claim. On a task
    that has ended it is past work: ``assigning.assign_member`` asks 补录's rule first
    (``backfill.nameable``) and passes ``held`` (as ``_join``'s) — this one, which
    cannot ask it (``backfill`` imports this module), does not assign to an ended task
    without it."""
    if not manages_task(actor, task):
        raise PermissionDenied(_l("无权操作。"))
    if task.ends_at <= utcnow() and not held:
        raise RuntimeError("指派 to an ended task asks 补录's rule: assigning.assign_member")
    if not member.active:
        raise ServiceError(_l("该党员账号已停用。"))
    if task.report_approved:
        raise ServiceError(_l("该任务的完成情况已审核通过，不能再指派。"))
    assignment = _join(task, member, AssignmentStatus.assigned, actor, require_future=False,
                       held=held)
    record(actor, "assign", assignment, task_id=task.id, member_id=member.id)
    return assignment


def add_past_participation(task: Task, member: Member, actor: Member,
                           minutes: int, *, held: bool = False) -> Assignment:
    """A liaison records that ``member`` took part in a task that has ended and whose
    report is not approved, with ``minutes`` confirmed (补录申请's 采纳; see
    ``add_done_participation``). Returns the done participation; the caller audits it.
    An approved task takes a forgotten participant through
    ``backfill.add_forgotten_participant``. ``held``: as ``_join``'s (采纳 asks 补录's
    rule, ``backfill.refuse_unnameable``)."""
    if not manages_task(actor, task):
        raise PermissionDenied(_l("无权操作。"))
    if task.status == TaskStatus.cancelled:
        raise ServiceError(_l("该任务已取消。"))
    if task.report_approved:
        raise ServiceError(_l("该任务的完成情况已审核通过，不能再指派。"))
    if task.ends_at > utcnow():
        raise ServiceError(_l("任务结束后才能确认参与。"))
    if not held and not member.active:
        raise ServiceError(_l("该党员账号已停用。"))
    check_minutes(minutes, task)
    return add_done_participation(task, member, actor, minutes, held=held)


def add_done_participation(task: Task, member: Member, actor: Member,
                           minutes: int, *, held: bool = False) -> Assignment:
    """Write ``member``'s done participation with ``minutes`` on a task that has ended,
    the caller having checked who may and whether it may. The slot is taken as for an
    assignment — closed tasks included, since closing only stops claims — and a full
    task gets one more slot first: what happened is recorded, and ``taken <= slots``
    still holds. A participation that holds its slot and is not done — marked 缺席, or
    claimed or checked in and never confirmed — becomes done. ``held``: as ``_join``'s.
    A 补录申请 of the member's still pending that names the task is 已采纳 with it
    (``answered_requests``)."""
    existing = _existing(task, member)
    if existing is not None and existing.status in HOLDING:
        assignment = existing
    else:
        db.session.execute(
            update(Task).where(Task.id == task.id, Task.taken >= Task.slots)
            .values(slots=Task.taken + 1),
            execution_options={"synchronize_session": False},
        )
        db.session.refresh(task, ["slots"])
        assignment = _join(task, member, AssignmentStatus.assigned, actor,
                           require_future=False, open_only=False, held=held)
    assignment.status = AssignmentStatus.done
    assignment.minutes = minutes
    # typed by the liaison or admin (采纳 of a 补录申请, 添加遗漏的参加人员), not by her
    assignment.hours_origin = HoursOrigin.recorded
    assignment.confirmed_at = utcnow()
    db.session.flush()
    # the member's 补录申请 naming the task is answered (添加遗漏的参加人员)
    adopt_answered_requests(assignment, actor, "add_participant")
    return assignment


CORRECTION_REASON_MAX = 200


HOURS_STALE = _l("该党员的服务时长已被他人修改，请核对后重新保存。")


def minutes_shown_key(assignment: Assignment) -> str:
    """The 改正服务时长 page's hidden ``shown``: the hours it names as 现在的 (in
    minutes, under the form's field ``hours``)."""
    return shown_module.shown_key({"hours": assignment.minutes})


def correct_minutes(assignment: Assignment, actor: Member, minutes: int, reason: str, *,
                    shown: str | None = None) -> int:
    """改正服务时长: the community's liaison or an admin corrects a participant's
    confirmed hours on an activity whose report is not approved — a 补录 typed with 8
    hours for 2, after an admin's 撤销审核; a member who confirmed more than the
    activity's real length. Audited with the old and new hours and the reason; nothing
    counts until the report is approved (again). Returns the old minutes.

    Under the activity's lock (``lock_activity``), the participation read again: an
    approval at the same moment either comes first (the correction is then refused)
    or waits for it. Posted from the page (``shown``: its ``minutes_shown_key``), a
    correction typed against hours another has corrected (or the member confirmed)
    since the page was read is refused (``HOURS_STALE``), the page naming the hours
    now — never written over a change its author has not seen."""
    task = assignment.task
    if not manages_task(actor, task):
        raise PermissionDenied(_l("无权操作。"))
    lock_activity(task)
    db.session.refresh(assignment)
    if task.status == TaskStatus.cancelled:
        raise ServiceError(_l("该任务已取消。"))
    if task.report_approved:
        raise ServiceError(_l("该任务的完成情况已审核通过，服务时长不能再修改；"
                              "如记录有误，请由单位管理员先撤销审核。"))
    if assignment.status != AssignmentStatus.done:
        raise ServiceError(_l("只有已确认参与的服务时长可以改正。"))
    reason = required_reason(reason, _l("请填写改正的原因。"), CORRECTION_REASON_MAX)
    check_minutes(minutes, task)
    if "hours" in shown_module.check(HOURS_STALE, shown, {"hours": assignment.minutes},
                                     {"hours": minutes}).keep:
        minutes = assignment.minutes  # typed as the page named them: nothing to correct
    old = assignment.minutes
    if minutes != old:  # the same hours again are still whoever stated them
        assignment.minutes = minutes
        assignment.hours_origin = HoursOrigin.corrected
    record(actor, "correct_minutes", assignment, task_id=task.id,
           member_id=assignment.member_id, old_minutes=old, minutes=minutes, reason=reason,
           community_id=task.community_id)
    return old


def confirm_participation(assignment: Assignment, member: Member,
                          minutes: int, *,
                          nameable: Callable[[], bool] | None = None) -> int | None:
    """A member confirms own service hours once the task has ended — or changes them,
    confirmed already (修改服务时长): the hours replaced are returned, as read under the
    lock (a liaison's 改正 since the page included), for her to be told the change;
    None for a first confirmation.

    Under the activity's lock (``lock_activity``), as every decision on it: the page
    that posted saw the task live, but a liaison may have voided (作废) or cancelled it
    since. A 作废 at the same moment either comes first — the confirmation then reads
    the task cancelled and is refused, writing nothing — or waits for it and takes the
    member's new hours off with the others, telling the member as it tells them. Never
    a done participation left unseen on a voided activity.

    The same person's time is counted once (``overlap.counted_elsewhere``, the rule
    通过 and 补录 decide by): hours that already count on another activity at
    overlapping hours refuse the confirmation, naming that activity. Her row is taken
    ``FOR NO KEY UPDATE`` after the activity's, as 通过 takes it, so a 通过 counting her
    check-in elsewhere at the same moment and this confirmation take turns.

    ``nameable``: asks 补录's unit rule of her on the activity's day
    (``backfill.nameable``), which this module cannot import (``backfill`` builds on
    it): the caller, who can, passes it, and it is asked only when the refusal's words
    need it — a task approved since the page was read, she not counted (walkfix47's
    race bullet)."""
    if assignment.member_id != member.id:
        raise PermissionDenied(_l("无权操作。"))
    lock_activity(assignment.task)
    db.session.refresh(assignment)  # marked 缺席 or withdrawn meanwhile: read it afresh
    # her row before the rule reads where her hours count (``confirm_refusal``)
    held_active([member.id], no_key=True)
    refusal = confirm_refusal(assignment, nameable=True if nameable is None else nameable)
    if refusal is not None:
        raise ServiceError(refusal)
    task = assignment.task
    check_minutes(minutes, task)
    was = assignment.minutes if assignment.status == AssignmentStatus.done else None
    assignment.minutes = minutes
    assignment.hours_origin = HoursOrigin.confirmed
    assignment.status = AssignmentStatus.done
    assignment.confirmed_at = utcnow()
    record(member, "confirm", assignment, minutes=minutes)
    # 指派 after the end and confirmed: a 补录申请 of theirs naming the task is answered
    adopt_answered_requests(assignment, member, "confirm")
    return was


_ASK = object()  # ``confirm_refusal``'s ``counted_on`` not given: asked there


def confirm_refusal(assignment: Assignment, *, why: bool = True, elsewhere: bool = False,
                    counted_on=_ASK, held_on=_ASK,
                    nameable: bool | Callable[[], bool] = True):
    """Why this participation cannot be confirmed now, or None when it can.

    Her hours already counting on another activity at overlapping hours
    (``overlap.counted_elsewhere``) refuse the confirmation, naming that activity — the
    page and the list offer no 确认 that ``confirm_participation`` would refuse. On an
    approved task where she was not counted, the repair offered is the one that would
    be taken: when her hours count elsewhere, or she holds a place elsewhere at those
    hours (添加遗漏的参加人员 and a 补录申请 are refused for it), she is told where, not
    sent to them. ``why=False``: only whether (a list's 确认
    button), without the statement that asks it: ``elsewhere`` is the list's answer of
    the overlap rule for the row (``overlap.counts_elsewhere``, in its own statement).
    ``counted_on``: the page's own answer of where her hours count
    (``overlap.counted_elsewhere_of``, read with her row: review40b #3 on an approved
    task, mergepage49 on one not approved), not asked again here; ``held_on`` likewise, where she holds a place
    at those hours (``overlap.held_elsewhere_of``). ``nameable``: whether 补录's rule
    names her on the activity's day (her unit then works in its community,
    ``backfill.nameable``, asked by the caller: that module builds on this one) — when
    it does not, neither repair would take her (walk47 #1), and she is told the one
    left, 撤销审核 and the record corrected, not sent to them; a callable is asked only
    there (``confirm_participation``'s caller gives one). A 缺席 past the request window
    (``request_window.askable_day``, the rule that offers 「我参加了但没有记录」) is told
    the liaison's 添加遗漏的参加人员, not sent to a button no page offers (walkfix47)."""
    task = assignment.task
    if task.status == TaskStatus.cancelled:
        return _l("该任务已取消或作废，服务时长不再计入，不能确认参与。")
    if task.ends_at > utcnow():
        return _l("任务结束后才能确认参与。")
    if assignment.status == AssignmentStatus.withdrawn:
        # a place the liaison put her in was left (or she was 移出), never un-claimed:
        # the route's words for it (``Assignment.assigned_place``, withdraw47)
        return (_l("您已不在该任务中。") if assignment.assigned_place
                else _l("您已取消认领该任务。"))
    if assignment.status == AssignmentStatus.absent and not task.report_approved:
        return _l("组长已登记您缺席；如有误，请联系组长修改后再确认。")
    if task.report_approved:
        if assignment.status != AssignmentStatus.done:
            # approval is final: say why the check-in (or claim) did not count, and
            # who can still add it (添加遗漏的参加人员) — unless the same hours count
            # elsewhere, which refuses that repair too
            other = (counted_on if counted_on is not _ASK else
                     (counted_elsewhere(task, [assignment.member_id]).get(assignment.member_id)
                      if why else None))
            if other is not None:
                return _l("您在同一时间已计入“%(task)s”（%(when)s），同一时间只计一次，"
                          "本活动没有计入统计。如您当时参加的是本活动，请联系本社区联络员"
                          "更正“%(task)s”的记录。", task=other.title,
                          when=to_local(other.starts_at).strftime("%Y-%m-%d %H:%M"))
            # the repair left — after 通过 the 组长 can no longer change the report
            # (walk12 #2) — adds her here: 缺席, her 补录申请 naming this task
            # (``is_requestable``); a claim or 指派 never confirmed, the liaison's
            # 添加遗漏的参加人员. A place she holds elsewhere at those hours refuses
            # either (``backfill.refuse_overlap``; the request and its 采纳:
            # ``backfill_requests.place_elsewhere``), and neither page offers it: then
            # that record is the one to correct (review41 #4, main41)
            held = held_on if held_on is not _ASK else (
                first_place_elsewhere(assignment.member_id, task.id, task.starts_at,
                                      task.ends_at)
                if why else None)
            when = None if held is None else to_local(held.starts_at).strftime(
                "%Y-%m-%d %H:%M")
            if assignment.status == AssignmentStatus.absent:
                if held is not None:
                    return _l("组长已登记您缺席，该任务已审核通过，本次参与没有计入统计。"
                              "您在同一时间还参加了“%(task)s”（%(when)s），同一时间只计一次，"
                              "不能为本活动申请补录。如您当时参加的是本活动，请联系本社区"
                              "联络员更正“%(task)s”的记录。", task=held.title, when=when)
                if not _asked(nameable):
                    return _l("组长已登记您缺席，该任务已审核通过，本次参与没有计入统计。"
                              "您在该活动当日所在的单位不在该社区开展共建，不能为本活动申请补录。"
                              "如您参加了，请联系本社区联络员：须由单位管理员撤销审核，"
                              "组长更正缺席登记后重新提交。")
                if why and not askable_day(task.service_date):
                    # past the window the page offers no 补录申请; the liaison still
                    # adds her (``backfill.add_forgotten_participant``: no window).
                    # ``why=False`` (a list's row, no day read) wants only whether
                    return _l("组长已登记您缺席，该任务已审核通过，本次参与没有计入统计。"
                              "该活动已超过%(days)d天，不能再申请补录。如您参加了，请联系"
                              "本社区联络员，在任务页“添加遗漏的参加人员”中补上。",
                              days=REQUEST_DAYS_BACK)
                return _l("组长已登记您缺席，该任务已审核通过，本次参与没有计入统计。"
                          "如您参加了，请点“我参加了但没有记录”提交补录申请，由本社区联络员核实后补上。")
            if held is not None:
                return _l("该任务审核通过时，您尚未确认服务时长，本次参与没有计入统计。"
                          "您在同一时间还参加了“%(task)s”（%(when)s），同一时间只计一次，"
                          "不能再在本活动中补上。如您当时参加的是本活动，请联系本社区"
                          "联络员更正“%(task)s”的记录。", task=held.title, when=when)
            if not _asked(nameable):
                return _l("该任务审核通过时，您尚未确认服务时长，本次参与没有计入统计。"
                          "您在该活动当日所在的单位不在该社区开展共建，不能再在本活动中补上。"
                          "如您参加了，请联系本社区联络员：须由单位管理员撤销审核后，"
                          "您再确认参与。")
            return _l("该任务审核通过时，您尚未确认服务时长，本次参与没有计入统计。"
                      "如您参加了，请联系本社区联络员，在任务页“添加遗漏的参加人员”中补上。")
        return _l("该任务已审核通过，服务时长不能再修改。")
    if not why:
        return (_l("您在同一时间已在其他活动计入服务时长，同一时间只计一次，不能再确认本活动的服务时长。")
                if elsewhere else None)
    other = (counted_on if counted_on is not _ASK else
             counted_elsewhere(task, [assignment.member_id]).get(assignment.member_id))
    if other is not None:
        return _l("您在同一时间已计入“%(task)s”（%(when)s），同一时间只计一次，"
                  "不能再确认本活动的服务时长。", task=other.title,
                  when=to_local(other.starts_at).strftime("%Y-%m-%d %H:%M"))
    return None


def _asked(answer: bool | Callable[[], bool]) -> bool:
    """``confirm_refusal``'s ``nameable``: given, or asked now."""
    return answer() if callable(answer) else answer


def claimed_alongside(task_id: int, member_id: int, starts_at, ends_at):
    """Words for a member who has just claimed ``task_id`` while she holds a place on
    another activity at overlapping hours (``overlap.first_place_elsewhere``, the rule
    that will refuse her second 确认参与), naming the first such activity; None when she
    holds none. A claim is not refused for it (one may move between two items of one
    event, design.md, approve / return); she is told only one of the two can count."""
    other = first_place_elsewhere(member_id, task_id, starts_at, ends_at)
    if other is None:
        return None
    return _l("注意：您在同一时间还认领了“%(task)s”（%(when)s）。同一时间只计一次，"
              "两项活动中只有一项能计入服务时长。", task=other.title,
              when=to_local(other.starts_at).strftime("%Y-%m-%d %H:%M"))


def held_alongside(status: AssignmentStatus, settled: bool, other_title: str | None,
                   other_starts_at):
    """Words for a member's place on an activity (its task page, its card of 我的任务)
    while she holds a place on another at overlapping hours too (``other_title``, its
    start) — what ``claimed_alongside`` tells her once at the claim, said as long as both places
    may still count (walk12 #6): only one of the two can. ``other_title``: the first
    other activity where 通过 may still count her (``overlap.may_count_alongside_of``,
    read in the statement the page runs anyway: none once her hours count on one, or
    where her place can never count — 通过's own rule, review41b #1). None once her
    place here can no longer count or already does (done, 缺席, withdrawn; ``settled``:
    the activity's report approved, or it cancelled — the pages then say where her time
    counts, or why not), or when there is no other."""
    if other_title is None or settled or status not in NOT_YET_COUNTED:
        return None
    return _l("您在同一时间还有一项活动：“%(task)s”（%(when)s）。同一时间只计一次，"
              "两项活动中只有一项能计入服务时长。", task=other_title,
              when=to_local(other_starts_at).strftime("%Y-%m-%d %H:%M"))


def task_span_minutes(task: Task) -> int:
    """The task's length rounded up to the next half hour: the most one can serve."""
    return span_minutes(task.starts_at, task.ends_at)


def span_minutes(starts, ends) -> int:
    """The length from ``starts`` to ``ends`` rounded up to the next half hour, at most
    24 hours (``task_span_minutes``; the 补录 form's typed times too)."""
    span = int((ends - starts).total_seconds() // 60)
    return min(MAX_MINUTES, -(-span // MINUTE_STEP) * MINUTE_STEP)


def check_minutes(minutes: int, task: Task) -> None:
    if minutes <= 0 or minutes % MINUTE_STEP:
        raise ServiceError(_l("服务时长须为0.5小时的整数倍，且大于0。"), field="hours")
    limit = task_span_minutes(task)
    if minutes > limit:
        raise ServiceError(
            _l("服务时长不能超过活动时长（%(hours)s小时）。", hours=hours(limit)),
            field="hours",
        )

