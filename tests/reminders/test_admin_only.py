"""What only an admin may do reaches the unit's admins, not the liaison (walk7 D6): a
report of a 已定稿 month waits for an admin's 通过, a 补录申请 dated in one for an
admin's 采纳. The liaison's 待审核已等待多日 leaves them out — no daily nag to do what
they cannot —, and the admins get 待单位管理员处理 in their own digest, through the same
outbox and channels. Against the real SMTP server and SMS recorder of tests/reminders,
with the clock injected."""
from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.reminders.conftest import local
from tests.reminders.outbox_rows import rows
from tracker.extensions import db
from tracker.models import BackfillRequest, Channel, MemberNotify, RequestStatus, Role
from tracker.reminders.job import run
from tracker.timeutil import to_local

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
