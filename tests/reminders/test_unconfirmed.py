"""A message handed over in full with no answer is not sent again by the job (messages
#3): a gateway, robot or mail server that took it and answered late had usually
delivered it, and five retries were five copies in a member's phone. Told apart from
a server never reached (no connection within the timeout), which is retried. Real
loopback servers: the recorder and aiosmtpd that take the message and stay silent, and
a port that never accepts a connection."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tests.reminders.servers import Unaccepting
from tracker.extensions import db
from tracker.models import Channel, OutboxStatus, ReportStatus, Role, TaskReport
from tracker.reminders.job import run
from tracker.services.notify import WebhookData, save_webhook
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)  # outside quiet hours
SUBMITTED_WORDS = "已提交，未收到确认，未自动重发"


def hours_to_confirm(town, member):
    """Ended two days ago: ``member`` is owed 请确认服务时长, one row per channel."""
    town.task(local(-2, 9), people=(member,), title="楼道清理")


def stale_report(town):
    """A report waiting 8 days (STALE_REVIEW_DAYS is 7): the work group's digest."""
    task = town.task(local(-9, 9), title="楼道清理")
    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=1, note="完成",
                              status=ReportStatus.submitted, submitted_by_id=town.lee.id,
                              submitted_at=MORNING - timedelta(days=8)))
    db.session.commit()


def robot_at(town, url):
    save_webhook(town.liaison, town.community, WebhookData("wecom", url))
    db.session.commit()


def retry_as_admin(client, login, town, row_id) -> str:
    """The admin reads 提醒发送状态 and presses 重试; returns the page as it was read."""
    admin = f.member(town.unit, Role.admin, "管理员")
    db.session.commit()
    login(admin)
    page = client.get("/outbox/").get_data(as_text=True)
    assert client.post(f"/outbox/messages/{row_id}/retry").status_code == 302
    return page


def test_an_sms_the_gateway_took_without_answering_is_failed_and_never_sent_again_by_the_job(
        app, client, login, town, recorder):
    app.config["REMINDER_HTTP_TIMEOUT"] = 1
    recorder.fail["/sms"] = "hang"  # reads the whole request, never answers
    hours_to_confirm(town, town.bob)
    report = run(MORNING)
    assert recorder.hung == ["/sms"]
    [sms] = rows(channel=Channel.sms)
    assert (sms.status, sms.reason, sms.attempts) == (OutboxStatus.failed, "unconfirmed", 1)
    assert report.failed == 1

    # The gateway answers again; the job's later runs, past every retry wait of the old
    # rule (300 s, 600 s, 1,200 s, 2,400 s), leave the row alone.
    recorder.fail.clear()
    for hours in (1, 3, 24):
        run(MORNING + timedelta(hours=hours))
    assert recorder.to("/sms") == [] and recorder.hung == ["/sms"]
    assert rows(channel=Channel.sms)[0].status == OutboxStatus.failed

    page = retry_as_admin(client, login, town, sms.id)
    assert SUBMITTED_WORDS in page and "陈丽华" in page and "重试" in page
    run(MORNING + timedelta(hours=25))
    [post] = recorder.to("/sms")
    assert post.query["to"] == [town.bob.phone]
    assert rows(channel=Channel.sms)[0].status == OutboxStatus.sent


def test_a_robot_that_took_the_digest_without_answering_is_failed_not_retried(
        app, client, login, town, recorder):
    app.config["REMINDER_HTTP_TIMEOUT"] = 1
    recorder.fail["/wecom"] = "hang"
    stale_report(town)
    robot_at(town, recorder.url("/wecom"))
    run(MORNING)
    [group] = rows(channel=Channel.wecom)
    assert (group.status, group.reason, group.attempts) == (OutboxStatus.failed,
                                                           "unconfirmed", 1)
    recorder.fail.clear()
    run(MORNING + timedelta(hours=2))
    assert recorder.to("/wecom") == [] and recorder.hung == ["/wecom"]

    retry_as_admin(client, login, town, group.id)
    run(MORNING + timedelta(hours=3))
    assert len(recorder.to("/wecom")) == 1
    assert rows(channel=Channel.wecom)[0].status == OutboxStatus.sent


def test_a_mail_server_silent_after_the_final_dot_gets_the_mail_once(
        app, client, login, town, smtp):
    app.config["REMINDER_HTTP_TIMEOUT"] = 1
    smtp.hold = True  # records the mail, then never answers its DATA
    try:
        hours_to_confirm(town, town.ann)
        run(MORNING)
    finally:
        smtp.hold = False
        while not smtp.held.empty():
            smtp.held.get()[1].set()
    assert [mail.to for mail in smtp.mails] == [["ann@example.org"]]
    [mail] = rows(channel=Channel.email)
    assert (mail.status, mail.reason, mail.attempts) == (OutboxStatus.failed, "unconfirmed", 1)
    assert "SMTP" in mail.last_error
    run(MORNING + timedelta(hours=3))
    assert len(smtp.mails) == 1  # not sent again by the job

    retry_as_admin(client, login, town, mail.id)  # the admin decided: once more
    run(MORNING + timedelta(hours=4))
    assert len(smtp.mails) == 2
    assert rows(channel=Channel.email)[0].status == OutboxStatus.sent


