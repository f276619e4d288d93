"""What the job checks when a row can finally leave, against the real SMTP server and
HTTP recorder: a reminder that waited (quiet hours, a retry) is sent only if it is
still true; a robot gets each digest, never a bundle; a run that takes long keeps the
rows it sends; a channel that hangs holds up no other; 提醒状态 tells failures from
the recipients' choices."""
from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest

from sqlalchemy import select

from tests import factories as f
from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tests.reminders.servers import Trickler, free_port
from tracker.extensions import db
from tracker.models import (
    Assignment,
    Channel,
    MemberNotify,
    OutboxStatus,
    ReportStatus,
    Role,
    TaskReport,
)
from tests.plans import channel_status
from tracker.reminders import reasons
from tracker.reminders.job import run
from tracker.reminders.reasons import failure_words
from tracker.services.claims import confirm_participation, withdraw
from tracker.services.directory import set_active
from tracker.services.notify import NotifySettings, WebhookData, save_settings, save_webhook
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)
OFFERED = {"tomorrow", "confirm_hours", "submit_report", "returned"}


def assignment(task, member) -> Assignment:
    return db.session.scalar(select(Assignment).where(Assignment.task_id == task.id,
                                                      Assignment.member_id == member.id))


def with_email_and_sms(town, name: str, address: str):
    member = f.member(town.unit, name=name)
    db.session.add(MemberNotify(member_id=member.id, email=address, email_on=True, sms_on=True,
                                sms_with_email=True))
    db.session.commit()
    return member


# --- a push that waited is sent only if it is still true -----------------------------------

def test_a_tomorrow_reminder_held_by_quiet_hours_is_not_sent_after_the_member_withdrew(
        town, smtp, recorder):
    task = town.task(local(1, 9, 30), people=(town.bob,), title="明早值守")
    run(local(0, 22, 35))  # quiet hours: the SMS waits; the in-app copy is delivered
    [waiting] = rows(channel=Channel.sms)
    assert waiting.status == OutboxStatus.pending
    withdraw(assignment(task, town.bob), town.bob)
    db.session.commit()
    report = run(local(1, 6, 0) + timedelta(hours=2))  # 08:00, the morning of the task
    assert recorder.to("/sms") == []  # he is not on the task any more
    [dropped] = rows(channel=Channel.sms)
    assert (dropped.status, dropped.reason, dropped.attempts) == (OutboxStatus.obsolete,
                                                                  "not_due", 0)
    assert report.dropped == 1 and report.failed == 0


def test_tomorrow_that_waited_past_midnight_is_sent_for_today_if_the_task_is_still_to_come(
        town, smtp):
    """明天的任务 written in quiet hours cannot leave before 08:00, when 明天 is today. A
    task later that day is still worth the reminder, worded for today; one that has
    started by then is not (the in-app copy went out the evening before)."""
    later = town.task(local(1, 9, 30), people=(town.ann,), title="上午值守")
    early = town.task(local(1, 7, 30), people=(town.ann,), title="清晨值守")
    run(local(0, 22, 35))  # quiet hours: both e-mails wait
    assert smtp.mails == []

    run(local(1, 8, 0))
    [mail] = smtp.mails
    assert mail.subject == "今天的任务：上午值守"
    assert "今天 09:30 开始" in mail.body and "明天" not in mail.body
    sent = rows(channel=Channel.email, task_id=later.id)[0]
    assert (sent.status, sent.subject) == (OutboxStatus.sent, "今天的任务：上午值守")  # as sent
    dropped = rows(channel=Channel.email, task_id=early.id)[0]
    assert (dropped.status, dropped.reason) == (OutboxStatus.obsolete, "not_due")
    # the in-app copies say 明天, as they did when they were delivered the evening before
    assert {r.subject for r in rows(channel=Channel.inapp)} == {"明天的任务：上午值守",
                                                                "明天的任务：清晨值守"}

    # sent at once the evening before, it says 明天
    town.task(local(2, 9, 30), people=(town.ann,), title="后天值守")
    run(local(1, 19, 0))
    assert smtp.mails[-1].subject == "明天的任务：后天值守"


