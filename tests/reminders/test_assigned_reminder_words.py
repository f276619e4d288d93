"""walk47 #4: a member the liaison assigned (指派) is told so, not that it was her claim.

Her 明天的任务 (in-app and by e-mail through the real SMTP server) said 「您认领的任务明天
开始…请在开始前取消认领」 though she never claimed it. She may still leave it before the
start (``claims.withdraw`` takes a claim or an assignment); her pages name that button
退出任务 (tests/web/test_assigned_withdraw_words.py), and the message says the same."""
from __future__ import annotations

import html

import pytest
from flask import g

from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tracker.extensions import db
from tracker.models import Channel
from tracker.reminders.job import run
from tracker.services.claims import assign_member
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today


def _assigned(town, starts, title):
    task = town.task(starts, people=(town.bob,), title=title)  # bob claimed it himself
    assign_member(task, town.ann, town.liaison)  # ann (e-mail on) was assigned
    db.session.commit()
    return task


def test_the_evening_before_an_assigned_member_reads_it_was_assigned(town, smtp):
    task = _assigned(town, local(1, 9), "结对帮扶入户")
    run(local(0, 18, 5))

    [mail] = smtp.mails
    assert mail.to == ["ann@example.org"] and mail.subject == "明天的任务：结对帮扶入户"
    assert "指派给您的任务明天开始：结对帮扶入户" in mail.body
    assert "如不能参加，请在开始前退出该任务。" in mail.body
    assert "认领" not in mail.body
    [inapp] = rows(channel=Channel.inapp, member_id=town.ann.id, task_id=task.id)
    assert inapp.body.startswith("指派给您的任务明天开始：") and "认领" not in inapp.body
    # the member who claimed it is still told of her claim, in the same words as before
    [claimed] = rows(channel=Channel.inapp, member_id=town.bob.id, task_id=task.id)
    assert claimed.body.startswith("您认领的任务明天开始：")
    assert claimed.body.endswith("如不能参加，请在开始前取消认领。")


def test_read_in_english_it_says_assigned_too(client, login, town, smtp):
    _assigned(town, local(1, 9), "结对帮扶入户")
    run(local(0, 18, 5))
    login(town.ann)
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    page = html.unescape(client.get("/me/messages?lang=en").get_data(as_text=True))
    assert "A task you were assigned to starts tomorrow: 结对帮扶入户" in page
    assert "please leave the task before it starts" in page and "claimed" not in page


def test_sent_on_the_day_it_is_worded_for_today_and_still_as_an_assignment(town, smtp):
    _assigned(town, local(1, 9, 30), "上午入户")
    run(local(0, 22, 35))  # quiet hours: the e-mail waits until 08:00, the task's day
    assert smtp.mails == []
    run(local(1, 8, 0))
    [mail] = smtp.mails
    assert mail.subject == "今天的任务：上午入户"
    assert "指派给您的任务今天 09:30 开始：上午入户" in mail.body
    assert "请在开始前退出该任务" in mail.body and "认领" not in mail.body


def test_a_cancel_or_a_move_tells_her_of_the_assignment_too(town, smtp):
    """任务已取消 and 任务时间地点有变 said 「您认领的任务…」 as well (the same finding)."""
    from tests.reminders.test_task_changes import details
    from tracker.services.tasks import cancel_task, update_task

    moved = _assigned(town, local(2, 9), "后天入户")
    called_off = _assigned(town, local(2, 14), "后天慰问")
    update_task(moved, town.liaison, details(moved, place="社区东门"))
    cancel_task(called_off, town.liaison, "场地临时不能使用。")
    db.session.commit()
    run(local(0, 10))

    mails = {mail.subject: mail.body for mail in smtp.mails}
    assert "指派给您的任务地点有变，现为：后天入户" in mails["任务时间地点有变：后天入户"]
    assert "如不能参加，请在开始前退出该任务。" in mails["任务时间地点有变：后天入户"]
    assert "指派给您的任务已取消，不用再前往：后天慰问" in mails["任务已取消：后天慰问"]
    assert not any("认领" in body for body in mails.values()), mails
    # bob claimed both himself: his messages still speak of his claim
    bob = {row.kind: row.body for row in rows(channel=Channel.inapp, member_id=town.bob.id)}
    assert bob["changed"].startswith("您认领的任务地点有变")
    assert bob["cancelled"].startswith("您认领的任务已取消")
