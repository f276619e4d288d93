"""A task called off or moved reaches the people on it at the next run (任务已取消,
任务时间地点有变): the liaison does not have to phone everyone. Against the real SMTP
server and SMS recorder of tests/reminders, with the clock injected."""
from __future__ import annotations

from datetime import timedelta

from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Channel, WaitlistEntry
from tracker.reminders.job import run
from tracker.services.tasks import TaskDetails, cancel_task, update_task
from tracker.timeutil import to_local, utcnow


def details(task, **changes) -> TaskDetails:
    values = {"title": task.title, "place": task.place, "slots": task.slots,
              "beneficiary": task.beneficiary, "description": task.description,
              "starts_local": to_local(task.starts_at).replace(tzinfo=None),
              "ends_local": to_local(task.ends_at).replace(tzinfo=None)}
    values.update(changes)
    return TaskDetails(**values)


def test_a_cancelled_task_tells_everyone_on_it_and_waiting_once_past_the_daily_cap(
        app, town, smtp, recorder):
    app.config["REMINDER_DAILY_CAP"] = 1
    task = town.task(local(1, 9), people=(town.ann, town.bob), title="明早清扫")
    db.session.add(WaitlistEntry(task_id=task.id, member_id=town.lee.id))
    db.session.commit()
    run(local(0, 18, 5))  # 明天的任务: today's one message for ann and bob
    assert [m.subject for m in smtp.mails] == ["明天的任务：明早清扫"]

    cancel_task(task, town.liaison, "场地临时不能使用。")
    db.session.commit()
    report = run(local(0, 19, 5))

    # Everyone hears of it, with the reason, even past today's cap of one message.
    assert report.deferred == 0
    [mail] = [m for m in smtp.mails if m.subject == "任务已取消：明早清扫"]
    assert "原因：场地临时不能使用。" in mail.body and "。。" not in mail.body
    cancelled = {p.json["mobile"]: p.json["content"] for p in recorder.to("/sms")
                 if "已取消" in p.json["content"]}
    assert set(cancelled) == {town.bob.phone, town.lee.phone}  # SMS is on by default
    inbox = {r.member_id: r for r in rows(kind="cancelled", channel=Channel.inapp)}
    assert set(inbox) == {town.ann.id, town.bob.id, town.lee.id}
    assert "您候补的任务已取消" in inbox[town.lee.id].body
    assert "您认领的任务已取消" in inbox[town.ann.id].body
    # Once: the next runs write nothing more about it.
    assert run(local(0, 19, 10)).written == 0
    assert run(local(0, 21, 0)).written == 0


def test_a_member_who_left_before_the_cancel_is_not_told(town):
    task = town.task(local(2, 9), people=(town.ann, town.bob), title="取消的")
    db.session.execute(Assignment.__table__.update()
                       .where(Assignment.task_id == task.id, Assignment.member_id == town.bob.id)
                       .values(status=AssignmentStatus.withdrawn))
    cancel_task(task, town.liaison, "下雨")
    db.session.commit()
    run(local(0, 10))
    assert {r.member_id for r in rows(kind="cancelled")} == {town.ann.id}


def test_a_moved_task_tells_who_claimed_it_before_the_change(app, town, smtp, recorder):
    task = town.task(local(1, 9), people=(town.ann, town.bob), title="明早值守")
    run(local(0, 18, 5))
    assert [m.subject for m in smtp.mails] == ["明天的任务：明早值守"]

    start = to_local(task.starts_at).replace(tzinfo=None) + timedelta(hours=2)
    update_task(task, town.liaison, details(task, starts_local=start,
                                            ends_local=start + timedelta(hours=2),
                                            place="社区东门"))
    db.session.commit()
    # Someone who claims after the change saw the new time and place: not told.
    late = __import__("tests.factories", fromlist=["member"]).member(town.unit, name="后来的")
    db.session.add(Assignment(task_id=task.id, member_id=late.id,
                              status=AssignmentStatus.claimed,
                              claimed_at=utcnow() + timedelta(minutes=1)))
    db.session.commit()
    run(local(0, 19, 5))

    changed = rows(kind="changed", channel=Channel.inapp)
    assert {r.member_id for r in changed} == {town.ann.id, town.bob.id}
    [mail] = [m for m in smtp.mails if m.subject == "任务时间地点有变：明早值守"]
    assert "时间和地点有变" in mail.body and "11:00–13:00" in mail.body and "社区东门" in mail.body
    assert any("社区东门" in p.json["content"] for p in recorder.to("/sms"))
    assert run(local(0, 19, 10)).written == 0  # once per change

    # A second change is news again; a change of the title alone is not.
    update_task(task, town.liaison, details(task, place="社区西门"))
    db.session.commit()
    run(local(0, 19, 15))
    assert len(rows(kind="changed", channel=Channel.inapp)) == 4
    assert "地点有变" in rows(kind="changed", channel=Channel.inapp)[-1].body
    update_task(task, town.liaison, details(task, title="明早值守（东片）"))
    db.session.commit()
    assert run(local(0, 19, 20)).written == 0


