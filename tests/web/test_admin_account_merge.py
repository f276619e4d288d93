"""合并账号 on the admin's pages: from the member page (and the 手机号重复 page) to the
confirmation that shows what moves, then the merge; a conflict is refused on the same
page with the tasks named; the merged account cannot log in."""
from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from tests import factories as f
from tests.audit import work_event_count
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Member
from tracker.services import merge


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def confirm(client, keep, drop):
    shown = merge.preview(db.session.get(Member, keep.id), db.session.get(Member, drop.id)).key()
    return client.post(f"/admin/members/{drop.id}/merge-into/{keep.id}", data={"shown": shown})


def test_the_member_page_leads_to_a_confirmation_that_shows_what_moves(client, world, admin):
    """李四 (B) has 90 minutes confirmed on 环境整治; 张三 (A) is kept."""
    db.session.add(Assignment(task_id=world.task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.done, minutes=90))
    db.session.commit()
    page = text(client.get(f"/admin/members/{world.other_member.id}/edit"))
    assert f"/admin/members/{world.other_member.id}/merge" in page

    page = text(client.get(f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"))
    counts = dict(zip(*[re.findall(rf"<{tag}>([^<]*)</{tag}>", page) for tag in ("dt", "dd")]))
    assert counts["参与记录"] == "1" and counts["其中已确认服务时长（小时）"] == "1.5"
    assert "确认合并" in page

    response = confirm(client, world.member, world.other_member)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/members/{world.member.id}/edit")
    page = text(client.get(f"/admin/members/{world.other_member.id}/edit"))
    assert "该账号已合并至张三" in page
    assert db.session.scalar(select(Assignment.member_id).where(
        Assignment.task_id == world.task.id)) == world.member.id


def test_a_task_both_took_part_in_is_named_and_the_merge_refused_on_the_page(
        client, world, admin):
    """张三 is on 楼道清理 (the world's past task); 李四 claimed it too."""
    db.session.add(Assignment(task_id=world.past_task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.claimed))
    db.session.commit()
    page = text(client.get(f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"))
    assert "两个账号都参加了以下任务，不能合并" in page and "楼道清理" in page
    assert "确认合并" not in page

    events = work_event_count()
    response = confirm(client, world.member, world.other_member)
    assert response.status_code == 200
    page = text(response)
    assert "不能合并" in page and "楼道清理" in page
    assert work_event_count() == events
    db.session.expire_all()
    assert db.session.get(Member, world.other_member.id).active
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.member_id == world.other_member.id)) == 1


def test_accounts_of_two_units_are_refused_with_what_to_do(client, world, admin):
    other = f.member(f.unit("县财政局"), name="李四")
    db.session.commit()
    page = text(client.get(f"/admin/members/{other.id}/merge?keep={world.member.id}"))
    assert "两个账号不属于同一单位" in page
    assert "确认合并" not in page


def test_the_merged_account_cannot_log_in_and_its_sessions_end(client, world, login):
    login(world.other_member)
    assert client.get("/tasks/").status_code == 200
    admin = db.session.get(Member, world.admin.id)
    keep, drop = (db.session.get(Member, m.id) for m in (world.member, world.other_member))
    merge.merge_members(keep, drop, admin, shown=merge.preview(keep, drop).key())
    db.session.commit()

    assert client.get("/tasks/").status_code == 302  # the session ended with the merge
    response = client.post("/auth/login", data={"phone": world.other_member.phone,
                                                "password": f.PASSWORD})
    assert response.status_code == 200
    assert "该账号已停用，请联系单位管理员。" in text(response)  # B's own password: told
    response = client.post("/auth/login", data={"phone": world.member.phone,
                                                "password": f.PASSWORD})
    assert response.status_code == 302  # A keeps their login


def test_the_shared_phones_page_offers_the_merge_of_each_pair_of_one_unit(client, world, admin):
    """One number (137…1005) spelt three ways: two accounts of 县商务局 (each may be merged
    into the other) and one of 县财政局 (no merge across units)."""
    plain = f.member(world.unit, name="周明", phone="13700001005")
    odd = f.member(world.unit, name="周明", phone="１３７００００１００５")
    elsewhere = f.member(f.unit("县财政局"), name="周明", phone="1３７００００1005")
    db.session.commit()
    page = text(client.get("/admin/members?phones=shared"))
    assert f"/admin/members/{odd.id}/merge?keep={plain.id}" in page
    assert f"/admin/members/{plain.id}/merge?keep={odd.id}" in page
    assert f"/admin/members/{elsewhere.id}/merge" not in page
    assert f"merge?keep={elsewhere.id}" not in page


def test_a_finalised_community_month_is_named_on_the_page_and_after_the_merge(
        client, world, admin):
    """李四 (B) worked on an approved activity of 解放路社区 two months ago, whose
    community 月报 (every unit's work there) is 已定稿; no unit month is. The merge
    changes that month's distinct people: the confirmation page names it, and so does
    the message after the merge."""
    from datetime import timedelta

    from tests.rollups import builders as b
    from tracker.models import SummaryScope
    from tracker.reports import final
    from tracker.timeutil import local_today

    day = (local_today().replace(day=1) - timedelta(days=40)).replace(day=8)
    worked = b.task_on(world.item, world.liaison, day, title="清理楼道")
    b.join(worked, world.other_member, minutes=90)
    b.report(worked, world.liaison)
    final.finalize(world.admin, SummaryScope(community_id=world.community.id), day.year, day.month)
    db.session.commit()
    named = f"{world.community.name}{day.year}年{day.month}月"

    page = text(client.get(f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"))
    assert f"合并会改变以下已定稿月报的当前数据：{named}。" in page

    response = confirm(client, world.member, world.other_member)
    assert f"这次合并涉及已定稿的月报：{named}。" in text(client.get(response.headers["Location"]))
