"""What the reminders cost and how they read, as the people who get them and the bureau
that pays for them (review "messages", session 28): the daily digest within the robots'
size limits and the SMS budget, every SMS within two billed parts, one message id per
message across retries, one message per person and run, the liaison told whether the
work-group robot works, 提醒设置's night rule from the settings, and an e-mail that says
who sent it and how to stop it. Against the suite's real SMTP server and HTTP recorder."""
from __future__ import annotations

from datetime import timedelta

import pytest
from tests import factories as f
from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tracker.extensions import db
from tracker.models import Channel, MemberNotify, OutboxStatus, ReportStatus, Role, TaskReport
from tracker.reminders.channels import DINGTALK_LIMIT, WECOM_LIMIT, Message, _markdown, sms_text
from tracker.reminders.job import run
from tracker.services.notify import WebhookData, retry_message, save_webhook
from tracker.services.tasks import cancel_task
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)
EVENING = local(0, 18, 5)
BASE = "https://gj.example.gov.cn"
# Two billed parts: a Chinese SMS is one part up to 70 characters, above that parts of 67.
TWO_PARTS = 2 * 67
SIGNATURE = "【某某县商务局】"


def long_title(word: str) -> str:
    """A title at the column's limit (120 characters), the start telling it apart."""
    return (word + "社区共建环境整治与志愿服务活动" * 10)[:120]


def waiting_reports(town, count: int, title=long_title):
    """``count`` reports submitted 9–13 days ago, none reviewed (older than STALE_REVIEW_DAYS)."""
    for n in range(count):
        task = town.task(local(-14 + n % 4, 9), title=title(f"第{n:02d}项"))
        db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=1, note="完成",
                                  status=ReportStatus.submitted, submitted_by_id=town.lee.id,
                                  submitted_at=MORNING - timedelta(days=9 + n % 5)))
    db.session.commit()


def sms_member(town, name: str):
    member = f.member(town.unit, name=name)
    db.session.commit()
    return member


# --- 1. the daily 待审核 digest, 60 reports waiting ----------------------------------------------

@pytest.mark.parametrize("robot, path, limit", [("wecom", "/wecom", WECOM_LIMIT),
                                                 ("dingtalk", "/dingtalk", DINGTALK_LIMIT)])
def test_a_digest_of_60_waiting_reports_stays_within_each_robots_limit_and_the_sms_budget(
        town, recorder, robot, path, limit):
    recorder.fail["/wecom"] = "wecom"  # refuses above 4,096 bytes, as 企业微信 does
    waiting_reports(town, 60)
    save_webhook(town.liaison, town.community, WebhookData(robot, recorder.url(path)))
    db.session.commit()
    run(MORNING)

    [post] = recorder.to(path)
    content = post.json["markdown"]["content" if robot == "wecom" else "text"]
    assert len(content.encode()) <= limit
    assert "有60条" in content and "等共60条" in content  # the true count, all of them
    assert f"{BASE}/manage/reviews" in content
    [robot_row] = rows(channel=Channel(robot))
    assert robot_row.status == OutboxStatus.sent, robot_row.last_error
    # the liaison is in the work group: no SMS copy of what it got (test_sms_copy.py)
    assert [p for p in recorder.to("/sms") if p.query["to"] == [town.liaison.phone]] == []


def test_the_sms_of_a_digest_of_60_waiting_reports_is_the_count_and_the_link(town, recorder):
    """No work group robot: the liaison's SMS is the digest's only push."""
    waiting_reports(town, 60)
    run(MORNING)
    # The liaison's SMS: the count and the link, not the list.
    [sms] = [p for p in recorder.to("/sms") if p.query["to"] == [town.liaison.phone]]
    text = sms.json["content"]
    assert len(text) <= TWO_PARTS, (len(text), text)
    assert "60" in text and text.endswith(f"\n{BASE}/manage/reviews")
    assert "第00项" not in text and "·" not in text


def test_a_robot_message_longer_than_the_limit_is_cut_keeping_the_link():
    message = Message("待审核已等待7天", "有500条：\n" + "\n".join(["· 很长的一行" * 20] * 500),
                      f"{BASE}/manage/reviews")
    for limit in (WECOM_LIMIT, DINGTALK_LIMIT):
        text = _markdown(message, limit)
        assert len(text.encode()) <= limit and text.endswith(f"({BASE}/manage/reviews)")
        assert "有500条" in text


# --- 2. every SMS within two parts, the link whole -------------------------------------------------