def test_over_the_daily_cap_tomorrows_tasks_still_leave_and_news_that_can_wait_is_deferred(
        app, town, smtp):
    """walk7 D8: news used up the day's cap, and the eve's 明天的任务 waited for 08:00,
    where an 07:30 (or 08:00) task's was dropped as started: never e-mailed. A reminder
    useless once its task starts is never held by the cap (it counts); what can wait
    (请确认服务时长 here, 补录申请结果 in the walk) is what goes the next morning."""
    app.config["REMINDER_DAILY_CAP"] = 1
    town.task(local(-2, 9), people=(town.ann,), title="楼道清理")  # hours to confirm
    run(local(0, 12))  # today's one message
    assert len(smtp.mails) == 1
    town.task(local(-1, 16), people=(town.ann,), title="傍晚清理")  # to confirm from 18:00
    later = town.task(local(1, 10), people=(town.ann,), title="上午巡查")
    early = town.task(local(1, 7, 30), people=(town.ann,), title="清晨巡查")
    at_eight = town.task(local(1, 8), people=(town.ann,), title="早班值守")
    report = run(local(0, 19, 0))

    assert report.deferred == 1  # 请确认服务时长：傍晚清理, not the tasks of tomorrow
    [bundle] = smtp.mails[1:]
    for title in ("上午巡查", "清晨巡查", "早班值守"):
        assert f"明天的任务：{title}" in bundle.body
    assert "傍晚清理" not in bundle.body
    for task in (later, early, at_eight):
        assert rows(channel=Channel.email, task_id=task.id)[0].status == OutboxStatus.sent

    run(local(1, 8, 5))
    assert [m.subject for m in smtp.mails[2:]] == ["请确认服务时长：傍晚清理"]


def test_a_tomorrow_reminder_held_by_quiet_hours_is_sent_for_today_or_dropped_once_started(
        town, smtp):
    """Written in the quiet hours, a 明天的任务 waits for their end (08:00): the task at
    10:00 is then told as today's, the one at 07:30 had started and is not told."""
    later = town.task(local(1, 10), people=(town.ann,), title="上午巡查")
    early = town.task(local(1, 7, 30), people=(town.ann,), title="清晨巡查")
    assert run(local(0, 22, 30)).quiet and smtp.mails == []

    run(local(1, 8, 5))
    assert [m.subject for m in smtp.mails] == ["今天的任务：上午巡查"]
    assert "今天 10:00 开始" in smtp.mails[-1].body
    assert rows(channel=Channel.email, task_id=early.id)[0].status == OutboxStatus.obsolete
    assert rows(channel=Channel.email, task_id=later.id)[0].status == OutboxStatus.sent


def test_hours_confirmed_or_the_kind_turned_off_overnight_means_no_push_in_the_morning(
        town, smtp, recorder):
    task = town.task(local(-2, 9), people=(town.ann, town.bob), title="楼道清理")
    run(local(0, 23, 30))  # written at night: e-mail (ann) and SMS (bob) wait
    assert {r.status for r in rows(channel=Channel.email) + rows(channel=Channel.sms)} == {
        OutboxStatus.pending}
    save_settings(town.ann, NotifySettings(kinds_on=OFFERED - {"confirm_hours"}, offered=OFFERED,
                                           email="ann@example.org", email_on=True))
    confirm_participation(assignment(task, town.bob), town.bob, 120)
    db.session.commit()
    run(local(1, 8, 0))
    assert smtp.mails == [] and recorder.to("/sms") == []
    [mail] = rows(channel=Channel.email)
    [sms] = rows(channel=Channel.sms)
    assert (mail.status, mail.reason) == (OutboxStatus.skipped, "opted_out")
    assert (sms.status, sms.reason) == (OutboxStatus.obsolete, "not_due")


def test_a_corrected_report_is_not_reminded_as_returned(town, recorder):
    task = town.task(local(-1, 9), leader=town.lee, title="退回的")
    report = TaskReport(task_id=task.id, quantity=1, people_served=1, note="x",
                        status=ReportStatus.returned, return_reason="缺少照片",
                        submitted_by_id=town.lee.id, submitted_at=MORNING - timedelta(hours=14),
                        reviewed_by_id=town.liaison.id,
                        reviewed_at=MORNING - timedelta(hours=12))
    db.session.add(report)
    db.session.commit()
    run(local(-1, 22, 30))  # returned at 22:00: the SMS waits for the morning
    report.status, report.submitted_at = ReportStatus.submitted, MORNING - timedelta(hours=11)
    db.session.commit()
    run(local(0, 8))
    assert recorder.to("/sms") == []
    assert rows(kind="returned", channel=Channel.sms)[0].status == OutboxStatus.obsolete


