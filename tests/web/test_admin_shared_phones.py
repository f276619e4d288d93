"""Members who hold one number spelt two ways (left so by migration 0051, which named
them only in its log): the member directory says so, and 「手机号重复」 lists them by
number, each linking to the member form where the admin corrects one."""
from __future__ import annotations

from tests import factories as f
from tests.web.roll_support import edit, page_of
from tests.web.test_admin_roll_stale_page import form_on
from tracker.admin import queries as q
from tracker.extensions import db

# outside the factories' 139… numbers (tests/factories.py: 139 + a counter), which a
# long run reaches
NUMBER = "13700001005"
# Spellings stored before session 28 (11 characters: the column holds them on
# PostgreSQL too); read as phones read them, each is 13700001005.
FULL_WIDTH = "１３７００００１００５"
MIXED = "1３７００００1005"
NOTICE = "有1个手机号同时登记在多名在用党员名下。"
SHARED = "/admin/members?phones=shared"


def test_two_members_with_one_number_give_a_notice_and_both_are_listed(client, world, login):
    plain = f.member(world.unit, name="周明", phone=NUMBER)
    odd = f.member(world.unit, name="周明明", phone=FULL_WIDTH)
    f.member(world.unit, name="吴刚", phone="13700001006")
    db.session.commit()
    login(world.admin)
    directory = page_of(client.get("/admin/members"))
    assert NOTICE in directory and 'href="/admin/members?phones=shared"' in directory
    page = page_of(client.get(SHARED))
    assert "手机号 137****1005" in page
    assert f'href="{edit(plain.id)}">周明</a>' in page
    assert f'href="{edit(odd.id)}">周明明</a>' in page
    assert "吴刚" not in page
    # the badge marks the one stored another way (who cannot log in with the number)
    assert page.count('<span class="badge warn">写法不规范</span>') == 1
    assert page.index("周明明") < page.index('<span class="badge warn">写法不规范</span>')


def test_after_correcting_one_the_notice_is_gone(client, world, login):
    f.member(world.unit, name="周明", phone=NUMBER)
    odd = f.member(world.unit, name="周明明", phone=FULL_WIDTH)
    db.session.commit()
    login(world.admin)
    form = page_of(client.get(edit(odd.id)))
    response = client.post(edit(odd.id), data=form_on(form, "phone", phone="13700001007"))
    assert response.status_code == 302, page_of(response)[-2000:]
    assert NOTICE not in page_of(client.get("/admin/members"))
    assert "没有手机号重复的在用党员。" in page_of(client.get(SHARED))


def test_two_spellings_with_no_plain_one_are_a_group_and_a_switched_off_member_is_none(world):
    first = f.member(world.unit, name="甲", phone=FULL_WIDTH)
    second = f.member(world.unit, name="乙", phone=MIXED)
    f.member(world.unit, name="丙", phone="13700002001")
    f.member(world.unit, name="丁", phone="１３７０００２００１", active=False)
    db.session.commit()
    groups = q.shared_phones(db.session)
    assert [(g.number, [m.id for m in g.members]) for g in groups] == [
        (NUMBER, [first.id, second.id])]


def test_no_notice_when_every_number_is_one_members(client, world, login):
    f.member(world.unit, name="周明", phone=NUMBER)
    db.session.commit()
    login(world.admin)
    assert "手机号同时登记在多名在用党员名下" not in page_of(client.get("/admin/members"))
    assert q.shared_phones(db.session) == []
