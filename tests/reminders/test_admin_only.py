"""What only an admin may do reaches the unit's admins, not the liaison (walk7 D6): a
report of a 已定稿 month waits for an admin's 通过, a 补录申请 dated in one for an
admin's 采纳. The liaison's 待审核已等待多日 leaves them out — no daily nag to do what
they cannot —, and the admins get 待单位管理员处理 in their own digest, through the same
outbox and channels. Against the real SMTP server and SMS recorder of tests/reminders,
with the clock injected."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

import pytest
from tests import factories as f
from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tracker.extensions import db
from tracker.models import (Assignment, AssignmentStatus, BackfillRequest, Channel,
                            MemberNotify, RequestStatus, Role, RollPeriod, SummaryNote)
from tracker.reminders.job import run
from tracker.timeutil import local_today, to_local, utcnow

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)


def _admin(town):
    admin = f.member(town.unit, Role.admin, "管理员王强")
    db.session.add(MemberNotify(member_id=admin.id, email="admin@example.org", email_on=True,
                                sms_on=False))
    db.session.commit()
    return admin


def _waiting(town, task, by, *, signed_by=None, days=8):
    """``task`` reported ``days`` ago, waiting for review; its month signed by ``signed_by``."""
    f.reported(task, by, approved=False, signed_by=signed_by)
    task.report.submitted_at = MORNING - timedelta(days=days)
    db.session.commit()


def _request(town, day, *, days=8):
    db.session.add(BackfillRequest(
        member_id=town.ann.id, community_id=town.community.id, service_date=day,
        description="扫雪", minutes=60, status=RequestStatus.pending,
        created_at=MORNING - timedelta(days=days)))
    db.session.commit()


def test_what_only_an_admin_may_do_reaches_the_admin_and_not_the_liaisons_digest(
        town, smtp, recorder):
    admin = _admin(town)
    signed = town.task(local(-40, 9), title="已定稿月的活动")
    _waiting(town, signed, town.lee, signed_by=admin)
    _waiting(town, town.task(local(-9, 9), title="本月的活动"), town.lee)
    _request(town, signed.service_date)  # 采纳 would change the signed month: the admin's
    _request(town, to_local(MORNING).date() - timedelta(days=9))  # the liaison's to decide

    run(MORNING)

    [digest] = rows(kind="review_waiting", channel=Channel.inapp)
    assert digest.member_id == town.liaison.id
    assert "本月的活动" in digest.body and "已定稿月的活动" not in digest.body
    assert "有1条完成情况" in digest.body
    [sms] = [p.json["content"] for p in recorder.to("/sms")]  # the liaison's SMS copy
    assert "有1条完成情况" in sms

    [mail] = [m for m in smtp.mails if m.to == ["admin@example.org"]]
    assert mail.subject == "待单位管理员处理：2项"
    assert "已定稿月的活动" in mail.body and "本月的活动" not in mail.body
    assert f"{town.ann.name} {signed.service_date.isoformat()}" in mail.body
    assert mail.body.count(town.ann.name) == 1  # the open month's request is the liaison's
    assert "https://gj.example.gov.cn/manage/reviews" in mail.body
    assert {r.member_id for r in rows(kind="admin_waiting")} == {admin.id}
    assert {r.channel for r in rows(kind="admin_waiting")} == {Channel.inapp, Channel.email}

    run(MORNING + timedelta(hours=3))  # daily: nothing new the same day
    assert len([m for m in smtp.mails if m.to == ["admin@example.org"]]) == 1


def test_a_liaison_whose_waiting_reports_are_all_the_admins_gets_no_digest(town, smtp, recorder):
    """Before: 「有2条完成情况提交已超过7天，等待审核」 every day, each offering only 退回."""
    admin = _admin(town)
    signed = town.task(local(-40, 9), title="已定稿月的活动")
    _waiting(town, signed, town.lee, signed_by=admin)

    run(MORNING)
    run(local(1, 10))

    assert rows(kind="review_waiting") == []
    assert recorder.to("/sms") == []
    assert [m.subject for m in smtp.mails] == ["待单位管理员处理：1项"] * 2  # a day apart


def test_only_admins_are_offered_the_admins_digest(client, login, town):
    admin = _admin(town)
    login(town.liaison)
    assert "待单位管理员处理" not in client.get("/me/settings").get_data(as_text=True)
    login(admin)
    assert "待单位管理员处理" in client.get("/me/settings").get_data(as_text=True)


def _finance_admin(town):
    """县财政局 works in the community too; its admin reads e-mail."""
    finance = f.unit("县财政局")
    f.item(finance, town.community, year=to_local(MORNING).year)
    admin = f.member(finance, Role.admin, "管理员赵敏")
    db.session.add(MemberNotify(member_id=admin.id, email="finance@example.org",
                                email_on=True, sms_on=False))
    db.session.commit()
    return finance, admin


def _sign(unit, day, by):
    db.session.add(SummaryNote(scope_key=f"unit:{unit.id}", unit_id=unit.id, year=day.year,
                               month=day.month, finalized_at=utcnow(), finalized_by_id=by.id))
    db.session.commit()


def test_a_report_changing_a_participants_units_signed_month_reaches_that_units_admins(
        town, smtp, recorder):
    """review39 #8: 王五 of 县财政局 took part in 县商务局's activity; 县财政局's month is
    signed, so its approval is an admin's, and 县财政局's admins are told."""
    finance, admin = _finance_admin(town)
    wang = f.member(finance, name="王五")
    task = town.task(local(-40, 9), title="联合清扫")
    db.session.add(Assignment(task_id=task.id, member_id=wang.id,
                              status=AssignmentStatus.done, minutes=120))
    db.session.commit()
    _waiting(town, task, town.lee)
    _sign(finance, task.service_date, admin)

    run(MORNING)

    assert rows(kind="review_waiting") == []  # not the liaison's to approve
    [mail] = [m for m in smtp.mails if m.to == ["finance@example.org"]]
    assert "联合清扫" in mail.body


def test_a_moved_members_request_reaches_the_admins_of_the_unit_of_its_day(
        town, smtp, recorder):
    """review39 #3: 周建国 moved from 县商务局 to 县财政局 after the day he asks about;
    县商务局's month of that day is signed: 县商务局's admins are told, not 县财政局's."""
    admin = _admin(town)
    finance, finance_admin = _finance_admin(town)
    day = to_local(MORNING).date() - timedelta(days=40)
    moved_on = to_local(MORNING).date() - timedelta(days=20)
    db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == town.ann.id)).until = \
        moved_on
    db.session.add(RollPeriod(member_id=town.ann.id, unit_id=finance.id, since=moved_on))
    town.ann.unit_id = finance.id
    db.session.commit()
    _sign(town.unit, day, admin)
    _request(town, day)

    run(MORNING)

    [mail] = [m for m in smtp.mails if m.to == ["admin@example.org"]]
    assert f"{town.ann.name} {day.isoformat()}" in mail.body
    assert [m for m in smtp.mails if m.to == ["finance@example.org"]] == []


