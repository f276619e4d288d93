"""A waiting 明天的任务 leaving in the morning is checked (``kinds.still_tomorrow``: she is
still on the task, on the day it announces, not started) and worded for today
(``kinds.reword_tomorrow``: its time and place as they are now, whether she has checked
in) from one read of the task — not once for each (afresh51's Open, post53; as
``reword_changed`` takes ``still_changed``'s). Counted around the job's real check of the
claimed row (``job._still_due``), against the real SMTP server, the clock injected."""
from __future__ import annotations

import pytest

from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tracker.models import Channel, OutboxStatus
from tracker.reminders import job
from tracker.reminders.job import run
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today

# The check of one waiting 明天的任务 as it leaves, each once:
CHECK = {
    "her opt-outs": 1,  # the claimed rows' members (``_still_due``)
    "the task, she on it, on its day, not started": 1,  # ``still_tomorrow``
    "the row worded for today, written": 1,  # ``_reword``'s UPDATE
}


def test_a_waiting_tomorrow_leaves_reading_its_task_once(town, smtp, count_queries,
                                                         monkeypatch):
    """A task at 09:30 tomorrow, seen at 22:35: ann's e-mail waits for the morning and
    leaves at 08:00, worded for today."""
    task = town.task(local(1, 9, 30), people=(town.ann,), title="上午值守")
    run(local(0, 22, 35))
    assert smtp.mails == []

    real, counted = job._still_due, []

    def still_due(claimed, *args, **kwargs):
        with count_queries() as q:
            kept = real(claimed, *args, **kwargs)
        counted.append(([row.kind for row in claimed], len(q.statements)))
        return kept

    monkeypatch.setattr(job, "_still_due", still_due)
    run(local(1, 8, 0))
    [mail] = smtp.mails
    assert mail.subject == "今天的任务：上午值守"
    assert "今天 09:30 开始" in mail.body and "明天" not in mail.body
    [row] = rows(channel=Channel.email, task_id=task.id)
    assert (row.status, row.subject) == (OutboxStatus.sent, "今天的任务：上午值守")
    assert counted == [(["tomorrow"], sum(CHECK.values()))]
