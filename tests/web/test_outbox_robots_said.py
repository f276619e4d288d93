"""walk47 #5: 提醒发送状态 says of the work groups what is true.

A work-group robot is each community's own, set by its liaison (/outbox/webhooks); the
job sends to the communities whose robot is on. The status page said 「已开通」 for
企业微信群 and 钉钉群 on an installation where no community had one, which reads as
"the groups get reminders" when nothing would be sent. Now: 「未设置」 until a
community has one, then how many communities have one on, per channel."""
from __future__ import annotations

import re

from tests.web.manage_support import text

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=t1"


def _state(client, channel: str) -> str:
    """The 状态 cell of ``channel``'s row of the status page, without its markup."""
    page = text(client.get("/outbox/"))
    [row] = [r for r in page.split("<tr>") if f">{channel}</td>" in r]
    cell = row.split('data-label="状态">', 1)[1].split("</td>", 1)[0]
    return re.sub(r"<[^>]+>", "", cell).strip()


def test_the_work_groups_are_not_said_open_until_a_community_sets_a_robot(
        client, login, world):
    login(world.admin)
    for channel in ("企业微信群", "钉钉群"):
        state = _state(client, channel)
        assert state.startswith("未设置") and "已开通" not in state, state
    assert _state(client, "站内消息") == "已开通"  # always there

    login(world.liaison)
    client.post(f"/outbox/webhooks/{world.community.id}", data={"channel": "wecom", "url": WECOM})
    login(world.other_liaison)
    client.post(f"/outbox/webhooks/{world.other_community.id}",
                data={"channel": "wecom", "url": WECOM})
    login(world.admin)
    assert _state(client, "企业微信群").startswith("2个社区已设置")
    assert _state(client, "钉钉群").startswith("未设置")

    # one community moves to DingTalk, the other stops its robot: nothing is on for WeCom
    login(world.liaison)
    client.post(f"/outbox/webhooks/{world.community.id}",
                data={"channel": "dingtalk", "url": DINGTALK, "secret": "SECxyz"})
    login(world.other_liaison)
    client.post(f"/outbox/webhooks/{world.other_community.id}/stop", data={"confirmed": "1"})
    login(world.admin)
    assert _state(client, "企业微信群").startswith("未设置")
    assert _state(client, "钉钉群").startswith("1个社区已设置")
