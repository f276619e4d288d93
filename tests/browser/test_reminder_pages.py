"""The pages issue 10 added, in a real browser at 390×844 on the demo world: 我的设置 and
提醒设置 (a kind turned off stays off), 消息 after a reminder run, 日历订阅 (the address
shown once), a task's 分享与日历, and the admin's 提醒发送状态 — each fits the phone's
width (nothing scrolls sideways) and keeps a screenshot."""
from __future__ import annotations

import pytest

from tests.browser.conftest import follow
from tests.browser import test_owed_first as owed_first
from tests.browser.test_owed_first import _open

PHONE_WIDTH = 390

demo = owed_first.demo  # the demo world's fixture, shared


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url}: {width} px wide"


@pytest.fixture
def reminded(demo, live_server):
    """One reminder run, as `flask send-reminders` makes it (站内消息 are written even in
    quiet hours; only e-mail and SMS wait)."""
    from tracker.extensions import db
    from tracker.reminders.job import run

    with live_server.app.test_request_context("/"):
        report = run()
        db.session.commit()
        db.session.remove()
    assert report.written > 0
    return demo


def test_a_member_finds_messages_settings_and_the_calendar(reminded, new_context, live_server,
                                                            shot):
    page = _open(new_context, live_server, reminded["13800000002"])
    follow(page.get_by_role("link", name="我的设置").first)
    assert page.locator("h1").inner_text() == "我的设置"
    _fits(page)
    shot(page, "my-settings")

    follow(page.get_by_role("link", name="提醒设置"))
    first_kind = page.locator("fieldset input[type=checkbox]").first
    assert first_kind.is_checked()
    first_kind.uncheck()
    _fits(page)
    follow(page.get_by_role("button", name="保存"))
    assert "提醒设置已保存" in page.inner_text("main")
    assert not page.locator("fieldset input[type=checkbox]").first.is_checked()
    shot(page, "reminder-settings")

    page.goto(live_server.url("/me/messages"))
    assert page.locator("article.message").count() > 0
    _fits(page)
    shot(page, "messages")

    page.goto(live_server.url("/me/calendar"))
    follow(page.get_by_role("button", name="生成订阅地址"))
    address = page.locator("#feed-url").input_value()
    assert "/me/feed/" in address and address.endswith(".ics")
    _fits(page)
    shot(page, "calendar-feed")
    page.goto(live_server.url("/me/calendar"))
    assert page.locator("#feed-url").count() == 0  # shown once only
    assert "日历订阅已开启" in page.inner_text("main")


def test_a_task_page_offers_sharing_and_the_calendar(demo, new_context, live_server, shot):
    page = _open(new_context, live_server, demo["13800000002"])
    page.goto(live_server.url("/tasks/"))
    follow(page.locator("article.card a").first)
    share = page.locator("section.share")
    assert "复制链接，粘贴到微信群" in share.inner_text()
    assert "/tasks/" in share.locator("textarea").input_value()
    assert share.get_by_role("button", name="复制链接").is_visible()  # shown by copy.js
    with page.expect_download() as download:
        share.get_by_role("link", name="加入日历").click()
    assert download.value.suggested_filename.endswith(".ics")
    _fits(page)
    shot(page, "share-and-calendar")


def test_the_admin_sees_the_reminder_status(reminded, new_context, live_server, shot):
    from tracker.demo import ADMIN_PHONE

    page = _open(new_context, live_server, reminded[ADMIN_PHONE])
    page.goto(live_server.url("/outbox/"))
    assert page.locator("h1").inner_text() == "提醒发送状态"
    assert "站内消息" in page.inner_text("main")
    _fits(page)
    shot(page, "outbox-status")
