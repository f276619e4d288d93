"""A signed month's figures are changed by an admin only (docs/design.md), whichever
unit's month it is: a participant's hours count for their unit of the day
(``stays.unit_then``) — its 参与 count, hours and 未参与名单 — even on another unit's
activity, so every path that writes done hours (添加遗漏的参加人员, 补录 and the ledger
import, 通过) asks the closed months of each participant's unit as well as the
activity's, and refuses a liaison in words that name the member and the unit
(review39 #8). A free-text 补录申请 is the unit's of its day (review39 #3)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.rollups import builders as b
from tests.web.manage_support import text
from tests.services.test_backfill_reach import (  # noqa: F401 (fixture)
    BEFORE, CHANGE, _sheet, days_ago, past_work, people, refused)
from tracker.extensions import db
from tracker.models import (AssignmentStatus, BackfillRequest, ReportStatus, RequestStatus,
                            SummaryNote, SummaryScope)
from tracker.reports import final
from tracker.services import ServiceErrors, unit_of_work
from tracker.services.backfill import (Participant, add_forgotten_participant,
                                       backfill_problems, record_past_activity)
from tracker.services.backfill_requests import admin_only_adoptions, adopt_notices
from tracker.services.reviews import approval_refusal, approval_refusals, approve_report
from tracker.services.ledger_import import check_ledger, read_ledger
from tracker.services.summary_notes import final_unit_months
from tracker.services.voiding import void_activity, void_refusal
from tracker.timeutil import local_today, utcnow


def _last_month():
    return (local_today().replace(day=1) - timedelta(days=1)).replace(day=10)


@pytest.fixture
def finance(world):
    """县财政局 works in the liaison's community too and has signed last month; 王五 and
    赵七 are its members (赵七 took part in nothing)."""
    day = _last_month()
    other = f.unit("县财政局")
    f.item(other, world.community, year=day.year)
    wang = f.member(other, name="王五")
    zhao = f.member(other, name="赵七")
    db.session.commit()
    final.finalize(world.admin, SummaryScope(unit_id=other.id), day.year, day.month)
    db.session.commit()
    return dict(unit=other, wang=wang, zhao=zhao, day=day,
                months=final_unit_months([other.id], day, day))


def _approved_activity(world, day):
    """县商务局's approved activity of ``day`` (its own month not signed)."""
    task = b.task_on(world.item, world.liaison, day)
    b.join(task, world.member)
    b.report(task, world.liaison)
    db.session.commit()
    return task


def _signed_words(name, unit, day):
    return f"{name}所在单位（{unit}）{day.year}年{day.month}月的月报已定稿"


def test_adding_another_units_member_to_past_work_of_its_signed_month_is_an_admins(
        world, finance):
    task = _approved_activity(world, finance["day"])
    assert final.told_changed(finance["months"]).changed == []

    message = refused(lambda: add_forgotten_participant(world.liaison, task,
                                                        finance["wang"], None))
    assert _signed_words("王五", "县财政局", finance["day"]) in message
    assert "须由单位管理员操作" in message
    assert final.told_changed(finance["months"]).changed == [], "县财政局's signed month changed"

    with unit_of_work():  # the admin may, and the signed month's page then says so
        add_forgotten_participant(world.admin, task, finance["wang"], None)
    assert final.told_changed(finance["months"]).changed == finance["months"]


def test_the_communitys_own_signed_month_refuses_adding_anyones_hours(world):
    """A community's 月报 counts every unit's work there: its 定稿 closes the month to a
    liaison whatever the units' own 月报 (asked already, by the activity's scopes)."""
    day = _last_month()
    task = _approved_activity(world, day)
    other = f.member(world.unit, name="孙八")
    db.session.commit()
    final.finalize(world.admin, SummaryScope(community_id=world.community.id), day.year,
                   day.month)
    db.session.commit()
    message = refused(lambda: add_forgotten_participant(world.liaison, task, other, None))
    assert f"{day.year}年{day.month}月的月报已定稿" in message


def test_a_backfill_naming_members_of_a_signed_unit_names_them_all_with_the_rest(
        world, finance):
    day = finance["day"]
    work = past_work(world, finance["wang"], day)
    work.participants.append(Participant(finance["zhao"]))
    work.note = ""  # every refusal of the form at once
    found = dict(backfill_problems(world.liaison, world.item, work, hold=False, lock=False))
    assert _signed_words("王五、赵七", "县财政局", day) in str(found["participants"])
    assert "note" in found
    with pytest.raises(ServiceErrors):
        with unit_of_work():
            record_past_activity(world.liaison, world.item, work)
    assert final.told_changed(finance["months"]).changed == []


def test_a_backfill_of_the_units_own_members_is_not_asked_of_another_units_month(
        world, finance):
    with unit_of_work():
        record_past_activity(world.liaison, world.item,
                             past_work(world, world.member, finance["day"]))
    assert final.told_changed(finance["months"]).changed == []


def test_approving_an_activity_another_units_member_took_part_in_is_an_admins(
        world, finance):
    task = b.task_on(world.item, world.liaison, finance["day"])
    b.join(task, world.member)
    b.join(task, finance["wang"], AssignmentStatus.checked_in)  # counted at 通过
    report = b.report(task, world.liaison, ReportStatus.submitted)
    db.session.commit()

    words = _signed_words("王五", "县财政局", finance["day"])
    assert words in str(approval_refusal(task, world.liaison, lock=False))
    assert words in str(approval_refusals([task], world.liaison)[task.id])  # 待审核
    assert approval_refusals([task], world.admin) == {}
    message = refused(lambda: approve_report(report, world.liaison, count_checked_in=True))
    assert words in message
    assert final.told_changed(finance["months"]).changed == []
    # not counting the check-in, nothing of 县财政局 changes: the liaison may
    with unit_of_work():
        approve_report(db.session.get(type(report), report.id), world.liaison)
    assert final.told_changed(finance["months"]).changed == []


