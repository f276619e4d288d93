"""补录申请 without HTTP (issue 11): a member asks, the liaison 采纳 or 拒绝."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.audit import work_event_count
from tests.backfill_requests.support import asked, asked_for_past_task
from tests.services.test_claims import audits, refused
from tracker.extensions import db
from tracker.fields import NOTE_MAX
from tracker.models import (
    Assignment,
    AssignmentStatus,
    BackfillRequest,
    RequestStatus,
    TaskStatus,
)
from tracker.rollups.figures import totals
from tracker.rollups.scope import Scope
from tracker.services import PermissionDenied, ServiceErrors, unit_of_work
from tracker.services.backfill_requests import (
    RequestData,
    adopt_into_task,
    ask_backfill,
    decline_request,
    withdraw_request,
)
from tracker.services.reviews import ReportData, approve_report, submit_report
from tracker.timeutil import local_today, utcnow

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today


def request_count() -> int:
    return db.session.scalar(select(func.count(BackfillRequest.id)))


def refused_nothing_written(call, *args, message, error=None):
    before = (request_count(), work_event_count(),
              db.session.scalar(select(func.count(Assignment.id))))
    refused(call, *args, message=message, **({"error": error} if error else {}))
    db.session.expire_all()
    assert (request_count(), work_event_count(),
            db.session.scalar(select(func.count(Assignment.id)))) == before


def ask(world, member=None, community=None, **values):
    payload = dict(service_date=local_today() - timedelta(days=3), minutes=120,
                   description="帮助清理楼道杂物")
    payload.update(values)
    return (ask_backfill, member or world.other_member, community or world.community,
            RequestData(**payload))


def test_a_member_asks_and_the_request_waits_in_the_queue(world):
    request = asked_for_past_task(world)
    db.session.expire_all()
    assert request.status == RequestStatus.pending
    assert request.service_date == world.past_task.service_date  # the task's day
    assert (request.task_id, request.minutes) == (world.past_task.id, 90)
    [event] = audits("backfill_request", request)
    assert event.actor_id == world.other_member.id


@pytest.mark.parametrize("values, message", [
    (dict(service_date=TODAY + timedelta(days=1)), "日期不能晚于今天"),
    # docs/design.md: a request is for a day in "the last 90 days"
    (dict(service_date=TODAY - timedelta(days=91)), "只能申请90天以内的补录"),
    (dict(service_date=None), "请填写参加活动的日期"),
    (dict(description="  "), "请说明参加了什么活动"),
    (dict(minutes=0), "服务时长须为0.5小时的整数倍"),
    (dict(minutes=45), "服务时长须为0.5小时的整数倍"),
    (dict(minutes=24 * 60 + 30), "不超过24小时"),
    (dict(minutes=None), "请填写服务时长"),
], ids=["future", "too-old", "no-date", "no-description", "zero", "not-half-hour",
        "over-a-day", "no-hours"])
def test_what_is_typed_is_checked(world, values, message):
    refused_nothing_written(*ask(world, **values), message=message)


def test_every_problem_is_named_at_once_each_under_its_field(world):
    """Review walk3, #2: the rules were checked one at a time, the first refusal hiding
    the others; now a request names them all, in the form's order."""
    error = refused(*ask(world, service_date=local_today() + timedelta(days=1), minutes=45,
                         description=" ", note="备" * (NOTE_MAX + 1)), error=ServiceErrors)
    assert [(one.field, str(one.message)) for one in error.errors] == [
        ("service_date", "日期不能晚于今天。"),
        ("description", "没有选择任务时，请说明参加了什么活动。"),
        ("hours", "服务时长须为0.5小时的整数倍，大于0且不超过24小时。"),
        ("note", f"不能超过{NOTE_MAX}个字。")]
    elsewhere = f.community("和平路社区")
    db.session.commit()
    error = refused(*ask(world, community=elsewhere, task=world.task, minutes=None),
                    error=ServiceErrors)
    assert [one.field for one in error.errors] == ["community", "task", "hours"]


def test_a_request_may_go_back_90_days_and_no_further(world):
    """The design's "the last 90 days": 90 days ago may be asked for, 91 days ago not."""
    oldest = asked(world.other_member, world.community,
                   service_date=local_today() - timedelta(days=90))
    assert oldest.status == RequestStatus.pending
    refused_nothing_written(*ask(world, service_date=local_today() - timedelta(days=91)),
                            message="只能申请90天以内的补录")


def test_the_members_unit_must_work_in_the_community(world):

    elsewhere = f.community("和平路社区")
    db.session.commit()
    refused_nothing_written(*ask(world, community=elsewhere),
                            message="您所在单位不在该社区开展共建")


