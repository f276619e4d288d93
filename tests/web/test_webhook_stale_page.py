"""The 工作群机器人 form posted from a page read before someone else saved or stopped
the robot (review "robotstale", session 29: each save replaced the robot whole, so the
later of two saves silently replaced the other's robot).

The rule: a community's robot is one thing — its channel, URL and secret belong
together — and the community's liaisons and the admins may all set it. A save from a
page read before another saved or stopped the robot (or set the community's first) is
refused on the same page in Chinese, naming the robot as the page showed it and as it
is now (channel, 在用/已停用, who and when — never the URL or the secret), the channel
chosen kept, nothing written: the other's robot stays. The URL and the secret are
credentials never sent back to the browser, so they are typed again; posted again from
the refused page, the save replaces the robot knowingly. 停用 from a page read before
another saved the robot is refused too (stopped unseen, the other's new robot could
only be switched on again with its URL found and typed again): the robot's page says
so, naming nothing secret, and the robot stays 在用.
"""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from tests.web.stale_support import PageForms, by, signed_in, text
from tracker.extensions import db
from tracker.models import AuditEvent, Channel, CommunityWebhook
from tracker.reminders.secrets import decrypt

REFUSAL = "您打开此页之后，该社区的工作群机器人已被他人修改，没有保存。请核对现在的机器人；如仍要替换，请重新粘贴 Webhook 地址（和加签密钥）后保存。"
STOP_REFUSAL = "您打开此页之后，该社区的工作群机器人已被他人修改，没有停用。请查看现在的机器人后再决定。"
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=11111111-aaaa-4bc4-97a0-0ec2sifa5aaa"
WECOM_2 = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=33333333-cccc-4bc4-97a0-0ec2sifa5ccc"
DING = "https://oapi.dingtalk.com/robot/send?access_token=22222222bbbbdddd"
DING_SECRET = "SEC0123456789abcdef"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def robot_form(page: str, where: str, **typed) -> MultiDict:
    """What the page's form posting to ``where`` (the page itself, not its 停用) posts."""
    parser = PageForms()
    parser.feed(page)
    [fields] = [fields for action, fields in parser.forms if action == where]
    data = MultiDict([(k, v) for k, v in fields if k not in typed])
    for name, value in typed.items():
        data[name] = value
    return data


def save(browser, where: str, page: str, **typed):
    return by(browser).post(where, data=robot_form(page, where, **typed))


def robot_now(world) -> CommunityWebhook | None:
    db.session.expire_all()
    return db.session.get(CommunityWebhook, world.community.id)


def saves() -> int:
    return db.session.query(AuditEvent).filter_by(action="webhook_save").count()


def test_a_save_from_an_older_page_does_not_replace_the_others_robot(app, world):
    """The liaison and an admin open the page of a community with a 企业微信 robot; the
    liaison moves it to 钉钉; the admin, from the older page, saves another 企业微信
    robot: refused, the liaison's 钉钉 robot (URL and secret) stays."""
    liaison, admin = signed_in(app, world.liaison), signed_in(app, world.admin)
    url = f"/outbox/webhooks/{world.community.id}"
    first = text(by(liaison).get(url))
    assert save(liaison, url, first, channel="wecom", url=WECOM).status_code == 302
    liaison_page, admin_page = text(by(liaison).get(url)), text(by(admin).get(url))

    assert save(liaison, url, liaison_page, channel="dingtalk", url=DING,
                secret=DING_SECRET).status_code == 302
    before = saves()
    response = save(admin, url, admin_page, channel="wecom", url=WECOM_2)
    assert response.status_code == 200
    refused = text(response)
    assert REFUSAL in refused
    stale = refused[refused.find('id="stale"'):refused.find("</section>", refused.find('id="stale"'))]
    assert "打开页面时：企业微信群机器人，在用" in stale
    assert f"现在：钉钉群机器人，在用（{world.liaison.name} 于" in stale
    # the robot named, never by its URL or secret, and no URL sent back in the form
    for secret in ("11111111", "22222222bbbbdddd", "33333333", DING_SECRET):
        assert secret not in refused
    assert robot_form(refused, url)["channel"] == "wecom"  # what was chosen, kept
    robot = robot_now(world)
    assert robot.channel == Channel.dingtalk and decrypt(robot.url_encrypted) == DING
    assert decrypt(robot.secret_encrypted) == DING_SECRET
    assert saves() == before

    # read on the refused page: the URL typed again, the save replaces it knowingly
    assert save(admin, url, refused, url=WECOM_2).status_code == 302
    robot = robot_now(world)
    assert robot.channel == Channel.wecom and decrypt(robot.url_encrypted) == WECOM_2
    assert robot.secret_encrypted is None and robot.updated_by_id == world.admin.id


def test_the_first_robot_is_not_replaced_by_a_page_that_showed_none(app, world):
    liaison, admin = signed_in(app, world.liaison), signed_in(app, world.admin)
    url = f"/outbox/webhooks/{world.community.id}"
    liaison_page, admin_page = text(by(liaison).get(url)), text(by(admin).get(url))
    assert save(liaison, url, liaison_page, channel="wecom", url=WECOM).status_code == 302
    refused = text(save(admin, url, admin_page, channel="dingtalk", url=DING))
    assert REFUSAL in refused
    assert "打开页面时：未设置机器人" in refused
    assert "现在：企业微信群机器人，在用" in refused
    assert decrypt(robot_now(world).url_encrypted) == WECOM