# --- work groups: each digest as written, an older one given way to the newer --------------

def test_a_robot_gets_the_newest_digest_alone_never_a_bundle(town, recorder):
    task = town.task(local(-10, 9), title="等了八天")
    db.session.add(TaskReport(task_id=task.id, quantity=3, people_served=9, note="完成",
                              status=ReportStatus.submitted, submitted_by_id=town.lee.id,
                              submitted_at=MORNING - timedelta(days=8)))
    save_webhook(town.liaison, town.community, WebhookData("wecom", recorder.url("/wecom")))
    db.session.commit()
    run(local(0, 23, 0))  # today's digest waits for the morning
    run(local(1, 8, 0))  # tomorrow's is written: one message, tomorrow's
    [post] = recorder.to("/wecom")
    content = post.json["markdown"]["content"]
    assert "等了八天" in content and "条提醒" not in content
    assert content.endswith("(https://gj.example.gov.cn/manage/reviews)")
    older, newer = rows(channel=Channel.wecom)
    assert (older.status, older.reason) == (OutboxStatus.obsolete, "superseded")
    assert newer.status == OutboxStatus.sent
    # the liaison's own SMS digest of the night gave way as well; the morning's is not
    # sent by SMS, the work group got it
    assert [(r.status, r.reason) for r in rows(channel=Channel.sms, kind="review_waiting")] == [
        (OutboxStatus.obsolete, "superseded"), (OutboxStatus.skipped, "work_group_got")]


def test_a_digest_whose_reports_were_all_reviewed_is_not_sent(town, recorder):
    task = town.task(local(-10, 9), title="等了八天")
    report = TaskReport(task_id=task.id, quantity=3, people_served=9, note="完成",
                        status=ReportStatus.submitted, submitted_by_id=town.lee.id,
                        submitted_at=MORNING - timedelta(days=8))
    db.session.add(report)
    save_webhook(town.liaison, town.community, WebhookData("wecom", recorder.url("/wecom")))
    db.session.commit()
    run(local(0, 23, 0))
    report.status = ReportStatus.approved
    db.session.commit()
    run(local(1, 8, 0))
    assert recorder.posts == []


# --- a liaison's bundle links to the liaison's page -----------------------------------------

def test_a_liaisons_bundle_links_to_the_workbench_not_my_todo(app, town, recorder):
    app.config.update(REMINDER_DAILY_CAP=1, REMINDER_REPORT_DAYS=1)
    for n in range(2):  # ended four days ago, no report: the liaison is copied
        town.task(local(-4, 8 + n), leader=town.lee, title=f"活动{n}")
    run(MORNING)
    [bundle] = [p.json for p in recorder.to("/sms")
                if p.query["to"] == [town.liaison.phone]]
    assert bundle["content"].startswith("您有2条提醒")
    assert "工作台" in bundle["content"] and "我的待办" not in bundle["content"]
    assert bundle["content"].endswith("https://gj.example.gov.cn/manage/")


# --- a long run keeps its claims ------------------------------------------------------------