def test_a_named_task_is_checked(world):
    past = world.past_task
    refused_nothing_written(*ask(world, task=world.other_task), message="所选任务不属于该社区")
    refused_nothing_written(*ask(world, task=world.task), message="结束后才能申请补录")
    refused_nothing_written(*ask(world, member=world.member, task=past),
                            message="您已在该任务中")
    # no more than the activity's length (2 h)
    refused_nothing_written(*ask(world, task=past, minutes=150),
                            message="不能超过活动时长")
    past.status = TaskStatus.cancelled
    db.session.commit()
    refused_nothing_written(*ask(world, task=past), message="该任务已取消")


def test_one_open_request_per_member_per_task(world):
    asked_for_past_task(world)
    refused_nothing_written(*ask(world, task=world.past_task, minutes=60),
                            message="您已为该任务提交过补录申请")


def test_the_member_withdraws_a_pending_request_and_only_their_own(world):
    request = asked_for_past_task(world)
    refused(withdraw_request, request, world.member, error=PermissionDenied)
    with unit_of_work():
        withdraw_request(request, world.other_member)
    assert request.status == RequestStatus.withdrawn
    refused_nothing_written(withdraw_request, request, world.other_member,
                            message="该申请已处理，不能撤回")
    # withdrawn: the member may ask again for the same task
    assert asked_for_past_task(world).status == RequestStatus.pending


def test_adopting_adds_one_done_participation_counted_once_approved(world):
    past = world.past_task
    request = asked_for_past_task(world, minutes=90)
    before = db.session.scalar(select(func.count(Assignment.id)).where(
        Assignment.task_id == past.id))
    with unit_of_work():
        adopt_into_task(request, world.liaison)
    db.session.expire_all()

    mine = db.session.scalars(select(Assignment).where(
        Assignment.task_id == past.id, Assignment.member_id == world.other_member.id)).all()
    assert [(a.status, a.minutes) for a in mine] == [(AssignmentStatus.done, 90)]
    assert db.session.scalar(select(func.count(Assignment.id)).where(
        Assignment.task_id == past.id)) == before + 1
    assert request.status == RequestStatus.adopted and request.assignment_id == mine[0].id
    assert request.decided_by_id == world.liaison.id and request.decided_at is not None
    assert [e.actor_id for e in audits("backfill_request_adopt", request)] == [world.liaison.id]

    day = Scope(date_from=past.service_date, date_to=past.service_date + timedelta(days=1),
                community_ids=(world.community.id,))
    assert totals(day).minutes == 0  # nothing official before the report is approved
    with unit_of_work():
        # the two who claimed it did not come: only the member who asked took part
        report = submit_report(past, world.liaison, ReportData(
            quantity=None, people_served=None, note="清理完毕",
            absent_ids={world.member.id, world.leader.id}))
        approve_report(report, world.liaison)
    official = totals(day)
    assert (official.activities, official.person_times, official.minutes) == (1, 1, 90)


def test_a_full_past_task_gets_one_more_slot(world):
    past = world.past_task
    past.slots = past.taken  # 2 of 2
    db.session.commit()
    request = asked_for_past_task(world)
    with unit_of_work():
        adopt_into_task(request, world.liaison)
    db.session.expire_all()
    assert (past.slots, past.taken) == (3, 3)
    assert audits("backfill_request_adopt", request)[0].detail["slots_raised"] is True


def test_adopting_follows_the_backfill_rules(world):
    past = world.past_task
    request = asked_for_past_task(world)
    # the liaison of another community does not reach it
    refused_nothing_written(adopt_into_task, request, world.other_liaison,
                            message="无权操作", error=PermissionDenied)
    # an overlapping activity of the member is refused
    clash = f.task(world.item, world.liaison, starts_at=past.starts_at + timedelta(minutes=30))
    db.session.add(Assignment(task_id=clash.id, member_id=world.other_member.id,
                              status=AssignmentStatus.done, minutes=60))
    clash.taken = 1
    db.session.commit()
    refused_nothing_written(adopt_into_task, request, world.liaison, message="在同一时间已参加")
    assert request.status == RequestStatus.pending


