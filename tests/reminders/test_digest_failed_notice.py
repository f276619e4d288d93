"""The 工作台 says when a work group hears nothing (messages #4): the reminder job gave
up on the latest digest to a community's robot. The notice names the community and the
robot's channel and links to the robot's page (where 发送测试消息 is); it goes once a
later digest is sent, or a test message the robot took. Against the suite's real HTTP recorder standing in for the robot."""
from __future__ import annotations

from datetime import timedelta

import pytest
from tests import factories as f
from tests.reminders.conftest import local
from tracker.extensions import db
from tracker.models import Channel, Outbox, OutboxStatus, ReportStatus, Role, TaskReport
from tracker.reminders.job import run
from tracker.services.notify import WebhookData, save_webhook
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)
# A 发送测试消息 is noted at the real now, so a digest it is to follow must have failed
# before it: this morning is still to come between 00:00 and 10:00 Asia/Shanghai.
YESTERDAY_MORNING = local(-1, 10)
NOTICE = "解放路社区的工作群（企业微信群机器人）可能收不到提醒：最近一次发送失败，已不再自动重试。"


def _digest_owed(town):
    """A report waiting 10 days: the community's liaison digest has something to say."""
    task = town.task(local(-12, 9), title="楼道清理")
    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=1, note="完成",
                              status=ReportStatus.submitted, submitted_by_id=town.lee.id,
                              submitted_at=MORNING - timedelta(days=10)))
    db.session.commit()


def _robot(town, recorder):
    save_webhook(town.liaison, town.community, WebhookData("wecom", recorder.url("/wecom")))
    db.session.commit()


def _robot_failing(app, town, recorder, *, attempts: int, failure: str):
    """The digest owed, the community's robot answering with ``failure``, a message
    tried at most ``attempts`` times, and the morning's run."""
    app.config["REMINDER_MAX_ATTEMPTS"] = attempts
    recorder.fail["/wecom"] = failure
    _digest_owed(town)
    _robot(town, recorder)
    run(MORNING)