def test_a_run_still_sending_after_the_lease_keeps_the_rows_it_sends(app, town, smtp,
                                                                    monkeypatch):
    """Run A takes 3 s per e-mail; run B starts 4.5 s after it, when A has been going
    longer than the lease (3 s here, 15 minutes by default) and is half-way through its
    second e-mail, whose claim it stamped at about 3 s, when it took it. B must not take
    that e-mail over and send it again.

    No wall clock: the runs' clock reads ``seconds`` (set by the test), the SMTP server
    holds each of A's e-mails until the test lets it through, and B runs, with its
    ``now`` 4.5 s after A's, while A's second e-mail is held."""
    app.config["REMINDER_LEASE_SECONDS"] = 3
    seconds = [0.0]
    monkeypatch.setattr("tracker.reminders.job.monotonic", lambda: seconds[0])
    smtp.hold = True
    cat = with_email_and_sms(town, "赵敏", "cat@example.org")
    town.task(local(-2, 9), people=(town.ann, cat), title="楼道清理")
    db.session.commit()

    def run_a():
        with app.app_context():
            run(MORNING)

    a = threading.Thread(target=run_a)
    a.start()
    sent = threading.Event()
    try:
        first, sent = smtp.held.get(timeout=30)  # A's first e-mail, at 0 s
        seconds[0] = 3.0
        sent.set()  # … answered 3 s later
        second, sent = smtp.held.get(timeout=30)  # A's second, claimed at 3 s
        smtp.hold = False  # whatever B sends goes straight through
        seconds[0] = 4.5
        run(MORNING + timedelta(seconds=4.5))  # B: the lease ends for claims before 1.5 s
        seconds[0] = 6.0
        sent.set()
    finally:  # a failure above leaves no e-mail held
        smtp.hold = False
        sent.set()
        while not smtp.held.empty():
            smtp.held.get()[1].set()
        a.join(30)
    assert not a.is_alive()
    assert sorted(first + second) == ["ann@example.org", "cat@example.org"]
    assert sorted(m.to[0] for m in smtp.mails) == ["ann@example.org", "cat@example.org"]
    assert {r.status for r in rows(channel=Channel.email)} == {OutboxStatus.sent}


# --- a channel that hangs holds up no other ---------------------------------------------------

def test_an_sms_gateway_that_never_answers_costs_one_timeout_per_run(app, town, smtp, recorder):
    # the same timeout bounds each e-mail to the local SMTP server: 1 s was once too
    # short for it on a machine loaded far beyond its two cores
    app.config["REMINDER_HTTP_TIMEOUT"] = 3
    recorder.fail["/sms"] = "hang"
    people = [with_email_and_sms(town, f"成员{n}", f"m{n}@example.org") for n in range(4)]
    town.task(local(-2, 9), people=people, title="楼道清理")
    report = run(MORNING)
    assert len(smtp.mails) == 4  # every e-mail went out
    assert len(recorder.hung) == 1  # one wait for the gateway, not four
    sms = rows(channel=Channel.sms)
    assert sorted(r.attempts for r in sms) == [0, 0, 0, 1]  # the others were not tried
    # the one tried was handed over and never answered: not retried by the job
    assert sorted(r.status for r in sms) == [OutboxStatus.failed] + [OutboxStatus.pending] * 3
    assert report.held == 3
    # The next run: one more try of the rows never tried (one try each run while down).
    # It sends no e-mail (all went above), only the SMS the gateway never answers: a
    # shorter timeout there only shortens that wait (1 s, as in test_unconfirmed.py,
    # where the request is written in full well within it), session 51.
    app.config["REMINDER_HTTP_TIMEOUT"] = 1
    run(MORNING + timedelta(minutes=5))
    assert len(recorder.hung) == 2
    assert sorted(r.attempts for r in rows(channel=Channel.sms)) == [0, 0, 1, 1]
    # The gateway is back: the two never tried go; the two it took in silence stay failed.
    app.config["REMINDER_HTTP_TIMEOUT"] = 3  # answers are awaited again
    recorder.fail.clear()
    run(MORNING + timedelta(minutes=20))
    assert len(recorder.to("/sms")) == 2
    assert sorted(r.status for r in rows(channel=Channel.sms)) == [
        OutboxStatus.failed, OutboxStatus.failed, OutboxStatus.sent, OutboxStatus.sent]


@pytest.fixture
def trickling_gateway():
    server = Trickler(b"HTTP/1.1 200 OK\r\nX-Slow: ").start()
    yield server
    server.stop()


