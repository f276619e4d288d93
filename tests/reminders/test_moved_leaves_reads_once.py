"""A waiting 任务时间地点有变 leaving in the morning is checked (``kinds.still_changed``:
still true) and worded (``kinds.reword_changed``: what differs from what the channel last
told her) from one read of what that channel last told her — ``moves.changed_on_channel``
asked once, not once for each (the read-through of session 50, #3; afresh51). Counted as
the house counts statements, around the job's real check of the claimed row
(``job._still_due``), against the real SMTP server, the clock injected."""
from __future__ import annotations

import pytest

from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tests.reminders.test_moved_twice_at_night import move, moved
from tracker.models import Channel, OutboxStatus
from tracker.reminders import job
from tracker.reminders.job import run
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today

# The check of one waiting 任务时间地点有变 as it leaves, each once:
CHECK = {
    "her opt-outs": 1,  # the claimed rows' members (``_still_due``)
    "she holds a place taken before the move, the task on": 1,  # ``still_changed``
    "no later move written for her on this channel": 1,  # ``moves.newer_written``
    "when the kind's news began": 1,  # ``_news_since``
    "her place, as what this channel last told her is read": 1,  # ``changed_on_channel``
    "the moves sent to her on this channel": 1,  # ``moves._last_told``
    "the task's edits since": 1,  # ``changed_on_channel``
    "whether she has checked in": 1,  # ``reword_changed``
}


def test_a_waiting_move_leaves_reading_what_its_channel_told_her_once(
        town, smtp, count_queries, monkeypatch):
    """10:00 the day after tomorrow → 15:00, seen at 23:00: ann's e-mail waits for the
    morning (she would not set out before it) and leaves then, stating 15:00."""
    task = town.task(local(2, 10), people=(town.ann,), title="上午清扫")
    move(task, town.liaison, hour=15)
    assert run(local(0, 23, 0)).quiet and moved(smtp) == []

    real, counted = job._still_due, []

    def still_due(claimed, *args, **kwargs):
        with count_queries() as q:
            kept = real(claimed, *args, **kwargs)
        counted.append(([row.kind for row in claimed], len(q.statements)))
        return kept

    monkeypatch.setattr(job, "_still_due", still_due)
    run(local(1, 8, 0))
    [mail] = moved(smtp)
    assert "15:00" in mail.body and "任务时间有变" in mail.body, mail.body
    [row] = rows(kind="changed", member_id=town.ann.id, channel=Channel.email)
    assert row.status == OutboxStatus.sent
    assert counted == [(["changed"], sum(CHECK.values()))]