def test_every_kind_of_sms_with_a_120_character_title_fits_two_parts_and_keeps_its_link(
        app, town, recorder):
    app.config["SMS_SIGNATURE"] = SIGNATURE
    people = {name: sms_member(town, name) for name in ("明天", "确认", "组长", "取消")}
    tomorrow = town.task(local(1, 9), people=(people["明天"],), title=long_title("明天"))
    tomorrow.place = "地" * 120
    town.task(local(-2, 9), people=(people["确认"],), title=long_title("确认"))
    town.task(local(-5, 9), leader=people["组长"], title=long_title("组长"))  # no report: the
    # leader is reminded to submit, and the liaison copied (已结束未提交)
    gone = town.task(local(1, 15), people=(people["取消"],), title=long_title("取消"))
    db.session.commit()
    cancel_task(gone, town.liaison, "场地临时不能使用，" * 6)
    db.session.commit()
    run(EVENING)

    sent = {p.query["to"][0]: p.json["content"] for p in recorder.to("/sms")}
    expected = {
        people["明天"].phone: ("tomorrow", "明天社区共建"),
        people["确认"].phone: ("confirm_hours", "确认社区共建"),
        people["组长"].phone: ("submit_report", "组长社区共建"),
        people["取消"].phone: ("cancelled", "取消社区共建"),
        town.liaison.phone: ("report_overdue", "组长社区共建"),
    }
    assert set(expected) <= set(sent)
    for phone, (kind, start) in expected.items():
        text = sent[phone]
        [row] = rows(kind=kind, channel=Channel.sms)
        assert len(text) <= TWO_PARTS, (kind, len(text), text)
        assert text.startswith(SIGNATURE), (kind, text)
        assert text.endswith(f"\n{BASE}{row.link}"), (kind, text)  # the link, whole
        assert start in text and "…" in text, (kind, text)  # the title, cut
    # 站内消息 and e-mail keep the whole title.
    [inbox] = rows(kind="tomorrow", channel=Channel.inapp)
    assert long_title("明天") in inbox.body


def test_an_sms_of_any_length_fits_the_budget_with_the_signature_and_the_link():
    title = long_title("任意")
    link = f"{BASE}/tasks/assignments/123456/confirm"
    for body in (f"您认领的任务明天开始：{title}（某地）。", f"{title}" + "原因很长。" * 80,
                 "没有标题的一段很长的话。" * 40):
        text = sms_text(Message(f"某提醒：{title}", body, link), SIGNATURE)
        assert len(text) <= TWO_PARTS and text.startswith(SIGNATURE)
        assert text.endswith(f"\n{link}")


# --- 3. a gateway that answers late: one message, one id ---------------------------------------------

def test_an_sms_retried_after_a_late_answer_carries_the_same_id_each_time(app, town, recorder):
    """A late answer is not retried by the job (the gateway has usually sent it); when the
    admin retries it, it carries the id it had, for the gateway to drop a repeat."""
    app.config.update(REMINDER_HTTP_TIMEOUT=1,
                      SMS_BODY_TEMPLATE='{"mobile": "{phone}", "content": "{text}", "id": "{id}"}')
    recorder.fail["/sms"] = "late"  # takes the SMS, answers after the timeout
    cat = sms_member(town, "猫")
    town.task(local(-2, 9), people=(town.bob, cat), title="楼道清理")
    for minutes in (0, 6, 17, 40):
        run(MORNING + timedelta(minutes=minutes))
    assert len(recorder.to("/sms")) == 2  # one try each, none repeated by the job
    assert {r.status for r in rows(channel=Channel.sms)} == {OutboxStatus.failed}
    recorder.fail.clear()
    admin = f.member(town.unit, Role.admin, "管理员")
    db.session.commit()
    for row in rows(channel=Channel.sms):
        retry_message(admin, row)
    db.session.commit()
    run(MORNING + timedelta(hours=3))

    keys: dict[str, set] = {}
    for post in recorder.to("/sms"):
        key = post.headers.get("Idempotency-Key")
        assert key and post.json["id"] == key
        keys.setdefault(post.query["to"][0], set()).add(key)
    assert len(recorder.to("/sms")) == 4  # the gateway was asked again …
    assert {phone: len(k) for phone, k in keys.items()} == {town.bob.phone: 1, cat.phone: 1}
    assert keys[town.bob.phone] != keys[cat.phone]  # … with one id per message


# --- 5. one message per person and run; e-mail instead of SMS unless both were chosen -------------

def test_three_reminders_due_for_one_member_in_one_run_are_one_sms(town, recorder):
    town.task(local(1, 9), people=(town.bob,), title="明早清扫")
    town.task(local(-2, 8), people=(town.bob,), title="楼道清理")
    town.task(local(-2, 14), people=(town.bob,), title="清理小广告")
    run(EVENING)
    [sms] = [p for p in recorder.to("/sms") if p.query["to"] == [town.bob.phone]]
    assert sms.json["content"].startswith("您有3条提醒")
    assert len(sms.json["content"]) <= TWO_PARTS
    assert len([r for r in rows(channel=Channel.inapp) if r.member_id == town.bob.id]) == 3