def test_a_task_approved_meanwhile_takes_the_member_as_a_forgotten_participant(world):
    """Recording the approved activity again through the 补录 form would count it
    twice: 采纳 adds the member to it (one activity, one more 人次 with their hours)."""
    past = world.past_task
    request = asked_for_past_task(world)
    with unit_of_work():
        approve_report(submit_report(past, world.liaison, ReportData(
            quantity=None, people_served=None, note="清理完毕")), world.liaison)
    day = past.service_date
    scope = Scope(date_from=day, date_to=day + timedelta(days=1),
                  community_ids=(world.community.id,))
    before = totals(scope)
    with unit_of_work():
        assignment = adopt_into_task(request, world.liaison).assignment
    after = totals(scope)
    assert assignment.task_id == past.id and assignment.minutes == 90
    assert (after.activities, after.person_times, after.minutes) == (
        before.activities, before.person_times + 1, before.minutes + 90)
    without_task = asked(world.other_member, world.community)
    refused_nothing_written(adopt_into_task, without_task, world.liaison,
                            message="该申请需通过补录表单采纳")


def test_declining_needs_a_reason_and_is_final(world):
    request = asked_for_past_task(world)
    refused_nothing_written(decline_request, request, world.liaison, " ",
                            message="请填写拒绝理由")
    with unit_of_work():
        decline_request(request, world.liaison, "当天签到表上没有该同志")
    db.session.expire_all()
    assert (request.status, request.decline_reason) == (RequestStatus.declined,
                                                        "当天签到表上没有该同志")
    assert [e.actor_id for e in audits("backfill_request_decline", request)] == [world.liaison.id]
    refused_nothing_written(adopt_into_task, request, world.liaison, message="该申请已处理")
    refused_nothing_written(withdraw_request, request, world.other_member,
                            message="该申请已处理，不能撤回")


def _backfill_of(world, request, participants, note="协助清理楼道"):
    from datetime import datetime, time

    from tracker.services.backfill import BackfillData, Participant

    starts = datetime.combine(request.service_date, time(9))
    return BackfillData(title="楼道清理（补录）", place="解放路12号", starts_local=starts,
                        ends_local=starts + timedelta(hours=2),
                        participants=[Participant(m, request.minutes) for m in participants],
                        leader=participants[0], note=note)


def test_through_the_backfill_form_the_request_is_adopted_only_when_it_saves(world):
    from tracker.services.backfill_requests import adopt_through_backfill

    request = asked(world.other_member, world.community, minutes=120)
    # the member who asked is not ticked, or the 补录 itself is refused: still pending
    refused_nothing_written(adopt_through_backfill, world.liaison, world.item,
                            _backfill_of(world, request, [world.leader]), request,
                            message=f"请勾选申请人 {world.other_member.name}")
    refused_nothing_written(adopt_through_backfill, world.liaison, world.item,
                            _backfill_of(world, request, [world.other_member], note=" "),
                            request, message="请填写情况说明")
    refused_nothing_written(adopt_through_backfill, world.liaison, world.other_item,
                            _backfill_of(world, request, [world.other_member]), request,
                            message="补录的社区须是申请的社区")
    db.session.expire_all()
    assert request.status == RequestStatus.pending

    with unit_of_work():
        task = adopt_through_backfill(world.liaison, world.item,
                                      _backfill_of(world, request, [world.other_member]),
                                      request)
    db.session.expire_all()
    assert task.backfilled and request.status == RequestStatus.adopted
    assert request.result_task_id == task.id
    added = db.session.get(Assignment, request.assignment_id)
    assert (added.member_id, added.status, added.minutes) == (
        world.other_member.id, AssignmentStatus.done, 120)
    assert audits("backfill_request_adopt", request)[0].detail["through"] == "backfill"


def test_the_member_is_told_of_each_decision_by_the_reminder_job(app, world):
    from tracker.models import Outbox
    from tracker.reminders.job import write_due

    adopted = asked_for_past_task(world)
    declined = asked(world.other_member, world.community)
    pending = asked(world.member, world.community)
    with unit_of_work():
        adopt_into_task(adopted, world.liaison)
        decline_request(declined, world.liaison, "当天没有签到记录")
    write_due(utcnow(), app.config)
    db.session.commit()
    rows = list(db.session.scalars(select(Outbox).where(Outbox.kind == "backfill_decided")))
    assert {row.member_id for row in rows} == {world.other_member.id}  # not the pending one
    assert pending.member_id not in {row.member_id for row in rows}
    texts = " ".join(row.subject + row.body for row in rows)
    assert "已采纳" in texts and "理由：当天没有签到记录" in texts
    assert all(row.link == "/backfill-requests/mine" for row in rows)
    write_due(utcnow(), app.config)  # again: nothing new
    db.session.commit()
    assert len(list(db.session.scalars(
        select(Outbox).where(Outbox.kind == "backfill_decided")))) == len(rows)


