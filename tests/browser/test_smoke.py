"""The browser harness works: Chromium at phone size reaches the live server, and a
member signs in by typing into the login form (the other tests sign in through the
context's HTTP client, see ``sign_in``)."""
from tests.browser.conftest import sign_in


def test_login_page_shows_login(page, live_server, shot):
    page.goto(live_server.url("/auth/login"))
    assert page.get_by_role("heading", name="登录").is_visible()
    assert page.viewport_size == {"width": 390, "height": 844}
    shot(page, "login")


def test_member_can_sign_in(page, live_server, world, shot):
    sign_in(page, live_server, world.member, form=True)
    assert world.member.name in page.inner_text("footer")
    shot(page, "signed-in")


def test_the_quick_sign_in_lands_where_the_form_does(page, new_context, live_server, world):
    typed = new_context().new_page()
    sign_in(typed, live_server, world.member, form=True)
    sign_in(page, live_server, world.member)
    assert page.url == typed.url
    assert world.member.name in page.inner_text("footer")
