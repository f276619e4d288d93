"""Two liaisons of one community (or a liaison and an admin) saving its 工作群机器人 at
once, each from a page read before either saved — in separate processes (two gunicorn
workers, two connections) on PostgreSQL (review "robotstale", session 29). SQLite's
writers take turns anyway, so these run only with TEST_DATABASE_URL.

The rule (tests/web/test_webhook_stale_page.py's): a robot is one thing, and a save
(or a 停用) from a page read before another saved or stopped it is refused whole — never the
other's robot replaced unseen, nor two first robots of one community (the second
failing on the table's key). Each save takes the community's row lock before it reads
the robot it checks its page against (``notify._lock_robot``), so the second waits and
reads what the first committed. Each order is forced (``tests.races.race_in_order``).
"""
from __future__ import annotations

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
REFUSAL = "您打开此页之后，该社区的工作群机器人已被他人修改，没有保存。请核对现在的机器人；如仍要替换，请重新粘贴 Webhook 地址（和加签密钥）后保存。"
STOP_REFUSAL = "您打开此页之后，该社区的工作群机器人已被他人修改，没有停用。请查看现在的机器人后再决定。"
OLD = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=00000000-old"
FIRST = "https://oapi.dingtalk.com/robot/send?access_token=first-liaisons"
SECOND = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=22222222-second"


def _world(url, *, robot: bool):
    """The community's liaison and an admin; with ``robot``, a 企业微信 robot the
    liaison set earlier. ``shown``: what both their pages showed of it."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Community, Role
    from tracker.services import notify

    with race_world(url) as (app, unit, item, _liaison):
        community = db.session.get(Community, item.community_id)
        liaison = f.member(unit, Role.liaison, name="联络员甲", communities=[community])
        admin = f.member(unit, Role.admin, name="管理员乙")
        db.session.commit()
        stored = (notify.save_webhook(liaison, community, notify.WebhookData("wecom", OLD))
                  if robot else None)
        db.session.commit()
        return app, dict(community=community.id, liaison=liaison.id, admin=admin.id,
                         shown=notify.webhook_shown_key(stored))


def _save(ids, who, channel, url):
    """``who`` saves the robot form as the page read before the race showed it."""
    from tracker.extensions import db
    from tracker.models import Community, Member
    from tracker.services import notify

    notify.save_webhook(db.session.get(Member, ids[who]),
                        db.session.get(Community, ids["community"]),
                        notify.WebhookData(channel, url), shown=ids["shown"])


def liaison_saves(ids):
    _save(ids, "liaison", "dingtalk", FIRST)


def admin_saves(ids):
    _save(ids, "admin", "wecom", SECOND)


def admin_stops(ids):
    from tracker.extensions import db
    from tracker.models import Community, Member
    from tracker.services import notify

    notify.stop_webhook(db.session.get(Member, ids["admin"]),
                        db.session.get(Community, ids["community"]), shown=ids["shown"])


def _robot(app, ids) -> tuple:
    """The community's robot as stored now: (channel, URL, 在用)."""
    from tracker.extensions import db
    from tracker.models import CommunityWebhook
    from tracker.reminders.secrets import decrypt

    with app.app_context():
        robot = db.session.get(CommunityWebhook, ids["community"])
        state = (robot.channel.value, decrypt(robot.url_encrypted), robot.active)
        db.session.remove()
        db.engine.dispose()
        return state


@pytest.mark.parametrize("robot", [True, False], ids=["replaced", "first"])
def test_two_saves_from_pages_read_before_either_save_once(tmp_path, robot):
    with race_database("postgresql", tmp_path, "robotrace" + str(robot).lower()) as url:
        app, ids = _world(url, robot=robot)
        got = race_in_order(MODULE, url, ids, "liaison_saves", "admin_saves")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["liaison_saves"]["ok"] is True and got["admin_saves"]["waited"] is True
        assert got["admin_saves"]["refused"] == REFUSAL
        assert _robot(app, ids) == ("dingtalk", FIRST, True)


def test_a_save_from_a_page_read_before_a_stop_does_not_switch_the_robot_on(tmp_path):
    with race_database("postgresql", tmp_path, "robotstop") as url:
        app, ids = _world(url, robot=True)
        got = race_in_order(MODULE, url, ids, "admin_stops", "liaison_saves")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["admin_stops"]["ok"] is True and got["liaison_saves"]["waited"] is True
        assert got["liaison_saves"]["refused"] == REFUSAL
        assert _robot(app, ids) == ("wecom", OLD, False)


def test_a_stop_from_a_page_read_before_a_save_does_not_stop_the_new_robot(tmp_path):
    with race_database("postgresql", tmp_path, "robotsavestop") as url:
        app, ids = _world(url, robot=True)
        got = race_in_order(MODULE, url, ids, "liaison_saves", "admin_stops")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["liaison_saves"]["ok"] is True and got["admin_stops"]["waited"] is True
        assert got["admin_stops"]["refused"] == STOP_REFUSAL
        assert _robot(app, ids) == ("dingtalk", FIRST, True)