def test_the_demo_world_has_one_pending_request_for_the_liaison(seeded_demo):
    from tracker.backfill_requests.queries import pending_count

    world = seeded_demo(local_today())
    [request] = db.session.scalars(select(BackfillRequest)).all()
    assert request.status == RequestStatus.pending
    assert pending_count(world.liaison) == 1


def test_a_task_with_an_adopted_request_cannot_be_cancelled(world):
    """Cancelling would drop the adopted hours from every figure while the member's
    list still says 已采纳: refused, naming how many members' hours it holds."""
    from tracker.services.tasks import cancel_task

    request = asked_for_past_task(world)
    with unit_of_work():
        adopt_into_task(request, world.liaison)
    before = work_event_count()
    refused(cancel_task, world.past_task, world.liaison, "无人提交，关闭",
            message="已有1名党员在该任务中的服务时长已确认")
    db.session.expire_all()
    assert world.past_task.status != TaskStatus.cancelled
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.adopted
    assert work_event_count() == before


def _void(world, task, reason="误录：当天并未开展"):
    from tracker.services.voiding import void_activity

    with unit_of_work():
        void_activity(task, world.liaison, reason)
    db.session.expire_all()


def test_a_request_adopted_into_an_activity_voided_since_is_back_in_the_queue(world):
    """作废 of the activity a request was 采纳 into (session 22's open item): the member's
    hours there count nowhere, so the request is 待处理 again in the liaison's queue,
    naming the voided activity and no task, for the liaison to record what really
    happened through the 补录 form (or decline it); adopted again, the member's work
    counts once, on the new record."""
    from tracker.backfill_requests.queries import pending_count, pending_queue
    from tracker.rollups.member_status import member_totals
    from tracker.services.backfill_requests import adopt_through_backfill, needs_backfill_form

    past = world.past_task
    leader = db.session.scalar(select(Assignment).where(
        Assignment.task_id == past.id, Assignment.member_id == world.leader.id))
    leader.status, leader.minutes = AssignmentStatus.done, 60
    request = asked_for_past_task(world, minutes=90)
    other = f.member(world.unit, name="赵六")
    db.session.commit()
    declined = asked(other, world.community, task=past, service_date=None,
                     description=None, minutes=60)
    with unit_of_work():
        added = adopt_into_task(request, world.liaison).assignment
        decline_request(declined, world.liaison, "当天没有签到记录")
    with unit_of_work():
        report = submit_report(past, world.liaison, ReportData(
            quantity=None, people_served=None, note="清理完毕", absent_ids=set()))
        approve_report(report, world.liaison)
    # the activity's year (yesterday's: last year's, on 1 January)
    year = (past.service_date.replace(month=1, day=1), local_today() + timedelta(days=1))
    counted = member_totals(world.other_member.id, *year)
    assert counted[1] >= 90

    _void(world, past)
    request = db.session.get(BackfillRequest, request.id)
    assert (request.status, request.voided_task_id, request.task_id) == (
        RequestStatus.pending, past.id, None)
    assert (request.assignment_id, request.result_task_id, request.decided_by_id,
            request.decided_at) == (None, None, None, None)
    assert needs_backfill_form(request)  # not 采纳 into the voided task again
    assert request in [row for row, _unit in pending_queue(world.liaison)] and pending_count(world.liaison) == 1
    [event] = audits("backfill_request_reopen", request)
    assert event.detail["voided_task_id"] == past.id
    assert (event.detail["was"], event.detail["task_id"], event.detail["assignment_id"],
            event.detail["decided_by_id"]) == ("adopted", past.id, added.id, world.liaison.id)
    # a declined one stays declined; the participation stays on the voided task
    assert db.session.get(BackfillRequest, declined.id).status == RequestStatus.declined
    assert db.session.get(Assignment, added.id).status == AssignmentStatus.done
    assert member_totals(world.other_member.id, *year) == (counted[0] - 1, counted[1] - 90)

    # the liaison records what really happened and adopts it again: it counts once
    with unit_of_work():
        task = adopt_through_backfill(world.liaison, world.item,
                                      _backfill_of(world, request, [world.other_member]),
                                      request)
    db.session.expire_all()
    assert (request.status, request.result_task_id) == (RequestStatus.adopted, task.id)
    assert member_totals(world.other_member.id, *year) == counted