def test_a_task_already_under_way_is_not_announced_as_moved(town):
    task = town.task(local(0, 9), hours=4, people=(town.ann,), title="进行中")
    ends = to_local(task.ends_at).replace(tzinfo=None) + timedelta(hours=1)
    update_task(task, town.liaison, details(task, ends_local=ends))
    db.session.commit()
    run(local(0, 10))
    assert rows(kind="changed") == []


def test_both_kinds_are_in_the_members_settings(client, login, town):
    login(town.ann)
    page = client.get("/me/settings").get_data(as_text=True)
    assert "任务已取消" in page and "任务时间地点有变" in page


def test_a_task_called_off_at_night_reaches_phones_before_it_would_have_started(
        app, town, smtp, recorder):
    """Quiet hours (22:00–08:00) hold everything back, except a task called off or
    moved that starts before they end: a 07:30 task cancelled at 22:30 told at 08:00
    would find people already on their way. One starting at 10:00 waits for 08:00, and
    so does the rest of the night's mail."""
    early = town.task(local(1, 7, 30), people=(town.ann, town.bob), title="清晨清扫")
    later = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    cancel_task(early, town.liaison, "下雨")
    cancel_task(later, town.liaison, "下雨")
    db.session.commit()

    night = run(local(0, 22, 35))
    assert night.quiet
    assert [m.subject for m in smtp.mails] == ["任务已取消：清晨清扫"]
    texts = [p.json["content"] for p in recorder.to("/sms")]
    assert len(texts) == 1 and "清晨清扫" in texts[0]  # bob: SMS is on by default
    assert {r.status.value for r in rows(kind="cancelled", task_id=later.id)
            if r.channel != Channel.inapp} == {"pending"}
    assert {r.status.value for r in rows(kind="tomorrow") if r.channel != Channel.inapp} \
        <= {"pending"}

    run(local(1, 8, 5))
    assert sorted(m.subject for m in smtp.mails) == ["任务已取消：上午清扫", "任务已取消：清晨清扫"]


def test_a_task_starting_as_the_quiet_hours_end_is_called_off_at_night_not_as_it_starts(
        app, town, smtp, recorder):
    """walk7 D5: an 08:00 task cancelled at 23:00 was held until 08:00 sharp, as it
    started: its members were already at the gate. A cancel or move of a task starting
    within REMINDER_SETOUT_HOURS (2 h) after the quiet hours end goes out at night, as
    one before their end does; a task starting 2 h after them or later waits."""
    at_end = town.task(local(1, 8), people=(town.ann, town.bob), title="早班卡口值守")
    half_past = town.task(local(1, 8, 30), people=(town.ann,), title="早班巡查")
    moved = town.task(local(1, 11), people=(town.ann,), title="上午整理")
    later = town.task(local(1, 10), people=(town.ann,), title="上午清扫")
    cancel_task(at_end, town.liaison, "天气预报周日有大雨")
    cancel_task(half_past, town.liaison, "下雨")
    cancel_task(later, town.liaison, "下雨")
    start = to_local(moved.starts_at).replace(tzinfo=None) - timedelta(hours=2)  # to 09:00
    update_task(moved, town.liaison, details(moved, starts_local=start,
                                             ends_local=start + timedelta(hours=2)))
    db.session.commit()

    night = run(local(0, 23, 0))
    assert night.quiet
    assert sorted(m.subject for m in smtp.mails) == [
        "任务已取消：早班卡口值守", "任务已取消：早班巡查", "任务时间地点有变：上午整理"]
    [sms] = [p.json["content"] for p in recorder.to("/sms")]
    assert "不用再前往" in sms and "早班卡口值守" in sms  # bob: SMS only
    assert {r.status.value for r in rows(kind="cancelled", task_id=later.id)
            if r.channel != Channel.inapp} == {"pending"}  # starts at 10:00: waits

    run(local(1, 8, 0))
    assert "任务已取消：上午清扫" in [m.subject for m in smtp.mails[3:]]


