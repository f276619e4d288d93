"""A page that only shows whether an action is offered never waits for a 定稿 (PostgreSQL).

A write into a month (通过, 作废, 补录, 采纳 …) asks whether the month is 已定稿 under
``summary_notes.lock_scope``'s shared lock, held to its commit, so a 定稿 cannot sign
the month between the answer and the write; a 定稿 holds the exclusive side (the
unit's row for a unit's 月报, the community's for a community's) while it renders and
signs the month's document. The pages that only say what is offered — the report's
page (通过, or why not), the task's page and the 作废 page (作废, or why not), the 补录
form and the 补录申请 queue (采纳, or why not) — take no lock: the action asks again
under it. Here a 定稿 holds its lock on a second connection while the liaison opens
each page, the app's connections giving up a lock wait after 1 s (``lock_timeout``):
every page answers and says what it said before (they used to wait for the 定稿, and
here failed after the second). Nothing races: every step runs in a fixed order.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from tests import factories as f
from tests.backfill_requests.support import asked
from tests.rollups import builders as b
from tests.scratch_db import PG_URL
from tests.web.manage_support import text
from tracker.extensions import db
from tracker.models import (
    Community,
    FindingStatus,
    ReportStatus,
    SummaryNote,
    TaskReport,
    Unit,
)
from tracker.timeutil import local_today, utcnow

pytestmark = pytest.mark.skipif(not PG_URL, reason="SQLite has no row locks: its writers take turns")


@pytest.fixture(autouse=True)
def impatient_app(app):
    """The app's connections wait at most 1 s for a row lock: a page that waited for the
    定稿 fails instead of answering late. Only this test's connections: the pool is
    emptied before and after."""

    def impatient(dbapi_connection, _record):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
        dbapi_connection.autocommit = autocommit

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", impatient)
    yield
    event.remove(db.engine, "connect", impatient)
    db.session.remove()
    db.engine.dispose()


@contextmanager
def signing(which: str, unit_id: int, community_id: int):
    """A 定稿 of the unit's 月报 (``which`` "unit") or of the community's ("community")
    under way on another connection, as another gunicorn worker's: it holds the row
    ``lock_scope(…, shared=False)`` locks (FOR NO KEY UPDATE) until the block ends."""
    table, row = (Unit, unit_id) if which == "unit" else (Community, community_id)
    with db.engine.connect() as conn:
        conn.execute(select(table.id).where(table.id == row).with_for_update(key_share=True))
        try:
            yield
        finally:
            conn.rollback()


def _signed_and_open_months():
    """Last month (signed below) and the month before it (open)."""
    signed = local_today().replace(day=1) - timedelta(days=1)
    return signed, signed.replace(day=1) - timedelta(days=1)


def _survey_handed_over_on(world, held_in, handed_on, title):
    """A survey held in ``held_in``'s month whose finding was handed over on ``handed_on``."""
    survey = b.task_on(f.item(world.unit, world.community, "facility_survey"), world.liaison,
                       held_in, title=title)
    found = b.finding(survey, world.leader)
    found.status, found.handed_to, found.handed_over_on = (
        FindingStatus.handed_over, "县住建局", handed_on)
    return survey


def _sign(world, day):
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))