def _finance_without_item(town):
    """县财政局 has no checklist item in the community: its member 王五 takes part in
    县商务局's work there; its admin reads e-mail."""
    finance = f.unit("县财政局")
    admin = f.member(finance, Role.admin, "管理员赵敏")
    db.session.add(MemberNotify(member_id=admin.id, email="finance@example.org",
                                email_on=True, sms_on=False))
    db.session.commit()
    return finance, admin, f.member(finance, name="王五")


def _sign_community(town, day, by):
    """The community's own 月报 of ``day``'s month 已定稿 — no unit's."""
    db.session.add(SummaryNote(scope_key=f"community:{town.community.id}",
                               community_id=town.community.id, year=day.year,
                               month=day.month, finalized_at=utcnow(), finalized_by_id=by.id))
    db.session.commit()


def _mails_to(smtp, address):
    return [m for m in smtp.mails if m.to == [address]]


def _wangs_work_community_signed(town):
    """王五 (县财政局) took part in 县商务局's 联合清扫, reported 8 days ago and waiting,
    and asks for a 补录 of its day; the community's own 月报 of that day is signed.
    (县商务局's admin, 县财政局, its admin, the day)."""
    admin = _admin(town)
    finance, finance_admin, wang = _finance_without_item(town)
    task = town.task(local(-40, 9), title="联合清扫")
    db.session.add(Assignment(task_id=task.id, member_id=wang.id,
                              status=AssignmentStatus.done, minutes=120))
    db.session.commit()
    _waiting(town, task, town.lee)
    day = task.service_date
    db.session.add(BackfillRequest(
        member_id=wang.id, community_id=town.community.id, service_date=day,
        description="扫雪", minutes=60, status=RequestStatus.pending,
        created_at=MORNING - timedelta(days=8)))
    db.session.commit()
    _sign_community(town, day, admin)
    return admin, finance, finance_admin, day


def test_only_the_communitys_month_signed_tells_the_activitys_admins_not_her_units(
        town, smtp, recorder):
    """digest48 (notice48's Open): only 解放路社区's own 月报 of the day is signed; 县财政局's
    own month is open. 王五's 补录申请 and 县商务局's activity he took part in are the
    admin's (the community's document changes), and 县商务局's admins — whose item and
    activity the community's 月报 counts — are told; 县财政局's admins are not: there is
    nothing of theirs signed to re-open (the card and 保存 name the community, not his
    unit)."""
    admin, finance, finance_admin, day = _wangs_work_community_signed(town)

    run(MORNING)

    assert rows(kind="review_waiting") == []  # neither is the liaison's
    [mail] = _mails_to(smtp, "admin@example.org")
    assert mail.subject == "待单位管理员处理：2项"
    assert "联合清扫" in mail.body and f"王五 {day.isoformat()}" in mail.body
    assert _mails_to(smtp, "finance@example.org") == []
    assert {r.member_id for r in rows(kind="admin_waiting")} == {admin.id}


def test_her_units_own_month_signed_as_well_tells_her_units_admins_too(town, smtp, recorder):
    """The same, with 县财政局's own month signed too: its admins are told of both."""
    admin, finance, finance_admin, day = _wangs_work_community_signed(town)
    _sign(finance, day, finance_admin)

    run(MORNING)

    for address in ("admin@example.org", "finance@example.org"):
        [mail] = _mails_to(smtp, address)
        assert mail.subject == "待单位管理员处理：2项", address
        assert "联合清扫" in mail.body and f"王五 {day.isoformat()}" in mail.body, address
