"""停用 of a member on the admin's page (review walk2, defect 2): their places on tasks
not started go back — the first 候补 moving up as for a withdrawal — and the page says
how many were released."""
from __future__ import annotations

import html

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Member
from tracker.services import unit_of_work
from tracker.services.claims import claim_slot
from tracker.services.waitlist import join_waitlist


def test_switching_a_member_off_says_how_many_places_went_back(client, login, world):
    full = f.task(world.item, world.liaison, slots=1, title="敬老院包饺子")
    open_one = f.task(world.item, world.liaison, slots=3, title="义诊")
    waiting = f.member(world.unit, name="赵一")
    db.session.commit()
    with unit_of_work():
        claim_slot(full, world.member)
        claim_slot(open_one, world.member)
        join_waitlist(full, waiting)
    login(world.admin)
    page = client.post(f"/admin/members/{world.member.id}/active", data={"active": "0", "confirmed": "1"},
                       follow_redirects=True)
    assert page.status_code == 200
    assert "已释放2个未开始任务的名额。" in html.unescape(page.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Member, world.member.id).active is False
    mine = {a.task_id: a.status for a in db.session.query(Assignment)
            .filter_by(member_id=world.member.id)}
    assert mine[full.id] == mine[open_one.id] == AssignmentStatus.withdrawn
    promoted = db.session.query(Assignment).filter_by(task_id=full.id,
                                                      member_id=waiting.id).one()
    assert promoted.status == AssignmentStatus.claimed


def test_a_member_without_places_is_switched_off_without_the_line(client, login, world):
    login(world.admin)
    page = client.post(f"/admin/members/{world.other_member.id}/active", data={"active": "0", "confirmed": "1"},
                       follow_redirects=True)
    assert "个未开始任务的名额" not in html.unescape(page.get_data(as_text=True))


def test_switching_off_a_claimer_names_the_needs_left_claimed(client, login, world):
    """walk8 #15: a need the member claimed (alone, or as the contact of their unit's
    claim) and that is not yet fulfilled is named, with what the liaison does: give the
    claim back (取消认领 on the need's page), so that someone else can take it. A need
    they fulfilled, or one claimed by another, is not named."""
    from tests.needs.support import need
    from tracker.models import NeedStatus

    need(world.community, world.liaison, title="帮空巢老人修理轮椅", status=NeedStatus.claimed,
         claimer=world.member, claimed_unit_id=world.unit.id)
    need(world.community, world.liaison, title="每周帮独居老人代购米面",
         status=NeedStatus.claimed, claimer=world.member)
    need(world.community, world.liaison, title="购买一副老花镜", status=NeedStatus.fulfilled,
         claimer=world.member, fulfilled_on=world.past_task.service_date)
    need(world.community, world.liaison, title="清理楼道杂物", status=NeedStatus.claimed,
         claimer=world.other_member)
    db.session.commit()
    login(world.admin)
    page = html.unescape(client.post(f"/admin/members/{world.member.id}/active",
                                     data={"active": "0", "confirmed": "1"}, follow_redirects=True)
                         .get_data(as_text=True))
    said = (f"{world.member.name} 认领（或作为单位认领的联系人）的以下需求尚未完成，"
            "请社区联络员在需求页面取消认领，以便他人重新认领：")
    assert said in page
    named = page.split(said, 1)[1].split("<", 1)[0]
    assert named.split("、") == [f"帮空巢老人修理轮椅（{world.community.name}）",
                                 f"每周帮独居老人代购米面（{world.community.name}）"]


def test_a_refused_reactivation_says_nothing_of_a_switch_off(client, login, world):
    """review38b #6: the needs left claimed (and the tasks led) are named after a 停用
    that happened, not after a 重新启用 refused (an erased phone must be replaced first),
    which switched nobody off."""
    from tests.needs.support import need
    from tracker.models import NeedStatus
    from tracker.services.member_retention import erase_contact

    need(world.community, world.liaison, title="帮空巢老人修理轮椅", status=NeedStatus.claimed,
         claimer=world.member)
    world.member.active = False
    erase_contact(world.member)
    db.session.commit()
    login(world.admin)
    page = html.unescape(client.post(f"/admin/members/{world.member.id}/active",
                                     data={"active": "1"}, follow_redirects=True)
                         .get_data(as_text=True))
    assert "手机号已清除" in page  # refused
    assert "帮空巢老人修理轮椅" not in page
    assert "的以下需求尚未完成" not in page