@pytest.mark.parametrize("which", ["unit", "community"])
def test_the_report_page_says_why_not_approve_while_a_final_is_being_signed(
        client, login, world, which):
    """The report's page says the signed month makes the approval an admin's — the
    activity's own month, or the month a survey's finding was handed over in — with no
    通过, while a 定稿 holds its lock. 通过 itself (of a report in an open month) still
    waits for the 定稿: it asks under the lock."""
    signed, open_month = _signed_and_open_months()
    own = b.report(b.task_on(world.item, world.liaison, signed, title="已定稿月份的活动"),
                   world.leader, ReportStatus.submitted, quantity=1)
    step = b.report(_survey_handed_over_on(world, open_month, signed, "问题移交在已定稿月份的摸排"),
                    world.leader, ReportStatus.submitted, quantity=1)
    unsigned = b.report(b.task_on(world.item, world.liaison, open_month, title="未定稿月份的活动"),
                        world.leader, ReportStatus.submitted, quantity=1)
    _sign(world, signed)
    db.session.commit()
    login(world.liaison)
    ids = world.unit.id, world.community.id
    own_words = f"{signed.year}年{signed.month}月的月报已定稿，审核通过该月的完成情况须由单位管理员操作"
    step_words = f"该活动的数据也计入{signed.year}年{signed.month}月的月报"
    for report, words in ((own, own_words), (step, step_words)):
        with signing(which, *ids):
            response = client.get(f"/manage/reports/{report.id}")
        assert response.status_code == 200
        page = text(response)
        assert words in page
        assert f'action="/manage/reports/{report.id}/approve"' not in page
        assert f'action="/manage/reports/{report.id}/return"' in page

    with signing(which, *ids):
        page = client.get(f"/manage/reports/{unsigned.id}")
        approve = client.post(f"/manage/reports/{unsigned.id}/approve")
    assert page.status_code == 200
    assert f'action="/manage/reports/{unsigned.id}/approve"' in text(page)
    assert approve.status_code == 503  # waited for the 定稿 and gave up after 1 s
    db.session.rollback()
    assert db.session.get(TaskReport, unsigned.id).status == ReportStatus.submitted
    assert client.post(f"/manage/reports/{unsigned.id}/approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(TaskReport, unsigned.id).status == ReportStatus.approved


@pytest.mark.parametrize("which", ["unit", "community"])
def test_the_task_and_void_pages_say_why_not_void_while_a_final_is_being_signed(
        client, login, world, which):
    """The task's page says why 作废 is an admin's (the activity's own signed month, or
    the month its finding was handed over in), and 作废 unconfirmed (the post that would
    bring its confirmation page) sends the liaison back to it saying so, while a 定稿
    holds its lock."""
    signed, open_month = _signed_and_open_months()
    own = b.task_on(world.item, world.liaison, signed, title="已定稿月份的活动")
    survey = _survey_handed_over_on(world, open_month, signed, "问题移交在已定稿月份的摸排")
    for task in (own, survey):
        b.report(task, world.leader, ReportStatus.approved, quantity=1)
    _sign(world, signed)
    db.session.commit()
    login(world.liaison)
    ids = world.unit.id, world.community.id
    own_words = f"{signed.year}年{signed.month}月的月报已定稿，作废该月的活动须由单位管理员操作"
    step_words = (f"该活动的数据也计入{signed.year}年{signed.month}月的月报（摸排问题在该月移交或整改，"
                  "或需求在该月完成），该月的月报已定稿，作废须由单位管理员操作")
    for task, words in ((own, own_words), (survey, step_words)):
        with signing(which, *ids):
            page = client.get(f"/manage/tasks/{task.id}")
            void = client.post(f"/manage/tasks/{task.id}/void", data={"void-reason": "误录"})
        assert page.status_code == 200
        assert words in text(page) and f'action="/manage/tasks/{task.id}/void"' not in text(page)
        assert void.status_code == 302
        assert words in text(client.get(void.headers["Location"]))


@pytest.mark.parametrize("which", ["unit", "community"])
def test_the_backfill_form_and_the_requests_queue_say_why_not_adopt_while_a_final_is_being_signed(
        client, login, world, which):
    """A 补录申请 for a day of a signed month: the queue and the 补录 form it opens say
    an admin must adopt it, while a 定稿 holds its lock."""
    signed, _open = _signed_and_open_months()
    request = asked(world.member, world.community, service_date=signed)
    _sign(world, signed)
    db.session.commit()
    login(world.liaison)
    ids = world.unit.id, world.community.id
    with signing(which, *ids):
        queue = client.get("/backfill-requests/")
        form = client.get(f"/manage/backfill?request={request.id}")
    assert queue.status_code == 200 and form.status_code == 200
    # the item of her unit there named as 保存 on it names it (review46b)
    assert (f"资源清单项目所属单位（{world.unit.name}）{signed.year}年{signed.month}月的月报已定稿，"
            "补录该月的活动须由单位管理员操作") in text(queue)
    assert f"/manage/backfill?request={request.id}" not in text(queue)
    assert f"{signed.year}年{signed.month}月的月报已定稿，补录该月的活动须由单位管理员操作" in text(form)