def test_a_mail_the_server_took_with_250_is_sent_though_quit_is_never_answered(
        app, town, smtp):
    app.config["REMINDER_HTTP_TIMEOUT"] = 1
    smtp.silent_quit = True
    hours_to_confirm(town, town.ann)
    report = run(MORNING)
    assert len(smtp.mails) == 1
    [mail] = rows(channel=Channel.email)
    assert (mail.status, mail.reason, mail.attempts) == (OutboxStatus.sent, None, 1)
    assert report.sent == 1 and report.failed == 0


# While every delivery goes to a port that never accepts, no server's answer is awaited:
# the client waits out its timeout whatever its length, and a row that never connected is
# timed_out at any length — so those runs take a short one (1 s each was most of these
# tests' time, session 51). A run where a real server answers gets its timeout back.
NO_CONNECTION_TIMEOUT = 0.2


@pytest.fixture
def unaccepting():
    server = Unaccepting().start()
    yield server
    server.stop()


@pytest.mark.parametrize("channel", [Channel.sms, Channel.email, Channel.wecom])
def test_a_server_that_never_accepts_the_connection_is_retried(
        app, town, smtp, recorder, unaccepting, channel):
    """No connection within the timeout: nothing was handed over, so the row is retried
    (pending, one try counted) and goes out once the server is back."""
    answered = app.config["REMINDER_HTTP_TIMEOUT"]
    app.config["REMINDER_HTTP_TIMEOUT"] = NO_CONNECTION_TIMEOUT
    if channel == Channel.sms:
        app.config["SMS_GATEWAY_URL"] = unaccepting.url("/sms?to={phone}")
        hours_to_confirm(town, town.bob)
    elif channel == Channel.email:
        app.config["SMTP_PORT"] = unaccepting.port
        hours_to_confirm(town, town.ann)
    else:
        stale_report(town)
        robot_at(town, unaccepting.url("/wecom"))
    run(MORNING)
    [row] = rows(channel=channel)
    assert (row.status, row.reason, row.attempts) == (OutboxStatus.pending, "timed_out", 1)

    app.config["REMINDER_HTTP_TIMEOUT"] = answered  # the real servers answer from here
    if channel == Channel.sms:
        app.config["SMS_GATEWAY_URL"] = recorder.url("/sms?to={phone}")
    elif channel == Channel.email:
        app.config["SMTP_PORT"] = smtp.port
    else:
        robot_at(town, recorder.url("/wecom"))
    run(MORNING + timedelta(hours=1))  # past the retry's wait (300 s)
    assert rows(channel=channel)[0].status == OutboxStatus.sent
    delivered = {Channel.sms: lambda: recorder.to("/sms"), Channel.email: lambda: smtp.mails,
                 Channel.wecom: lambda: recorder.to("/wecom")}[channel]()
    assert len(delivered) == 1


RETRIED_WORDS = "将自动重试"
GIVEN_UP_WORDS = "自动重试的次数已用完"


@pytest.mark.parametrize("channel", [Channel.sms, Channel.wecom])
def test_a_timeout_at_its_last_try_is_not_said_to_be_retried(
        app, client, login, town, unaccepting, channel):
    """REMINDER_MAX_ATTEMPTS=2: the first timeout leaves the row pending (the job tries
    again, and the pages say so); the second is its last try, the row is failed and
    nothing sends it again but an admin's 重试 — no page may still say 「将自动重试」."""
    app.config.update(REMINDER_HTTP_TIMEOUT=NO_CONNECTION_TIMEOUT, REMINDER_MAX_ATTEMPTS=2)
    if channel == Channel.sms:
        app.config["SMS_GATEWAY_URL"] = unaccepting.url("/sms?to={phone}")
        hours_to_confirm(town, town.bob)
    else:
        stale_report(town)
        robot_at(town, unaccepting.url("/wecom"))
    admin = f.member(town.unit, Role.admin, "管理员")
    db.session.commit()
    login(admin)
    pages = ["/outbox/", f"/outbox/webhooks/{town.community.id}"]

    run(MORNING)
    [row] = rows(channel=channel)
    assert (row.status, row.reason, row.attempts) == (OutboxStatus.pending, "timed_out", 1)
    assert RETRIED_WORDS in client.get("/outbox/").get_data(as_text=True)

    if channel == Channel.wecom:
        # this run also sends the digest's SMS (the robot has failed once) to the real
        # recorder, whose answer is awaited: the timeout such an answer has elsewhere here
        app.config["REMINDER_HTTP_TIMEOUT"] = 1
    run(MORNING + timedelta(hours=1))  # past the retry's wait (300 s)
    [row] = rows(channel=channel)
    assert (row.status, row.reason, row.attempts) == (OutboxStatus.failed, "timed_out", 2)
    for path in pages if channel == Channel.wecom else pages[:1]:
        page = client.get(path).get_data(as_text=True)
        assert RETRIED_WORDS not in page and GIVEN_UP_WORDS in page, path


def test_a_robot_test_that_timed_out_is_not_said_to_be_retried(
        app, client, login, town, unaccepting):
    """发送测试消息 is sent once, now: a timeout's answer promises no retry."""
    app.config["REMINDER_HTTP_TIMEOUT"] = NO_CONNECTION_TIMEOUT
    robot_at(town, unaccepting.url("/wecom"))
    login(town.liaison)
    page = client.post(f"/outbox/webhooks/{town.community.id}/test",
                       follow_redirects=True).get_data(as_text=True)
    assert "测试消息发送失败：超时" in page
    assert RETRIED_WORDS not in page and GIVEN_UP_WORDS not in page