def test_no_set_out_margin_holds_what_starts_at_the_quiet_hours_end(app, town, smtp):
    """REMINDER_SETOUT_HOURS=0: only a task starting before the quiet hours end breaks
    them (the rule before walk7 D5)."""
    app.config["REMINDER_SETOUT_HOURS"] = 0
    task = town.task(local(1, 8), people=(town.ann,), title="早班卡口值守")
    cancel_task(task, town.liaison, "下雨")
    db.session.commit()
    assert run(local(0, 23, 0)).quiet and smtp.mails == []
    run(local(1, 8, 0))
    assert [m.subject for m in smtp.mails] == ["任务已取消：早班卡口值守"]


def test_a_member_whose_hours_the_liaison_corrected_is_told_what_and_why(app, town, smtp):
    """改正服务时长 changes a member's service record by someone else's hand: they hear
    of it at the next run, once — from what to what, by whom, why."""
    from tracker.models import AssignmentStatus as Status
    from tracker.services.claims import correct_minutes

    task = town.task(local(-1, 9), people=(town.ann,), title="楼道清扫")
    [held] = task.assignments
    held.status, held.minutes = Status.done, 120
    db.session.commit()
    correct_minutes(held, town.liaison, 90, "提前离开。")
    db.session.commit()

    run(local(0, 10))
    [mail] = [m for m in smtp.mails if m.subject == "服务时长已改正：楼道清扫"]
    assert "由2.0小时改为1.5小时" in mail.body and "原因：提前离开。" in mail.body
    assert town.liaison.name in mail.body and "。。" not in mail.body
    assert [r.member_id for r in rows(kind="hours_corrected", channel=Channel.inapp)] == [town.ann.id]
    assert run(local(0, 11)).written == 0


def test_a_task_moved_within_its_day_gets_one_tomorrow_reminder_and_the_change_notice(
        town, smtp, recorder):
    """One 明天的任务 per task and day of the task: a move within that day is told by
    任务时间地点有变 alone, not by a second 明天的任务."""
    task = town.task(local(1, 9), people=(town.ann, town.bob), title="明早值守")
    run(local(0, 18, 5))
    start = to_local(task.starts_at).replace(tzinfo=None) + timedelta(hours=2)
    update_task(task, town.liaison, details(task, starts_local=start,
                                            ends_local=start + timedelta(hours=2)))
    db.session.commit()
    run(local(0, 19, 5))
    run(local(0, 21, 0))

    assert sorted(m.subject for m in smtp.mails) == ["任务时间地点有变：明早值守", "明天的任务：明早值守"]
    texts = [p.json["content"] for p in recorder.to("/sms")]
    assert len(texts) == 2 and sum("明天开始" in t for t in texts) == 1
    assert {(r.member_id, r.channel) for r in rows(kind="tomorrow")} == {
        (town.ann.id, Channel.inapp), (town.ann.id, Channel.email),
        (town.bob.id, Channel.inapp), (town.bob.id, Channel.sms)}


