"""A community's work-group robot, set by its liaison: the URL is a credential,
stored encrypted and never shown back in full; the admin's channel status page."""
from __future__ import annotations

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


def test_stopping_a_robot(client, login, world):
    login(world.liaison)
    client.post(f"/outbox/webhooks/{world.community.id}", data={"channel": "dingtalk", "url": URL,
                                                               "secret": "SECxyz"})
    client.post(f"/outbox/webhooks/{world.community.id}/stop")
    db.session.expire_all()
    assert db.session.get(CommunityWebhook, world.community.id).active is False


def test_the_status_page_lists_every_channel(client, login, world):
    login(world.admin)
    page = text(client.get("/outbox/"))
    for name in ("站内消息", "邮件", "短信", "企业微信群", "钉钉群"):
        assert name in page
    assert "没有发送失败的提醒" in page
