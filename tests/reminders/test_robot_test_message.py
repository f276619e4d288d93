"""「发送测试消息」 on a work-group robot's page (messages #4): one short message, now,
through the digests' own channel code, against the suite's real HTTP recorder standing
in for 企业微信 and 钉钉. Its answer is shown on the same page in Chinese — 已发送, or
why not as the status pages word a failed digest —, never the robot's URL or secret;
nothing is written to the outbox; a community's tests are limited (ROBOT_TEST_LIMIT)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging

import pytest
from tests import factories as f
from tracker.extensions import db
from tracker.models import AuditEvent, Outbox, Role
from tracker.services.notify import WebhookData, save_webhook

KEY = "key-7f3a9c1e"  # the URL's credential: never on a page or in a log
SECRET = "SECd4e5f6a7b8"


def _robot(town, recorder, channel="wecom", path="/wecom", secret=None):
    save_webhook(town.liaison, town.community,
                 WebhookData(channel, recorder.url(f"{path}?key={KEY}"), secret))
    db.session.commit()


def _press(client, town):
    response = client.post(f"/outbox/webhooks/{town.community.id}/test", follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == f"/outbox/webhooks/{town.community.id}"  # the same page
    return response.get_data(as_text=True)


def test_a_wecom_robot_gets_one_short_test_message_and_the_page_says_sent(
        client, login, town, recorder):
    _robot(town, recorder)
    login(town.liaison)
    page = _press(client, town)
    assert "测试消息已发送，请到工作群查看。" in page
    [post] = recorder.to("/wecom")
    assert post.query["key"] == [KEY]  # the stored URL, decrypted as the job does
    content = post.json["markdown"]["content"]
    assert post.json["msgtype"] == "markdown"
    assert "测试消息：解放路社区工作群提醒" in content and "联络员林芳" in content
    assert "https://gj.example.gov.cn/manage/" in content  # REMINDER_BASE_URL, as digests link
    # no digest: nothing in the outbox, so the page still says nothing was ever sent
    assert db.session.query(Outbox).count() == 0
    assert "还没有发送过。" in page
    [event] = db.session.query(AuditEvent).filter_by(action="webhook_test").all()
    assert event.actor_id == town.liaison.id and KEY not in str(event.detail)


def test_a_dingtalk_robot_is_signed_with_its_secret_as_digests_are(
        client, login, town, recorder):
    _robot(town, recorder, "dingtalk", "/ding", secret=SECRET)
    login(town.liaison)
    assert "测试消息已发送" in _press(client, town)
    [post] = recorder.to("/ding")
    # 钉钉 加签: sign = base64(HMAC-SHA256(secret, "timestamp\nsecret")) of its own timestamp
    timestamp = post.query["timestamp"][0]
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert post.query["sign"] == [expected]
    assert post.json["markdown"]["title"] == "测试消息：解放路社区工作群提醒"


@pytest.mark.parametrize("mode, words", [
    ("robot", "测试消息发送失败：robot errcode 310000: keywords not in content"),
    ("http", "测试消息发送失败：HTTP 500"),
])
def test_a_robot_that_answers_an_error_is_named_failed_with_its_words(
        client, login, town, recorder, caplog, mode, words):
    recorder.fail["/wecom"] = mode
    _robot(town, recorder)
    login(town.liaison)
    with caplog.at_level(logging.DEBUG):
        page = _press(client, town)
    assert words in page and "测试消息已发送" not in page
    assert db.session.query(Outbox).count() == 0
    for text in (page, caplog.text):
        assert KEY not in text and recorder.url("/wecom") not in text


def test_a_robot_out_of_reach_is_named_failed_without_its_address(
        client, login, town, recorder):
    _robot(town, recorder)
    recorder.stop()  # nobody listens at the robot's address any more
    login(town.liaison)
    page = _press(client, town)
    assert "测试消息发送失败：[Errno 111] Connection refused" in page
    assert KEY not in page and recorder.url("/wecom") not in page


def test_tests_are_limited_per_community_whoever_presses(app, client, login, town, recorder):
    """ROBOT_TEST_LIMIT (3 per 15 minutes by default): the fourth test within the window is
    refused on the same page, and nothing more reaches the group — an admin's press counts
    against the same community."""
    app.config["RATELIMIT_ENABLED"] = True  # the suite turns the counters off
    _robot(town, recorder)
    login(town.liaison)
    for _ in range(2):
        assert "测试消息已发送" in _press(client, town)
    admin = f.member(town.unit, Role.admin, "管理员")
    db.session.commit()
    login(admin)
    assert "测试消息已发送" in _press(client, town)
    login(town.liaison)
    page = _press(client, town)
    assert "测试消息发送过于频繁，请15分钟后再试。" in page
    assert len(recorder.to("/wecom")) == 3
    assert db.session.query(AuditEvent).filter_by(action="webhook_test").count() == 3


def test_a_stopped_robot_sends_no_test(client, login, town, recorder):
    _robot(town, recorder)
    login(town.liaison)
    client.post(f"/outbox/webhooks/{town.community.id}/stop", data={"confirmed": "1"})
    page = _press(client, town)
    assert "该社区没有在用的工作群机器人。" in page and "发送测试消息" not in page
    assert recorder.to("/wecom") == []


def test_the_button_is_on_the_page_of_an_active_robot(client, login, town, recorder):
    login(town.liaison)
    assert "发送测试消息" not in client.get(f"/outbox/webhooks/{town.community.id}").get_data(
        as_text=True)
    _robot(town, recorder)
    page = client.get(f"/outbox/webhooks/{town.community.id}").get_data(as_text=True)
    assert f'action="/outbox/webhooks/{town.community.id}/test"' in page
