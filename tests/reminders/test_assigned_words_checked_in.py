"""withdraw47: an assigned member (指派) is told of her assignment once checked in too.

The words follow who put her there (``Assignment.assigned_place``, the one rule of her
pages, her reminders and ``claims.withdraw``'s refusals), not the status 「已指派」,
which gives way to 「已签到」 when she checks in (an hour before the start): her task
called off after that read 「您认领的任务已取消」, though she never claimed it."""
from __future__ import annotations

from datetime import timedelta

from tests.reminders.outbox_rows import rows
from tracker.extensions import db
from tracker.models import Channel
from tracker.reminders.job import run
from tracker.services.checkin import check_in
from tracker.services.claims import assign_member
from tracker.services.tasks import cancel_task
from tracker.timeutil import utcnow


def test_a_checked_in_assigned_member_reads_her_task_was_assigned(town):
    now = utcnow().replace(microsecond=0)
    task = town.task(now + timedelta(minutes=30), people=(town.bob,), title="门前清扫")
    assign_member(task, town.ann, town.liaison)
    db.session.commit()
    check_in(task, town.ann, task.checkin_token)
    db.session.commit()
    cancel_task(task, town.liaison, "暴雨预警。")
    db.session.commit()
    run(now + timedelta(minutes=1))

    [ann] = rows(channel=Channel.inapp, member_id=town.ann.id, task_id=task.id)
    assert ann.body.startswith("指派给您的任务已取消，不用再前往：门前清扫"), ann.body
    assert "认领" not in ann.body
    [bob] = rows(channel=Channel.inapp, member_id=town.bob.id, task_id=task.id)
    assert bob.body.startswith("您认领的任务已取消"), bob.body
