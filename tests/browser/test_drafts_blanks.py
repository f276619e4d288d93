"""A refused form whose typed value had blanks the server strips (walk 5, D1), in a real
browser: the refused page shows what was posted, as the server keeps it (the blanks
around a name pasted from Excel or WeChat, inside a phone number as WeChat shows it,
gone). That is the draft the page already shows: no 「已恢复本机保存的草稿」 on a page the
member never left, and the blanks are not put back."""
from __future__ import annotations

from tests.browser.conftest import follow

RESTORED = "已恢复本机保存的草稿"


def test_a_refused_name_with_blanks_around_it_is_not_a_restored_draft(
        live_server, world, user_page):
    admin = user_page(world.admin)
    admin.goto(live_server.url("/admin/communities/new"))
    admin.get_by_label("社区名称").fill(f" {world.community} ")  # a namesake, pasted
    follow(admin.get_by_role("button", name="添加", exact=True))
    main = admin.locator("main").inner_text()
    assert "已有同名的社区" in main
    assert RESTORED not in main
    assert admin.get_by_label("社区名称").input_value() == world.community


def test_a_refused_phone_typed_with_spaces_is_not_a_restored_draft(
        live_server, world, user_page):
    admin = user_page(world.admin)
    admin.goto(live_server.url("/admin/members/new"))
    phone = world.member.phone
    admin.get_by_label("姓名").fill("孙丽 ")
    admin.get_by_label("手机号").fill(f"{phone[:3]} {phone[3:7]} {phone[7:]}")  # another's
    follow(admin.get_by_role("button", name="添加", exact=True))
    main = admin.locator("main").inner_text()
    assert "该手机号已被其他党员使用" in main
    assert RESTORED not in main
    assert admin.get_by_label("姓名").input_value() == "孙丽"
