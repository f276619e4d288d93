"""A liaison's SMS copy of a digest their community's work group also got (messages #5):
SMS costs money per message and the liaison is in the work group, so a digest the
group's robot delivered is not sent to them again by SMS — unless the robot failed for
good, when the SMS still leaves. Real local SMS gateway and robot (the recorder)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from tests import factories as f
from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tracker.extensions import db
from tracker.models import Channel, MemberNotify, OutboxStatus, ReportStatus, Role, TaskReport
from tracker.reminders.job import run
from tracker.services.notify import WebhookData, save_webhook
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)  # outside quiet hours


def waiting(town, title: str, item=None):
    """A report submitted 8 days ago, not reviewed (STALE_REVIEW_DAYS is 7)."""
    task = town.task(local(-9, 9), title=title, item=item)
    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=1, note="完成",
                              status=ReportStatus.submitted, submitted_by_id=town.lee.id,
                              submitted_at=MORNING - timedelta(days=8)))
    db.session.commit()


def sms_to(recorder, member) -> list[dict]:
    return [json.loads(post.body) for post in recorder.to("/sms")
            if json.loads(post.body)["mobile"] == member.phone]


def with_robot(town, recorder):
    save_webhook(town.liaison, town.community, WebhookData("wecom", recorder.url("/wecom")))
    db.session.commit()


def test_robot_delivered_means_no_sms_copy(town, recorder):
    waiting(town, "楼道清理")
    with_robot(town, recorder)
    run(MORNING)
    assert len(recorder.to("/wecom")) == 1
    assert sms_to(recorder, town.liaison) == []
    [sms] = rows(kind="review_waiting", channel=Channel.sms)
    assert (sms.status, sms.reason) == (OutboxStatus.skipped, "work_group_got")
    # the in-app copy is kept: the full list, at no cost
    [inapp] = rows(kind="review_waiting", channel=Channel.inapp)
    assert inapp.status == OutboxStatus.sent and "楼道清理" in inapp.body


def test_the_email_copy_is_kept(town, smtp, recorder):
    db.session.add(MemberNotify(member_id=town.liaison.id, email="lin@example.org",
                                email_on=True, sms_on=True, sms_with_email=True))
    db.session.commit()
    waiting(town, "楼道清理")
    with_robot(town, recorder)
    run(MORNING)
    assert [mail.to for mail in smtp.mails] == [["lin@example.org"]]
    assert sms_to(recorder, town.liaison) == []


def test_robot_failed_for_good_means_the_sms_copy_is_sent(app, town, recorder):
    app.config["REMINDER_MAX_ATTEMPTS"] = 2
    recorder.fail["/wecom"] = "robot"  # errcode 310000, every time
    waiting(town, "楼道清理")
    with_robot(town, recorder)

    run(MORNING)  # the robot's first try fails, a retry is left: the SMS waits for it
    [group] = rows(kind="review_waiting", channel=Channel.wecom)
    assert group.status == OutboxStatus.pending
    assert sms_to(recorder, town.liaison) == []
    [sms] = rows(kind="review_waiting", channel=Channel.sms)
    assert sms.status == OutboxStatus.pending and sms.attempts == 0

    run(MORNING + timedelta(hours=1))  # past the retry's wait: the robot fails for good
    [group] = rows(kind="review_waiting", channel=Channel.wecom)
    assert group.status == OutboxStatus.failed
    [copy] = sms_to(recorder, town.liaison)
    assert "有1条完成情况提交已超过7天" in copy["content"]
    [sms] = rows(kind="review_waiting", channel=Channel.sms)
    assert sms.status == OutboxStatus.sent


def test_no_robot_means_the_sms_copy_is_sent(town, recorder):
    waiting(town, "楼道清理")
    run(MORNING)
    assert recorder.to("/wecom") == []
    [copy] = sms_to(recorder, town.liaison)
    assert "有1条完成情况提交已超过7天" in copy["content"]


def test_a_liaison_of_two_communities_one_with_a_robot(town, recorder):
    """The community without a robot heard nothing: the SMS copy leaves, counting its
    reports only — 解放路's one went to 解放路's work group, 建设路's two did not: 「有2条」,
    not 3. Once the second community has a robot too (the next day's digest), it does not."""
    other_item = f.item(town.unit, town.other, "ad_removal")
    town.liaison.communities = [town.community, town.other]
    db.session.commit()
    waiting(town, "解放路的")
    waiting(town, "建设路的一", item=other_item)
    waiting(town, "建设路的二", item=other_item)
    with_robot(town, recorder)

    run(MORNING)
    [group] = recorder.to("/wecom")
    assert "解放路的" in group.json["markdown"]["content"]
    [copy] = sms_to(recorder, town.liaison)
    assert "有2条完成情况提交已超过7天" in copy["content"]
    [sms] = rows(kind="review_waiting", channel=Channel.sms)
    assert sms.status == OutboxStatus.sent
    assert "建设路的一" in sms.body and "建设路的二" in sms.body and "解放路的" not in sms.body
    # the in-app copy keeps all three, at no cost
    [inapp] = rows(kind="review_waiting", channel=Channel.inapp)
    assert inapp.body.startswith("有3条完成情况提交已超过7天")

    save_webhook(town.liaison, town.other,
                 WebhookData("dingtalk", recorder.url("/dingtalk?access_token=t")))
    db.session.commit()
    run(local(1, 10))
    assert len(recorder.to("/wecom")) == 2 and len(recorder.to("/dingtalk")) == 1
    assert len(sms_to(recorder, town.liaison)) == 1  # still only yesterday's


def test_the_settings_page_says_it_to_a_liaison_only(client, login, town):
    rule = "已发到社区工作群的待审核汇总，不再用短信重复发给您"
    login(town.liaison)
    assert rule in client.get("/me/settings").get_data(as_text=True)
    login(town.bob)
    assert rule not in client.get("/me/settings").get_data(as_text=True)


def test_the_status_pages_still_show_what_went_to_whom(client, login, town, recorder):
    waiting(town, "楼道清理")
    with_robot(town, recorder)
    run(MORNING)
    admin = f.member(town.unit, Role.admin, "管理员")
    db.session.commit()
    login(admin)
    page = client.get("/outbox/").get_data(as_text=True)
    # 短信: 0 pending, 0 failed, 1 not needed (the liaison's copy the work group got)
    sms_row = page.split("短信</td>", 1)[1].split("</tr>", 1)[0]
    cells = [cell.rsplit(">", 1)[-1] for cell in sms_row.split("</td>")[-4:-1]]
    assert cells == ["0", "0", "1"]
    assert "社区工作群已收到的汇总不再用短信发给联络员" in page
    login(town.liaison)
    robots = client.get(f"/outbox/webhooks/{town.community.id}").get_data(as_text=True)
    assert "已发送" in robots