def test_an_sms_gateway_that_trickles_its_answer_is_a_timeout_not_a_hung_run(
        app, client, login, town, smtp, trickling_gateway):
    """Each byte comes within the per-read timeout, the answer never ends: the whole
    delivery has REMINDER_HTTP_TIMEOUT, then it is a failure like a silent gateway's."""
    app.config["REMINDER_HTTP_TIMEOUT"] = 1
    app.config["SMS_GATEWAY_URL"] = trickling_gateway.url("/sms")
    people = [with_email_and_sms(town, f"成员{n}", f"m{n}@example.org") for n in range(3)]
    town.task(local(-2, 9), people=people, title="楼道清理")
    started = time.monotonic()
    report = run(MORNING)
    assert time.monotonic() - started < 8  # one delivery's deadline, not for ever
    assert len(smtp.mails) == 3  # the other channel went on
    assert trickling_gateway.connections == 1  # the channel is down for the rest of the run
    sms = rows(channel=Channel.sms)
    # never left "sending": the one tried was written in full and got no complete answer
    # (failed, for a person to retry), the others wait for the next run
    assert sorted((r.attempts, r.status) for r in sms) == [
        (0, OutboxStatus.pending), (0, OutboxStatus.pending), (1, OutboxStatus.failed)]
    assert report.held == 2
    [status] = [c for c in channel_status() if c.channel == Channel.sms]
    assert status.last_failure is not None and "未收到确认" in status.last_error
    admin = f.member(town.unit, Role.admin, "管理员")
    db.session.commit()
    login(admin)
    assert "未收到确认" in client.get("/outbox/").get_data(as_text=True)


def test_an_smtp_server_that_trickles_its_greeting_is_a_timeout(app, town, recorder):
    server = Trickler(b"220 slow").start()
    try:
        app.config.update(REMINDER_HTTP_TIMEOUT=1, SMTP_PORT=server.port)
        people = [with_email_and_sms(town, f"成员{n}", f"m{n}@example.org") for n in range(2)]
        town.task(local(-2, 9), people=people, title="楼道清理")
        started = time.monotonic()
        report = run(MORNING)
        assert time.monotonic() - started < 8
    finally:
        server.stop()
    assert len(recorder.to("/sms")) == 2  # SMS went on
    mails = rows(channel=Channel.email)
    assert {r.status for r in mails} == {OutboxStatus.pending}
    assert sorted(r.attempts for r in mails) == [0, 1] and report.held == 1
    [status] = [c for c in channel_status() if c.channel == Channel.email]
    assert "超时" in status.last_error


# --- 提醒状态 ----------------------------------------------------------------------------------

def test_status_page_dates_an_error_by_its_try_and_lists_no_choice_as_a_failure(
        app, client, login, town, smtp, recorder):
    app.config["SMTP_PORT"] = 1  # nothing listens: the e-mail fails at 10:00
    port = smtp.port
    town.task(local(-2, 9), people=(town.ann, town.bob), title="楼道清理")
    run(MORNING)
    app.config["SMTP_PORT"] = port  # fixed; the retry goes out at 10:10
    run(MORNING + timedelta(minutes=10))
    [email] = [c for c in channel_status() if c.channel == Channel.email]
    assert email.last_failure - MORNING < timedelta(minutes=1)  # 10:00, not the 10:10 retry
    assert email.last_success > email.last_failure and email.recovered

    # bob turns SMS off, and a new reminder for him waits through the night
    town.task(local(-2, 14), people=(town.bob,), title="清理小广告")
    run(local(0, 23, 0))
    save_settings(town.bob, NotifySettings(offered=set(), sms_on=False))
    db.session.commit()
    run(local(1, 8, 0))
    skipped = rows(channel=Channel.sms, status=OutboxStatus.skipped)
    assert [(r.reason, r.attempts) for r in skipped] == [("sms_off", 0)]

    admin = f.member(town.unit, Role.admin, "管理员")
    db.session.commit()
    login(admin)
    page = client.get("/outbox/").get_data(as_text=True)
    assert "其后已恢复发送" in page
    assert "没有发送失败的提醒" in page  # bob's choice is not a failure
    assert "turned" not in page and "陈丽华" not in page
    [sms] = [c for c in channel_status() if c.channel == Channel.sms]
    assert (sms.failed, sms.not_sent, sms.last_error) == (0, 1, None)


def _sms_refused_then(app, town, recorder, after) -> None:
    """bob's SMS fails at 10:00 (nothing listens at the gateway), then ``after`` happens
    and the gateway is back: the next run sets the row aside, never sends it."""
    gateway = app.config["SMS_GATEWAY_URL"]
    app.config["SMS_GATEWAY_URL"] = f"http://127.0.0.1:{free_port()}/sms?to={{phone}}"
    town.task(local(-2, 9), people=(town.bob,), title="楼道清理")  # hours to confirm
    run(MORNING)
    [sms] = rows(channel=Channel.sms)
    assert (sms.status, sms.attempts) == (OutboxStatus.pending, 1)
    after()
    db.session.commit()
    app.config["SMS_GATEWAY_URL"] = gateway
    run(MORNING + timedelta(minutes=10))
    assert recorder.to("/sms") == []