def test_a_waiting_tomorrow_reminder_states_the_time_and_place_when_it_leaves(town, smtp):
    """Written at 22:35 (quiet hours), the task moved within its day at 23:00: what
    leaves at 08:00 gives the new time and place, besides the change notice. (It starts,
    before and after the move, later than the quiet hours' end plus the set-out margin:
    nothing breaks the quiet hours.)"""
    task = town.task(local(1, 10, 30), people=(town.ann,), title="上午值守")
    run(local(0, 22, 35))
    start = to_local(task.starts_at).replace(tzinfo=None) + timedelta(hours=1)
    update_task(task, town.liaison, details(task, starts_local=start,
                                            ends_local=start + timedelta(hours=2),
                                            place="社区东门"))
    db.session.commit()
    run(local(0, 23, 0))
    assert smtp.mails == []  # 10:30 → 11:30, both after 10:00: the notice waits too

    run(local(1, 8, 0))
    mails = {m.subject: m.body for m in smtp.mails}
    assert set(mails) == {"今天的任务：上午值守", "任务时间地点有变：上午值守"}
    assert "今天 11:30 开始" in mails["今天的任务：上午值守"]
    assert "社区东门" in mails["今天的任务：上午值守"] and "10:30" not in mails["今天的任务：上午值守"]


def test_a_task_moved_to_another_day_is_announced_on_the_eve_of_that_day(town, smtp):
    """The waiting 明天的任务 of the old day is obsolete; the new day's eve has its own."""
    task = town.task(local(1, 9, 30), people=(town.ann,), title="上午值守")
    run(local(0, 22, 35))
    start = to_local(task.starts_at).replace(tzinfo=None) + timedelta(days=2)
    update_task(task, town.liaison, details(task, starts_local=start,
                                            ends_local=start + timedelta(hours=2)))
    db.session.commit()
    run(local(1, 8, 0))
    assert [m.subject for m in smtp.mails] == ["任务时间地点有变：上午值守"]
    [old] = rows(kind="tomorrow", channel=Channel.email)
    assert old.status.value == "obsolete"

    run(local(2, 18, 5))
    assert smtp.mails[-1].subject == "明天的任务：上午值守"
    assert len(rows(kind="tomorrow", channel=Channel.email)) == 2


def test_the_first_run_after_the_upgrade_does_not_tell_old_events_as_news(town, smtp, recorder):
    """The release that brought 任务已取消 / 任务时间地点有变 / 账号安全 tells of what
    happens after it was installed (its migration writes ReminderNewsStart), not of the
    cancellations, moves and reset links of the two weeks before: those were settled by
    phone then, and an uncapped SMS each would arrive as news on the day of the upgrade."""
    from tracker.models import Invitation, InvitationPurpose, ReminderNewsStart
    from tracker.reminders import kinds

    called_off = town.task(local(3, 9), people=(town.ann, town.bob), title="周末清扫")
    moved = town.task(local(4, 9), people=(town.ann, town.bob), title="周日值守")
    cancel_task(called_off, town.liaison, "下雨")
    start = to_local(moved.starts_at).replace(tzinfo=None) + timedelta(hours=1)
    update_task(moved, town.liaison, details(moved, starts_local=start,
                                             ends_local=start + timedelta(hours=2)))
    db.session.add(Invitation(member_id=town.ann.id, purpose=InvitationPurpose.reset,
                              token_hash="x" * 64, created_by_id=town.liaison.id,
                              created_at=utcnow() - timedelta(days=3),
                              expires_at=utcnow() + timedelta(days=4)))
    db.session.commit()
    # the upgrade: flask db upgrade writes when each news kind began
    upgraded = utcnow()
    db.session.add_all(ReminderNewsStart(kind=kind.code, started_at=upgraded)
                       for kind in kinds.KINDS if kind.news)
    db.session.commit()

    first = run(local(0, 10))
    assert first.written == 0 and smtp.mails == [] and recorder.posts == []

    # what happens after the upgrade is news
    later = town.task(local(5, 9), people=(town.bob,), title="下周巡查")
    cancel_task(later, town.liaison, "人员调整")
    db.session.commit()
    run(local(0, 10, 5))
    assert [r.task_id for r in rows(kind="cancelled", channel=Channel.inapp)] == [later.id]
    assert "下周巡查" in recorder.to("/sms")[0].json["content"]