def admin_only_adoption(request):
    """What the queue marks 须由单位管理员采纳 and the admins' digest lists."""
    waiting = admin_only_adoptions([request]).get(request.id)
    return None if waiting is None else waiting.documents[0].closed


def _request_of(world, member, day, task=None):
    request = BackfillRequest(member_id=member.id, community_id=world.community.id,
                              service_date=day, description="楼道清理", minutes=120,
                              task_id=task.id if task else None,
                              status=RequestStatus.pending)
    db.session.add(request)
    db.session.commit()
    return request


def _sign(world, unit, day):
    db.session.add(SummaryNote(scope_key=f"unit:{unit.id}", unit_id=unit.id, year=day.year,
                               month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()


def test_a_moved_members_request_is_the_admins_when_the_old_units_month_is_signed(
        world, people):  # noqa: F811 (the fixture)
    moved, day = people["moved"], days_ago(BEFORE)
    _sign(world, world.unit, day)
    request = _request_of(world, moved, day)
    # the liaison cannot record it: the work counts for 县商务局, whose month is signed
    assert "定稿" in refused(lambda: record_past_activity(world.liaison, world.item,
                                                          past_work(world, moved, day)))
    # ... and the queue says so up front, the admins' digest lists it
    assert admin_only_adoption(request) is not None
    assert adopt_notices([request], world.liaison)[request.id].refused
    assert adopt_notices([request], world.admin) == {}


def test_a_moved_members_request_is_the_liaisons_when_only_the_new_units_month_is_signed(
        world, people):  # noqa: F811 (the fixture)
    # A day of a month she ended in 县商务局: the last day of the month before her move.
    # ``BEFORE`` days ago is that month only on the 6th to the 10th (session 54): on
    # other days her move lies in the request's month, and 县财政局's roll of the month's
    # end has her (a unit's 参与情况 counts it), so its signed month is changed.
    moved = people["moved"]
    day = days_ago(CHANGE).replace(day=1) - timedelta(days=1)
    _sign(world, moved.unit, day)  # 县财政局: her unit now, not on the request's day
    request = _request_of(world, moved, day)
    assert admin_only_adoption(request) is None
    with unit_of_work():  # and the liaison may record it
        record_past_activity(world.liaison, world.item, past_work(world, moved, day))


def test_a_request_naming_an_approved_activity_asks_the_members_unit_too(world, finance):
    task = _approved_activity(world, finance["day"])
    request = _request_of(world, finance["wang"], finance["day"], task)
    closed = admin_only_adoption(request)
    assert closed is not None and (closed.year, closed.month) == (
        finance["day"].year, finance["day"].month)


def test_the_review_pages_say_up_front_that_another_units_signed_month_is_an_admins(
        client, login, world, finance):
    """The report page and 待审核 ask the rule 通过 refuses by, and say so instead of
    offering it."""
    task = b.task_on(world.item, world.liaison, finance["day"])
    b.join(task, finance["wang"])
    report = b.report(task, world.liaison, ReportStatus.submitted)
    db.session.commit()
    login(world.liaison)
    words = _signed_words("王五", "县财政局", finance["day"])
    for page in (f"/manage/reports/{report.id}", "/manage/reviews"):
        html = text(client.get(page))
        assert words in html and f"/manage/reports/{report.id}/approve" not in html


def test_the_request_pages_ask_the_unit_of_the_requests_day(
        client, login, world, people):  # noqa: F811 (the fixture)
    """The 补录申请 queue and the 补录 form opened from a request ask 采纳's rule — the
    moved member's unit of the day, whose month is signed — and say so up front."""
    moved, day = people["moved"], days_ago(BEFORE)
    _sign(world, world.unit, day)
    request = _request_of(world, moved, day)
    login(world.liaison)
    queue = text(client.get("/backfill-requests/"))
    assert f"（{world.unit.name}）{day.year}年{day.month}月的月报已定稿" in queue
    assert f"/manage/backfill?request={request.id}" not in queue
    form = text(client.get(f"/manage/backfill?request={request.id}"))
    assert f"{day.year}年{day.month}月的月报已定稿，补录该月的活动须由单位管理员操作" in form


def test_voiding_an_activity_another_units_member_is_counted_on_is_an_admins(world, finance):
    """作废 takes the member's hours out of her unit's signed month as surely as adding
    them put them in."""
    task = _approved_activity(world, finance["day"])
    b.join(task, finance["wang"])
    db.session.commit()
    words = _signed_words("王五", "县财政局", finance["day"])
    assert words in str(void_refusal(task, world.liaison, lock=False))
    assert words in refused(lambda: void_activity(task, world.liaison, "未开展"))
    assert void_refusal(task, world.admin, lock=False) is None


def test_the_ledger_import_names_another_units_signed_month_on_the_members_row(
        world, finance):
    """The ledger import records each activity through 补录 (``record_past_activity``):
    its preview names the refusal on the row, and nothing is written."""
    sheet = _sheet(world, finance["wang"], finance["day"])
    rows = check_ledger(world.liaison, read_ledger("台账.xlsx", sheet).rows).rows
    said = " ".join(str(error) for row in rows for error in row.errors)
    assert _signed_words("王五", "县财政局", finance["day"]) in said
    assert final.told_changed(finance["months"]).changed == []