def _last_sms_error(client, login, town) -> tuple:
    [status] = [c for c in channel_status() if c.channel == Channel.sms]
    admin = f.member(town.unit, Role.admin, "管理员")
    db.session.commit()
    login(admin)
    return status, client.get("/outbox/").get_data(as_text=True)


@pytest.mark.parametrize("after, reason, words", [
    ("email", "email_instead", "收件人用邮件接收提醒"),
    ("deactivated", "inactive", "收件人账号已停用"),
])
def test_a_row_set_aside_after_a_failed_try_keeps_that_failure_as_the_last_error(
        app, client, login, town, recorder, after, reason, words):
    """walk7 D1: 最近出错 is the last real failure (connection refused at 10:00), even when
    that row was skipped later (bob chose e-mail; bob was 停用): a skip is not an error."""
    def email():
        save_settings(town.bob, NotifySettings(offered=set(), email="bob@example.org",
                                               email_on=True, sms_on=True))

    def deactivated():
        set_active(town.bob, f.member(town.unit, Role.admin, "停用的管理员"), False)

    _sms_refused_then(app, town, recorder, {"email": email, "deactivated": deactivated}[after])
    [sms] = rows(channel=Channel.sms)
    assert (sms.status, sms.reason) == (OutboxStatus.skipped, reason)
    status, page = _last_sms_error(client, login, town)
    assert "Connection refused" in status.last_error
    assert status.last_failure - MORNING < timedelta(minutes=1)  # the failed try's time
    assert (status.failed, status.not_sent) == (0, 1)
    assert "Connection refused" in page and words not in page


def test_a_set_aside_row_whose_failure_left_no_channel_words_still_shows_a_failure(app):
    """A try that failed for the job's own reason (该渠道尚未配置) keeps no channel words;
    once an admin's 重试 was then skipped, the reason is the skip's: the failure is said
    as unrecorded, not as the skip, not as nothing."""
    assert failure_words(reasons.SMS_OFF, None, OutboxStatus.skipped) == "发送失败（原因未记下）"
    assert failure_words(reasons.NOT_DUE, "HTTP 500", OutboxStatus.obsolete) == "HTTP 500"
    assert failure_words(reasons.NOT_CONFIGURED, None, OutboxStatus.failed) == "该渠道尚未配置"


# --- an e-mail says when it was sent, and is one message ------------------------------------

def test_a_reminder_mail_is_dated_when_it_leaves_in_beijing_time_with_its_own_message_id(
        town, smtp):
    """RFC 5322 requires Date: (a relay adds it only for its local clients): the mail says
    the moment it left, in Beijing time (+08:00), and each mail has a Message-ID of its
    own, on the app's domain (REMINDER_BASE_URL's host), not the machine's name."""
    town.task(local(1, 9, 30), people=(town.ann,), title="上午值守")
    evening = local(0, 20, 15)  # 20:15 Beijing, outside quiet hours
    run(evening)
    # a second task, told by the next run (two due in one run would leave as one bundle)
    town.task(local(1, 14, 0), people=(town.ann,), title="下午值守")
    run(evening)

    mails = [mail for mail in smtp.mails if mail.to == ["ann@example.org"]]
    assert len(mails) == 2, [mail.subject for mail in smtp.mails]
    for mail in mails:
        [date_header] = mail.headers.get("Date", [None])
        sent = parsedate_to_datetime(date_header)
        assert sent.utcoffset() == timedelta(hours=8), date_header
        assert (sent.hour, sent.minute) == (20, 15), date_header
        # the run's clock: its start plus the (real) seconds the run took
        assert evening - timedelta(seconds=1) <= sent <= evening + timedelta(seconds=60)
        [message_id] = mail.headers.get("Message-ID", [None])
        assert re.fullmatch(r"<[^<>@\s]+@gj\.example\.gov\.cn>", message_id), message_id
    assert mails[0].headers["Message-ID"] != mails[1].headers["Message-ID"]
