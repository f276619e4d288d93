"""withdraw47's Open: 明天/今天的任务 and 任务时间地点有变 ended 「如不能参加，请在开始前退出
该任务」 (or 取消认领) to a member already checked in — from an hour before the start —,
who can no longer leave (``claims.withdraw``, tests/web/test_withdraw_refusals_worded.py).
She is told what is true for her: she has checked in, and if she cannot take part after
all she tells the 组长 or the liaison (who records her 缺席; docs/design.md, 通过 counts a
check-in). The words are those of the moment the message leaves (a row waiting for quiet
hours to end, then sent after she checked in, is worded then), e-mailed through the real
SMTP server.

Her check-in is written as the check-in service leaves it (status 已签到 and its time):
the service checks in by the machine's clock, and these messages are sent at set
hours of a set day."""
from __future__ import annotations

import pytest

from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tests.reminders.test_task_changes import details
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Channel
from tracker.reminders.job import run
from tracker.services.claims import assign_member
from tracker.services.tasks import update_task
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today

TRUE_NOW = "您已签到；如不能参加，请联系组长或联络员。"


def _ann_on(town, starts, title, *, assigned: bool):
    """周建国 (e-mail on) on the task: assigned by the liaison, or claimed herself."""
    task = town.task(starts, people=() if assigned else (town.ann,), title=title)
    if assigned:
        assign_member(task, town.ann, town.liaison)
    db.session.commit()
    return task


def _checks_in(town, task, at) -> None:
    held = db.session.scalar(db.select(Assignment).where(
        Assignment.task_id == task.id, Assignment.member_id == town.ann.id))
    held.status, held.checked_in_at = AssignmentStatus.checked_in, at
    db.session.commit()


@pytest.mark.parametrize("assigned", [True, False])
def test_the_eves_message_left_after_she_checked_in_says_so(town, smtp, assigned):
    task = _ann_on(town, local(1, 9, 30), "上午入户", assigned=assigned)
    run(local(0, 22, 35))  # quiet hours: the e-mail waits until 08:00, the task's day
    assert smtp.mails == []
    _checks_in(town, task, local(1, 8, 35))
    run(local(1, 8, 40))
    [mail] = smtp.mails
    assert mail.subject == "今天的任务：上午入户"
    whose = "指派给您的任务" if assigned else "您认领的任务"
    assert f"{whose}今天 09:30 开始：上午入户" in mail.body
    assert TRUE_NOW in mail.body
    assert "退出该任务" not in mail.body and "取消认领" not in mail.body


@pytest.mark.parametrize("assigned", [True, False])
def test_a_move_after_she_checked_in_says_she_has(town, smtp, assigned):
    task = _ann_on(town, local(1, 10), "门前清扫", assigned=assigned)
    _checks_in(town, task, local(1, 9, 5))
    update_task(task, town.liaison, details(task, place="社区东门"))
    db.session.commit()
    run(local(1, 9, 10))
    [mail] = smtp.mails
    whose = "指派给您的任务" if assigned else "您认领的任务"
    assert f"{whose}地点有变，现为：门前清扫" in mail.body
    assert TRUE_NOW in mail.body
    assert "退出该任务" not in mail.body and "取消认领" not in mail.body
    [inapp] = rows(channel=Channel.inapp, member_id=town.ann.id, task_id=task.id)
    assert inapp.body.endswith(TRUE_NOW)


def test_a_move_told_before_she_checked_in_and_sent_after_is_worded_when_it_leaves(
        town, smtp):
    # starting well after the quiet hours, a move's e-mail waits for them to end
    # (``job.setout_deadline``)
    task = _ann_on(town, local(1, 14), "下午入户", assigned=True)
    update_task(task, town.liaison, details(task, place="社区东门"))
    db.session.commit()
    run(local(0, 22, 35))  # quiet hours: the e-mails wait; in-app is told now
    [inapp] = rows(channel=Channel.inapp, member_id=town.ann.id, task_id=task.id,
                   kind="changed")
    assert inapp.body.endswith("如不能参加，请在开始前退出该任务。")  # true then
    assert smtp.mails == []
    _checks_in(town, task, local(1, 13, 5))
    run(local(1, 13, 10))
    # the eve's 明天的任务 leaves with it, worded for today (the test above)
    mails = {mail.subject: mail.body for mail in smtp.mails}
    body = mails["任务时间地点有变：下午入户"]
    assert "指派给您的任务地点有变，现为：下午入户" in body
    assert TRUE_NOW in body and "退出该任务" not in body


def test_not_checked_in_she_is_still_told_the_way_out(town, smtp):
    task = _ann_on(town, local(1, 10), "门前清扫", assigned=True)
    update_task(task, town.liaison, details(task, place="社区东门"))
    db.session.commit()
    run(local(1, 9, 10))
    [mail] = smtp.mails
    assert "如不能参加，请在开始前退出该任务。" in mail.body and "您已签到" not in mail.body
