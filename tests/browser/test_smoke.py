"""The browser harness works: Chromium at phone size reaches the live server."""


def test_login_page_shows_login(page, live_server, shot):
    page.goto(live_server.url("/auth/login"))
    assert page.get_by_role("heading", name="登录").is_visible()
    assert page.viewport_size == {"width": 390, "height": 844}
    shot(page, "login")


def test_member_can_sign_in(user_page, world, shot):
    page = user_page(world.member)
    assert world.member.name in page.inner_text("footer")
    shot(page, "signed-in")
