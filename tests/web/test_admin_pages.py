"""Admin index and list pages, 停用 / 重新启用 buttons, lock-out protection."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.models import AuditEvent, Community, Member, Unit


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_index_links_every_section_with_counts(client, world, admin):
    f.zone(world.community, "一区", world.unit)
    f.member(world.unit, name="未激活的人").password_hash = None
    f.unit("已撤并单位").active = False
    db.session.commit()
    page = text(client.get("/admin/"))
    for url in ("/admin/units", "/admin/communities", "/admin/zones", "/admin/categories",
                "/admin/items", "/admin/members"):
        assert f'href="{url}' in page
    stats = dict((label, int(n)) for n, label in
                 re.findall(r"<b>(\d+)</b><span>([^<（]+)", page))
    # 党员干部 counts liaisons and members, as 开始使用 does, not the admin (walk5 D2): the
    # world's two liaisons, member, other member and leader, and the one not activated
    assert stats == {"单位": 1, "社区": 2, "责任区": 1, "类别": 10, "资源清单": 2, "党员干部": 6}
    assert "其中 1 名党员干部尚未通过邀请链接激活账号" in page


def test_member_list_masks_phones(client, world, admin):
    page = text(client.get("/admin/members"))
    assert world.member.masked_phone in page
    for m in (world.member, world.liaison, world.admin):
        assert m.phone not in page
    assert "解放路社区" in page  # the liaison's community


def test_member_search_by_name_and_phone(client, world, admin):
    f.member(world.unit, name="周八", phone="13855550001")
    db.session.commit()
    page = text(client.get("/admin/members?q=周八"))
    assert "周八" in page and "张三" not in page
    page = text(client.get("/admin/members?q=5555000"))
    assert "周八" in page and "张三" not in page
    page = text(client.get("/admin/members?q=%25"))  # a LIKE wildcard is just a character
    assert "没有符合条件的记录" in page
    page = text(client.get("/admin/members?role=liaison"))
    assert "联络员甲" in page and "张三" not in page


def test_member_list_status_filter(client, world, admin):
    world.other_member.active = False
    db.session.commit()
    assert "李四" not in text(client.get("/admin/members?status=active"))
    page = text(client.get("/admin/members?status=inactive"))
    assert "李四" in page and "张三" not in page


def test_member_list_is_paged(client, world, admin):
    for n in range(60):
        f.member(world.unit, name=f"甲{n:02d}")
    db.session.commit()
    first = text(client.get("/admin/members"))
    assert "第 1 / 2 页" in first and "共 66 条" in first
    second = text(client.get("/admin/members?page=2"))
    assert "第 2 / 2 页" in second
    names = lambda page: set(re.findall(r'<td data-label="姓名">(甲\d\d)', page))  # noqa: E731
    assert names(first).isdisjoint(names(second))
    assert len(names(first) | names(second)) == 60
    assert names(text(client.get("/admin/members?page=99"))) == names(second)  # the last


def test_member_list_query_count_does_not_grow(client, world, admin, count_queries):
    client.get("/admin/members")  # warm up
    db.session.expire_all()  # the same starting point as after the commit below
    with count_queries() as small:
        client.get("/admin/members")
    for n in range(40):
        f.member(world.unit, name=f"乙{n}", communities=[world.community] if n % 2 else [])
    db.session.commit()
    with count_queries() as big:
        client.get("/admin/members")
    assert big.count == small.count


@pytest.mark.parametrize("url,shown", [
    ("/admin/units", "县商务局"),
    ("/admin/communities", "建设路社区"),
    ("/admin/categories", "下水道、人行道及破损道路摸排"),
    ("/admin/items", "牛皮癣清除"),
])
def test_lists_show_records(client, world, admin, url, shown):
    page = text(client.get(url))
    assert shown in page and "停用" in page


def test_zone_and_item_lists_filter_by_community(client, world, admin):
    f.zone(world.community, "解放一区", world.unit)
    f.zone(world.other_community, "建设一区", world.unit)
    db.session.commit()
    page = text(client.get(f"/admin/zones?community={world.other_community.id}"))
    assert "建设一区" in page and "解放一区" not in page
    page = text(client.get(f"/admin/items?community={world.other_community.id}"))
    assert "牛皮癣清除" in page and "环境整治" not in page
    page = text(client.get("/admin/items?year=1999"))
    assert "没有符合条件的记录" in page
    assert client.get("/admin/items?year=abc&community=x").status_code == 200


def test_item_list_marks_items_with_tasks(client, world, admin):
    f.item(world.unit, world.community, "elderly_visit")
    db.session.commit()
    page = text(client.get("/admin/items"))
    assert page.count("已有任务") == 2  # world.item and world.other_item have tasks


def test_deactivate_and_reactivate_unit(client, world, admin):
    unit = f.unit("县粮食局")  # nobody belongs to it
    db.session.commit()
    response = client.post(f"/admin/units/{unit.id}/active", data={"active": "0"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/units")
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).active is False
    page = text(client.get("/admin/units"))
    assert "已停用：县粮食局" in page and "重新启用" in page
    # Posting the same state again changes nothing and writes no second audit row.
    client.post(f"/admin/units/{unit.id}/active", data={"active": "0"})
    client.post(f"/admin/units/{unit.id}/active", data={"active": "1"})
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).active is True
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "unit", AuditEvent.entity_id == unit.id)
        .order_by(AuditEvent.id)).all()
    assert actions == ["deactivate", "reactivate"]


def test_a_unit_with_people_in_use_is_not_switched_off(client, world, admin):
    # walk8 #11: its members are on its roll; switched off, no list would offer it
    unit = f.unit("县财政局")
    for name in ("周建国", "陈丽华"):
        f.member(unit, name=name)
    f.member(unit, name="王秀英", active=False)  # switched off: on no roll, not counted
    db.session.commit()
    response = client.post(f"/admin/units/{unit.id}/active", data={"active": "0"},
                           follow_redirects=True)
    page = text(response)
    assert "县财政局还有2名在用的人员（党员干部、管理员或联络员），不能停用。" in page
    assert "把他们的单位改为其他单位（或停用其账号），再停用该单位" in page
    assert "已停用：县财政局" not in page
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).active is True


def test_toggle_returns_to_safe_next_only(client, world, admin):
    url = f"/admin/communities/{world.community.id}/active"
    response = client.post(url + "?next=/admin/communities?page=1", data={"active": "0"})
    assert response.headers["Location"].endswith("/admin/communities?page=1")
    response = client.post(url + "?next=https://evil.example/", data={"active": "1"})
    assert response.headers["Location"].endswith("/admin/communities")
    assert "evil" not in response.headers["Location"]


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_toggle_with_bad_value_is_400_and_changes_nothing(client, world, admin, value):
    response = client.post(f"/admin/communities/{world.community.id}/active", data={"active": value})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Community, world.community.id).active is True


def test_toggle_is_post_only(client, world, admin):
    assert client.get(f"/admin/units/{world.unit.id}/active").status_code == 405
    db.session.expire_all()
    assert db.session.get(Unit, world.unit.id).active is True


def test_deactivated_member_cannot_log_in(client, world, admin, login):
    client.post(f"/admin/members/{world.member.id}/active", data={"active": "0", "confirmed": "1"})
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"phone": world.member.phone, "password": f.PASSWORD})
    assert response.status_code == 200  # the login form again, not a redirect


def test_admin_cannot_deactivate_themselves(client, world, admin):
    response = client.post(f"/admin/members/{admin.id}/active", data={"active": "0", "confirmed": "1"},
                           follow_redirects=True)
    assert "不能停用自己的账号。" in text(response)
    db.session.expire_all()
    assert db.session.get(Member, admin.id).active is True
    # The list offers no 停用 button on one's own row; the edit page explains why.
    page = text(client.get("/admin/members"))
    own_row = re.search(r'<tr>\s*<td data-label="姓名">管理员.*?</tr>', page, re.S).group(0)
    assert "停用" not in own_row.replace("已停用", "")
    assert "这是您自己的账号" in text(client.get(f"/admin/members/{admin.id}/edit"))


def test_pages_have_no_inline_script_or_style(client, world, admin):
    for url in ("/admin/", "/admin/units", "/admin/members", "/admin/items/new",
                f"/admin/members/{world.liaison.id}/edit", f"/admin/items/{world.item.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        # Scripts come from files (static/js), never inline.
        assert not re.search(r"<script(?![^>]*\ssrc=)", page) and "style=" not in page, url
        assert "<th" not in page.split("<body")[0], url  # nothing leaks into <head>


def test_history_is_never_deleted(client, world, admin):
    # There is no delete route at all for admin records.
    rules = [r.rule for r in client.application.url_map.iter_rules() if r.endpoint.startswith("admin.")]
    assert not [r for r in rules if "delete" in r]
    # (/roll-date corrects the date of a member's latest roll change: it deletes no stay;
    # /merge and /merge-into/<id> move a duplicate account's work onto the account kept
    # and switch the duplicate off — its stays on the roll become the kept account's, as
    # they were before in the merge's audit row)
    assert all(r.endswith(("/edit", "/new", "/active", "/copy", "/roll-date", "/merge"))
               or "/merge-into/" in r or r.count("/") <= 2 for r in rules)


def test_switching_off_a_leader_names_the_tasks_left_without_one(client, world, admin):
    """Nobody reports a task whose leader's account is off: the admin is told which at
    once (the liaison's pages mark it too)."""
    response = client.post(f"/admin/members/{world.leader.id}/active", data={"active": "0", "confirmed": "1"},
                           follow_redirects=True)
    page = text(response)
    assert f"{world.leader.name} 是以下任务的组长，请联络员另选组长：" in page
    assert world.task.title in page  # open, led by them, not yet reported
    response = client.post(f"/admin/members/{world.member.id}/active", data={"active": "0", "confirmed": "1"},
                           follow_redirects=True)
    assert "是以下任务的组长" not in text(response)  # leads nothing
