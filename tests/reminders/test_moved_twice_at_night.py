"""A task moved twice on one night, each move seen by a job run while the pushes wait
for the morning (leave49's Open): a member is never sent a push stating a time or place
no longer true. The waiting 任务时间地点有变 gives way to the newer one on its channel
(``obsolete``, ``changed_again``: 提醒发送状态 counts it 未发送 and says why), and the one
that leaves names every field that differs from what that channel last told her — an
e-mail reader reads 「时间有变」 though her in-app copy of the first move was shown. A
move and a move back leave the task as she was told: nothing is pushed. Against the
real SMTP server and SMS recorder of tests/reminders, with the clock injected."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tests.reminders.test_task_changes import details
from tracker.extensions import db
from tracker.models import Channel, OutboxStatus
from tracker.reminders.reasons import words
from tracker.reminders.job import run
from tracker.services.tasks import update_task
from tracker.timeutil import local_today, to_local

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(1, 8, 0)


def move(task, liaison, hour: int | None = None, place: str | None = None) -> None:
    changes = {}
    if hour is not None:
        start = to_local(task.starts_at).replace(tzinfo=None).replace(hour=hour)
        changes.update(starts_local=start, ends_local=start + timedelta(hours=2))
    if place is not None:
        changes["place"] = place
    update_task(task, liaison, details(task, **changes))
    db.session.commit()


def moved(smtp) -> list:
    """The e-mails about a move (the night's runs also wrote 明天的任务)."""
    return [m for m in smtp.mails if m.subject.startswith("任务时间地点有变")]


def moved_sms(recorder) -> list[str]:
    return [p.json["content"] for p in recorder.to("/sms") if "有变" in p.json["content"]]


def test_two_moves_on_one_night_leave_one_push_stating_the_newest_time(
        town, smtp, recorder):
    """10:00 → 15:00 seen at 23:00, → 16:00 seen at 23:30: at 08:00 ann gets one e-mail
    and bob one SMS, at 16:00; the 15:00 ones are set aside, saying why."""
    task = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    move(task, town.liaison, hour=15)
    assert run(local(0, 23, 0)).quiet and moved(smtp) == []
    move(task, town.liaison, hour=16)
    run(local(0, 23, 30))
    assert moved(smtp) == [] and moved_sms(recorder) == []

    run(MORNING)
    [mail] = moved(smtp)
    assert "16:00" in mail.body and "15:00" not in mail.body, mail.body
    assert "任务时间有变" in mail.body, mail.body
    [sms] = moved_sms(recorder)
    assert "16:00" in sms and "15:00" not in sms and "时间有变" in sms, sms
    for member, channel in ((town.ann, Channel.email), (town.bob, Channel.sms)):
        first, second = rows(kind="changed", member_id=member.id, channel=channel)
        assert (first.status, first.reason, first.attempts) == (
            OutboxStatus.obsolete, "changed_again", 0)
        assert words(first.reason) == "该任务的时间地点又有变更，只发最新的一条"
        assert second.status == OutboxStatus.sent
        # both in-app copies were delivered when written: each was true then
        assert [r.status for r in rows(kind="changed", member_id=member.id,
                                       channel=Channel.inapp)] == [OutboxStatus.sent] * 2


def test_a_time_move_then_a_place_move_on_one_night_leave_one_push_naming_both(
        town, smtp, recorder):
    """The in-app copy of the time move was shown at 23:00; the e-mail and the SMS of it
    never left, so the one push of the morning names the time and the place."""
    task = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    move(task, town.liaison, hour=15)
    run(local(0, 23, 0))
    move(task, town.liaison, place="解放路社区东门")
    run(local(0, 23, 30))

    run(MORNING)
    [mail] = moved(smtp)
    assert "任务时间和地点有变" in mail.body, mail.body
    assert "15:00" in mail.body and "解放路社区东门" in mail.body, mail.body
    [sms] = moved_sms(recorder)
    assert "时间和地点有变" in sms, sms
    # the in-app copy of the place move says only what changed since the one shown
    inapp = rows(kind="changed", member_id=town.ann.id, channel=Channel.inapp)
    assert "任务地点有变" in inapp[1].body, inapp[1].body


def test_a_move_and_a_move_back_on_one_night_push_nothing(town, smtp, recorder):
    """10:00 → 15:00, then back to 10:00: what her e-mail and SMS last said (nothing
    since she claimed at 10:00) is true again, so nothing is pushed; the in-app copies,
    each true when shown, stay."""
    task = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    move(task, town.liaison, hour=15)
    run(local(0, 23, 0))
    move(task, town.liaison, hour=10)
    run(local(0, 23, 30))

    run(MORNING)
    assert moved(smtp) == [] and moved_sms(recorder) == []
    for member, channel in ((town.ann, Channel.email), (town.bob, Channel.sms)):
        assert [(r.status, r.reason) for r in rows(kind="changed", member_id=member.id,
                                                   channel=channel)] == [
            (OutboxStatus.obsolete, "changed_again"), (OutboxStatus.obsolete, "not_due")]
    inapp = rows(kind="changed", member_id=town.ann.id, channel=Channel.inapp)
    assert [r.status for r in inapp] == [OutboxStatus.sent] * 2
    assert "10:00" in inapp[1].body


def test_a_place_moved_and_moved_back_with_nothing_pushed_before_pushes_nothing(
        town, smtp, recorder):
    """社区活动中心 (as she claimed it) → 解放路社区东门 seen at 23:00, then back at
    23:30, with no 任务时间地点有变 ever pushed to compare with: the place she knows is
    true again — her e-mail and bob's SMS would tell a place they know as changed, so
    neither leaves; the in-app copies, each true when shown, stay (leave51)."""
    task = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    claimed_at = task.place
    move(task, town.liaison, place="解放路社区东门")
    run(local(0, 23, 0))
    move(task, town.liaison, place=claimed_at)
    run(local(0, 23, 30))

    run(MORNING)
    assert moved(smtp) == [] and moved_sms(recorder) == []
    for member, channel in ((town.ann, Channel.email), (town.bob, Channel.sms)):
        assert [(r.status, r.reason) for r in rows(kind="changed", member_id=member.id,
                                                   channel=channel)] == [
            (OutboxStatus.obsolete, "changed_again"), (OutboxStatus.obsolete, "not_due")]
    inapp = rows(kind="changed", member_id=town.ann.id, channel=Channel.inapp)
    assert [r.status for r in inapp] == [OutboxStatus.sent] * 2
    assert claimed_at in inapp[1].body and "任务地点有变" in inapp[1].body


def test_a_place_moved_twice_pushes_once_naming_the_newest(town, smtp, recorder):
    """社区活动中心 → 解放路社区东门 at 23:00, → 解放路社区西门 at 23:30: one e-mail
    and one SMS in the morning, 「地点有变」 with 西门 and not 东门 (leave51)."""
    task = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    move(task, town.liaison, place="解放路社区东门")
    run(local(0, 23, 0))
    move(task, town.liaison, place="解放路社区西门")
    run(local(0, 23, 30))

    run(MORNING)
    [mail] = moved(smtp)
    assert "任务地点有变" in mail.body and "解放路社区西门" in mail.body, mail.body
    assert "东门" not in mail.body, mail.body
    [sms] = moved_sms(recorder)
    assert "地点有变" in sms and "解放路社区西门" in sms and "东门" not in sms, sms


def test_a_move_back_to_what_the_last_e_mail_said_pushes_nothing(app, town, smtp):
    """Moved to 15:00 and told by e-mail in the day; at night to 16:00, then back to
    15:00: her e-mail says 15:00, which is true again."""
    task = town.task(local(1, 10), people=(town.ann,), title="上午清扫")
    move(task, town.liaison, hour=15)
    run(local(0, 12, 0))
    assert len(moved(smtp)) == 1
    move(task, town.liaison, hour=16)
    run(local(0, 23, 0))
    move(task, town.liaison, hour=15)
    run(local(0, 23, 30))
    run(MORNING)
    assert len(moved(smtp)) == 1


def test_a_superseded_move_that_could_not_wait_leaves_at_night_stating_the_newest(
        town, recorder):
    """09:00 → 15:00 at 23:00: bob knows 09:00 and would set out before the morning,
    so the SMS leaves at night — the gateway answers 500, it waits for its retry. At
    23:30 the task moves to 16:00: the newer SMS takes over the older's urgency (he
    still knows 09:00) and leaves at once, at 16:00; the 15:00 one is never sent."""
    task = town.task(local(1, 9), people=(town.bob,), title="早班清扫")
    move(task, town.liaison, hour=15)
    recorder.fail["/sms"] = "http"
    run(local(0, 23, 0))
    assert rows(kind="changed", channel=Channel.sms)[0].status == OutboxStatus.pending
    del recorder.fail["/sms"]
    move(task, town.liaison, hour=16)
    assert run(local(0, 23, 30)).quiet
    [sms] = moved_sms(recorder)
    assert "16:00" in sms and "15:00" not in sms and "时间有变" in sms, sms
    first, second = rows(kind="changed", channel=Channel.sms)
    assert (first.status, first.reason) == (OutboxStatus.obsolete, "changed_again")
    assert second.status == OutboxStatus.sent


def test_a_waiting_move_held_by_a_run_that_died_is_not_sent_once_a_newer_one_was_written(
        town, smtp):
    """The older e-mail was claimed by a run that died (its claim is released once the
    lease is over), so when the 16:00 move was written it was not waiting and was not
    set aside. When it can leave, a later move written for her on that channel means it
    states a time no longer true: only the 16:00 one leaves."""
    from sqlalchemy import true

    from tracker.reminders.job import _claim

    task = town.task(local(1, 10), people=(town.ann,), title="上午清扫")
    move(task, town.liaison, hour=15)
    run(local(0, 23, 0))
    at = local(0, 23, 20)  # a run takes ann's waiting e-mails and dies
    _token, held = _claim((town.ann.id, None, Channel.email), at, at, true())
    assert "changed" in {row.kind for row in held}  # with her 明天的任务
    move(task, town.liaison, hour=16)
    run(local(0, 23, 30))  # within the dead run's lease: its claim stands
    assert [r.status for r in rows(kind="changed", channel=Channel.email)] == [
        OutboxStatus.sending, OutboxStatus.pending]

    run(MORNING)  # the dead run's claim is released, and both could leave
    [mail] = moved(smtp)
    assert "16:00" in mail.body and "15:00" not in mail.body, mail.body
    first, second = rows(kind="changed", channel=Channel.email)
    assert (first.status, first.reason) == (OutboxStatus.obsolete, "not_due")
    assert second.status == OutboxStatus.sent