def test_the_members_of_a_voided_activity_are_told_their_hours_no_longer_count(app, town, smtp):
    """作废 takes confirmed hours off a member's service record by someone else's hand:
    each member whose hours were on it hears at the next run, once — which activity, by
    whom, why, how many hours. Someone on it whose hours were never confirmed is not."""
    from tracker.models import AssignmentStatus as Status
    from tracker.services.voiding import void_activity

    task = town.task(local(-2, 9), people=(town.ann, town.bob, town.lee), title="楼道清扫")
    for held in task.assignments:
        if held.member_id != town.lee.id:
            held.status, held.minutes = Status.done, 120
    db.session.commit()
    void_activity(task, town.liaison, "当天并未开展，误录。")
    db.session.commit()

    run(local(0, 10))
    [mail] = [m for m in smtp.mails if m.subject == "活动已作废：楼道清扫"]
    assert "楼道清扫" in mail.body and "2.0小时服务时长不再计入" in mail.body
    assert "原因：当天并未开展，误录。" in mail.body and "。。" not in mail.body
    assert town.liaison.name in mail.body
    assert sorted(r.member_id for r in rows(kind="voided", channel=Channel.inapp)) == \
        sorted([town.ann.id, town.bob.id])
    assert run(local(0, 11)).written == 0
    # a voided activity is not a cancellation to go to: no 任务已取消 besides
    assert rows(kind="cancelled") == []


def test_a_task_moved_at_night_away_from_an_early_start_is_told_at_night(app, town, smtp):
    """review39 #2: ann knows her task as starting at 08:00, as the quiet hours end; at
    23:00 the liaison moves it to 15:00. She would set out for 08:00, so she hears of
    the move tonight, as for a move *to* an early hour; a move of a 10:00 task to 15:00
    (she sets out after the margin) waits for the morning."""
    early = town.task(local(1, 8), people=(town.ann,), title="早班卡口值守")
    late = town.task(local(1, 10), people=(town.ann,), title="上午清扫")
    for task in (early, late):
        start = to_local(task.starts_at).replace(tzinfo=None).replace(hour=15)
        update_task(task, town.liaison, details(task, starts_local=start,
                                                ends_local=start + timedelta(hours=2)))
    db.session.commit()

    night = run(local(0, 23, 0))
    assert night.quiet
    assert [m.subject for m in smtp.mails] == ["任务时间地点有变：早班卡口值守"]
    run(local(1, 8, 0))
    assert "任务时间地点有变：上午清扫" in [m.subject for m in smtp.mails[1:]]


def test_a_task_moved_twice_at_night_away_from_an_early_start_is_told_at_night(
        app, town, smtp):
    """review40 #2: ann knows her task as starting at 08:00; the liaison types 19:00 and
    corrects it to 15:00 a minute later, both before the job runs at 23:00. Ann still
    knows 08:00 — the start before the oldest move she has not heard of —, so she hears
    of it tonight, as of a single move 08:00 → 15:00."""
    early = town.task(local(1, 8), people=(town.ann,), title="早班卡口值守")
    day = to_local(early.starts_at).replace(tzinfo=None)
    for hour in (19, 15):
        start = day.replace(hour=hour)
        update_task(early, town.liaison, details(early, starts_local=start,
                                                 ends_local=start + timedelta(hours=2)))
        db.session.commit()

    night = run(local(0, 23, 0))
    assert night.quiet
    assert [m.subject for m in smtp.mails] == ["任务时间地点有变：早班卡口值守"]


def test_a_move_after_the_members_were_told_of_the_last_waits_from_the_start_they_know(
        app, town, smtp):
    """The start a member knows is the one the last message she was sent gave: told in
    the evening that her 08:00 task is now at 19:00, a move at night to 15:00 finds her
    setting out after the quiet hours' margin, and waits for the morning."""
    early = town.task(local(1, 8), people=(town.ann,), title="早班卡口值守")
    day = to_local(early.starts_at).replace(tzinfo=None)
    update_task(early, town.liaison, details(early, starts_local=day.replace(hour=19),
                                             ends_local=day.replace(hour=21)))
    db.session.commit()
    def moves():
        return [m.subject for m in smtp.mails if m.subject.startswith("任务时间地点有变")]

    run(local(0, 20, 0))
    assert moves() == ["任务时间地点有变：早班卡口值守"]

    update_task(early, town.liaison, details(early, starts_local=day.replace(hour=15),
                                             ends_local=day.replace(hour=17)))
    db.session.commit()
    night = run(local(0, 23, 0))
    assert night.quiet and len(moves()) == 1
    run(local(1, 8, 0))
    assert moves() == ["任务时间地点有变：早班卡口值守"] * 2
