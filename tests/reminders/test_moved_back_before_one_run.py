"""A task moved and moved back before one reminder run (leave51's Open): the task is as
the members know it, so that run tells them nothing — no in-app 任务时间地点有变 (「地点
有变，现为 A」 of the place she claimed is true but noise), no e-mail, no SMS. What
differs is compared field by field: the value before the oldest edit she has not heard
of against the value now (times exactly, a place by its tag). A place moved twice is
still told once, naming the newest. Against the real SMTP server and SMS recorder of
tests/reminders, with the clock injected."""
from __future__ import annotations

import pytest

from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tests.reminders.test_moved_twice_at_night import move, moved, moved_sms
from tracker.models import Channel, OutboxStatus
from tracker.reminders.job import run
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
NOON = local(0, 12, 0)  # in the day: a push written would leave at once


def test_a_place_moved_and_moved_back_before_one_run_tells_nobody(town, smtp, recorder):
    """社区活动中心 → 解放路社区东门 → back, both before the noon run: no row of
    任务时间地点有变 on any channel for ann (e-mail) or bob (SMS)."""
    task = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    claimed_at = task.place
    move(task, town.liaison, place="解放路社区东门")
    move(task, town.liaison, place=claimed_at)
    run(NOON)
    assert rows(kind="changed") == []
    assert moved(smtp) == [] and moved_sms(recorder) == []


def test_a_time_moved_and_moved_back_before_one_run_tells_nobody(town, smtp, recorder):
    """15:00 → 16:00 → 15:00 before the noon run: as she claimed it, nothing is told."""
    task = town.task(local(1, 15), people=(town.ann, town.bob), title="下午清扫")
    move(task, town.liaison, hour=16)
    move(task, town.liaison, hour=15)
    run(NOON)
    assert rows(kind="changed") == []
    assert moved(smtp) == [] and moved_sms(recorder) == []


def test_a_place_moved_twice_before_one_run_is_told_once_naming_the_newest(
        town, smtp, recorder):
    """社区活动中心 → 东门 → 西门 before the noon run: one in-app row each, one e-mail
    and one SMS, 「地点有变」 with 西门 and not 东门."""
    task = town.task(local(1, 10), people=(town.ann, town.bob), title="上午清扫")
    move(task, town.liaison, place="解放路社区东门")
    move(task, town.liaison, place="解放路社区西门")
    run(NOON)
    for member in (town.ann, town.bob):
        [inapp] = rows(kind="changed", member_id=member.id, channel=Channel.inapp)
        assert inapp.status == OutboxStatus.sent
        assert "任务地点有变" in inapp.body and "解放路社区西门" in inapp.body, inapp.body
        assert "东门" not in inapp.body, inapp.body
    [mail] = moved(smtp)
    assert "任务地点有变" in mail.body and "解放路社区西门" in mail.body, mail.body
    assert "东门" not in mail.body, mail.body
    [sms] = moved_sms(recorder)
    assert "地点有变" in sms and "解放路社区西门" in sms and "东门" not in sms, sms


def test_a_place_moved_back_and_a_time_moved_before_one_run_say_only_the_time(
        town, smtp):
    """东门 and back, and 10:00 → 15:00, before the noon run: the place is as she knows
    it, so every copy says 「时间有变」, not 「时间和地点有变」."""
    task = town.task(local(1, 10), people=(town.ann,), title="上午清扫")
    claimed_at = task.place
    move(task, town.liaison, place="解放路社区东门")
    move(task, town.liaison, hour=15, place=claimed_at)
    run(NOON)
    [inapp] = rows(kind="changed", member_id=town.ann.id, channel=Channel.inapp)
    assert "任务时间有变" in inapp.body and "15:00" in inapp.body, inapp.body
    [mail] = moved(smtp)
    assert "任务时间有变" in mail.body and "地点有变" not in mail.body, mail.body
