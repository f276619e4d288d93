"""Findings (摸排问题) services, without HTTP: who may record and move a finding,
the order found → 已移交 → 已整改, and the dates' rules."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AuditEvent, FindingKind, FindingStatus, TaskStatus
from tracker.services import PermissionDenied, ServiceError, ServiceErrors
from tracker.services import findings as svc
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today


@pytest.fixture
def survey(world):
    item = f.item(world.unit, world.community, "facility_survey", zone=f.zone(world.community))
    task = b.task_on(item, world.liaison, TODAY - timedelta(days=3), leader=world.leader)
    db.session.commit()
    return task


def data(**changes):
    values = {"kind": FindingKind.sewer, "place": "建设路12号", "description": "井盖破损"}
    values.update(changes)
    return svc.FindingData(**values)


def test_leader_and_liaison_record_findings(world, survey):
    by_leader = svc.record_finding(survey, world.leader, data())
    by_liaison = svc.record_finding(survey, world.liaison, data(kind=FindingKind.road))
    for finding in (by_leader, by_liaison):
        assert finding.status == FindingStatus.found and finding.active
        assert (finding.community_id, finding.zone_id, finding.unit_id, finding.found_on) == (
            survey.community_id, survey.zone_id, survey.unit_id, survey.service_date)
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                             .where(AuditEvent.action == "record_finding")) == 2


@pytest.mark.parametrize("who", ["member", "other_member", "other_liaison"])
def test_others_may_not_record(world, survey, who):
    with pytest.raises(PermissionDenied):
        svc.record_finding(survey, getattr(world, who), data())


def test_only_from_a_survey_that_started_and_is_not_cancelled(world, survey):
    with pytest.raises(ServiceError, match="只有摸排任务"):
        svc.record_finding(world.past_task, world.leader, data())
    survey.status = TaskStatus.cancelled
    with pytest.raises(ServiceError, match="已取消"):
        svc.record_finding(survey, world.leader, data())
    upcoming = f.task(survey.resource_item, world.liaison, leader=world.leader)
    with pytest.raises(ServiceError, match="任务开始后"):
        svc.record_finding(upcoming, world.leader, data())


@pytest.mark.parametrize("place, message", [("", "请填写问题位置"), ("  ", "请填写问题位置"),
                                            ("路" * 121, "位置不能超过")])
def test_place_is_required_and_short(world, survey, place, message):
    with pytest.raises(ServiceError, match=message) as error:
        svc.record_finding(survey, world.leader, data(place=place))
    assert error.value.field == "place"


def test_found_handed_over_fixed(world, survey):
    finding = svc.record_finding(survey, world.leader, data())
    with pytest.raises(ServiceError, match="只有“已移交”"):
        svc.mark_fixed(finding, world.liaison, TODAY)
    svc.hand_over(finding, world.liaison, " 县住建局 ", TODAY - timedelta(days=1))
    assert (finding.status, finding.handed_to) == (FindingStatus.handed_over, "县住建局")
    with pytest.raises(ServiceError, match="只有“已发现”"):
        svc.hand_over(finding, world.liaison, "别处", TODAY)
    with pytest.raises(ServiceError, match="不能早于移交日期") as error:
        svc.mark_fixed(finding, world.liaison, TODAY - timedelta(days=2))
    assert error.value.field == "fixed_on"
    svc.mark_fixed(finding, world.admin, TODAY)
    assert (finding.status, finding.fixed_on) == (FindingStatus.fixed, TODAY)


@pytest.mark.parametrize("handed_to, on, message, field", [
    ("", TODAY, "请填写移交给哪个部门或单位", "handed_to"),
    ("县住建局", None, "请填写日期", "handed_over_on"),
    ("县住建局", TODAY + timedelta(days=1), "日期不能晚于今天", "handed_over_on"),
    ("县住建局", TODAY - timedelta(days=30), "不能早于发现日期", "handed_over_on"),
])
def test_hand_over_rules(world, survey, handed_to, on, message, field):
    finding = svc.record_finding(survey, world.leader, data())
    with pytest.raises(ServiceError, match=message) as error:
        svc.hand_over(finding, world.liaison, handed_to, on)
    assert error.value.field == field
    assert finding.status == FindingStatus.found


@pytest.mark.parametrize("who", ["leader", "member", "other_liaison"])
def test_only_staff_of_the_community_move_findings(world, survey, who):
    finding = svc.record_finding(survey, world.leader, data())
    with pytest.raises(PermissionDenied):
        svc.hand_over(finding, getattr(world, who), "县住建局", TODAY)
    with pytest.raises(PermissionDenied):
        svc.deactivate(finding, getattr(world, who))


def test_services_flush_but_never_commit(world, survey):
    finding = svc.record_finding(survey, world.leader, data())
    finding_id = finding.id
    db.session.rollback()
    assert db.session.get(type(finding), finding_id) is None


def test_deactivated_finding_is_kept_and_frozen(world, survey):
    finding = svc.record_finding(survey, world.leader, data())
    svc.deactivate(finding, world.liaison, "重复")
    assert finding.active is False
    with pytest.raises(ServiceError, match="已删除"):
        svc.hand_over(finding, world.liaison, "县住建局", TODAY)


# --- a step dated in a 已定稿 month ---------------------------------------------------------

LAST_MONTH = TODAY.replace(day=1) - timedelta(days=1)  # its last day


def finalise(world, day, *, community=False):
    """The 月报 of ``day``'s month is 已定稿: the unit's, or the community's."""
    from tracker.models import SummaryNote
    from tracker.timeutil import utcnow

    scope = (dict(scope_key=f"community:{world.community.id}", community_id=world.community.id)
             if community else dict(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id))
    db.session.add(SummaryNote(year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id, **scope))
    db.session.commit()


