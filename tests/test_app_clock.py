"""``tests.clock.set_app_clock`` moves the whole application's clock, every time it is
called: a test that goes from one day to another (the rollups' ``clock``) gets the
second day in the services that imported ``utcnow`` by name too (main48), and in the
stamps the models write themselves (clock50)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, DateTime, select

from tests import factories as f
from tests.clock import set_app_clock
from tests.needs.support import need_data
from tracker import timeutil
from tracker.extensions import db
from tracker.models import Assignment, AuditEvent, LoginSession, Need, WaitlistEntry
from tracker.models.types import UTCDateTime
from tracker.services import tasks as tasks_service
from tracker.services import unit_of_work
from tracker.services.claims import claim_slot
from tracker.services.needs import post_need, update_need
from tracker.services.waitlist import join_waitlist


def test_a_second_day_reaches_a_service_that_imported_the_clock_by_name(monkeypatch):
    set_app_clock(monkeypatch, date(2020, 1, 10))
    set_app_clock(monkeypatch, date(2025, 12, 2))

    assert timeutil.local_today() == date(2025, 12, 2)
    # ``tasks`` has its own name for ``utcnow``: a start a week after the second day is
    # within the year around today, though more than a year after the first
    tasks_service.check_start_window(datetime(2025, 12, 10, 9))
    assert timeutil.to_local(tasks_service.utcnow()).date() == date(2025, 12, 2)


# A day far from any machine's: a stamp from the machine's clock cannot pass for it.
SET_DAY = date(2025, 12, 2)


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), timeutil.LOCAL_TZ)


def test_the_rows_the_app_writes_are_stamped_by_the_set_clock(monkeypatch, world, login):
    """A claim, a 候补, a login, a need posted and then edited the next day, and the audit
    rows of each: every stamp is the moment the test set — the columns the models stamp
    themselves (``created_at``, ``updated_at``) as well as the ones the services write."""
    set_app_clock(monkeypatch, SET_DAY)
    task = f.task(world.item, world.liaison, slots=1, title="敬老院包饺子")
    db.session.commit()
    with unit_of_work():
        claim = claim_slot(task, world.member)
    with unit_of_work():
        waiting = join_waitlist(task, world.other_member)
    login(world.leader)
    with unit_of_work():
        posted = post_need(world.liaison, need_data(world))
    set_app_clock(monkeypatch, SET_DAY + timedelta(days=1))
    with unit_of_work():
        update_need(posted, world.liaison, need_data(world, description="赵奶奶要一副新的"))
    db.session.expire_all()

    day, next_day = _moment(SET_DAY), _moment(SET_DAY + timedelta(days=1))
    assert db.session.get(Assignment, claim.id).claimed_at == day
    assert db.session.get(WaitlistEntry, waiting.id).joined_at == day
    [session] = db.session.scalars(select(LoginSession).where(
        LoginSession.member_id == world.leader.id))
    assert (session.created_at, session.last_seen_at) == (day, day)
    need = db.session.get(Need, posted.id)
    assert (need.created_at, need.updated_at) == (day, next_day)
    stamps = {event.action: event.created_at for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(
            ["claim", "waitlist_join", "login", "need_post", "need_edit"])))}
    assert stamps == {"claim": day, "waitlist_join": day, "login": day, "need_post": day,
                      "need_edit": next_day}


def test_every_stamp_a_model_writes_itself_reads_the_set_clock(monkeypatch):
    """Every column default (and on-update value) of a date or a time, on every table:
    the moment the test set, or its Beijing day — none keeps the machine's clock."""
    set_app_clock(monkeypatch, SET_DAY)
    seen = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, (Date, DateTime, UTCDateTime)):
                continue
            for when, default in (("default", column.default), ("onupdate", column.onupdate)):
                if default is None or not default.is_callable:
                    continue
                value = default.arg(None)
                if isinstance(value, (date, datetime)):
                    seen[f"{table.name}.{column.name} {when}"] = value
    # the 23 stamped rows' columns, need.updated_at's onupdate and need.posted_on's day,
    # when this was written: the sweep does find them
    assert len(seen) >= 25
    assert {where: value for where, value in seen.items()
            if value not in (_moment(SET_DAY), SET_DAY)} == {}
