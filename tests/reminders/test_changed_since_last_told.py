"""任务时间地点有变 speaks of every change since the member last heard of the task: the
start she knew is the one before the oldest unheard edit that moved it (a place fix
records no start), and the message names the time and the place when both changed in
unheard edits, whichever came last (review41 #2, #6; README's set-out rule)."""
from __future__ import annotations

from datetime import timedelta

from tests.reminders.conftest import local
from tests.reminders.test_task_changes import details
from tracker.extensions import db
from tracker.reminders.job import run
from tracker.services.tasks import update_task
from tracker.timeutil import to_local


def test_a_place_fix_then_a_move_away_from_an_early_start_is_told_at_night(app, town, smtp):
    """08:00 tomorrow: the place corrected, then moved to 15:00, before the job at 23:00.
    ann still knows 08:00 and would set out before the morning message."""
    early = town.task(local(1, 8), people=(town.ann,), title="早班卡口值守")
    day = to_local(early.starts_at).replace(tzinfo=None)
    update_task(early, town.liaison, details(early, place="解放路社区东门卡口"))
    db.session.commit()
    start = day.replace(hour=15)
    update_task(early, town.liaison, details(early, starts_local=start,
                                             ends_local=start + timedelta(hours=2)))
    db.session.commit()

    night = run(local(0, 23, 0))
    assert night.quiet
    assert [m.subject for m in smtp.mails] == ["任务时间地点有变：早班卡口值守"]


def test_a_move_then_a_place_fix_before_the_job_says_the_time_changed_too(app, town, smtp):
    """10:00 → 15:00, then the place corrected, both before the job runs (at 12:00):
    ann never heard of the move; her one message names the time and the place."""
    task = town.task(local(1, 10), people=(town.ann,), title="上午清扫")
    day = to_local(task.starts_at).replace(tzinfo=None)
    start = day.replace(hour=15)
    update_task(task, town.liaison, details(task, starts_local=start,
                                            ends_local=start + timedelta(hours=2)))
    db.session.commit()
    update_task(task, town.liaison, details(task, place="解放路社区东门"))
    db.session.commit()
    run(local(0, 12, 0))
    bodies = [m.body for m in smtp.mails if m.subject == "任务时间地点有变：上午清扫"]
    assert len(bodies) == 1
    assert "任务时间和地点有变" in bodies[0], bodies[0]


def test_after_a_message_only_what_changed_since_is_named(app, town, smtp):
    """Moved and told; then only the place corrected: the second message says the place."""
    task = town.task(local(1, 10), people=(town.ann,), title="下午清扫")
    start = to_local(task.starts_at).replace(tzinfo=None).replace(hour=15)
    update_task(task, town.liaison, details(task, starts_local=start,
                                            ends_local=start + timedelta(hours=2)))
    db.session.commit()
    run(local(0, 12, 0))
    update_task(task, town.liaison, details(task, place="解放路社区东门"))
    db.session.commit()
    run(local(0, 13, 0))
    bodies = [m.body for m in smtp.mails if m.subject == "任务时间地点有变：下午清扫"]
    assert len(bodies) == 2
    assert "任务时间有变" in bodies[0] and "任务地点有变" in bodies[1], bodies