@pytest.fixture
def last_months_finding(world):
    """A finding of last month's approved survey, still 已发现."""
    from tracker.models import ReportStatus

    item = f.item(world.unit, world.community, "facility_survey")
    task = b.task_on(item, world.liaison, LAST_MONTH.replace(day=1), leader=world.leader)
    b.report(task, world.leader, ReportStatus.approved, quantity=1)
    finding = b.finding(task, world.leader)
    db.session.commit()
    return finding


@pytest.mark.parametrize("community", [False, True], ids=["unit", "community"])
def test_a_hand_over_dated_in_a_finalised_month_is_an_admins(world, last_months_finding,
                                                             community):
    """A step counts in the 月报 of the month it is dated in (本月移交N处, the month's
    statuses on its last day): once that month is signed, only an admin records one
    dated in it."""
    finding = last_months_finding
    finalise(world, LAST_MONTH, community=community)
    with pytest.raises(ServiceError, match=f"{LAST_MONTH.year}年{LAST_MONTH.month}月的月报已定稿，"
                                           "登记该月的移交须由单位管理员操作") as error:
        svc.hand_over(finding, world.liaison, "县住建局", LAST_MONTH)
    assert error.value.field == "handed_over_on"
    db.session.rollback()
    assert finding.status == FindingStatus.found and finding.handed_over_on is None
    # dated after the signed month: the liaison's as ever
    svc.hand_over(finding, world.liaison, "县住建局", TODAY)
    assert finding.status == FindingStatus.handed_over
    db.session.rollback()
    svc.hand_over(finding, world.admin, "县住建局", LAST_MONTH)
    assert (finding.status, finding.handed_over_on) == (FindingStatus.handed_over, LAST_MONTH)


def test_a_fix_dated_in_a_finalised_month_is_an_admins(world, last_months_finding):
    finding = last_months_finding
    svc.hand_over(finding, world.liaison, "县住建局", LAST_MONTH.replace(day=2))
    db.session.commit()
    finalise(world, LAST_MONTH)
    with pytest.raises(ServiceError, match=f"{LAST_MONTH.year}年{LAST_MONTH.month}月的月报已定稿，"
                                           "登记该月的整改须由单位管理员操作") as error:
        svc.mark_fixed(finding, world.liaison, LAST_MONTH)
    assert error.value.field == "fixed_on"
    db.session.rollback()
    assert finding.status == FindingStatus.handed_over
    svc.mark_fixed(finding, world.liaison, TODAY)  # this month: not signed
    assert finding.status == FindingStatus.fixed
    db.session.rollback()
    svc.mark_fixed(finding, world.admin, LAST_MONTH)
    assert (finding.status, finding.fixed_on) == (FindingStatus.fixed, LAST_MONTH)


def test_steps_in_a_month_not_finalised_are_the_liaisons(world, last_months_finding):
    finding = last_months_finding
    finalise(world, LAST_MONTH.replace(day=1) - timedelta(days=1))  # the month before
    svc.hand_over(finding, world.liaison, "县住建局", LAST_MONTH)
    svc.mark_fixed(finding, world.liaison, LAST_MONTH)
    assert finding.status == FindingStatus.fixed


def test_a_hand_over_written_without_its_date_can_still_be_fixed(world, survey):
    """A finding 已移交 with no hand-over recorded (written by an older release or by
    hand: status only, both 移交给 and 移交日期 empty, which the database allows) is
    fixed like any other: there is no hand-over day the fix must follow."""
    finding = svc.record_finding(survey, world.leader, data())
    finding.status = FindingStatus.handed_over
    db.session.commit()
    svc.mark_fixed(finding, world.liaison, TODAY)
    db.session.commit()
    assert (finding.status, finding.fixed_on) == (FindingStatus.fixed, TODAY)


def test_the_database_holds_the_target_and_the_day_of_a_hand_over_together(world, survey):
    """移交给 and 移交日期 are one step: a finding written with one and not the other is
    refused by the database itself, whoever writes it."""
    from sqlalchemy.exc import IntegrityError

    for half in ({"handed_to": "县住建局"}, {"handed_over_on": TODAY}):
        finding = svc.record_finding(survey, world.leader, data())
        db.session.commit()
        for name, value in half.items():
            setattr(finding, name, value)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_hand_over_names_every_refused_field_at_once(world, survey):
    """An empty 移交给 and a date in the future are refused together, each under its
    field; the finding stays 已发现."""
    finding = svc.record_finding(survey, world.leader, data())
    with pytest.raises(ServiceErrors) as refused:
        svc.hand_over(finding, world.liaison, "  ", TODAY + timedelta(days=1))
    assert [(e.field, str(e.message)) for e in refused.value.errors] == [
        ("handed_to", "请填写移交给哪个部门或单位。"), ("handed_over_on", "日期不能晚于今天。")]
    assert finding.status == FindingStatus.found and finding.handed_to is None
