"""「发送测试消息」 pressed at once (security41fix's Open, session 41): a burst of presses for
one community released together on separate processes — as many gunicorn workers, each
with its own app and connections — sends the work group no more test messages than
``ROBOT_TEST_LIMIT`` allows (3 per 15 minutes, per community whoever presses): three are
sent, every other press is refused 「测试消息发送过于频繁…」, and only the three sent are
audited. The limit exists so that nobody can flood a group with tests; a check made
before any press was counted let every press of the burst through.

Judged by what each press was answered and what the group (the suite's HTTP recorder)
received, not by the clock. Counts in the database (the default) and in Redis, as in
production. On SQLite a form POST holds the database's write lock from its first
statement (``db_setup``), so the presses take turns there whatever the throttle does:
that run guards the presses' units of work under real parallel processes; PostgreSQL's
is the one a check-then-count fails.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.races import connect_then_wait, race_app, race_database, race_world, run_racers
from tests.reminders.servers import Recorder
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow

RACERS = 10
LIMIT = 3  # the shipped ROBOT_TEST_LIMIT: 3 per 15 minutes
SENT = "测试消息已发送"
TOO_OFTEN = "测试消息发送过于频繁"
ROBOT_PATH = "/wecom"
CONFIG = {"WEBHOOK_HOSTS": ("127.0.0.1",), "REMINDER_HTTP_TIMEOUT": 20}


def _app(url: str):
    from tests import factories as f

    app = race_app(url)
    # the recorder stands in for 企业微信; the suite's cheap hash (no rehash at sign-in)
    app.config.update(CONFIG, PASSWORD_HASH_METHOD=f.PASSWORD_HASH_METHOD)
    return app


def _world(url: str, robot_url: str) -> tuple[int, int]:
    """An admin and a community whose work-group robot is the recorder: (their ids)."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Community, Role
    from tracker.services.notify import WebhookData, save_webhook

    with race_world(url) as (app, unit, _item, _liaison):
        app.config.update(CONFIG)
        admin = f.member(unit, Role.admin, "管理员")
        community = db.session.scalars(select(Community)).one()
        save_webhook(admin, community, WebhookData("wecom", robot_url))
        db.session.commit()
        return admin.id, community.id


def _press(url: str, storage: str, admin_id: int, community_id: int, barrier, results) -> None:
    """Child: the admin, signed in on an app of its own (a worker), presses
    「发送测试消息」 once; what the robot's page then says."""
    import traceback

    outcome = {"answer": None, "errors": []}
    try:
        from tests import factories as f
        from tracker.extensions import db
        from tracker.models import Member

        app = _app(url)
        app.config.update(RATELIMIT_STORAGE_URI=storage)  # not yet enabled: the sign-in
        client = app.test_client()
        with app.app_context():
            phone = db.session.get(Member, admin_id).phone
            signed_in = client.post("/auth/login", data={"phone": phone, "password": f.PASSWORD})
            assert signed_in.status_code == 302, signed_in.status_code
            app.config["RATELIMIT_ENABLED"] = True
            connect_then_wait(barrier)
            response = client.post(f"/outbox/webhooks/{community_id}/test",
                                   follow_redirects=True)
            text = response.get_data(as_text=True)
            outcome["answer"] = next((m for m in (SENT, TOO_OFTEN) if m in text),
                                     f"{response.status_code}: {text[:2000]}")
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001 — reported to the test
        outcome["errors"].append(traceback.format_exc())
    results.put(outcome)


def _audited(url: str) -> int:
    from tracker.extensions import db
    from tracker.models import AuditEvent

    app = _app(url)
    with app.app_context():
        n = db.session.scalar(select(func.count(AuditEvent.id))
                              .where(AuditEvent.action == "webhook_test"))
        db.session.remove()
        db.engine.dispose()
        return n


@pytest.fixture
def robot():
    server = Recorder().start()
    yield server
    server.stop()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_burst_of_test_presses_sends_the_group_no_more_than_the_limit(
        tmp_path, storage, robot, backend):
    with race_database(backend, tmp_path, "robotburst") as url:
        admin_id, community_id = _world(url, robot.url(f"{ROBOT_PATH}?key=k-41"))
        outcomes = run_racers(_press, [(url, storage, admin_id, community_id)] * RACERS)
        assert [e for o in outcomes for e in o["errors"]] == []
        answers = sorted(o["answer"] for o in outcomes)
        assert answers == sorted([SENT] * LIMIT + [TOO_OFTEN] * (RACERS - LIMIT)), answers
        assert len(robot.to(ROBOT_PATH)) == LIMIT
        assert _audited(url) == LIMIT
