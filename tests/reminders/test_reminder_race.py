"""`send-reminders` run twice at once against the demo world sends each due reminder
exactly once — to a real SMTP server, SMS gateway and work-group robots started by
the test — on a SQLite file and on PostgreSQL (two separate processes, as two timers
or a manual run during the timer's would be)."""
from __future__ import annotations

import traceback
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select, update

from tests.races import RACE_BUSY_TIMEOUT_MS, connect_then_wait, race_database, run_racers
from tests.reminders.conftest import local, reminder_config
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow
JOBS = 2


def _app(url: str, config: dict):
    from tracker import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "RATELIMIT_ENABLED": False,
                       "SQLITE_BUSY_TIMEOUT_MS": RACE_BUSY_TIMEOUT_MS, **config})


def _job(url: str, config: dict, now_iso: str, barrier, results) -> None:
    """Child process: one run of the job, started at the same signal as the other."""
    outcome = {"sent": 0, "errors": []}
    try:
        from tracker.extensions import db
        from tracker.reminders.job import run

        app = _app(url, config)
        with app.app_context():
            connect_then_wait(barrier)
            report = run(datetime.fromisoformat(now_iso))
            outcome.update(sent=report.sent, errors=report.errors, written=report.written)
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001 — every failure is reported to the parent
        outcome["errors"].append(traceback.format_exc())
    results.put(outcome)


def _demo_world(url: str, config: dict, robot_urls: dict) -> None:
    from tracker.demo import LIAISON_PHONE, seed_demo
    from tracker.extensions import db
    from tracker.models import Community, Member, MemberNotify, SummaryNote
    from tracker.services.notify import WebhookData, save_webhook
    from tracker.timeutil import local_today

    app = _app(url, config)
    with app.test_request_context("/"):
        seed_demo(today=local_today())
        # The demo's last month is signed (已定稿): its waiting reports are the admins'
        # to approve (admin_waiting), not in the liaison's digest. Re-opened here, so the
        # liaison's digest and its SMS copy race as well.
        db.session.execute(update(SummaryNote).values(finalized_at=None, finalized_by_id=None))
        demo_member = db.session.scalar(select(Member).where(Member.phone == "13800000002"))
        db.session.add(MemberNotify(member_id=demo_member.id, email="zhou@example.org",
                                    email_on=True, sms_on=True))
        liaison = db.session.scalar(select(Member).where(Member.phone == LIAISON_PHONE))
        for community in db.session.scalars(select(Community)):
            channel, robot = robot_urls[community.name]
            save_webhook(liaison, community, WebhookData(channel, robot, "SECdemo"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_jobs_at_once_send_each_reminder_exactly_once(backend, tmp_path, smtp, recorder):
    from tracker.extensions import db
    from tracker.models import Channel, Outbox, OutboxStatus
    from tracker.reminders.job import run

    config = reminder_config(smtp.port, recorder)
    robots = {"解放路社区": ("wecom", recorder.url("/wecom")),
              "建设路社区": ("dingtalk", recorder.url("/dingtalk"))}
    now = local(0, 10)  # a weekday morning outside quiet hours
    with race_database(backend, tmp_path, "reminders") as url:
        _demo_world(url, config, robots)
        outcomes = run_racers(_job, [(url, config, now.isoformat())] * JOBS)
        assert [e for o in outcomes for e in o["errors"]] == []

        app = _app(url, config)
        with app.app_context():
            # A liaison's SMS copy of the digest waits for its work group robot's outcome;
            # when the other job was sending that robot message right then, it is decided
            # by the next run: this one, after the race.
            settled = run(now)
            push = select(Outbox).where(Outbox.channel != Channel.inapp)
            rows = list(db.session.scalars(push))
            assert rows, "the demo world owes something"
            # Every community has a robot, so each liaison's SMS copy of the digest is
            # set aside (the work group got it); everything else was sent.
            copies = [r for r in rows if r.channel == Channel.sms and r.kind == "review_waiting"]
            assert copies and {(r.status, r.reason) for r in copies} == {
                (OutboxStatus.skipped, "work_group_got")}
            rows = [r for r in rows if r not in copies]
            assert {r.status for r in rows} == {OutboxStatus.sent}

            def deliveries(channel):
                return db.session.scalar(select(func.count(func.distinct(Outbox.delivery_id)))
                                         .where(Outbox.channel == channel))

            # Each message arrived once: as many as were sent, none twice.
            assert len(smtp.mails) == deliveries(Channel.email) > 0
            assert all(n == 1 for n in Counter((tuple(m.to), m.subject)
                                               for m in smtp.mails).values())
            assert len(recorder.to("/sms")) == deliveries(Channel.sms) > 0
            robot_posts = len(recorder.to("/wecom")) + len(recorder.to("/dingtalk"))
            assert robot_posts == deliveries(Channel.wecom) + deliveries(Channel.dingtalk) > 0
            # The two jobs together sent each row once.
            assert sum(o["sent"] for o in outcomes) + settled.sent == len(rows)
            # The demo member 13800000002 owes hours: an e-mail and an in-app message.
            assert any(m.to == ["zhou@example.org"] for m in smtp.mails)
            db.session.remove()
            db.engine.dispose()