def test_a_robot_stopped_since_is_not_switched_back_on_unseen(app, world):
    """An admin stops the robot (the group left); a liaison's page read before saves:
    refused, naming it 已停用 — the liaison decides knowingly to switch one on again."""
    liaison, admin = signed_in(app, world.liaison), signed_in(app, world.admin)
    url = f"/outbox/webhooks/{world.community.id}"
    assert save(liaison, url, text(by(liaison).get(url)), channel="wecom",
                url=WECOM).status_code == 302
    liaison_page, admin_page = text(by(admin).get(url)), text(by(liaison).get(url))
    stop = robot_form(liaison_page, f"{url}/stop", confirmed="1")
    assert by(admin).post(f"{url}/stop", data=stop).status_code == 302
    assert robot_now(world).active is False
    refused = text(save(liaison, url, admin_page, channel="wecom", url=WECOM_2))
    assert REFUSAL in refused
    assert f"现在：企业微信群机器人，已停用（{world.admin.name} 于" in refused
    robot = robot_now(world)
    assert robot.active is False and decrypt(robot.url_encrypted) == WECOM


def test_a_fresh_page_saves_at_once(app, world):
    liaison = signed_in(app, world.liaison)
    url = f"/outbox/webhooks/{world.community.id}"
    assert save(liaison, url, text(by(liaison).get(url)), channel="wecom",
                url=WECOM).status_code == 302
    assert save(liaison, url, text(by(liaison).get(url)), channel="dingtalk",
                url=DING).status_code == 302
    assert robot_now(world).channel == Channel.dingtalk


def test_a_stop_from_an_older_page_does_not_stop_the_others_new_robot(app, world):
    """The admin's page showed the old 企业微信 robot; the liaison has since set a 钉钉
    one; the admin's 停用 from the older page is refused, the 钉钉 robot stays 在用.
    From the robot's page read again, 停用 stops it."""
    liaison, admin = signed_in(app, world.liaison), signed_in(app, world.admin)
    url = f"/outbox/webhooks/{world.community.id}"
    assert save(liaison, url, text(by(liaison).get(url)), channel="wecom",
                url=WECOM).status_code == 302
    admin_page, liaison_page = text(by(admin).get(url)), text(by(liaison).get(url))
    assert save(liaison, url, liaison_page, channel="dingtalk", url=DING).status_code == 302

    response = by(admin).post(f"{url}/stop", data=robot_form(admin_page, f"{url}/stop", confirmed="1"))
    assert response.status_code == 302 and response.headers["Location"] == url
    page = text(by(admin).get(url))
    assert STOP_REFUSAL in page
    assert "22222222bbbbdddd" not in page
    robot = robot_now(world)
    assert robot.active is True and robot.channel == Channel.dingtalk

    response = by(admin).post(f"{url}/stop", data=robot_form(page, f"{url}/stop", confirmed="1"))
    assert response.status_code == 302
    assert robot_now(world).active is False


def _forged(state) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps({"robot": state}).encode()).decode()


@pytest.mark.parametrize("state", [
    {"channel": "wecom", "active": True, "by": None, "at": "not-a-date"},
    {"channel": "wecom", "active": True, "by": None, "at": "0001-01-01T00:00:00+14:00"},
    {"x": 1}, ["wecom"], "robot", {"channel": "sms", "active": True, "by": None, "at": None},
])
def test_an_unreadable_shown_robot_is_unknown_not_an_error(app, world, state):
    """The page's key is posted back (unsigned): one that says no robot is refused as
    from a page that showed 「（不详）」, what is stored now named — never a 500."""
    from tracker.services.notify import WebhookData, save_webhook

    save_webhook(world.admin, world.community, WebhookData("wecom", WECOM, None))
    db.session.commit()
    liaison = signed_in(app, world.liaison)
    url = f"/outbox/webhooks/{world.community.id}"
    page = text(by(liaison).get(url))
    response = save(liaison, url, page, channel="wecom", url=WECOM_2, shown=_forged(state))
    assert response.status_code == 200
    refused = text(response)
    assert "打开页面时：（不详）" in refused
    assert f"现在：企业微信群机器人，在用（{world.admin.name} 于" in refused


def test_a_posted_robot_names_nobody_outside_those_who_may_set_it(app, world):
    """A forged key naming any member by id: the refused page names the saver only
    when they may set this community's robot (its liaisons, the admins)."""
    from tests import factories as f
    from tracker.models import Role
    from tracker.services.notify import WebhookData, save_webhook

    stranger = f.member(world.unit, name="别社区的张秘密")
    elsewhere = f.member(world.unit, Role.liaison, "别社区联络员",
                         communities=[world.other_community])
    save_webhook(world.admin, world.community, WebhookData("wecom", WECOM, None))
    db.session.commit()
    liaison = signed_in(app, world.liaison)
    url = f"/outbox/webhooks/{world.community.id}"
    page = text(by(liaison).get(url))
    for who, named in ((stranger, False), (elsewhere, False), (world.liaison, True)):
        forged = {"channel": "dingtalk", "active": True, "by": who.id,
                  "at": "2020-01-01T00:00:00+00:00"}
        refused = text(save(liaison, url, page, channel="wecom", url=WECOM_2,
                            shown=_forged(forged)))
        assert "打开页面时：钉钉群机器人，在用（" in refused
        assert (who.name in refused.split("现在：")[0].split("打开页面时：", 1)[1]) is named
