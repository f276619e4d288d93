"""A 任务时间地点有变 or 任务已取消 that waited (the quiet hours) is sent only to someone
still on the task when it can leave (leave48's Open): one who withdrew (取消认领), was
移出 by the liaison, left the 候补名单, or whose task was called off since has left the
task the message speaks of. Such a row is settled as every row no longer due is —
``obsolete``, ``not_due``, never tried, counted as 未发送 on 提醒发送状态 — and its in-app
copy, delivered when it was written, stays. A 补录申请结果 of the same shape: an
adoption undone by a 作废 of its activity. Nobody leaves a task once it is cancelled
(cancelled49): a 任务已取消 reaches the task and its line as they stood. Against the
real SMTP server and SMS recorder of tests/reminders, with the clock injected."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.plans import channel_status
from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tests.reminders.test_task_changes import details
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Channel, OutboxStatus, WaitlistEntry
from tracker.reminders.job import run
from tracker.services import ServiceError
from tracker.services.assigning import assign_member
from tracker.services.claims import claim_slot, withdraw
from tracker.services.tasks import cancel_task, update_task
from tracker.services.waitlist import join_waitlist, leave_waitlist
from tracker.timeutil import local_today, to_local

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
NIGHT, MORNING = local(0, 23, 0), local(1, 8, 0)


def place(task, member) -> Assignment:
    return db.session.scalar(select(Assignment).where(Assignment.task_id == task.id,
                                                      Assignment.member_id == member.id))


def move_to_afternoon(task, liaison) -> None:
    """A move at night that can wait for the morning (its members set out after it)."""
    start = to_local(task.starts_at).replace(tzinfo=None).replace(hour=15)
    update_task(task, liaison, details(task, starts_local=start,
                                       ends_local=start + timedelta(hours=2)))
    db.session.commit()


def moves(smtp) -> list[str]:
    """The e-mails about a move (the night's run also wrote 明天的任务)."""
    return [m.subject for m in smtp.mails if m.subject.startswith("任务时间地点有变")]


def push_rows(kind: str, member) -> list:
    return [row for row in rows(kind=kind, member_id=member.id) if row.channel != Channel.inapp]


def assert_not_due(kind: str, member) -> None:
    """Every push of ``kind`` to ``member`` set aside as no longer due, never tried, and
    the in-app copy delivered when it was written."""
    pushes = push_rows(kind, member)
    assert pushes and {(r.status, r.reason, r.attempts) for r in pushes} == {
        (OutboxStatus.obsolete, "not_due", 0)}
    [inapp] = rows(kind=kind, member_id=member.id, channel=Channel.inapp)
    assert inapp.status == OutboxStatus.sent


def test_a_move_told_at_night_is_not_sent_to_who_withdrew_or_was_removed_by_morning(
        town, smtp, recorder):
    task = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    move_to_afternoon(task, town.liaison)
    assert run(NIGHT).quiet and smtp.mails == [] and recorder.to("/sms") == []
    withdraw(place(task, town.ann), town.ann)  # 取消认领 before the morning
    withdraw(place(task, town.bob), town.liaison)  # 移出 by the liaison
    db.session.commit()

    report = run(MORNING)
    assert smtp.mails == []  # ann: e-mail (her 明天的任务 is dropped too)
    assert recorder.to("/sms") == []  # bob: SMS
    assert_not_due("changed", town.ann)
    assert_not_due("changed", town.bob)
    assert report.failed == 0
    # 提醒发送状态 counts each as not sent (the move and the 明天的任务), none as failed
    status = {c.channel: c for c in channel_status()}
    assert (status[Channel.email].not_sent, status[Channel.email].failed) == (2, 0)
    assert (status[Channel.sms].not_sent, status[Channel.sms].failed) == (2, 0)


def test_a_move_is_still_sent_to_who_stayed(town, smtp, recorder):
    task = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    move_to_afternoon(task, town.liaison)
    run(NIGHT)
    withdraw(place(task, town.bob), town.bob)
    db.session.commit()
    run(MORNING)
    assert moves(smtp) == ["任务时间地点有变：上午清扫"]
    assert recorder.to("/sms") == []


def test_one_who_left_and_took_the_place_again_saw_the_new_time_and_is_not_told(town, smtp):
    """find_changed's own rule: a member who claims after the change saw the new time
    on the page she claimed it from; a claim taken again after withdrawing is one."""
    task = town.task(local(1, 10), people=(town.ann,), title="上午清扫")
    move_to_afternoon(task, town.liaison)
    run(NIGHT)
    withdraw(place(task, town.ann), town.ann)
    db.session.commit()
    claim_slot(task, town.ann)
    db.session.commit()
    run(MORNING)
    assert moves(smtp) == []
    assert_not_due("changed", town.ann)


def test_a_move_is_not_sent_once_the_task_is_called_off_which_is_told_instead(town, smtp):
    task = town.task(local(1, 10), people=(town.ann,), title="上午清扫")
    move_to_afternoon(task, town.liaison)
    run(NIGHT)
    cancel_task(task, town.liaison, "场地临时不能使用。")
    db.session.commit()
    run(MORNING)
    assert [m.subject for m in smtp.mails] == ["任务已取消：上午清扫"]
    assert_not_due("changed", town.ann)


def test_a_promoted_wait_removed_before_the_morning_is_not_told_of_the_move(town, recorder):
    """The 候补 promoted into a freed place hears of a move made after the promotion —
    unless the liaison has 移出 her by the morning."""
    task = town.task(local(1, 10), people=(town.bob,), title="上午清扫")
    task.slots = 1
    db.session.commit()
    join_waitlist(task, town.lee)
    db.session.commit()
    withdraw(place(task, town.bob), town.bob)  # lee takes the place
    db.session.commit()
    assert place(task, town.lee).status.value == "claimed"
    move_to_afternoon(task, town.liaison)
    run(NIGHT)
    assert push_rows("changed", town.lee)  # she was told, to leave in the morning
    withdraw(place(task, town.lee), town.liaison)
    db.session.commit()
    run(MORNING)
    assert [p for p in recorder.to("/sms") if "有变" in p.json["content"]] == []
    assert_not_due("changed", town.lee)


def test_an_assigned_member_removed_before_the_morning_is_not_told_of_the_move(
        town, recorder):
    task = town.task(local(1, 10), title="上午清扫")
    assign_member(task, town.bob, town.liaison)
    db.session.commit()
    move_to_afternoon(task, town.liaison)
    run(NIGHT)
    withdraw(place(task, town.bob), town.liaison)
    db.session.commit()
    run(MORNING)
    assert recorder.to("/sms") == []
    assert_not_due("changed", town.bob)


def test_a_cancel_told_at_night_reaches_the_task_and_its_line_as_they_stood(
        town, smtp, recorder):
    """Nobody leaves a cancelled task since (cancelled49): its roster and its 候补名单
    are the record of who was on it when it was called off, so ann's 取消认领 and lee's
    退出候补 after the cancel are refused, and the 任务已取消 waiting for the morning
    reaches them as it reaches bob."""
    task = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    db.session.add(WaitlistEntry(task_id=task.id, member_id=town.lee.id))
    db.session.commit()
    cancel_task(task, town.liaison, "下雨")
    db.session.commit()
    assert run(NIGHT).quiet and smtp.mails == []  # starts at 10:00: waits for the morning
    with pytest.raises(ServiceError, match="该任务已取消，不能取消认领。"):
        withdraw(place(task, town.ann), town.ann)
    db.session.rollback()
    with pytest.raises(ServiceError, match="该任务已取消，不能退出候补。"):
        leave_waitlist(db.session.scalar(select(WaitlistEntry).where(
            WaitlistEntry.task_id == task.id, WaitlistEntry.member_id == town.lee.id)),
            town.lee)
    db.session.rollback()

    run(MORNING)
    assert place(task, town.ann).status == AssignmentStatus.claimed
    mailed = {to for mail in smtp.mails for to in mail.to}
    assert mailed == {"ann@example.org"}  # still on it: told
    sms = {p.json["mobile"] for p in recorder.to("/sms")}
    assert sms == {town.bob.phone, town.lee.phone}  # lee still waits on its 候补名单


def test_an_adoption_told_at_night_is_not_sent_once_a_void_reopened_the_request(
        town, recorder):
    """补录申请结果 of the same shape: bob's request was 采纳 into an approved activity
    in the evening, and the 「已采纳，计入您的服务记录」 SMS waits for the morning; the
    liaison voids that activity at night, which puts the request back in the queue (it
    counts nowhere now). In the morning bob hears of the 作废, not of an adoption that
    no longer stands; a new decision is news under its own key."""
    from tests import factories as f
    from tests.backfill_requests.support import asked
    from tracker.services import unit_of_work
    from tracker.services.backfill_requests import adopt_into_task, decline_request
    from tracker.services.voiding import void_activity

    task = town.task(local(-3, 9), people=(town.ann,), title="楼道清扫")
    ann = place(task, town.ann)
    ann.status, ann.minutes = AssignmentStatus.done, 120
    db.session.commit()
    f.reported(task, town.ann, approved=True)
    request = asked(town.bob, town.community, task=task, service_date=None,
                    description=None, minutes=90, note="忘记认领了")
    with unit_of_work():
        adopt_into_task(request, town.liaison)
    run(NIGHT)
    assert push_rows("backfill_decided", town.bob)  # waits for the morning
    with unit_of_work():
        void_activity(task, town.liaison, "当天并未开展，误录。")

    run(MORNING)
    [text] = [p.json["content"] for p in recorder.to("/sms")]
    assert "作废" in text  # alone: not bundled with 「补录申请结果1条」
    assert "已采纳" not in text and "补录申请" not in text
    assert_not_due("backfill_decided", town.bob)

    with unit_of_work():  # decided again: told
        decline_request(db.session.get(type(request), request.id), town.liaison,
                        "该活动已作废，请核实后重新申请。")
    run(local(1, 9, 0))
    assert any("未被采纳" in p.json["content"] for p in recorder.to("/sms"))
