"""A community's work-group robot, set by its liaison: the URL is a credential,
stored encrypted and never shown back in full; the admin's channel status page."""
from __future__ import annotations

import pytest

from tests.web.manage_support import audit_count, text
from tracker.extensions import db
from tracker.models import AuditEvent, CommunityWebhook
from tracker.reminders.secrets import decrypt

URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


def test_the_liaison_sets_a_robot_and_never_sees_the_url_again(client, login, world):
    login(world.liaison)
    response = client.post(f"/outbox/webhooks/{world.community.id}",
                           data={"channel": "wecom", "url": URL})
    assert response.status_code == 302
    robot = db.session.get(CommunityWebhook, world.community.id)
    assert URL not in robot.url_encrypted and decrypt(robot.url_encrypted) == URL
    for page in (text(client.get("/outbox/webhooks")),
                 text(client.get(f"/outbox/webhooks/{world.community.id}"))):
        assert "https://qyapi.weixin.qq.com/…5aaa" in page
        assert "693a91f6" not in page
    event = db.session.query(AuditEvent).filter_by(action="webhook_save").one()
    assert "693a91f6" not in str(event.detail)


def test_a_bad_url_is_refused_on_the_form(client, login, world):
    login(world.liaison)
    events = audit_count()
    page = text(client.post(f"/outbox/webhooks/{world.community.id}",
                            data={"channel": "wecom", "url": "qyapi.weixin.qq.com/send"}))
    assert "请粘贴机器人的完整 Webhook 地址" in page
    assert db.session.get(CommunityWebhook, world.community.id) is None
    assert audit_count() == events


@pytest.mark.parametrize("channel, url", [
    ("wecom", "http://127.0.0.1:5432/x"),  # the server's own network
    ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),  # not https
    ("wecom", "https://qyapi.weixin.qq.com.evil.example/send?key=k"),
    ("wecom", "https://oapi.dingtalk.com/robot/send?access_token=t"),  # the other robot's
    ("dingtalk", "https://10.0.0.8/robot/send"),
])
def test_a_robot_is_only_wecoms_or_dingtalks_own(client, login, world, channel, url):
    """The server posts a community's reminders (names, titles, links) to the robot: a
    liaison account may not point that at any other address."""
    login(world.liaison)
    page = text(client.post(f"/outbox/webhooks/{world.community.id}",
                            data={"channel": channel, "url": url}))
    assert "只能填写企业微信（https://qyapi.weixin.qq.com/…）或钉钉" in page
    assert db.session.get(CommunityWebhook, world.community.id) is None


def test_an_operator_may_name_a_relay_host(app, client, login, world):
    app.config["WEBHOOK_HOSTS"] = ("relay.county.example",)
    login(world.liaison)
    response = client.post(f"/outbox/webhooks/{world.community.id}",
                           data={"channel": "wecom", "url": "http://relay.county.example/w"})
    assert response.status_code == 302


def test_stopping_a_robot(client, login, world):
    login(world.liaison)
    client.post(f"/outbox/webhooks/{world.community.id}", data={
        "channel": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=t1",
        "secret": "SECxyz"})
    client.post(f"/outbox/webhooks/{world.community.id}/stop", data={"confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(CommunityWebhook, world.community.id).active is False


def test_the_status_page_lists_every_channel(client, login, world):
    login(world.admin)
    page = text(client.get("/outbox/"))
    for name in ("站内消息", "邮件", "短信", "企业微信群", "钉钉群"):
        assert name in page
    assert "没有发送失败的提醒" in page


@pytest.mark.parametrize("signature, warned", [("", True), ("【某县直属机关工委】", False)])
def test_the_status_page_says_when_sms_go_out_unsigned(app, client, login, world, signature,
                                                      warned):
    """messages #2: an SMS gateway without SMS_SIGNATURE — what start-up logs, the admin
    reads on 提醒发送状态 too."""
    app.config.update(SMS_GATEWAY_URL="https://sms.example.gov.cn/send", SMS_SIGNATURE=signature)
    login(world.admin)
    page = text(client.get("/outbox/"))
    assert ("没有设置短信签名（SMS_SIGNATURE）" in page) is warned
