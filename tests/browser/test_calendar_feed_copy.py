"""walk55 #3: 日历订阅 shows its address once, in a read-only box; on a phone (WeChat's
browser) selecting a long address in a box is fiddly, and the page said it would not
show it again. Like a task's 分享 and the WeChat download page, it now has a 复制链接
button (copy.js) that puts the address on the clipboard in one tap."""
from __future__ import annotations

from tests.browser.conftest import follow


def test_the_feed_address_is_copied_in_one_tap(world, user_page, live_server, shot):
    page = user_page(world.member)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url("/").rstrip("/"))
    page.goto(live_server.url("/me/calendar"))
    follow(page.get_by_role("button", name="生成订阅地址"))
    address = page.locator("#feed-url").input_value()
    assert "/me/feed/" in address
    button = page.get_by_role("button", name="复制链接")
    assert button.is_visible()
    button.click()
    page.wait_for_function("() => document.querySelector('[data-copy]').textContent.startsWith('✓')")
    assert page.evaluate("navigator.clipboard.readText()") == address
    shot(page, "feed-copied")
