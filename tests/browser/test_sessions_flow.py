"""登录设备 in a real browser: a member logged in on two phones ends the other one from
this one, and the other phone, reloading, is at the login page (its cookies replayed)."""

from tests.browser.conftest import follow


def test_ending_the_other_phone_from_the_devices_page(user_page, world, live_server, shot):
    this_phone = user_page(world.member)
    other_phone = user_page(world.member)
    follow(this_phone.get_by_role("link", name="我的设置"))
    follow(this_phone.get_by_role("link", name="登录设备"))
    rows = this_phone.locator("tbody tr")
    assert rows.count() == 2
    assert "本设备" in rows.filter(has_text="本设备").inner_text()
    shot(this_phone, "two devices")
    follow(rows.filter(has_not_text="本设备").get_by_role("button", name="退出"))
    assert "已退出该设备上的登录" in this_phone.inner_text("main")
    assert this_phone.locator("tbody tr").count() == 1
    shot(this_phone, "one device left")

    other_phone.goto(live_server.url("/tasks/mine"))  # its session and remember-me cookies
    assert "/auth/login" in other_phone.url
    shot(other_phone, "other phone logged out")


def test_log_out_everywhere(user_page, world, live_server):
    this_phone = user_page(world.member)
    other_phone = user_page(world.member)
    follow(this_phone.get_by_role("link", name="我的设置"))
    follow(this_phone.get_by_role("link", name="登录设备"))
    follow(this_phone.get_by_role("button", name="退出所有设备"))
    assert "/auth/login" in this_phone.url
    other_phone.goto(live_server.url("/tasks/mine"))
    assert "/auth/login" in other_phone.url