def test_a_member_with_email_gets_no_sms_copy_unless_they_chose_both(town, smtp, recorder):
    cat, dan = sms_member(town, "猫"), sms_member(town, "丹")
    db.session.add_all([
        MemberNotify(member_id=cat.id, email="cat@example.org", email_on=True, sms_on=True),
        MemberNotify(member_id=dan.id, email="dan@example.org", email_on=True, sms_on=True,
                     sms_with_email=True)])
    db.session.commit()
    town.task(local(-2, 9), people=(cat, dan), title="楼道清理")
    run(MORNING)
    assert sorted(m.to[0] for m in smtp.mails) == ["cat@example.org", "dan@example.org"]
    assert [p.query["to"][0] for p in recorder.to("/sms")] == [dan.phone]


def test_an_sms_written_before_the_member_turned_email_on_is_skipped_with_its_reason(
        town, smtp, recorder):
    town.task(local(-2, 9), people=(town.bob,), title="楼道清理")
    run(local(0, 23, 0))  # quiet hours: the SMS waits for the morning
    db.session.add(MemberNotify(member_id=town.bob.id, email="bob@example.org", email_on=True,
                                sms_on=True))
    db.session.commit()
    run(local(1, 8, 5))
    assert recorder.to("/sms") == []
    [sms] = rows(channel=Channel.sms)
    assert (sms.status, sms.reason) == (OutboxStatus.skipped, "email_instead")


def test_the_settings_page_offers_sms_beside_email_and_keeps_the_choice(
        app, client, login, town, smtp, recorder):
    login(town.bob)
    page = client.get("/me/settings").get_data(as_text=True)
    assert "有邮件时也发短信" in page and "只发邮件" in page
    client.post("/me/settings", data={"email": "bob@example.org", "email_on": "y",
                                      "sms_on": "y", "sms_with_email": "y"})
    assert db.session.get(MemberNotify, town.bob.id).sms_with_email is True


# --- 4. the liaison sees whether the work group's robot works ------------------------------------

def test_the_liaison_sees_the_robots_last_failure_and_then_its_success(
        app, client, login, town, recorder):
    app.config["REMINDER_MAX_ATTEMPTS"] = 1
    recorder.fail["/wecom"] = "robot"  # errcode 310000: keywords not in content
    waiting_reports(town, 1, title=lambda word: f"{word}楼道清理")
    save_webhook(town.liaison, town.community, WebhookData("wecom", recorder.url("/wecom")))
    db.session.commit()
    run(MORNING)
    [row] = rows(channel=Channel.wecom)
    assert row.status == OutboxStatus.failed

    login(town.liaison)
    for url in ("/outbox/webhooks", f"/outbox/webhooks/{town.community.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "发送失败" in page and "310000" in page and "keywords not in content" in page
    # a liaison of another community does not see this one
    other = f.member(town.unit, Role.liaison, "联络员二", communities=[town.other])
    db.session.commit()
    login(other)
    assert client.get(f"/outbox/webhooks/{town.community.id}").status_code == 404
    assert "310000" not in client.get("/outbox/webhooks").get_data(as_text=True)

    recorder.fail.clear()
    run(local(1, 10))  # the next day's digest goes through
    login(town.liaison)
    page = client.get(f"/outbox/webhooks/{town.community.id}").get_data(as_text=True)
    assert "已发送" in page and "310000" not in page


# --- 7. 提醒设置 says the night rule the job keeps ---------------------------------------------------

def test_the_settings_page_names_the_configured_quiet_hours_cap_and_what_breaks_them(
        app, client, login, town):
    login(town.bob)
    page = client.get("/me/settings").get_data(as_text=True)
    assert "22:00" in page and "08:00" in page
    app.config.update(REMINDER_QUIET_HOURS="21:00-07:30", REMINDER_DAILY_CAP=2)
    page = client.get("/me/settings").get_data(as_text=True)
    assert "晚上21:00到早上07:30不发送" in page and "22点" not in page
    assert "最多2条" in page and "被取消或改了时间地点时除外" in page
    assert "次日09:30前开始的任务" in page  # 07:30 plus REMINDER_SETOUT_HOURS (2)
    assert "明天的任务和候补转正照常发送" in page


# --- 6. an e-mail says who sent it, that it is automatic, and how to stop it --------------------------

def test_a_reminder_mail_names_its_sender_is_auto_submitted_and_says_how_to_stop(town, smtp):
    town.task(local(-2, 9), people=(town.ann,), title="楼道清理")
    run(MORNING)
    [mail] = smtp.mails
    [sender] = mail.headers["From"]
    assert "社区共建任务台账" in sender and "<tracker@example.org>" in sender
    assert mail.headers["Auto-Submitted"] == ["auto-generated"]
    assert "提醒设置" in mail.body and mail.body.rstrip().endswith(f"{BASE}/me/settings")