def _home(client):
    response = client.get("/manage/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _robot_rows():
    return db.session.query(Outbox).filter(Outbox.channel == Channel.wecom).all()


def test_a_digest_given_up_is_on_the_liaisons_dashboard_until_one_goes_through(
        app, client, login, town, recorder):
    _robot_failing(app, town, recorder, attempts=1, failure="robot")  # the first is the last
    [row] = _robot_rows()
    assert row.status == OutboxStatus.failed

    login(town.liaison)
    page = _home(client)
    assert NOTICE in page
    assert f'href="/outbox/webhooks/{town.community.id}">检查机器人并发送测试消息</a>' in page
    # an admin's 工作台 covers every community; another community's liaison sees nothing
    admin = f.member(town.unit, Role.admin, "管理员")
    other = f.member(town.unit, Role.liaison, "联络员二", communities=[town.other])
    db.session.commit()
    login(admin)
    assert NOTICE in _home(client)
    login(other)
    assert "收不到提醒" not in _home(client)

    recorder.fail.clear()
    run(local(1, 10))  # the next day's digest reaches the group
    assert {r.status for r in _robot_rows()} == {OutboxStatus.failed, OutboxStatus.sent}
    login(town.liaison)
    assert "收不到提醒" not in _home(client)


def test_a_digest_still_being_retried_is_no_notice(app, client, login, town, recorder):
    """A failure with tries left is not yet given up: the robot page says 稍后自动重试."""
    _robot_failing(app, town, recorder, attempts=3, failure="robot")
    [row] = _robot_rows()
    assert row.status == OutboxStatus.pending and row.failed_at is not None
    login(town.liaison)
    assert "收不到提醒" not in _home(client)


def test_a_robot_stopped_after_giving_up_is_no_notice(app, client, login, town, recorder):
    """停用: the community chose to have no robot; there is nothing to fix."""
    _robot_failing(app, town, recorder, attempts=1, failure="http")
    login(town.liaison)
    assert "收不到提醒" in _home(client)
    client.post(f"/outbox/webhooks/{town.community.id}/stop", data={"confirmed": "1"})
    assert "收不到提醒" not in _home(client)


def test_the_notice_costs_no_statement_on_an_ordinary_day(
        app, client, login, town, recorder, count_queries):
    """Whether any group hears nothing is one more column of the counts statement; the
    groups themselves are read (one statement) only when there are some."""
    app.config["REMINDER_MAX_ATTEMPTS"] = 1
    _digest_owed(town)
    _robot(town, recorder)
    login(town.liaison)
    run(MORNING)  # sent
    db.session.expire_all()
    with count_queries() as fine:
        _home(client)
    recorder.fail["/wecom"] = "robot"
    run(local(1, 10))  # given up
    db.session.expire_all()
    with count_queries() as failed:
        assert NOTICE in _home(client)
    assert failed.count == fine.count + 1, failed.statements[-3:]


def test_a_test_message_the_robot_took_ends_the_notice_until_a_later_digest_fails(
        app, client, login, town, recorder):
    """发送测试消息 goes through the digests' own code to the robot as saved: once the
    robot takes one, the group hears it again. A test that fails changes nothing; a
    digest given up after the good test is a notice again."""
    app.config["REMINDER_MAX_ATTEMPTS"] = 1
    recorder.fail["/wecom"] = "robot"
    _digest_owed(town)
    _robot(town, recorder)
    run(YESTERDAY_MORNING)
    login(town.liaison)
    test_url = f"/outbox/webhooks/{town.community.id}/test"

    client.post(test_url)  # the robot still answers its error code
    assert NOTICE in _home(client)

    recorder.fail.clear()  # fixed (say, the keyword added in the group's robot settings)
    client.post(test_url)
    assert "测试消息" in recorder.to("/wecom")[-1].json["markdown"]["content"]
    assert "收不到提醒" not in _home(client)
    [row] = _robot_rows()
    assert row.status == OutboxStatus.failed  # the failed digest itself is left as it was

    recorder.fail["/wecom"] = "robot"
    run(local(1, 10))  # the next day's digest is given up, after the good test
    assert NOTICE in _home(client)


def test_a_robot_saved_again_after_a_good_test_is_untested(app, client, login, town, recorder):
    app.config["REMINDER_MAX_ATTEMPTS"] = 1
    recorder.fail["/wecom"] = "robot"
    _digest_owed(town)
    _robot(town, recorder)
    run(YESTERDAY_MORNING)
    recorder.fail.clear()
    login(town.liaison)
    client.post(f"/outbox/webhooks/{town.community.id}/test")
    assert "收不到提醒" not in _home(client)
    save_webhook(town.liaison, town.community, WebhookData("wecom", recorder.url("/wecom2")))
    db.session.commit()
    assert NOTICE in _home(client)  # the new address has not been heard from yet


def test_the_robot_page_names_the_last_try_s_error_not_a_later_set_aside(
        app, client, login, town, recorder):
    """walk7 D1, the robot's 最近一次发送: a digest that failed and was then set aside
    before its retry (the report it told of was approved meanwhile: no longer due) shows
    the robot's own error, not the set-aside's reason."""
    _robot_failing(app, town, recorder, attempts=3, failure="robot")
    [row] = _robot_rows()
    error = row.last_error
    db.session.query(TaskReport).update({"status": ReportStatus.approved})
    db.session.commit()
    recorder.fail.clear()
    run(MORNING + timedelta(hours=1))
    [row] = _robot_rows()
    assert (row.status, row.reason) == (OutboxStatus.obsolete, "not_due")
    login(town.liaison)
    page = client.get(f"/outbox/webhooks/{town.community.id}").get_data(as_text=True)
    assert f"发送失败，已不再自动重试：{error}" in page
    assert "发送时已不需要提醒" not in page
