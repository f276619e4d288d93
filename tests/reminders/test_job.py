"""The reminder job against real servers: an SMTP server and an HTTP recorder for the
SMS gateway and the work-group robots, both on loopback ports. The clock is
injected: every run is ``run(now)`` at a chosen Asia/Shanghai time."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from tests.reminders.conftest import SMS_SECRET, local
from tests.reminders.outbox_rows import rows
from tracker.extensions import db
from tracker.models import Channel, OutboxStatus, ReportStatus, TaskReport
from tracker.reminders.job import run
from tracker.services.notify import NotifySettings, WebhookData, save_settings, save_webhook
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)  # today 10:00 in Shanghai: outside quiet hours


def ended_two_days_ago(town, title="楼道清理", people=None):
    """Ended the day before yesterday at 11:00: hours to confirm (no leader to remind)."""
    return town.task(local(-2, 9), people=people or (town.ann, town.bob), title=title)


# --- once, on every channel the member has -----------------------------------------------

def test_confirm_reminder_goes_out_once_on_each_channel(town, smtp, recorder):
    ended_two_days_ago(town)
    report = run(MORNING)
    assert report.failed == 0
    # ann: in-app + e-mail (SMS off); bob: in-app + SMS (no e-mail address).
    [mail] = smtp.mails
    assert mail.to == ["ann@example.org"]
    assert mail.subject == "请确认服务时长：楼道清理"
    assert "https://gj.example.gov.cn/tasks/assignments/" in mail.body
    [sms] = recorder.to("/sms")
    assert sms.query["to"] == [town.bob.phone]
    assert sms.json["mobile"] == town.bob.phone and "请确认您的参与和服务时长" in sms.json["content"]
    assert sms.json["sign"] == "社区共建"
    inbox = rows(channel=Channel.inapp, kind="confirm_hours")
    assert {r.member_id for r in inbox} == {town.ann.id, town.bob.id}
    # What the run says it wrote (the CLI prints it): two people, two channels each.
    assert report.written == 4
    # Nothing is ever sent twice: a later run writes and sends nothing new.
    again = run(MORNING + timedelta(minutes=5))
    assert (again.written, again.sent) == (0, 0)
    assert len(smtp.mails) == 1 and len(recorder.to("/sms")) == 1


def test_not_yet_due_means_nothing(town, smtp, recorder):
    town.task(local(-1, 14), people=(town.ann,))  # ended 20 hours ago: not a day yet
    assert run(MORNING).written == 0
    assert smtp.mails == [] and recorder.posts == []


# --- quiet hours ---------------------------------------------------------------------------

def test_nothing_is_pushed_in_quiet_hours(town, smtp, recorder):
    ended_two_days_ago(town)
    night = local(0, 23, 30)
    report = run(night)
    assert report.quiet
    assert smtp.mails == [] and recorder.posts == []
    # In-app messages make no sound: they are there at once.
    assert len(rows(channel=Channel.inapp, kind="confirm_hours")) == 2
    assert {r.status for r in rows(channel=Channel.email)} == {OutboxStatus.pending}
    assert run(local(1, 7, 59)).quiet and smtp.mails == []
    run(local(1, 8, 0))
    assert len(smtp.mails) == 1 and len(recorder.to("/sms")) == 1


def test_quiet_hours_are_a_setting(app, town, smtp):
    app.config["REMINDER_QUIET_HOURS"] = "09:00-11:00"
    ended_two_days_ago(town)
    assert run(MORNING).quiet and smtp.mails == []


# --- a channel down: retry with backoff, give up, the others still send ---------------------

def test_a_channel_down_retries_with_backoff_while_the_others_send(app, client, town, smtp,
                                                                    recorder, login):
    app.config.update(REMINDER_MAX_ATTEMPTS=3, REMINDER_RETRY_SECONDS=300)
    recorder.fail["/sms"] = "http"
    ended_two_days_ago(town)
    run(MORNING)
    assert len(smtp.mails) == 1  # e-mail is not held up by the SMS gateway
    [sms] = rows(channel=Channel.sms)
    assert (sms.status, sms.attempts, sms.last_error) == (OutboxStatus.pending, 1, "HTTP 500")
    assert sms.next_attempt_at == MORNING + timedelta(seconds=300)
    run(MORNING + timedelta(seconds=299))
    assert rows(channel=Channel.sms)[0].attempts == 1  # not before its time
    run(MORNING + timedelta(seconds=300))
    [sms] = rows(channel=Channel.sms)
    assert sms.attempts == 2
    assert sms.next_attempt_at == MORNING + timedelta(seconds=300 + 600)  # doubled
    run(MORNING + timedelta(seconds=900))
    [sms] = rows(channel=Channel.sms)
    assert (sms.status, sms.attempts) == (OutboxStatus.failed, 3)  # gave up
    assert recorder.to("/sms") == []

    # The admin sees it, fixes the gateway and sends it again: nothing was lost.
    from tests import factories as f
    from tracker.models import Role

    admin = f.member(town.unit, Role.admin, "管理员")
    db.session.commit()
    login(admin)
    page = client.get("/outbox/").get_data(as_text=True)
    assert "HTTP 500" in page and "陈丽华" in page
    recorder.fail.clear()
    assert client.post(f"/outbox/messages/{sms.id}/retry").status_code == 302
    run(MORNING + timedelta(seconds=1000))
    assert len(recorder.to("/sms")) == 1
    assert rows(channel=Channel.sms)[0].status == OutboxStatus.sent


def test_smtp_server_gone_is_an_error_not_a_crash(app, town, recorder):
    app.config["SMTP_PORT"] = 1  # nothing listens there
    ended_two_days_ago(town)
    report = run(MORNING)
    assert report.failed == 1 and "SMTP" in rows(channel=Channel.email)[0].last_error
    assert len(recorder.to("/sms")) == 1


# --- opting out ----------------------------------------------------------------------------

def test_a_member_who_turned_a_kind_off_gets_none_of_it(town, smtp, recorder):
    offered = {"tomorrow", "confirm_hours", "submit_report", "returned"}
    save_settings(town.ann, NotifySettings(kinds_on=offered - {"confirm_hours"}, offered=offered,
                                           email="ann@example.org", email_on=True))
    db.session.commit()
    ended_two_days_ago(town)
    run(MORNING)
    assert smtp.mails == []
    assert rows(member_id=town.ann.id) == []  # not even in-app
    assert {r.channel for r in rows(member_id=town.bob.id)} == {Channel.inapp, Channel.sms}


def test_sms_can_be_turned_off(town, recorder):
    save_settings(town.bob, NotifySettings(offered=set(), sms_on=False))
    db.session.commit()
    ended_two_days_ago(town)
    run(MORNING)
    assert recorder.to("/sms") == []
    assert [r.channel for r in rows(member_id=town.bob.id)] == [Channel.inapp]


# --- a few a day, bundled ------------------------------------------------------------------

def test_more_than_the_daily_cap_goes_out_bundled(app, town, smtp):
    app.config["REMINDER_DAILY_CAP"] = 2
    for n in range(5):
        town.task(local(-2, 8 + n), people=(town.ann,), title=f"活动{n}")
    run(MORNING)
    [bundle] = smtp.mails
    assert bundle.subject == "您有5条提醒"
    assert all(f"活动{n}" in bundle.body for n in range(5))
    assert len({r.delivery_id for r in rows(channel=Channel.email)}) == 1
    # Later the same day three more: one message is left of today's two → one bundle.
    for n in range(5, 8):
        town.task(local(-2, 14, n), people=(town.ann,), title=f"活动{n}")
    run(MORNING + timedelta(hours=2))
    assert [m.subject for m in smtp.mails] == ["您有5条提醒", "您有3条提醒"]
    # The cap is reached: one more waits for tomorrow morning, it is not dropped.
    town.task(local(-2, 18), people=(town.ann,), title="活动8")
    report = run(MORNING + timedelta(hours=4))
    assert report.deferred == 1 and len(smtp.mails) == 2
    [waiting] = rows(channel=Channel.email, status=OutboxStatus.pending)
    assert waiting.next_attempt_at == local(1, 8)
    run(local(1, 8, 5))
    assert smtp.mails[-1].subject == "请确认服务时长：活动8"


def test_due_together_under_the_cap_leaves_as_one_message(town, smtp):
    """Two reminders due for one member in one run: one e-mail, not two in the same
    minute; each still its own 站内消息."""
    for n in range(2):
        town.task(local(-2, 8 + n), people=(town.ann,), title=f"活动{n}")
    run(MORNING)
    assert [m.subject for m in smtp.mails] == ["您有2条提醒"]
    assert all(f"活动{n}" in smtp.mails[0].body for n in range(2))
    assert len(rows(channel=Channel.inapp, kind="confirm_hours")) == 2


# --- kinds and their timing ----------------------------------------------------------------

def test_tomorrow_reminder_comes_the_evening_before(town, smtp):
    town.task(local(1, 9), people=(town.ann,), title="明早值守")
    assert run(local(0, 17, 59)).written == 0
    run(local(0, 18, 0))
    assert [m.subject for m in smtp.mails] == ["明天的任务：明早值守"]


def test_leader_then_liaison_are_reminded_of_a_missing_report(app, town):
    app.config["REMINDER_REPORT_DAYS"] = 2
    town.task(local(-3, 9), leader=town.lee, title="未报告")  # ended three days ago
    run(MORNING)
    assert {(r.kind, r.member_id) for r in rows(channel=Channel.inapp)} == {
        ("submit_report", town.lee.id)}
    run(local(1, 12))  # four days (2N) after the end: the liaison is copied
    assert {(r.kind, r.member_id) for r in rows(channel=Channel.inapp)} == {
        ("submit_report", town.lee.id), ("report_overdue", town.liaison.id)}


def test_a_returned_report_reminds_the_leader_at_once_and_again_when_returned_again(town):
    task = town.task(local(-1, 9), leader=town.lee, title="退回的")
    report = TaskReport(task_id=task.id, quantity=1, people_served=1, note="x",
                        status=ReportStatus.returned, return_reason="缺少照片",
                        submitted_by_id=town.lee.id, submitted_at=MORNING - timedelta(hours=3),
                        reviewed_by_id=town.liaison.id, reviewed_at=MORNING - timedelta(minutes=3))
    db.session.add(report)
    db.session.commit()
    run(MORNING)
    [first] = rows(kind="returned", channel=Channel.inapp)
    assert first.member_id == town.lee.id and "缺少照片" in first.body
    report.reviewed_at = MORNING + timedelta(hours=1)
    db.session.commit()
    run(MORNING + timedelta(hours=1, minutes=5))
    assert len(rows(kind="returned", channel=Channel.inapp)) == 2


def _waiting_report(town, task, days):
    db.session.add(TaskReport(task_id=task.id, quantity=3, people_served=9, note="完成",
                              status=ReportStatus.submitted, submitted_by_id=town.lee.id,
                              submitted_at=MORNING - timedelta(days=days)))
    db.session.commit()


def test_review_digest_goes_to_the_liaison_and_the_work_groups_once_a_day(town, recorder):
    other_item = __import__("tests.factories", fromlist=["item"]).item(
        town.unit, town.other, "ad_removal")
    town.liaison.communities = [town.community, town.other]
    db.session.commit()
    _waiting_report(town, town.task(local(-9, 9), title="等了八天"), 8)
    _waiting_report(town, town.task(local(-10, 9), title="另一社区的", item=other_item), 8)
    _waiting_report(town, town.task(local(-3, 9), title="刚提交的"), 2)
    save_webhook(town.liaison, town.community,
                 WebhookData("wecom", recorder.url("/wecom?key=abc")))
    save_webhook(town.liaison, town.other,
                 WebhookData("dingtalk", recorder.url("/dingtalk?access_token=t"), "SECabc"))
    db.session.commit()

    run(MORNING)
    [digest] = rows(kind="review_waiting", channel=Channel.inapp)
    assert digest.member_id == town.liaison.id
    assert "等了八天" in digest.body and "另一社区的" in digest.body and "刚提交的" not in digest.body
    [wecom] = recorder.to("/wecom")
    assert wecom.json["msgtype"] == "markdown"
    content = wecom.json["markdown"]["content"]
    assert "等了八天" in content and "另一社区的" not in content  # each group its own
    [ding] = recorder.to("/dingtalk")
    assert ding.json["msgtype"] == "markdown" and "另一社区的" in ding.json["markdown"]["text"]
    # DingTalk's 加签: sign = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).
    timestamp = ding.query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(),
                                         hashlib.sha256).digest()).decode()
    assert ding.query["sign"] == [expected] and ding.query["access_token"] == ["t"]

    run(MORNING + timedelta(hours=3))  # the same day: nothing new
    assert len(recorder.to("/wecom")) == 1
    run(local(1, 9))  # the next day, still waiting: the next digest
    assert len(recorder.to("/wecom")) == 2


def test_a_robot_error_code_is_a_failure(town, recorder):
    recorder.fail["/wecom"] = "robot"
    _waiting_report(town, town.task(local(-9, 9), title="等了八天"), 8)
    save_webhook(town.liaison, town.community, WebhookData("wecom", recorder.url("/wecom")))
    db.session.commit()
    run(MORNING)
    [row] = rows(channel=Channel.wecom)
    assert row.status == OutboxStatus.pending and "310000" in row.last_error


def test_a_robot_that_redirects_is_a_failure_and_is_not_followed(town, recorder):
    """A redirect would carry the reminders to an address nobody checked."""
    recorder.fail["/wecom"] = "redirect"
    _waiting_report(town, town.task(local(-9, 9), title="等了八天"), 8)
    save_webhook(town.liaison, town.community, WebhookData("wecom", recorder.url("/wecom")))
    db.session.commit()
    run(MORNING)
    [row] = rows(channel=Channel.wecom)
    assert row.status == OutboxStatus.pending and "302" in row.last_error
    assert recorder.to("/elsewhere") == []


def test_sms_gateway_requests_are_signed(town, recorder):
    ended_two_days_ago(town, people=(town.bob,))
    run(MORNING)
    [sms] = recorder.to("/sms")
    timestamp = sms.headers["X-Timestamp"]
    expected = hmac.new(SMS_SECRET.encode(), timestamp.encode() + b"\n" + sms.body,
                        hashlib.sha256).hexdigest()
    assert sms.headers["X-Signature"] == expected
    assert json.loads(sms.body)["mobile"] == town.bob.phone


@pytest.mark.parametrize("code", ["confirm_hours"])
def test_a_kind_turned_off_for_the_installation_is_never_written(app, town, code):
    app.config["REMINDER_KINDS"] = ["tomorrow"]
    ended_two_days_ago(town)
    assert run(MORNING).written == 0
