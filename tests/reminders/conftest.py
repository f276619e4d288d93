"""Fixtures of the reminder tests: the real SMTP and HTTP servers, an app configured
to use them, and a small town with a fixed clock (the job takes ``now``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from tests import factories as f
from tests.reminders.servers import Recorder, SmtpServer
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, MemberNotify, Role
from tracker.timeutil import LOCAL_TZ, local_today

SMS_SECRET = "gateway-secret"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def recorder():
    server = Recorder().start()
    yield server
    server.stop()


def reminder_config(smtp_port: int, recorder: Recorder) -> dict:
    return _settings(smtp_port, recorder.url("/sms?to={phone}"))


def _settings(smtp_port: int, sms_url: str) -> dict:
    return {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_SECURITY": "plain",
        "SMTP_FROM": "tracker@example.org",
        "SMS_GATEWAY_URL": sms_url,
        "SMS_BODY_TEMPLATE": '{"mobile": "{phone}", "content": "{text}", "sign": "社区共建"}',
        "SMS_SIGNING_SECRET": SMS_SECRET,
        "REMINDER_BASE_URL": "https://gj.example.gov.cn",
        "REMINDER_HTTP_TIMEOUT": 5,
        "WEBHOOK_HOSTS": ("127.0.0.1",),  # the local recorder stands in for the robots
    }


# Where the app is built to send: no server listens here. The cached app's key is its
# configuration, and each test's servers listen on ports of their own, so a config
# carrying them made a new app per test (create_app, a new database file, templates
# compiled again: over half a second of each reminder test's one or two, session 51).
# The app is built with these, and ``app`` below points it at the test's own servers;
# the channels read the settings when they send (tracker/reminders/channels.py).
UNREACHED_PORT = 9  # discard: nothing listens on it here


@pytest.fixture
def app_config():
    return _settings(UNREACHED_PORT, f"http://127.0.0.1:{UNREACHED_PORT}/sms?to={{phone}}")


@pytest.fixture
def app(app, smtp, recorder):
    """The cached app, sending to this test's own SMTP server and recorder (a test may
    still change ``app.config``: the whole config is put back before the next test)."""
    app.config.update(reminder_config(smtp.port, recorder))
    return app


def local(days: int, hour: int, minute: int = 0) -> datetime:
    """An aware UTC time: ``days`` from today, at ``hour`` Asia/Shanghai."""
    day = local_today() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(
        timezone.utc)


@dataclass
class Town:
    unit: object
    community: object
    other: object
    item: object
    liaison: object
    ann: object  # a member with e-mail on
    bob: object  # a member with SMS only
    lee: object  # a leader

    def task(self, starts_at: datetime, *, hours: int = 2, leader=None, people=(), title=None,
             item=None):
        task = f.task(item or self.item, self.liaison, starts_at=starts_at,
                      duration=timedelta(hours=hours), leader=leader, title=title, slots=10)
        for person in people:
            db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                      status=AssignmentStatus.claimed, claimed_at=starts_at
                                      - timedelta(days=3)))
        task.taken = len(people)
        db.session.commit()
        return task


@pytest.fixture
def town(cached_build) -> Town:
    """The town, committed; built once per 30 s of a worker and put back from its
    snapshot for the tests in between (``cached_build``, docs/testing.md)."""
    return cached_build("reminders-town", _build_town)


def _build_town() -> Town:
    unit = f.unit("县商务局")
    community = f.community("解放路社区")
    other = f.community("建设路社区")
    item = f.item(unit, community, "environment_cleanup", year=local_today().year)
    liaison = f.member(unit, Role.liaison, "联络员林芳", communities=[community])
    ann = f.member(unit, name="周建国")
    bob = f.member(unit, name="陈丽华")
    lee = f.member(unit, name="王组长")
    db.session.add(MemberNotify(member_id=ann.id, email="ann@example.org", email_on=True,
                                sms_on=False))
    db.session.commit()
    return Town(unit, community, other, item, liaison, ann, bob, lee)
