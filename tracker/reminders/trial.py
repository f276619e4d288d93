"""「发送测试消息」: one short message to a community's work-group robot, now, so whoever
set it up sees at once whether the group hears it instead of waiting for the next digest.

The one sender a page reaches (``tests/test_architecture.py`` names it): the liaison
asked to wait for this answer, and it goes through the job's own code — the robot's
stored URL and 加签 secret (``job.recipient_of``), the same sender, timeout and overall
deadline (REMINDER_HTTP_TIMEOUT), the same masked error words (``job.deliver``) — so a
test that passes means the digests will pass. Nothing is written to the outbox; a test
the robot took is noted on the robot (``notify.robot_test_passed``), which ends the
工作台's notice of a digest given up before it.
"""
from __future__ import annotations

import secrets

from flask_babel import gettext as _

from ..extensions import db
from ..models import Community, CommunityWebhook, Member
from ..services.notify import robot_test_passed
from ..timeutil import utcnow
from . import channels, job, reasons


def trial_message(actor: Member, community: Community, config) -> channels.Message:
    """Short, and saying what it is: a group that sees it knows nothing is owed."""
    return channels.Message(
        subject=_("测试消息：%(community)s工作群提醒", community=community.name),
        body=_("这是一条测试消息，由%(name)s发送，用于确认工作群机器人设置正确，无需回复。",
               name=actor.name),
        link=f"{config['REMINDER_BASE_URL']}/manage/" if config.get("REMINDER_BASE_URL") else None,
        sent_at=utcnow(), key="gj-test-" + secrets.token_hex(12))


def send_robot_test(actor: Member, robot: CommunityWebhook, config) -> str | None:
    """Send the test now: None when the robot took it, else why not, in the words the
    status pages show for a failed digest (``reasons.words``; never the URL or secret)."""
    community = db.session.get(Community, robot.community_id)
    recipient = job.recipient_of(None, robot.community_id, robot.channel, config)
    message = trial_message(actor, community, config)
    community_id, channel, tested = robot.community_id, robot.channel, robot.updated_at
    db.session.commit()  # no transaction stays open while we talk to the network
    if recipient.skip is not None or recipient.problem is not None:
        return reasons.words(recipient.skip or recipient.problem)
    error, reason, _unreachable = job.deliver(channels.senders(config).get(channel.value),
                                              channel, recipient, message)
    if error is None and reason is None:
        robot_test_passed(community_id, tested, utcnow())
        db.session.commit()
        return None
    return reasons.words(reason, error)
