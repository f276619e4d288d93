"""账号安全: the member hears, on every channel, when a link to reset their password is
made and when it is used — who made it and when — so a reset they did not ask for is
noticed (a liaison's link once let them sign in as a member unseen)."""
from __future__ import annotations

from sqlalchemy import select

from tests import factories as f
from tests.reminders.conftest import local
from tracker.extensions import db
from tracker.models import Channel, Outbox, Role
from tracker.reminders.job import run
from tracker.services.invitations import accept_invitation, issue_links


def inbox(member) -> list[Outbox]:
    db.session.expire_all()
    return list(db.session.scalars(select(Outbox).where(
        Outbox.member_id == member.id, Outbox.channel == Channel.inapp,
        Outbox.kind == "password_reset").order_by(Outbox.id)))


def test_a_reset_link_and_its_use_are_told_to_the_member(app, town, smtp, recorder):
    admin = f.member(town.unit, Role.admin, "管理员王强")
    db.session.commit()
    [ann_link] = issue_links(admin, [town.ann])
    [bob_link] = issue_links(admin, [town.bob])
    db.session.commit()
    # Not a kind anyone may switch off, nor one an installation's REMINDER_KINDS leaves
    # out, nor one today's cap holds back.
    app.config["REMINDER_KINDS"] = ["tomorrow"]
    app.config["REMINDER_DAILY_CAP"] = 0
    run(local(0, 10))
    [made] = inbox(town.ann)
    assert "单位管理员管理员王强" in made.body and "重设登录密码的链接" in made.body
    assert "如非本人申请，请立即联系单位管理员" in made.body
    assert [m.to for m in smtp.mails] == [["ann@example.org"]]
    assert [p.json["mobile"] for p in recorder.to("/sms")] == [town.bob.phone]

    accept_invitation(ann_link.token, "Hongqi-Piaopiao-88")
    db.session.commit()
    run(local(0, 10, 5))
    made, used = inbox(town.ann)
    assert used.subject == "您的登录密码已重设"
    assert "单位管理员管理员王强生成的链接重设" in used.body and "如非本人操作" in used.body
    assert smtp.mails[-1].subject == "您的登录密码已重设"
    assert run(local(0, 10, 10)).written == 0  # each told once
    assert bob_link.invitation.used_at is None


def test_an_activation_link_tells_nobody(town):
    admin = f.member(town.unit, Role.admin, "管理员王强")
    newcomer = f.member(town.unit, name="新党员")
    newcomer.password_hash = None
    db.session.commit()
    issue_links(admin, [newcomer])
    db.session.commit()
    run(local(0, 10))
    assert inbox(newcomer) == []


def test_the_notice_is_not_offered_in_the_settings(client, login, town):
    login(town.liaison)
    page = client.get("/me/settings").get_data(as_text=True)
    assert "明天的任务" in page and "账号安全" not in page