def test_a_request_adopted_again_after_a_void_is_told_again_each_decision_once(app, world):
    """The member hears of each decision of their request once: 采纳, then — the
    activity voided (作废) and the request back in the queue — 采纳 again is news again,
    and so is a 拒绝 after a second void; the job running again tells none of them twice.
    The first decision is told under the key it always had, so an upgrade tells nothing
    already told."""
    from tracker.models import Outbox
    from tracker.reminders.job import write_due
    from tracker.services.backfill_requests import adopt_through_backfill

    def told() -> list[str]:
        db.session.expire_all()
        return [row.subject for row in db.session.scalars(
            select(Outbox).where(Outbox.kind == "backfill_decided",
                                 Outbox.member_id == world.other_member.id,
                                 Outbox.channel == "inapp").order_by(Outbox.id))]

    def job_runs(times: int = 2) -> None:
        for _ in range(times):
            write_due(utcnow(), app.config)
            db.session.commit()

    request = asked_for_past_task(world, minutes=90)
    with unit_of_work():
        adopt_into_task(request, world.liaison)
    job_runs()
    day = request.service_date.isoformat()
    assert told() == [f"补录申请已采纳：{day}"]
    [first] = db.session.scalars(select(Outbox).where(Outbox.kind == "backfill_decided",
                                                     Outbox.channel == "inapp")).all()
    assert first.dedupe_key == f"backfill_decided:m{world.other_member.id}:request:{request.id}:inapp"

    _void(world, world.past_task)
    job_runs()
    assert told() == [f"补录申请已采纳：{day}"]  # pending again: nothing decided yet
    request = db.session.get(BackfillRequest, request.id)
    with unit_of_work():
        task = adopt_through_backfill(world.liaison, world.item,
                                      _backfill_of(world, request, [world.other_member]),
                                      request)
    job_runs()
    assert told() == [f"补录申请已采纳：{day}"] * 2

    _void(world, task, "重复录入")
    request = db.session.get(BackfillRequest, request.id)
    with unit_of_work():
        decline_request(request, world.liaison, "核实后当天未参加")
    job_runs()
    assert told() == [f"补录申请已采纳：{day}"] * 2 + [f"补录申请未采纳：{day}"]


def test_the_first_decision_of_a_request_pending_at_a_void_keeps_the_first_decisions_key(
        app, world):
    """A request still pending when the activity it names is voided is marked with the
    voided activity too, but its next decision is its first: it is told once, under the
    key every first decision has always had (``request:<id>``), so a decision told
    before an upgrade is not told again after it."""
    from tracker.models import Outbox
    from tracker.reminders.job import write_due

    past = world.past_task
    leader = db.session.scalar(select(Assignment).where(
        Assignment.task_id == past.id, Assignment.member_id == world.leader.id))
    leader.status, leader.minutes = AssignmentStatus.done, 60
    request = asked_for_past_task(world, minutes=90)
    _void(world, past)
    request = db.session.get(BackfillRequest, request.id)
    assert (request.status, request.voided_task_id) == (RequestStatus.pending, past.id)
    with unit_of_work():
        decline_request(request, world.liaison, "核实后当天未参加")
    for _ in range(2):
        write_due(utcnow(), app.config)
        db.session.commit()
    keys = db.session.scalars(select(Outbox.dedupe_key).where(
        Outbox.kind == "backfill_decided", Outbox.channel == "inapp")).all()
    assert keys == [f"backfill_decided:m{world.other_member.id}:request:{request.id}:inapp"]


def test_a_request_adopted_through_the_backfill_form_is_reopened_by_its_void(world):
    from tracker.services.backfill_requests import adopt_through_backfill

    request = asked(world.other_member, world.community, minutes=120)
    with unit_of_work():
        task = adopt_through_backfill(world.liaison, world.item,
                                      _backfill_of(world, request, [world.other_member]),
                                      request)
    _void(world, task, "重复录入")
    request = db.session.get(BackfillRequest, request.id)
    assert (request.status, request.voided_task_id, request.result_task_id) == (
        RequestStatus.pending, task.id, None)
    assert request.description == "帮助清理楼道杂物"  # what the member wrote is kept


def test_a_pending_request_naming_an_activity_voided_since_is_marked_too(world):
    """It can no longer be 采纳 into the voided task (「该任务已取消。」): it names the
    voided activity and goes through the 补录 form like the reopened ones."""
    past = world.past_task
    leader = db.session.scalar(select(Assignment).where(
        Assignment.task_id == past.id, Assignment.member_id == world.leader.id))
    leader.status, leader.minutes = AssignmentStatus.done, 60
    request = asked_for_past_task(world)
    _void(world, past)
    request = db.session.get(BackfillRequest, request.id)
    assert (request.status, request.voided_task_id, request.task_id) == (
        RequestStatus.pending, past.id, None)
