"""Permission matrix rows for 我的待办, the member's own pages (/me: reminder settings,
消息, the calendar feed), a task's .ics, and the reminder administration (/outbox).

A member's messages and feed are theirs alone (404 for anyone else, admins too);
the channel status page is the admin's; a community's work-group robot is set by
the community's liaison or an admin. The leader's phone (tel:) is shown only to the
liaison of the task's community and to the task's participants.
"""
import pytest

from tests.web.matrix import (
    ADMIN_ONLY,
    HIDDEN,
    OK,
    STAFF_ANY,
    STAFF_OF_COMMUNITY,
    Route,
    cases_for,
    check,
    everyone,
)
from tracker.extensions import db
from tracker.models import Channel, Outbox, OutboxStatus, TaskStatus
from tracker.services.notify import new_calendar_token
from tracker.timeutil import utcnow

ROBOT = {"channel": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}


def _message(w, status=OutboxStatus.sent, channel=Channel.inapp):
    row = Outbox(dedupe_key=f"test:{w.member.id}:{status.value}:{channel.value}", kind="returned",
                 channel=channel, member_id=w.member.id, subject="已退回请修改", body="请修改",
                 link=f"/tasks/{w.past_task.id}/report", status=status, attempts=0,
                 next_attempt_at=utcnow(), sent_at=utcnow())
    db.session.add(row)
    db.session.commit()
    return row


def _feed(w):
    w.feed_token = new_calendar_token(w.member)
    db.session.commit()


def _close_past_task(w):
    w.past_task.status = TaskStatus.closed
    db.session.commit()


ON_PAST_TASK = {"member": OK, "leader": OK, "liaison": OK, "admin": OK}

CASES = [
    Route("tasks.todo", "GET", lambda w: "/tasks/todo", everyone()),
    Route("tasks.calendar", "GET", lambda w: f"/tasks/{w.task.id}/calendar.ics", everyone(),
          id="ics-open"),
    Route("tasks.calendar", "GET", lambda w: f"/tasks/{w.past_task.id}/calendar.ics",
          ON_PAST_TASK, setup=_close_past_task, default=HIDDEN, id="ics-closed"),
    Route("me.index", "GET", lambda w: "/me/", everyone()),
    # 我的个人信息 and its download: the signed-in visitor's own, whoever they are
    Route("me.data", "GET", lambda w: "/me/data", everyone()),
    Route("me.data_json", "GET", lambda w: "/me/data.json", everyone()),
    Route("me.settings", "GET", lambda w: "/me/settings", everyone()),
    Route("me.settings", "POST", lambda w: "/me/settings", everyone(),
          data={"kind_tomorrow": "y", "sms_on": "y", "email": ""}),
    Route("me.messages", "GET", lambda w: "/me/messages", everyone()),
    # One's own message only: everyone else, admin included, gets 404.
    Route("me.read", "POST", lambda w: f"/me/messages/{_message(w).id}/read", {"member": OK},
          default=HIDDEN),
    Route("me.read", "POST", lambda w: "/me/messages/999999/read", everyone(HIDDEN),
          id="read-missing"),
    Route("me.read_all", "POST", lambda w: "/me/messages/read-all", everyone()),
    Route("me.calendar", "GET", lambda w: "/me/calendar", everyone()),
    Route("me.calendar", "POST", lambda w: "/me/calendar", everyone()),
    # The feed needs no login: its secret address is the credential …
    Route("me.feed", "GET", lambda w: f"/me/feed/{w.feed_token}.ics",
          everyone(anonymous=OK), setup=_feed, id="feed"),
    # … and a wrong or revoked one is 404 for everybody.
    Route("me.feed", "GET", lambda w: "/me/feed/not-a-token.ics",
          everyone(HIDDEN, anonymous=HIDDEN), id="feed-unknown"),

    Route("outbox.status", "GET", lambda w: "/outbox/", ADMIN_ONLY),
    Route("outbox.retry", "POST",
          lambda w: f"/outbox/messages/{_message(w, OutboxStatus.failed, Channel.email).id}/retry",
          ADMIN_ONLY),
    Route("outbox.webhooks", "GET", lambda w: "/outbox/webhooks", STAFF_ANY),
    Route("outbox.webhook", "GET", lambda w: f"/outbox/webhooks/{w.community.id}",
          STAFF_OF_COMMUNITY),
    Route("outbox.webhook", "POST", lambda w: f"/outbox/webhooks/{w.community.id}",
          STAFF_OF_COMMUNITY, data=ROBOT),
    Route("outbox.stop", "POST", lambda w: f"/outbox/webhooks/{w.community.id}/stop",
          STAFF_OF_COMMUNITY),
    # 发送测试消息: whoever may set the robot (with none set, refused on its page)
    Route("outbox.test", "POST", lambda w: f"/outbox/webhooks/{w.community.id}/test",
          STAFF_OF_COMMUNITY),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_reminder_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)


def test_someone_elses_message_stays_unread(client, login, world):
    message = _message(world)
    for actor in (world.other_member, world.liaison, world.admin):
        login(actor)
        assert client.post(f"/me/messages/{message.id}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Outbox, message.id).read_at is None


def test_a_revoked_feed_address_stops_working(client, world):
    old = new_calendar_token(world.member)
    db.session.commit()
    assert client.get(f"/me/feed/{old}.ics").status_code == 200
    new = new_calendar_token(world.member)
    db.session.commit()
    assert client.get(f"/me/feed/{old}.ics").status_code == 404
    assert client.get(f"/me/feed/{new}.ics").status_code == 200


# --- the leader's phone: the liaison of the task's community and its participants only ------

TEL = "tel:"


@pytest.mark.parametrize("actor, sees", [
    ("member", True),  # on the task
    ("leader", False),  # their own number is no use to them
    ("other_member", False),
    ("liaison", True),
    ("other_liaison", False),
    ("admin", False),
])
def test_leader_phone_on_the_task_page(client, login, world, actor, sees):
    from tracker.models import Assignment, AssignmentStatus

    db.session.add(Assignment(task_id=world.task.id, member_id=world.member.id,
                              status=AssignmentStatus.claimed))
    world.task.taken = 1
    db.session.commit()
    login(getattr(world, actor))
    page = client.get(f"/tasks/{world.task.id}").get_data(as_text=True)
    assert (f"{TEL}{world.leader.phone}" in page) is sees


@pytest.mark.parametrize("actor, sees", [("liaison", True), ("admin", False)])
def test_leader_phone_on_the_liaison_lists(client, login, world, actor, sees):
    """An ended, unreported task with a leader is on the 工作台 and 逾期事项."""
    login(getattr(world, actor))
    for url in ("/manage/", "/manage/stale", f"/manage/tasks/{world.past_task.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "楼道清理" in page, url
        assert (f"{TEL}{world.leader.phone}" in page) is sees, url
